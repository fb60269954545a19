"""Variants, the selling side: option groups, variants created, changed, deactivated and deleted,
stock set in bulk with compare-and-set (two clerks on PostgreSQL), updateProduct on a product with
options, the product's totals kept in the same transaction, the response cache's versions and the
live events. Who may call each mutation is tests/test_permissions.py's table."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection

from domain import live
from domain.cart.models import Cart, CartItem
from domain.catalog import services
from domain.catalog.models import Product, ProductOption, ProductVariant
from domain.catalog.services import STOCK_SET_MAX, OptionSetting, StockSetting
from domain.catalog.versions import product_version_key
from domain.errors import (
    DomainError,
    ErrorCode,
    InUse,
    InvalidInput,
    StockChanged,
    ValidationFailed,
    VariantRequired,
)
from domain.orders.models import OrderItem

from .helpers import add_product, codes, gid, place, postgres_only

pytestmark = pytest.mark.django_db


def sizes(seller, *values, price="100.00", stock=5) -> Product:
    """A product whose "Tamanho" group has `values`; its default variant became the first."""
    product = add_product(seller, name="Sapatilha", price=price, stock=stock)
    services.product_options_set(
        seller=seller, product_id=product.pk, options=[OptionSetting(name="Tamanho", values=list(values))]
    )
    return product


def totals(product) -> tuple:
    product.refresh_from_db()
    return (str(product.price), str(product.max_price), product.stock_quantity, product.in_stock)


def world() -> dict:
    """What a refused write must leave as it was."""
    return {
        "variants": list(ProductVariant.objects.order_by("pk").values()),
        "products": list(Product.objects.order_by("pk").values("pk", "price", "max_price", "stock_quantity")),
        "options": list(ProductOption.objects.order_by("pk").values()),
    }


# ---------------------------------------------------------------- options


def test_options_turn_the_default_variant_into_the_first_combination(seller):
    product = add_product(seller, name="Sapatilha", price="100.00", stock=5)
    default = ProductVariant.objects.get(product=product)
    services.product_options_set(
        seller=seller,
        product_id=product.pk,
        options=[
            OptionSetting(name="Tamanho", values=["40", "41"]),
            OptionSetting(name="Cor", values=["Preto"]),
        ],
    )
    default.refresh_from_db()
    assert (default.is_default, default.name, default.price, default.stock_quantity) == (
        False,
        "40 / Preto",
        Decimal("100.00"),
        5,
    )
    assert totals(product) == ("100.00", "100.00", 5, True)
    # Renamed by spelling (same key), reordered, a value added: the variant keeps its values.
    services.product_options_set(
        seller=seller,
        product_id=product.pk,
        options=[
            OptionSetting(name="cor", values=["Preto", "Branco"]),
            OptionSetting(name="TAMANHO", values=["41", "40"]),
        ],
    )
    default.refresh_from_db()
    assert default.name == "Preto / 40"
    assert [o.name for o in product.options.all()] == ["cor", "TAMANHO"]


@pytest.mark.parametrize(
    ("options", "field", "code"),
    [
        ([OptionSetting(name=f"G{n}", values=["a"]) for n in range(4)], "options", ErrorCode.INVALID),
        ([OptionSetting(name="Tamanho", values=[])], "options.0.values", ErrorCode.REQUIRED),
        ([OptionSetting(name=" ", values=["a"])], "options.0.name", ErrorCode.REQUIRED),
        ([OptionSetting(name="Cor", values=["Preto", " preto "])], "options.0.values.1", ErrorCode.UNIQUE),
        (
            [OptionSetting(name="Cor", values=["a"]), OptionSetting(name="CÓR", values=["b"])],
            "options.1.name",
            ErrorCode.UNIQUE,
        ),
        (
            [OptionSetting(name="Cor", values=[str(n) for n in range(101)])],
            "options.0.values",
            ErrorCode.INVALID,
        ),
        ([OptionSetting(name="Cor", values=["x" * 51])], "options.0.values.0", ErrorCode.INVALID),
    ],
)
def test_option_rules(seller, options, field, code):
    product = add_product(seller, name="Capulana")
    before = world()
    with pytest.raises(DomainError) as raised:
        services.product_options_set(seller=seller, product_id=product.pk, options=options)
    assert [(e.field, e.code) for e in raised.value.details] == [(field, code)]
    assert world() == before


def test_a_value_in_use_or_a_group_of_many_variants_is_not_removed(seller):
    product = sizes(seller, "40", "41")
    services.product_variant_create(
        seller=seller, product_id=product.pk, price=Decimal("90"), options=[("Tamanho", "41")]
    )
    before = world()
    with pytest.raises(InUse):
        services.product_options_set(
            seller=seller, product_id=product.pk, options=[OptionSetting(name="Tamanho", values=["40"])]
        )
    with pytest.raises(InUse):
        services.product_options_set(seller=seller, product_id=product.pk, options=[])
    assert world() == before


def test_removing_every_group_of_a_single_variant_makes_it_the_default_again(seller):
    product = sizes(seller, "40")
    services.product_options_set(seller=seller, product_id=product.pk, options=[])
    (variant,) = ProductVariant.objects.filter(product=product)
    assert (variant.is_default, variant.name) == (True, "")
    services.product_update(seller=seller, product_id=product.pk, price=Decimal("70.00"))
    assert totals(product) == ("70.00", "70.00", 5, True)


# ---------------------------------------------------------------- variants


def test_variants_keep_the_products_price_range_and_total_stock(seller):
    product = sizes(seller, "40", "41", "42")
    v41 = services.product_variant_create(
        seller=seller,
        product_id=product.pk,
        price=Decimal("80.00"),
        stock_quantity=2,
        options=[("tamanho", " 41 ")],
        sku="SAP-41",
        compare_at_price=Decimal("95.00"),
    )
    assert (v41.name, v41.sku, v41.compare_at_price, v41.in_stock) == ("41", "SAP-41", Decimal("95.00"), True)
    assert totals(product) == ("80.00", "100.00", 7, True)
    v42 = services.product_variant_create(
        seller=seller,
        product_id=product.pk,
        price=Decimal("150.00"),
        stock_quantity=0,
        options=[("Tamanho", "42")],
        is_active=False,
    )
    assert totals(product) == ("80.00", "100.00", 7, True)  # an inactive variant counts for nothing
    services.product_variant_update(seller=seller, variant_id=v42.pk, is_active=True, stock_quantity=1)
    assert totals(product) == ("80.00", "150.00", 8, True)
    services.product_variant_update(seller=seller, variant_id=v41.pk, price=Decimal("60.00"), is_active=False)
    assert totals(product) == ("100.00", "150.00", 6, True)
    services.product_variant_delete(seller=seller, variant_id=v42.pk)
    assert totals(product) == ("100.00", "100.00", 5, True)


@pytest.mark.parametrize(
    ("options", "field", "code"),
    [
        ([("Tamanho", "40")], "options", ErrorCode.UNIQUE),  # the converted default variant's
        ([("Tamanho", "43")], "options.0.value", ErrorCode.NOT_FOUND),
        ([("Cor", "Preto")], "options.0.name", ErrorCode.NOT_FOUND),
        ([], "options", ErrorCode.REQUIRED),
        ([("Tamanho", "41"), ("tamanho", "42")], "options.1.name", ErrorCode.INVALID),
    ],
)
def test_a_variant_names_one_new_combination(seller, options, field, code):
    product = sizes(seller, "40", "41", "42")
    before = world()
    with pytest.raises(Exception) as raised:
        services.product_variant_create(
            seller=seller, product_id=product.pk, price=Decimal("10"), options=options
        )
    assert [(e.field, e.code) for e in raised.value.details] == [(field, code)]
    assert world() == before


def test_sku_is_unique_per_store_and_price_is_required(seller, other_seller):
    product = sizes(seller, "40", "41", "42")
    services.product_variant_create(
        seller=seller, product_id=product.pk, price=Decimal("10"), options=[("Tamanho", "41")], sku="X-1"
    )
    with pytest.raises(Exception) as raised:
        services.product_variant_create(
            seller=seller, product_id=product.pk, price=Decimal("0"), options=[("Tamanho", "42")], sku="X-1"
        )
    assert sorted((e.field, e.code) for e in raised.value.details) == [("price", ErrorCode.INVALID)]
    with pytest.raises(Exception) as raised:
        services.product_variant_create(
            seller=seller, product_id=product.pk, price=Decimal("5"), options=[("Tamanho", "42")], sku="X-1"
        )
    assert [(e.field, e.code) for e in raised.value.details] == [("sku", ErrorCode.UNIQUE)]
    # Another store may use the same SKU.
    theirs = sizes(other_seller, "40", "41")
    services.product_variant_create(
        seller=other_seller, product_id=theirs.pk, price=Decimal("5"), options=[("Tamanho", "41")], sku="X-1"
    )


def test_a_product_without_options_has_no_variants_to_add_and_its_default_stays_active(seller):
    product = add_product(seller, name="Meias")
    default = ProductVariant.objects.get(product=product)
    with pytest.raises(InvalidInput) as raised:
        services.product_variant_create(seller=seller, product_id=product.pk, price=Decimal("5"), options=[])
    assert raised.value.field == "options"
    with pytest.raises(InvalidInput) as raised:
        services.product_variant_update(seller=seller, variant_id=default.pk, is_active=False)
    assert raised.value.field == "is_active"
    with pytest.raises(InvalidInput):
        services.product_variant_delete(seller=seller, variant_id=default.pk)  # the last variant


def test_update_product_price_and_stock_go_to_the_default_variant_or_are_refused_with_options(seller):
    plain = add_product(seller, name="Meias", price="10.00", stock=1)
    services.product_update(seller=seller, product_id=plain.pk, price=Decimal("12.50"), stock_quantity=9)
    variant = ProductVariant.objects.get(product=plain)
    assert (variant.price, variant.stock_quantity) == (Decimal("12.50"), 9)
    assert totals(plain) == ("12.50", "12.50", 9, True)
    shoe = sizes(seller, "40", "41")
    before = world()
    with pytest.raises(ValidationFailed) as raised:
        services.product_update(
            seller=seller, product_id=shoe.pk, price=Decimal("5"), stock_quantity=1, name="Novo"
        )
    assert [(e.field, e.code) for e in raised.value.details] == [
        ("price", ErrorCode.VARIANT_REQUIRED),
        ("stock_quantity", ErrorCode.VARIANT_REQUIRED),
    ]
    assert world() == before
    assert Product.objects.get(pk=shoe.pk).name == "Sapatilha"
    with pytest.raises(VariantRequired):
        services.product_update(seller=seller, product_id=shoe.pk, stock_quantity=1)


def test_an_ordered_variant_is_kept(seller, buyer):
    product = sizes(seller, "40", "41")
    v41 = services.product_variant_create(
        seller=seller,
        product_id=product.pk,
        price=Decimal("10"),
        options=[("Tamanho", "41")],
        stock_quantity=3,
    )
    cart, _ = Cart.objects.get_or_create(user=buyer)
    CartItem.objects.create(cart=cart, product=product, variant=v41, quantity=1)
    place(buyer)
    assert OrderItem.objects.filter(variant=v41).exists()
    with pytest.raises(InUse) as raised:
        services.product_variant_delete(seller=seller, variant_id=v41.pk)
    assert raised.value.field == "id"
    assert ProductVariant.objects.filter(pk=v41.pk).exists()


# ---------------------------------------------------------------- stock in bulk


def test_stock_is_set_in_bulk_in_one_update(seller, django_assert_num_queries):
    a = sizes(seller, "40", "41")
    b = add_product(seller, name="Meias", stock=1)
    a41 = services.product_variant_create(
        seller=seller, product_id=a.pk, price=Decimal("10"), options=[("Tamanho", "41")]
    )
    a40 = a.variants.get(name="40")
    b0 = b.variants.get()
    settings = [
        StockSetting(variant_id=a41.pk, quantity=7, expected_quantity=0),
        StockSetting(variant_id=a40.pk, quantity=0),
        StockSetting(variant_id=b0.pk, quantity=3, expected_quantity=1),
    ]
    # The variants' products, the products locked, the variants locked, the stock (one UPDATE),
    # the products' totals (one UPDATE), the variants answered; and the savepoint of its atomic
    # block (the test runs in a transaction) with its release.
    with django_assert_num_queries(8) as context:
        changed = services.variant_stock_set(seller=seller, settings=settings)
    updates = [q["sql"] for q in context.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2 and "CASE" in updates[0]
    assert {v.pk: v.stock_quantity for v in changed} == {a41.pk: 7, a40.pk: 0, b0.pk: 3}
    assert totals(a)[2:] == (7, True) and totals(b)[2:] == (3, True)


def test_a_compare_and_set_that_finds_another_stock_changes_nothing(seller):
    a = sizes(seller, "40", "41")
    a41 = services.product_variant_create(
        seller=seller, product_id=a.pk, price=Decimal("10"), options=[("Tamanho", "41")], stock_quantity=4
    )
    a40 = a.variants.get(name="40")
    before = world()
    with pytest.raises(StockChanged) as raised:
        services.variant_stock_set(
            seller=seller,
            settings=[
                StockSetting(variant_id=a40.pk, quantity=1, expected_quantity=5),  # right
                StockSetting(variant_id=a41.pk, quantity=9, expected_quantity=3),  # it is 4
            ],
        )
    assert (raised.value.field, raised.value.code) == ("items.1.expected_quantity", ErrorCode.STOCK_CHANGED)
    assert "4" in raised.value.message
    assert world() == before


@pytest.mark.parametrize(
    ("items", "field", "code"),
    [
        ("none", "items", ErrorCode.REQUIRED),
        ("too many", "items", ErrorCode.INVALID),
        ("twice", "items.1.variant_id", ErrorCode.INVALID),
        ("negative", "items.0.quantity", ErrorCode.INVALID),
        ("missing", "items.0.variant_id", ErrorCode.NOT_FOUND),
    ],
)
def test_stock_settings_are_checked(seller, items, field, code):
    product = add_product(seller, name="Meias")
    variant = product.variants.get()
    items = {
        "none": [],
        "too many": [StockSetting(variant_id=n, quantity=1) for n in range(STOCK_SET_MAX + 1)],
        "twice": [StockSetting(variant_id=variant.pk, quantity=1)] * 2,
        "negative": [StockSetting(variant_id=variant.pk, quantity=-1)],
        "missing": [StockSetting(variant_id=10**9, quantity=1)],
    }.get(items, items)
    before = world()
    with pytest.raises(Exception) as raised:
        services.variant_stock_set(seller=seller, settings=items)
    assert [(e.field, e.code) for e in raised.value.details] == [(field, code)]
    assert world() == before


# ---------------------------------------------------------------- through the API


def test_a_seller_builds_a_shoe_through_the_api(
    gql, seller, buyer, other_seller, django_capture_on_commit_callbacks
):
    product = add_product(seller, name="Sapatilha Kianda", price="100.00", stock=2)
    data = gql.op(
        "SetProductOptions",
        {
            "productId": gid(product),
            "options": [
                {"name": "Tamanho", "values": ["40", "41"]},
                {"name": "Cor", "values": ["Preto", "Branco"]},
            ],
        },
        user=seller,
    )["data"]["setProductOptions"]
    assert data["errors"] == []
    (default,) = [e["node"] for e in data["product"]["variants"]["edges"]]
    assert (default["name"], default["isDefault"], default["stockQuantity"]) == ("40 / Preto", False, 2)
    created = gql.op(
        "CreateProductVariant",
        {
            "productId": gid(product),
            "input": {
                "price": "120.00",
                "stockQuantity": 0,
                "sku": "KIA-41-B",
                "options": [{"name": "Tamanho", "value": "41"}, {"name": "Cor", "value": "Branco"}],
            },
        },
        user=seller,
    )["data"]["createProductVariant"]
    assert created["errors"] == []
    variant = created["variant"]
    assert (variant["name"], variant["inStock"], variant["options"]) == (
        "41 / Branco",
        False,
        [{"name": "Tamanho", "value": "41"}, {"name": "Cor", "value": "Branco"}],
    )
    refused = gql.op("UpdateProduct", {"id": gid(product), "input": {"price": "5.00"}}, user=seller)["data"][
        "updateProduct"
    ]
    assert codes(refused["errors"]) == [("price", "VARIANT_REQUIRED")]
    stock = gql.op(
        "SetVariantStock",
        {"items": [{"variantId": variant["id"], "quantity": 4, "expectedQuantity": 0}]},
        user=seller,
    )["data"]["setVariantStock"]
    assert (stock["errors"], stock["variants"][0]["stockQuantity"]) == ([], 4)
    stale = gql.op(
        "SetVariantStock",
        {"items": [{"variantId": variant["id"], "quantity": 9, "expectedQuantity": 0}]},
        user=seller,
    )["data"]["setVariantStock"]
    assert (codes(stale["errors"]), stale["variants"]) == (
        [("items.0.expectedQuantity", "STOCK_CHANGED")],
        [],
    )
    # The storefront sees it, and finds it by its options.
    found = gql.op("ProductsByOption", {"options": [{"name": "cor", "value": "branco"}], "inStock": True})[
        "data"
    ]["products"]
    assert [(e["node"]["slug"], e["node"]["priceRange"]) for e in found["edges"]] == [
        (product.slug, {"min": "100.00", "max": "120.00"})
    ]
    deleted = gql.op("DeleteProductVariant", {"id": variant["id"]}, user=seller)["data"][
        "deleteProductVariant"
    ]
    assert deleted == {"deleted": True, "errors": []}
    mine = gql.op("DeleteProductVariant", {"id": default["id"]}, user=seller)["data"]["deleteProductVariant"]
    assert codes(mine["errors"]) == [("id", "INVALID")]  # the last variant
    other = gql.op(
        "UpdateProductVariant", {"id": default["id"], "input": {"stockQuantity": 1}}, user=other_seller
    )
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_variant_id_of_another_type_is_not_found(gql, seller, product):
    answer = gql.op("UpdateProductVariant", {"id": gid(product), "input": {"stockQuantity": 1}}, user=seller)
    assert codes(answer["data"]["updateProductVariant"]["errors"]) == [("id", "NOT_FOUND")]


def test_variant_writes_bump_the_products_version_and_publish_availability(
    seller, django_capture_on_commit_callbacks
):
    events = []
    live.publisher_install(lambda topic, event: events.append((topic, event)))
    product = sizes(seller, "40", "41")
    before = cache.get(product_version_key(product.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.variant_stock_set(
            seller=seller, settings=[StockSetting(variant_id=product.variants.get().pk, quantity=2)]
        )
    assert cache.get(product_version_key(product.pk)) != before
    from backend.live import channel_layer_publish

    live.publisher_install(channel_layer_publish)
    assert events == [(live.product_topic(product.pk), {"products": [product.pk]})]


# ---------------------------------------------------------------- two clerks (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_setting_stock_with_compare_and_set_never_overwrite_each_other(seller):
    product = sizes(seller, "40", "41", stock=10)
    variant = product.variants.get(name="40")
    results, barrier = [], threading.Barrier(2)

    def clerk(quantity):
        try:
            barrier.wait()
            services.variant_stock_set(
                seller=seller,
                settings=[StockSetting(variant_id=variant.pk, quantity=quantity, expected_quantity=10)],
            )
            results.append(("ok", quantity))
        except StockChanged:
            results.append(("changed", quantity))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=clerk, args=(quantity,)) for quantity in (7, 12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome for outcome, _ in results) == ["changed", "ok"]
    (won,) = [quantity for outcome, quantity in results if outcome == "ok"]
    variant.refresh_from_db()
    assert variant.stock_quantity == won
    assert totals(product)[2] == won


# ---------------------------------------------------------------- the seller's dashboard


def test_low_stock_counts_variants(gql, seller):
    product = sizes(seller, "40", "41", "42", stock=20)
    for size, stock in (("41", 0), ("42", 3)):
        services.product_variant_create(
            seller=seller,
            product_id=product.pk,
            price=Decimal("10"),
            options=[("Tamanho", size)],
            stock_quantity=stock,
        )
    add_product(seller, name="Meias", stock=2)
    query = """query { storeStats(from: "2026-03-01", to: "2026-03-02") { lowStockThreshold
      lowStockProducts { name stockQuantity }
      lowStockVariants { name sku stockQuantity product { name } } } }"""
    stats = gql.ok(query, user=seller)["storeStats"]
    assert stats["lowStockThreshold"] == 5
    # The shoe's total (23) is not low; its 41 and 42 are.
    assert [(p["name"], p["stockQuantity"]) for p in stats["lowStockProducts"]] == [("Meias", 2)]
    assert [(v["product"]["name"], v["name"], v["stockQuantity"]) for v in stats["lowStockVariants"]] == [
        ("Sapatilha", "41", 0),
        ("Meias", "", 2),
        ("Sapatilha", "42", 3),
    ]


# ---------------------------------------------------------------- the admin


def test_the_admin_shows_a_products_options_and_variants_read_only(client, admin, seller):
    product = sizes(seller, "40", "41")
    services.product_variant_create(
        seller=seller,
        product_id=product.pk,
        price=Decimal("80.00"),
        options=[("Tamanho", "41")],
        sku="SAP-41",
    )
    client.force_login(admin)
    page = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
    assert "SAP-41" in page and "Tamanho" in page and "40, 41" in page
    # Hiding the product still saves through the service, the read-only rows untouched.
    before = list(ProductVariant.objects.order_by("pk").values())
    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "is_active": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("options", "variants")
                for key, value in (
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "0"),
                )
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.is_active is False
    assert list(ProductVariant.objects.order_by("pk").values()) == before
