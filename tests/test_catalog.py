"""Catalogue: categories, products with images, search, filters, sorting, cursor pages, no N+1."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from graphql_jwt.shortcuts import get_token
from PIL import Image
from strawberry import relay

from domain.accounts.models import Store
from domain.cart.models import Cart, CartItem
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
from domain.reviews.models import Review

from .conftest import contract_operation, error_codes
from .factories import make_category, make_product, make_seller, make_store, make_user
from .helpers import gid

pytestmark = pytest.mark.django_db


def add(seller, *, name: str, price="100.00", stock=5, category=None, description="", **changes) -> Product:
    """A product created the way sellers create them; `changes` are then written directly."""
    product = services.product_create(
        seller=seller,
        name=name,
        description=description,
        price=Decimal(str(price)),
        stock_quantity=stock,
        category_id=(category or make_category()).pk,
    )
    if changes:
        Product.objects.filter(pk=product.pk).update(**changes)
        product.refresh_from_db()
    return product


def png(size=(600, 300), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, fmt)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """Everything a refused catalogue mutation must leave alone."""
    products = Product.objects.order_by("pk").values_list(
        "pk", "name", "slug", "price", "stock_quantity", "is_active", "deleted_at", "category_id", "image"
    )
    return [*products, *Category.objects.order_by("pk").values_list("pk", "name", "slug")]


@pytest.fixture
def category():
    return services.category_create(name="Electrónicos")


@pytest.fixture
def product(seller, category):
    return add(seller, name="Telemóvel Kianda", price="185000.00", stock=3, category=category)


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
    product = add(seller, name="Rádio", category=category)
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
    product = add(seller, name="Rádio", category=category)

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
    again = add(seller, name="Telemóvel Kianda X", category=category)
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
    product = add(seller, name="Pano", price="7500.500", category=category)
    assert product.price == Decimal("7500.50")


def test_a_seller_needs_an_active_store(category):
    no_store = make_seller(with_store=False)
    closed = make_seller()
    Store.objects.filter(seller=closed).update(is_active=False)
    for seller in (no_store, closed):
        with pytest.raises(BusinessForbidden):
            add(seller, name="Rádio", category=category)
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
    kept = add(seller, name="Mel de Malanje")
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, product=product, quantity=1)
    CartItem.objects.create(cart=cart, product=kept, quantity=2)
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


def product_input(category: Category, **changes) -> dict:
    """A valid ProductInput, as the seller dashboard sends it, with `changes` applied."""
    return {
        "name": "Rádio",
        "price": "10.00",
        "stockQuantity": 2,
        "categoryId": gid("Category", category.pk),
        **changes,
    }


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
    kept = add(seller, name="Mel de Malanje", price="300.00")
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, product=product, quantity=1)
    CartItem.objects.create(cart=cart, product=kept, quantity=2)
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


def multipart(client, operation: str, variables: dict, files: dict[str, tuple[str, bytes]], user) -> dict:
    """POST a GraphQL multipart request (operations, map, file parts) as the frontend does."""
    mapping, parts = {}, {}
    for index, (path, (name, content)) in enumerate(files.items()):
        mapping[str(index)] = [f"variables.{path}"]
        handle = io.BytesIO(content)
        handle.name = name
        parts[str(index)] = handle
    body = {
        "operations": json.dumps({"query": contract_operation(operation), "variables": variables}),
        "map": json.dumps(mapping),
        **parts,
    }
    response = client.post("/graphql/", body, HTTP_AUTHORIZATION=f"Bearer {get_token(user)}")
    assert response.status_code == 200, response.content
    return response.json()


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


# ---------------------------------------------------------------- browsing


def product_list(gql, user=None, **variables) -> dict:
    result = gql.op("ProductList", variables, user=user)
    assert "errors" not in result, result
    return result["data"]["products"]


def slugs(connection: dict) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


@pytest.fixture
def shelf(seller, other_seller):
    """Six products over two stores and two categories, with distinct prices and ratings."""
    phones = services.category_create(name="Electrónicos")
    food = services.category_create(name="Alimentação")
    now = timezone.now()
    rows = [
        # name, store owner, category, price, stock, rating, description, age in days
        ("Telemóvel Kianda", seller, phones, "185000.00", 3, "4.50", "Ecrã grande", 6),
        ("Auscultadores Semba", seller, phones, "24500.00", 0, None, "Sem fios", 5),
        ("Café do Amboim", seller, food, "3500.00", 10, "4.50", "Torrado e MOÍDO", 4),
        ("Mel de Malanje", other_seller, food, "4200.00", 0, "3.00", "Mel puro", 3),
        ("banana pão", other_seller, food, "500.00", 7, None, "Da Kibala", 2),
        ("Rádio Ngola", other_seller, phones, "9900.00", 1, "5.00", "FM e AM", 1),
    ]
    products = {}
    for name, owner, category, price, stock, rating, description, age in rows:
        products[name] = add(
            owner,
            name=name,
            price=price,
            stock=stock,
            category=category,
            description=description,
            rating_average=None if rating is None else Decimal(rating),
            rating_count=0 if rating is None else 2,
            created_at=now - timedelta(days=age),
        )
    return products


def names(shelf: dict, *wanted: str) -> list[str]:
    return [shelf[name].slug for name in wanted]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("TELEMOVEL", ["Telemóvel Kianda"]),
        ("telemóvel", ["Telemóvel Kianda"]),
        ("kianda tele", ["Telemóvel Kianda"]),
        ("moido", ["Café do Amboim"]),  # description, accent and case differ
        ("ALIMENTAÇÃO", ["banana pão", "Mel de Malanje", "Café do Amboim"]),  # category name
        ("electronicos fm", ["Rádio Ngola"]),
        (
            "  ",
            [
                "Rádio Ngola",
                "banana pão",
                "Mel de Malanje",
                "Café do Amboim",
                "Auscultadores Semba",
                "Telemóvel Kianda",
            ],
        ),
        ("nada disto", []),
    ],
)
def test_search_ignores_case_and_accents(gql, shelf, search, expected):
    found = product_list(gql, search=search)
    assert slugs(found) == names(shelf, *expected)
    assert found["totalCount"] == len(expected)


@pytest.mark.parametrize(
    "search",
    ["'; DROP TABLE catalog_product; --", "%", "_", "\\", "' OR '1'='1", "Kianda%' OR 1=1 --", "a" * 5000],
)
def test_sql_looking_search_is_just_text(gql, shelf, search):
    assert product_list(gql, search=search) == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }
    assert Product.objects.count() == 6


def test_search_wildcards_match_literally(gql, seller):
    percent = add(seller, name="Algodão 100%")
    add(seller, name="Algodão 1000")
    assert slugs(product_list(gql, search="100%")) == [percent.slug]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"category": "alimentacao"}, ["banana pão", "Mel de Malanje", "Café do Amboim"]),
        ({"store": "STORE_OF_OTHER"}, ["Rádio Ngola", "banana pão", "Mel de Malanje"]),
        ({"minPrice": "9900"}, ["Rádio Ngola", "Auscultadores Semba", "Telemóvel Kianda"]),
        ({"maxPrice": "4200.00"}, ["banana pão", "Mel de Malanje", "Café do Amboim"]),
        ({"inStock": True}, ["Rádio Ngola", "banana pão", "Café do Amboim", "Telemóvel Kianda"]),
        ({"inStock": False}, ["Mel de Malanje", "Auscultadores Semba"]),
        ({"category": "electronicos", "inStock": True, "maxPrice": "10000"}, ["Rádio Ngola"]),
        (
            {"store": "STORE_OF_SELLER", "minPrice": "3500", "maxPrice": "24500", "sort": "PRICE_DESC"},
            ["Auscultadores Semba", "Café do Amboim"],
        ),
        ({"search": "mel", "store": "STORE_OF_OTHER", "inStock": False}, ["Mel de Malanje"]),
        ({"category": "no-such-category"}, []),
        ({"minPrice": "5000", "maxPrice": "1000"}, []),
    ],
)
def test_filters_alone_and_combined(gql, shelf, seller, other_seller, variables, expected):
    stores = {"STORE_OF_SELLER": seller.store.slug, "STORE_OF_OTHER": other_seller.store.slug}
    variables = {key: stores.get(value, value) for key, value in variables.items()}
    found = product_list(gql, **variables)
    assert slugs(found) == names(shelf, *expected)
    assert found["totalCount"] == len(expected)


SORTED = {
    None: [
        "Rádio Ngola",
        "banana pão",
        "Mel de Malanje",
        "Café do Amboim",
        "Auscultadores Semba",
        "Telemóvel Kianda",
    ],
    "NEWEST": [
        "Rádio Ngola",
        "banana pão",
        "Mel de Malanje",
        "Café do Amboim",
        "Auscultadores Semba",
        "Telemóvel Kianda",
    ],
    "PRICE_ASC": [
        "banana pão",
        "Café do Amboim",
        "Mel de Malanje",
        "Rádio Ngola",
        "Auscultadores Semba",
        "Telemóvel Kianda",
    ],
    "PRICE_DESC": [
        "Telemóvel Kianda",
        "Auscultadores Semba",
        "Rádio Ngola",
        "Mel de Malanje",
        "Café do Amboim",
        "banana pão",
    ],
    "NAME": [
        "Auscultadores Semba",
        "banana pão",
        "Café do Amboim",
        "Mel de Malanje",
        "Rádio Ngola",
        "Telemóvel Kianda",
    ],
    # Equal ratings (4.50 twice): the newer first, since the tie-breaker is the id.
    "RATING": [
        "Rádio Ngola",
        "Café do Amboim",
        "Telemóvel Kianda",
        "Mel de Malanje",
        "banana pão",
        "Auscultadores Semba",
    ],
}


@pytest.mark.parametrize("sort", list(SORTED))
def test_each_sort(gql, shelf, sort):
    assert slugs(product_list(gql, sort=sort)) == names(shelf, *SORTED[sort])


def test_sort_and_filter_combined(gql, shelf):
    found = product_list(gql, sort="RATING", category="electronicos", inStock=True)
    assert slugs(found) == names(shelf, "Rádio Ngola", "Telemóvel Kianda")


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME", "RATING"])
def test_pages_have_no_overlap_and_no_gap(gql, seller, sort):
    category = make_category()
    created_at = timezone.now()
    # Many equal prices, names, ratings and creation times: only the tie-breaker orders them.
    for n in range(23):
        add(
            seller,
            name=f"Produto {n % 3}",
            price=str(100 + n % 4),
            category=category,
            rating_average=Decimal("4.00") if n % 2 else None,
            created_at=created_at,
        )
    expected = list(selectors.product_search(sort=selectors.ProductSort[sort]).values_list("slug", flat=True))
    seen, after, pages = [], None, 0
    while True:
        page = product_list(gql, sort=sort, first=5, after=after)
        assert page["totalCount"] == 23
        seen += slugs(page)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 5
    assert seen == expected
    assert len(set(seen)) == 23


def test_first_defaults_to_20_and_is_capped_at_100(gql, seller):
    category = make_category()
    for n in range(21):
        add(seller, name=f"Produto {n}", category=category)
    assert len(product_list(gql)["edges"]) == 20
    refused = gql.op("ProductList", {"first": 101})
    assert refused["data"] is None
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert "entre 0 e 100" in refused["errors"][0]["message"]
    assert error_codes(gql.op("ProductList", {"after": "not-a-cursor"})) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e400"])
def test_price_filters_must_be_prices(gql, shelf, price):
    result = gql.op("ProductList", {"minPrice": price})
    assert error_codes(result) == ["BAD_USER_INPUT"]


def test_hidden_products_are_invisible(gql, seller, other_seller, buyer, shelf):
    hidden = shelf["Telemóvel Kianda"]
    deleted = shelf["Café do Amboim"]
    Product.objects.filter(pk=hidden.pk).update(is_active=False)
    Product.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    Store.objects.filter(pk=other_seller.store.pk).update(is_active=False)

    assert slugs(product_list(gql)) == [shelf["Auscultadores Semba"].slug]
    for user in (None, buyer, other_seller):
        assert gql.op("ProductDetail", {"slug": hidden.slug}, user=user)["data"]["product"] is None
        assert gql.op("ProductDetail", {"slug": deleted.slug}, user=user)["data"]["product"] is None
    # The owner sees their own hidden product, and their products of a hidden store, but never a deleted one.
    assert (
        gql.op("ProductDetail", {"slug": hidden.slug}, user=seller)["data"]["product"]["slug"] == hidden.slug
    )
    assert gql.op("ProductDetail", {"slug": deleted.slug}, user=seller)["data"]["product"] is None
    mel = shelf["Mel de Malanje"].slug
    assert gql.op("ProductDetail", {"slug": mel}, user=other_seller)["data"]["product"]["slug"] == mel
    assert gql.op("ProductDetail", {"slug": mel}, user=buyer)["data"]["product"] is None


def test_product_detail_with_reviews_and_my_review(gql, buyer, other_buyer, product):
    Product.objects.filter(pk=product.pk).update(rating_average=Decimal("4.50"), rating_count=2)
    mine = Review.objects.create(product=product, user=buyer, rating=5, comment="Óptimo")
    theirs = Review.objects.create(product=product, user=other_buyer, rating=4, comment="Bom")

    detail = gql.op("ProductDetail", {"slug": product.slug}, user=buyer)["data"]["product"]

    assert (detail["averageRating"], detail["reviewCount"]) == (4.5, 2)
    assert detail["myReview"] == {"id": gid("Review", mine.pk), "rating": 5, "comment": "Óptimo"}
    assert detail["reviews"]["totalCount"] == 2
    assert [edge["node"]["id"] for edge in detail["reviews"]["edges"]] == [
        gid("Review", theirs.pk),
        gid("Review", mine.pk),
    ]
    assert detail["reviews"]["edges"][0]["node"]["authorName"] == "Ana S."
    anonymous = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert anonymous["myReview"] is None
    assert gql.op("ProductDetail", {"slug": product.slug}, user=other_buyer)["data"]["product"]["myReview"][
        "id"
    ] == gid("Review", theirs.pk)


def test_product_reviews_are_paged(gql, product):
    for n in range(5):
        Review.objects.create(product=product, user=make_user(), rating=1 + n % 5)
    expected = list(
        Review.objects.filter(product=product).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    seen, after = [], None
    while True:
        page = gql.op("ProductReviews", {"slug": product.slug, "first": 2, "after": after})["data"][
            "product"
        ]["reviews"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [gid("Review", pk) for pk in expected]


def test_no_rating_is_null(gql, product):
    detail = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert (detail["averageRating"], detail["reviewCount"], detail["reviews"]["totalCount"]) == (None, 0, 0)


def test_categories_and_category_by_slug(gql):
    moda = services.category_create(name="Moda", description="Roupa")
    services.category_create(name="Alimentação")
    assert gql.op("Categories")["data"]["categories"] == [
        {
            "id": gid("Category", Category.objects.get(slug="alimentacao").pk),
            "name": "Alimentação",
            "slug": "alimentacao",
            "description": "",
        },
        {"id": gid("Category", moda.pk), "name": "Moda", "slug": "moda", "description": "Roupa"},
    ]
    query = "query($slug: String!) { category(slug: $slug) { name } }"
    assert gql.ok(query, {"slug": "moda"}) == {"category": {"name": "Moda"}}
    assert gql.ok(query, {"slug": "nope"}) == {"category": None}


def test_store_detail_lists_its_products_on_sale(gql, seller, other_seller, shelf):
    Product.objects.filter(pk=shelf["Café do Amboim"].pk).update(is_active=False)
    store = gql.op("StoreDetail", {"slug": seller.store.slug})["data"]["store"]
    assert slugs(store["products"]) == names(shelf, "Auscultadores Semba", "Telemóvel Kianda")
    assert store["products"]["totalCount"] == 2


# ---------------------------------------------------------------- storeProducts


def test_store_products_lists_the_sellers_own_products_hidden_ones_too(gql, seller, shelf):
    Product.objects.filter(pk=shelf["Café do Amboim"].pk).update(is_active=False)
    Product.objects.filter(pk=shelf["Telemóvel Kianda"].pk).update(deleted_at=timezone.now())
    Store.objects.filter(pk=seller.store.pk).update(is_active=False)

    page = gql.op("StoreProducts", {"first": 10}, user=seller)["data"]["storeProducts"]

    assert page["totalCount"] == 2
    assert [(edge["node"]["slug"], edge["node"]["isActive"]) for edge in page["edges"]] == [
        (shelf["Café do Amboim"].slug, False),
        (shelf["Auscultadores Semba"].slug, True),
    ]


def test_store_products_of_a_seller_without_store_is_empty(gql, unapproved_seller):
    page = gql.op("StoreProducts", {}, user=unapproved_seller)["data"]["storeProducts"]
    assert page == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


# ---------------------------------------------------------------- query counts


def stock_shelf(owner, count: int) -> None:
    """`count` products with an image and a rating, each reviewed by the owner's first buyer."""
    category = make_category()
    Product.objects.bulk_create(
        Product(
            store=owner.store,
            category=category,
            name=f"Produto {n}",
            slug=f"produto-{owner.pk}-{n}",
            price=Decimal("10.00") + n,
            stock_quantity=n % 3,
            thumbnail=f"products/thumbnails/p{n}.webp",
            rating_average=Decimal("4.00"),
            rating_count=1,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 100])
def test_product_list_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    with django_assert_num_queries(1):
        page = product_list(gql, first=count)
    assert len(page["edges"]) == count
    assert page["edges"][0]["node"]["thumbnailUrl"].startswith("http://testserver/media/")


@pytest.mark.parametrize("count", [10, 100])
def test_product_list_query_count_when_logged_in_with_my_review(
    gql, seller, buyer, django_assert_num_queries, count
):
    stock_shelf(seller, count)
    for product in Product.objects.all()[:5]:
        Review.objects.create(product=product, user=buyer, rating=4)
    query = "query($first: Int) { products(first: $first) { totalCount edges { node { slug myReview { id rating } } } } }"
    # The user (from the token), the page, the caller's reviews.
    with django_assert_num_queries(3):
        data = gql.ok(query, {"first": count}, user=buyer)
    assert sum(edge["node"]["myReview"] is not None for edge in data["products"]["edges"]) == 5


@pytest.mark.parametrize("count", [10, 100])
def test_product_detail_query_count(gql, seller, buyer, django_assert_num_queries, count):
    product = add(seller, name="Telemóvel")
    for n in range(count):
        Review.objects.create(product=product, user=make_user(), rating=1 + n % 5)
    Review.objects.create(product=product, user=buyer, rating=5)
    # Anonymous: the product with store and category, its reviews with their authors.
    with django_assert_num_queries(2):
        detail = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert (detail["reviews"]["totalCount"], len(detail["reviews"]["edges"])) == (count + 1, 10)
    # Logged in: also the user (from the token) and the caller's review.
    with django_assert_num_queries(4):
        detail = gql.op("ProductDetail", {"slug": product.slug}, user=buyer)["data"]["product"]
    assert detail["myReview"]["rating"] == 5


@pytest.mark.parametrize("count", [10, 100])
def test_store_detail_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    # The store, then one page of its products with store, category and the total.
    with django_assert_num_queries(2):
        store = gql.op("StoreDetail", {"slug": seller.store.slug})["data"]["store"]
    assert (store["products"]["totalCount"], len(store["products"]["edges"])) == (count, min(count, 20))


@pytest.mark.parametrize("count", [10, 100])
def test_categories_query_count(gql, django_assert_num_queries, count):
    Category.objects.bulk_create(Category(name=f"Categoria {n}", slug=f"categoria-{n}") for n in range(count))
    with django_assert_num_queries(1):
        assert len(gql.op("Categories")["data"]["categories"]) == count


@pytest.mark.parametrize("count", [10, 100])
def test_store_products_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    # The user (from the token), then the page with the total.
    with django_assert_num_queries(2):
        page = gql.op("StoreProducts", {"first": count}, user=seller)["data"]["storeProducts"]
    assert len(page["edges"]) == count


def test_store_products_in_a_list_of_stores_are_prefetched_and_filtered(gql, django_assert_num_queries):
    query = """query($n: Int) { stores(first: $n) { edges { node { slug
        products(first: 2) { totalCount edges { node { slug isActive } } } } } } }"""
    for stores in (2, 6):
        for _ in range(stores - Store.objects.count()):
            store = make_store()
            for active in (True, True, False, True):
                make_product(store=store, is_active=active)
        with django_assert_num_queries(2):
            edges = gql.ok(query, {"n": stores})["stores"]["edges"]
        assert [
            (e["node"]["products"]["totalCount"], len(e["node"]["products"]["edges"])) for e in edges
        ] == [(3, 2)] * stores
        assert all(p["node"]["isActive"] for e in edges for p in e["node"]["products"]["edges"])


@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("deleted", [True, False])
@pytest.mark.parametrize("store_active", [True, False])
def test_a_products_on_sale_is_the_selectors_rule(seller, active, deleted, store_active):
    product = add(seller, name="Rádio")
    Product.objects.filter(pk=product.pk).update(
        is_active=active, deleted_at=timezone.now() if deleted else None
    )
    Store.objects.filter(pk=seller.store.pk).update(is_active=store_active)
    loaded = Product.objects.select_related("store").get(pk=product.pk)
    assert loaded.on_sale == selectors.product_list_public().filter(pk=product.pk).exists()


def test_a_cart_line_of_a_deactivated_store_shows_it_is_not_on_sale(gql, seller, buyer, admin):
    product = add(seller, name="Rádio", price="100.00")
    Cart.objects.create(user=buyer).items.create(product=product, quantity=1)
    gql.op("DeactivateStore", {"storeId": gid("Store", seller.store.pk)}, user=admin)
    cart = gql.ok("{ cart { subtotal items { product { isActive onSale } } } }", user=buyer)["cart"]
    assert cart == {"subtotal": "0.00", "items": [{"product": {"isActive": True, "onSale": False}}]}


def test_a_huge_category_name_is_refused_before_any_lookup(gql, admin, django_assert_num_queries):
    with django_assert_num_queries(1):  # the caller from the token; the name is refused unread
        answer = gql.op("CreateCategory", {"input": {"name": "a" * 100_001}}, user=admin)["data"][
            "createCategory"
        ]
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("name", "INVALID")]
