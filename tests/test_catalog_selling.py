"""Catalogue, the selling side: categories and products made, changed and deleted through the
services and the API (what an allowed call does; who may call is tests/test_permissions.py), and
product images."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from strawberry import relay

from domain.accounts.models import Store
from domain.cart.models import Cart
from domain.catalog import selectors, services
from domain.catalog.models import Category, Product
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    ErrorCode,
    NotFound,
    ValidationFailed,
)
from domain.images import MAX_BYTES
from domain.orders.models import Checkout, Order, OrderItem

from .factories import make_category, make_seller
from .helpers import add_product, cart_line, gid, multipart, png, product_input

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Everything a refused catalogue mutation must leave alone."""
    products = Product.objects.order_by("pk").values_list(
        "pk", "name", "slug", "price", "stock_quantity", "is_active", "deleted_at", "category_id", "image"
    )
    return [*products, *Category.objects.order_by("pk").values_list("pk", "name", "slug")]


# ---------------------------------------------------------------- services: categories


def test_category_slug_is_transliterated_unique_and_kept():
    first = services.category_create(name="  Electrónicos ", description=" Telemóveis ")
    assert (first.name, first.slug, first.description) == ("Electrónicos", "electronicos", "Telemóveis")
    second = services.category_create(name="Electrónicos!")
    assert second.slug == "electronicos-2"
    chinese = services.category_create(name="电子产品")
    assert chinese.slug.startswith("categoria-")


def test_category_name_is_unique_whatever_its_case():
    services.category_create(name="Moda")
    with pytest.raises(AlreadyExists) as caught:
        services.category_create(name="MODA")
    assert (caught.value.code, caught.value.field) == (ErrorCode.UNIQUE, "name")
    assert Category.objects.count() == 1


@pytest.mark.parametrize(("name", "code"), [("  ", ErrorCode.REQUIRED), ("x" * 101, ErrorCode.INVALID)])
def test_category_name_rules(name, code):
    with pytest.raises(DomainError) as caught:
        services.category_create(name=name)
    assert (caught.value.code, caught.value.field) == (code, "name")
    assert not Category.objects.exists()


def test_renaming_a_category_keeps_its_slug_and_updates_search(seller):
    category = services.category_create(name="Electrónicos")
    product = add_product(seller, name="Rádio", category=category)
    other = services.category_create(name="Moda")

    services.category_update(category=category, name="Electrodomésticos")

    category.refresh_from_db()
    assert (category.name, category.slug) == ("Electrodomésticos", "electronicos")
    assert list(selectors.product_search(search="electrodomesticos")) == [product]
    assert not selectors.product_search(search="electronicos").exists()
    with pytest.raises(AlreadyExists):
        services.category_update(category=category, name="MODA")
    assert Category.objects.get(pk=other.pk).name == "Moda"


def test_admin_screens_go_through_the_services(client, admin, seller):
    client.force_login(admin)
    response = client.post("/admin/catalog/category/add/", {"name": "Electrónicos", "description": ""})
    assert response.status_code == 302
    category = Category.objects.get()
    assert category.slug == "electronicos"
    product = add_product(seller, name="Rádio", category=category)

    response = client.post(
        f"/admin/catalog/category/{category.pk}/change/", {"name": "Som", "description": "x"}
    )
    assert response.status_code == 302
    assert (Category.objects.get().slug, selectors.product_search(search="som").get()) == (
        "electronicos",
        product,
    )

    refused = client.post("/admin/catalog/category/add/", {"name": "som", "description": ""})
    assert refused.status_code == 200 and "Já existe uma categoria com este nome." in refused.content.decode()
    assert Category.objects.count() == 1
    assert client.get("/admin/catalog/product/add/").status_code == 403


# ---------------------------------------------------------------- services: products


def test_product_create_puts_it_in_the_sellers_store(seller, category):
    product = services.product_create(
        seller=seller,
        name=" Telemóvel Kianda X ",
        description="Ecrã de 6,5 polegadas",
        price=Decimal("185000.5"),
        stock_quantity=0,
        category_id=category.pk,
    )
    product.refresh_from_db()
    assert product.store == seller.store
    assert (product.name, product.slug, product.price) == (
        "Telemóvel Kianda X",
        "telemovel-kianda-x",
        Decimal("185000.50"),
    )
    assert product.in_stock is False
    assert product.search_text == "telemovel kianda x ecra de 6,5 polegadas electronicos"
    again = add_product(seller, name="Telemóvel Kianda X", category=category)
    assert again.slug == "telemovel-kianda-x-2"


INVALID_INPUTS = [
    ({"price": Decimal("0")}, "price", ErrorCode.INVALID),
    ({"price": Decimal("-3")}, "price", ErrorCode.INVALID),
    ({"price": Decimal("10.005")}, "price", ErrorCode.INVALID),
    ({"price": Decimal("NaN")}, "price", ErrorCode.INVALID),
    ({"price": Decimal("1e10")}, "price", ErrorCode.INVALID),
    ({"stock_quantity": -1}, "stock_quantity", ErrorCode.INVALID),
    ({"stock_quantity": 2.5}, "stock_quantity", ErrorCode.INVALID),
    ({"name": "   "}, "name", ErrorCode.REQUIRED),
    ({"name": "x" * 201}, "name", ErrorCode.INVALID),
    ({"description": "x" * 10_001}, "description", ErrorCode.INVALID),
    ({"category_id": 999_999}, "category_id", ErrorCode.NOT_FOUND),
    ({"image": io.BytesIO(b"not an image")}, "image", ErrorCode.INVALID),
]


@pytest.mark.parametrize(("change", "field", "code"), INVALID_INPUTS)
def test_product_create_refuses_bad_input(seller, category, change, field, code):
    arguments = {"name": "Rádio", "price": Decimal("10.00"), "stock_quantity": 1, "category_id": category.pk}
    with pytest.raises(DomainError) as caught:
        services.product_create(seller=seller, **{**arguments, **change})
    assert [(e.field, e.code) for e in caught.value.details] == [(field, code)]
    assert not Product.objects.exists()


def test_every_bad_input_is_reported_at_once(seller):
    with pytest.raises(ValidationFailed) as caught:
        services.product_create(
            seller=seller, name="", price=Decimal("0.001"), stock_quantity=-5, category_id=123456
        )
    assert {(e.field, e.code) for e in caught.value.details} == {
        ("name", ErrorCode.REQUIRED),
        ("price", ErrorCode.INVALID),
        ("stock_quantity", ErrorCode.INVALID),
        ("category_id", ErrorCode.NOT_FOUND),
    }


def test_two_decimal_price_written_with_more_zeros_is_accepted(seller, category):
    product = add_product(seller, name="Pano", price="7500.500", category=category)
    assert product.price == Decimal("7500.50")


def test_a_seller_needs_an_active_store(category):
    no_store = make_seller(with_store=False)
    closed = make_seller()
    Store.objects.filter(seller=closed).update(is_active=False)
    for seller in (no_store, closed):
        with pytest.raises(BusinessForbidden):
            add_product(seller, name="Rádio", category=category)
    assert not Product.objects.exists()


def test_product_update_keeps_the_slug_and_follows_stock(seller, product):
    other_category = make_category(name="Moda")
    updated = services.product_update(
        seller=seller,
        product_id=product.pk,
        name="Telefone Kianda",
        stock_quantity=0,
        price=Decimal("99.9"),
        category_id=other_category.pk,
        is_active=False,
    )
    product.refresh_from_db()
    assert (product.name, product.slug, product.price) == (
        "Telefone Kianda",
        "telemovel-kianda",
        Decimal("99.90"),
    )
    assert (product.in_stock, updated.in_stock, product.is_active) == (False, False, False)
    assert product.search_text == "telefone kianda moda"
    services.product_update(seller=seller, product_id=product.pk, stock_quantity=4)
    product.refresh_from_db()
    assert (product.in_stock, product.name) == (True, "Telefone Kianda")


@pytest.mark.parametrize("hide", ["product", "store"])
def test_another_sellers_hidden_product_is_not_found_like_a_missing_one(other_seller, product, hide):
    if hide == "product":
        Product.objects.filter(pk=product.pk).update(is_active=False)
    else:
        type(product.store).objects.filter(pk=product.store_id).update(is_active=False)
    before = snapshot()
    with pytest.raises(NotFound) as update:
        services.product_update(seller=other_seller, product_id=product.pk, price=Decimal("1.00"))
    with pytest.raises(NotFound) as delete:
        services.product_delete(seller=other_seller, product_id=product.pk)
    with pytest.raises(NotFound) as missing:
        services.product_delete(seller=other_seller, product_id=product.pk + 1000)
    assert str(update.value) == str(delete.value) == str(missing.value)
    assert snapshot() == before


def test_only_the_owner_changes_or_deletes_a_product(other_seller, product):
    before = snapshot()
    with pytest.raises(AccessDenied):
        services.product_update(seller=other_seller, product_id=product.pk, price=Decimal("1.00"))
    with pytest.raises(AccessDenied):
        services.product_delete(seller=other_seller, product_id=product.pk)
    assert snapshot() == before


def test_product_delete_is_soft_leaves_carts_and_keeps_orders(seller, buyer, product):
    kept = add_product(seller, name="Mel de Malanje")
    cart = Cart.objects.create(user=buyer)
    cart_line(cart, product, 1)
    cart_line(cart, kept, 2)
    checkout = Checkout.objects.create(buyer=buyer)
    order = Order.objects.create(
        order_number="KT-1",
        checkout=checkout,
        buyer=buyer,
        store=product.store,
        total_amount=product.price,
        shipping_address="Rua 1",
        contact_phone="923000000",
    )
    line = OrderItem.objects.create(
        order=order, product=product, product_name=product.name, price=product.price, quantity=1
    )

    services.product_delete(seller=seller, product_id=product.pk)

    product.refresh_from_db()
    assert product.deleted_at is not None and product.is_active is False
    # The catalogue does not edit carts: the line stays (shown as no longer sold, see test_cart).
    assert list(cart.items.values_list("product_id", flat=True)) == [product.pk, kept.pk]
    line.refresh_from_db()
    assert (line.product_id, line.product_name, line.price) == (
        product.pk,
        "Telemóvel Kianda",
        Decimal("185000.00"),
    )
    assert not selectors.product_search().filter(pk=product.pk).exists()
    with pytest.raises(NotFound):
        services.product_delete(seller=seller, product_id=product.pk)
    with pytest.raises(NotFound):
        services.product_update(seller=seller, product_id=product.pk, name="Again")


# ---------------------------------------------------------------- GraphQL: mutations
# Who may call each is tests/test_permissions.py's table; here, what an allowed call does.


def create_product(gql, user, **fields) -> dict:
    return gql.op("CreateProduct", {"input": fields}, user=user)["data"]["createProduct"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("price", "0", "INVALID"),
        ("price", "0.00", "INVALID"),
        ("price", "-1", "INVALID"),
        ("price", "12.345", "INVALID"),
        ("price", "NaN", "INVALID"),
        ("stockQuantity", -1, "INVALID"),
        ("name", "", "REQUIRED"),
        ("name", "n" * 201, "INVALID"),
        ("categoryId", "bm90LWFuLWlk", "NOT_FOUND"),
        ("categoryId", str(relay.GlobalID("Product", "1")), "NOT_FOUND"),
        ("categoryId", str(relay.GlobalID("Category", "999999")), "NOT_FOUND"),
    ],
)
def test_create_product_validation_errors(gql, seller, category, field, value, code):
    answer = create_product(gql, seller, **product_input(category, **{field: value}))
    assert answer == {
        "product": None,
        "errors": [{"field": field, "message": answer["errors"][0]["message"], "code": code}],
    }
    assert not Product.objects.exists()


def test_create_product_returns_the_contract_fields(gql, seller, category):
    answer = create_product(
        gql,
        seller,
        name="Café do Amboim",
        price="3500",
        stockQuantity=0,
        categoryId=gid("Category", category.pk),
    )
    product = Product.objects.get()
    assert answer == {
        "errors": [],
        "product": {
            "id": gid("Product", product.pk),
            "name": "Café do Amboim",
            "slug": "cafe-do-amboim",
            "price": "3500.00",
            "stockQuantity": 0,
            "inStock": False,
            "isActive": True,
            "imageUrl": None,
            "thumbnailUrl": None,
            "category": {"slug": "electronicos"},
            "store": {"slug": seller.store.slug},
        },
    }


def test_each_seller_creates_products_in_their_own_store(gql, seller, other_seller, category):
    answer = create_product(gql, other_seller, **product_input(category))
    assert (answer["errors"], answer["product"]["store"]) == ([], {"slug": other_seller.store.slug})
    assert Product.objects.get(name="Rádio").store == other_seller.store


def test_create_category_through_the_api(gql, admin):
    answer = gql.op("CreateCategory", {"input": {"name": "Livros"}}, user=admin)["data"]["createCategory"]
    assert answer == {
        "category": {
            "id": gid("Category", Category.objects.get(name="Livros").pk),
            "name": "Livros",
            "slug": "livros",
            "description": "",
        },
        "errors": [],
    }


def test_update_and_delete_of_a_missing_product_are_not_found(gql, seller, product, category):
    Product.objects.filter(pk=product.pk).update(deleted_at=timezone.now())
    before = snapshot()
    for product_id in (
        gid("Product", product.pk),
        gid("Product", 999_999),
        gid("Category", category.pk),
        "junk",
    ):
        updated = gql.op("UpdateProduct", {"id": product_id, "input": {"name": "X"}}, user=seller)
        deleted = gql.op("DeleteProduct", {"id": product_id}, user=seller)
        not_found = [
            {"field": "id", "message": "Não existe nenhum produto com este id.", "code": "NOT_FOUND"}
        ]
        assert (updated["data"]["updateProduct"]["product"], updated["data"]["updateProduct"]["errors"]) == (
            None,
            not_found,
        )
        assert deleted["data"]["deleteProduct"] == {"deleted": False, "errors": not_found}
    assert snapshot() == before


def test_update_product_changes_only_given_fields(gql, seller, product):
    result = gql.op(
        "UpdateProduct",
        {
            "id": gid("Product", product.pk),
            "input": {"name": "Telefone", "stockQuantity": 0, "isActive": False},
        },
        user=seller,
    )
    answer = result["data"]["updateProduct"]
    assert answer["errors"] == []
    assert {
        k: answer["product"][k] for k in ("name", "slug", "price", "stockQuantity", "inStock", "isActive")
    } == {
        "name": "Telefone",
        "slug": "telemovel-kianda",
        "price": "185000.00",
        "stockQuantity": 0,
        "inStock": False,
        "isActive": False,
    }


def test_update_product_validation_changes_nothing(gql, seller, product):
    before = snapshot()
    result = gql.op(
        "UpdateProduct",
        {"id": gid("Product", product.pk), "input": {"name": "Novo", "price": "1.001", "stockQuantity": -2}},
        user=seller,
    )
    answer = result["data"]["updateProduct"]
    assert answer["product"] is None
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [
        ("price", "INVALID"),
        ("stockQuantity", "INVALID"),
    ]
    assert snapshot() == before


def test_a_deleted_product_stays_in_carts_out_of_totals_and_checkout(gql, seller, buyer, product):
    kept = add_product(seller, name="Mel de Malanje", price="300.00")
    cart = Cart.objects.create(user=buyer)
    cart_line(cart, product, 1)
    cart_line(cart, kept, 2)
    result = gql.op("DeleteProduct", {"id": gid("Product", product.pk)}, user=seller)
    assert result["data"]["deleteProduct"] == {"deleted": True, "errors": []}
    assert gql.op("ProductDetail", {"slug": product.slug}, user=seller)["data"]["product"] is None

    shown = gql.op("Cart", {}, user=buyer)["data"]["cart"]
    assert [(line["product"]["name"], line["product"]["isActive"]) for line in shown["items"]] == [
        (product.name, False),
        ("Mel de Malanje", True),
    ]
    assert (shown["totalQuantity"], shown["subtotal"]) == (2, "600.00")
    checkout = gql.op(
        "Checkout",
        {"input": {"shippingAddress": "Rua 1", "contactPhone": "923456789", "paymentMethod": "REFERENCE"}},
        user=buyer,
    )["data"]["checkout"]
    assert (checkout["orders"], [e["code"] for e in checkout["errors"]]) == (None, ["OUT_OF_STOCK"])
    assert cart.items.count() == 2 and not Order.objects.exists()


def test_create_category_validation(gql, admin):
    services.category_create(name="Moda")
    for name, code in (("moda", "UNIQUE"), ("", "REQUIRED")):
        answer = gql.op("CreateCategory", {"input": {"name": name}}, user=admin)["data"]["createCategory"]
        assert answer["category"] is None
        assert [(e["field"], e["code"]) for e in answer["errors"]] == [("name", code)]
    assert Category.objects.count() == 1


# ---------------------------------------------------------------- GraphQL: image uploads


def test_create_product_with_an_image_gives_absolute_urls(client, seller, category):
    variables = {"input": product_input(category, name="Pano", image=None)}
    result = multipart(client, "CreateProduct", variables, {"input.image": ("pano.png", png())}, seller)

    product = result["data"]["createProduct"]["product"]
    assert result["data"]["createProduct"]["errors"] == []
    stored = Product.objects.get()
    assert product["imageUrl"] == f"http://testserver/media/{stored.image.name}"
    # The thumbnail is made by a background task after the commit: null in the answer, there after.
    assert product["thumbnailUrl"] is None
    assert stored.thumbnail.name.startswith("products/thumbnails/pano") and stored.thumbnail.name.endswith(
        ".webp"
    )
    assert stored.image.name.startswith("products/pano") and stored.image.name.endswith(".png")
    with default_storage.open(stored.thumbnail.name) as thumbnail:
        assert Image.open(thumbnail).size == (400, 200)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.png", png() + b"\0" * MAX_BYTES),
        ("huge.png", png(size=(5000, 10))),
        ("photo.jpg", b"I am a text file, not a photo\n"),
        ("anim.gif", png(size=(10, 10), fmt="GIF")),
    ],
)
def test_bad_images_are_refused(client, seller, category, name, content):
    variables = {"input": product_input(category, name="Pano", image=None)}
    result = multipart(client, "CreateProduct", variables, {"input.image": (name, content)}, seller)
    answer = result["data"]["createProduct"]
    assert answer["product"] is None
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("image", "INVALID")]
    assert not Product.objects.exists()
    assert not default_storage.exists("products")


@pytest.mark.parametrize("not_a_file", ["zzz", 5, {"a": 1}, [1], True])
def test_an_image_sent_as_json_instead_of_a_file_is_refused(gql, seller, category, not_a_file):
    result = gql.op("CreateProduct", {"input": product_input(category, image=not_a_file)}, user=seller)
    answer = result["data"]["createProduct"]
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("image", "INVALID")]
    assert not Product.objects.exists()


def test_new_image_replaces_the_old_files(client, seller, product, django_capture_on_commit_callbacks):
    variables = {"id": gid("Product", product.pk), "input": {"image": None}}
    multipart(client, "UpdateProduct", variables, {"input.image": ("a.png", png())}, seller)
    product.refresh_from_db()
    old = [product.image.name, product.thumbnail.name]
    assert all(default_storage.exists(name) for name in old)

    with django_capture_on_commit_callbacks(execute=True):
        result = multipart(
            client, "UpdateProduct", variables, {"input.image": ("b.webp", png(fmt="WEBP"))}, seller
        )

    assert result["data"]["updateProduct"]["errors"] == []
    product.refresh_from_db()
    assert product.image.name.endswith(".webp")
    assert result["data"]["updateProduct"]["product"]["imageUrl"].endswith(product.image.name)
    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(product.image.name) and default_storage.exists(product.thumbnail.name)
