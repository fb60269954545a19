"""Variants, the buying side: cart lines of variants (VARIANT_REQUIRED for a product with options
named by productId; one line per variant, its quantities summed and checked against the variant's
stock), the merge at login by variant, checkout's snapshot of the variant on the order line (kept
after the variant is edited or deleted), its stock taken and given back by cancellations and
refunds with the product's totals, and the last unit of a variant raced for on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.cart import services as cart
from domain.cart.models import Cart, CartItem
from domain.catalog import services as catalog
from domain.catalog.models import Product, ProductVariant
from domain.catalog.services import OptionSetting
from domain.errors import ErrorCode, InvalidInput, NotFound, OutOfStock, Required, VariantRequired
from domain.orders import fulfilment
from domain.orders.models import Order, OrderItem

from .factories import make_product, make_seller, make_user
from .helpers import (
    add_product,
    checkout_input,
    codes,
    fill_cart,
    gid,
    place,
    postgres_only,
    run_in_threads,
    world,
)

pytestmark = pytest.mark.django_db


def shoe(
    seller, *, name="Ténis Kizomba", stocks=None, prices=None
) -> tuple[Product, dict[str, ProductVariant]]:
    """A product with two option groups (Tamanho 40/41, Cor Preto/Branco) and its four variants, by
    name ("41 / Preto"), with SKUs; `stocks` and `prices` by name (default 5 each, 100.00 + 10 a size)."""
    stocks, prices = stocks or {}, prices or {}
    product = add_product(seller, name=name, price="100.00", stock=stocks.get("40 / Preto", 5))
    catalog.product_options_set(
        seller=seller,
        product_id=product.pk,
        options=[
            OptionSetting(name="Tamanho", values=["40", "41"]),
            OptionSetting(name="Cor", values=["Preto", "Branco"]),
        ],
    )
    variants = {"40 / Preto": ProductVariant.objects.get(product=product)}
    catalog.product_variant_update(
        seller=seller,
        variant_id=variants["40 / Preto"].pk,
        sku=f"{product.pk}-40-P",
        price=Decimal(prices.get("40 / Preto", "100.00")),
    )
    for size, colour in (("40", "Branco"), ("41", "Preto"), ("41", "Branco")):
        label = f"{size} / {colour}"
        variants[label] = catalog.product_variant_create(
            seller=seller,
            product_id=product.pk,
            price=Decimal(prices.get(label, "110.00" if size == "41" else "100.00")),
            options=[("Tamanho", size), ("Cor", colour)],
            sku=f"{product.pk}-{size}-{colour[0]}",
            stock_quantity=stocks.get(label, 5),
        )
    for variant in variants.values():
        variant.refresh_from_db()
    product.refresh_from_db()
    return product, variants


def lines(user=None, cart_code=None) -> list[tuple[str, int]]:
    """The caller's cart lines as (variant name, quantity)."""
    items = (
        CartItem.objects.filter(cart__user=user)
        if user
        else CartItem.objects.filter(cart__cart_code=cart_code)
    )
    return list(items.order_by("pk").values_list("variant__name", "quantity"))


def stock(variant) -> int:
    return ProductVariant.objects.values_list("stock_quantity", flat=True).get(pk=variant.pk)


def totals(product) -> tuple[int, str, str]:
    product.refresh_from_db()
    return product.stock_quantity, str(product.price), str(product.max_price)


# ---------------------------------------------------------------- the cart


def test_a_product_with_options_needs_its_variant(gql, buyer, seller):
    product, _ = shoe(seller)
    before = world()
    body = gql.op("AddToCart", {"productId": gid(product), "quantity": 1}, user=buyer)["data"]["addToCart"]
    assert codes(body["errors"]) == [("productId", "VARIANT_REQUIRED")]
    assert body["errors"][0]["message"] == "Este produto existe em várias variantes: escolha uma (variantId)."
    assert body["cart"] is None
    assert world() == before and not Cart.objects.exists()
    anonymous = gql.op("AddToCart", {"productId": gid(product)})["data"]["addToCart"]
    assert codes(anonymous["errors"]) == [("productId", "VARIANT_REQUIRED")]
    assert not Cart.objects.exists()


def test_a_product_without_options_is_still_added_by_its_id(gql, buyer):
    product = make_product(name="Capulana", price="2500.00", stock_quantity=4)
    body = gql.op("AddToCart", {"productId": gid(product), "quantity": 2}, user=buyer)["data"]["addToCart"]
    assert body["errors"] == []
    variants = gql.op("CartVariants", user=buyer)["data"]["cart"]["items"]
    assert [
        (item["variant"]["isDefault"], item["variant"]["name"], item["quantity"]) for item in variants
    ] == [(True, "", 2)]
    assert variants[0]["variant"]["id"] == gid(ProductVariant.objects.get(product=product))


def test_a_variant_is_added_by_its_id_and_priced_by_itself(gql, buyer, seller):
    product, variants = shoe(seller)
    body = gql.op("AddVariantToCart", {"variantId": gid(variants["41 / Branco"]), "quantity": 2}, user=buyer)[
        "data"
    ]["addToCart"]
    assert body["errors"] == []
    (item,) = body["cart"]["items"]
    assert item["variant"]["name"] == "41 / Branco"
    assert item["variant"]["options"] == [
        {"name": "Tamanho", "value": "41"},
        {"name": "Cor", "value": "Branco"},
    ]
    assert item["product"]["slug"] == product.slug
    assert (item["lineTotal"], body["cart"]["subtotal"], body["cart"]["totalQuantity"]) == (
        "220.00",
        "220.00",
        2,
    )


def test_adding_the_same_variant_again_sums_its_line_checked_against_its_stock(gql, buyer, seller):
    _, variants = shoe(seller, stocks={"41 / Preto": 3})
    chosen = {"variantId": gid(variants["41 / Preto"])}
    assert (
        gql.op("AddVariantToCart", chosen | {"quantity": 2}, user=buyer)["data"]["addToCart"]["errors"] == []
    )
    before = world()
    refused = gql.op("AddVariantToCart", chosen | {"quantity": 2}, user=buyer)["data"]["addToCart"]
    assert codes(refused["errors"]) == [("quantity", "OUT_OF_STOCK")]
    assert refused["errors"][0]["message"] == (
        "“Ténis Kizomba (41 / Preto)” só tem 3 em stock (2 já no seu carrinho)."
    )
    assert world() == before
    assert (
        gql.op("AddVariantToCart", chosen | {"quantity": 1}, user=buyer)["data"]["addToCart"]["errors"] == []
    )
    assert lines(buyer) == [("41 / Preto", 3)]  # one line, never two of one variant


def test_two_variants_of_one_product_are_two_lines(gql, buyer, seller):
    product, variants = shoe(seller)
    for name, quantity in (("40 / Preto", 1), ("41 / Branco", 2), ("40 / Preto", 1)):
        result = gql.op(
            "AddVariantToCart", {"variantId": gid(variants[name]), "quantity": quantity}, user=buyer
        )
        assert result["data"]["addToCart"]["errors"] == []
    assert lines(buyer) == [("40 / Preto", 2), ("41 / Branco", 2)]
    view = gql.op("CartVariants", user=buyer)["data"]["cart"]
    assert (view["totalQuantity"], view["subtotal"]) == (4, "420.00")
    assert {item["product"]["id"] for item in view["items"]} == {gid(product)}


@pytest.mark.parametrize(
    "variables, error",
    [
        ({}, ("variantId", "REQUIRED")),
        ("both", ("variantId", "INVALID")),
        ({"variantId": "bm90IGFuIGlk"}, ("variantId", "NOT_FOUND")),
        ("product", ("variantId", "NOT_FOUND")),  # a product's id is not a variant's
    ],
)
def test_a_line_is_named_by_exactly_one_id(gql, buyer, seller, variables, error):
    product, variants = shoe(seller)
    if variables == "both":
        variables = {"variantId": gid(variants["40 / Preto"]), "productId": gid(product)}
    elif variables == "product":
        variables = {"variantId": gid(product)}
    before = world()
    result = gql(
        "mutation($p: ID, $v: ID) { addToCart(productId: $p, variantId: $v) { errors { field code } } }",
        {"p": variables.get("productId"), "v": variables.get("variantId")},
        user=buyer,
    )
    assert [(e["field"], e["code"]) for e in result["data"]["addToCart"]["errors"]] == [error]
    assert world() == before


def test_update_and_remove_name_the_variant(gql, buyer, seller):
    product, variants = shoe(seller, stocks={"41 / Preto": 4})
    fill_cart(buyer, (variants["41 / Preto"], 1), (variants["40 / Branco"], 1))
    by_product = gql.op("UpdateCartItem", {"productId": gid(product), "quantity": 2}, user=buyer)
    assert codes(by_product["data"]["updateCartItem"]["errors"]) == [("productId", "VARIANT_REQUIRED")]
    too_many = gql.op(
        "UpdateCartVariant", {"variantId": gid(variants["41 / Preto"]), "quantity": 5}, user=buyer
    )
    assert codes(too_many["data"]["updateCartItem"]["errors"]) == [("quantity", "OUT_OF_STOCK")]
    updated = gql.op(
        "UpdateCartVariant", {"variantId": gid(variants["41 / Preto"]), "quantity": 4}, user=buyer
    )
    assert updated["data"]["updateCartItem"]["errors"] == []
    assert lines(buyer) == [("41 / Preto", 4), ("40 / Branco", 1)]
    absent = gql.op("RemoveCartVariant", {"variantId": gid(variants["41 / Branco"])}, user=buyer)
    assert codes(absent["data"]["removeFromCart"]["errors"]) == [("variantId", "NOT_FOUND")]
    by_product = gql.op("RemoveFromCart", {"productId": gid(product)}, user=buyer)
    assert codes(by_product["data"]["removeFromCart"]["errors"]) == [("productId", "VARIANT_REQUIRED")]
    removed = gql.op("RemoveCartVariant", {"variantId": gid(variants["41 / Preto"])}, user=buyer)
    assert removed["data"]["removeFromCart"]["errors"] == []
    assert lines(buyer) == [("40 / Branco", 1)]


def test_an_inactive_variant_is_not_sold_and_its_line_is_left_out(gql, buyer, seller):
    product, variants = shoe(seller)
    fill_cart(buyer, (variants["41 / Preto"], 1), (variants["40 / Preto"], 2))
    catalog.product_variant_update(seller=seller, variant_id=variants["41 / Preto"].pk, is_active=False)
    view = gql.op("CartVariants", user=buyer)["data"]["cart"]
    assert (view["totalQuantity"], view["subtotal"]) == (2, "200.00")
    assert [item["variant"]["isActive"] for item in view["items"]] == [False, True]  # still shown
    with pytest.raises(NotFound) as error:
        cart.cart_add_item(user=buyer, cart_code=None, variant_id=variants["41 / Preto"].pk)
    assert error.value.field == "variant_id"
    with pytest.raises(InvalidInput):  # raising its quantity: no longer sold
        cart.cart_update_item(user=buyer, cart_code=None, variant_id=variants["41 / Preto"].pk, quantity=2)
    before = world()
    with pytest.raises(OutOfStock, match="“Ténis Kizomba \\(41 / Preto\\)” já não está à venda"):
        place(buyer)
    assert world() == before


def test_the_service_refuses_no_id_or_both(buyer, seller):
    product, variants = shoe(seller)
    with pytest.raises(Required):
        cart.cart_add_item(user=buyer, cart_code=None)
    with pytest.raises(InvalidInput):
        cart.cart_remove_item(
            user=buyer, cart_code=None, product_id=product.pk, variant_id=variants["40 / Preto"].pk
        )
    with pytest.raises(VariantRequired) as error:
        cart.cart_add_item(user=buyer, cart_code=None, product_id=product.pk)
    assert (error.value.code, error.value.field) == (ErrorCode.VARIANT_REQUIRED, "product_id")
    assert not Cart.objects.exists()


def test_the_login_merge_sums_lines_of_the_same_variant_within_its_stock(buyer, seller):
    _, variants = shoe(seller, stocks={"41 / Preto": 4})
    anonymous = cart.cart_add_item(
        user=None, cart_code=None, variant_id=variants["41 / Preto"].pk, quantity=3
    )
    cart.cart_add_item(
        user=None, cart_code=anonymous.cart_code, variant_id=variants["40 / Branco"].pk, quantity=1
    )
    fill_cart(buyer, (variants["41 / Preto"], 2), (variants["40 / Preto"], 1))
    merged = cart.cart_merge(user=buyer, cart_code=anonymous.cart_code)
    assert merged.user == buyer
    assert sorted(lines(buyer)) == [
        ("40 / Branco", 1),
        ("40 / Preto", 1),
        ("41 / Preto", 4),
    ]  # 2 + 3, at most 4
    assert not Cart.objects.filter(pk=anonymous.pk).exists()


# ---------------------------------------------------------------- checkout


def test_checkout_takes_the_variants_stock_and_the_product_totals_follow(buyer, seller):
    product, variants = shoe(seller, stocks={"41 / Preto": 3, "40 / Branco": 2})
    assert totals(product) == (5 + 3 + 2 + 5, "100.00", "110.00")
    fill_cart(buyer, (variants["41 / Preto"], 2), (variants["40 / Branco"], 2))
    (order,) = place(buyer)
    assert (stock(variants["41 / Preto"]), stock(variants["40 / Branco"]), stock(variants["40 / Preto"])) == (
        1,
        0,
        5,
    )
    assert totals(product) == (5 + 1 + 0 + 5, "100.00", "110.00")
    assert order.total_amount == Decimal("420.00")
    assert not CartItem.objects.filter(cart__user=buyer).exists()


def test_checkout_refuses_a_variant_short_of_stock_and_names_it(buyer, seller):
    _, variants = shoe(seller, stocks={"41 / Preto": 3})
    fill_cart(buyer, (variants["41 / Preto"], 2), (variants["40 / Preto"], 1))
    ProductVariant.objects.filter(pk=variants["41 / Preto"].pk).update(stock_quantity=1)
    before = world()
    with pytest.raises(OutOfStock) as error:
        place(buyer)
    assert error.value.message == (
        "Stock insuficiente: “Ténis Kizomba (41 / Preto)”: 1 em stock, 2 no seu carrinho."
    )
    assert world() == before


def test_order_lines_keep_the_variant_as_it_was_after_it_is_edited_or_deleted(gql, buyer, seller):
    product, variants = shoe(seller)
    fill_cart(buyer, (variants["41 / Branco"], 1), (variants["40 / Preto"], 2))
    (order,) = place(buyer)
    snapshot = [
        (
            "Ténis Kizomba",
            "41 / Branco",
            f"{product.pk}-41-B",
            [{"name": "Tamanho", "value": "41"}, {"name": "Cor", "value": "Branco"}],
            "110.00",
            1,
        ),
        (
            "Ténis Kizomba",
            "40 / Preto",
            f"{product.pk}-40-P",
            [{"name": "Tamanho", "value": "40"}, {"name": "Cor", "value": "Preto"}],
            "100.00",
            2,
        ),
    ]

    def seen() -> list[tuple]:
        result = gql.op("OrderLines", {"orderNumber": order.order_number}, user=buyer)["data"]["order"]
        return [
            (i["productName"], i["variantName"], i["sku"], i["options"], i["price"], i["quantity"])
            for i in result["items"]
        ], [i["variant"] and i["variant"]["id"] for i in result["items"]]

    assert seen() == (snapshot, [gid(variants["41 / Branco"]), gid(variants["40 / Preto"])])
    catalog.product_variant_update(
        seller=seller, variant_id=variants["41 / Branco"].pk, sku="NOVO-SKU", price=Decimal("999.00")
    )
    catalog.product_options_set(
        seller=seller,
        product_id=product.pk,
        options=[
            OptionSetting(name="TAMANHO", values=["40", "41"]),
            OptionSetting(name="Cor", values=["Preto", "Branco"]),
        ],
    )
    Product.objects.filter(pk=product.pk).update(name="Ténis Novo")
    assert seen()[0] == snapshot
    ProductVariant.objects.filter(pk=variants["41 / Branco"].pk).delete()  # e.g. by an admin
    assert seen() == (snapshot, [None, gid(variants["40 / Preto"])])
    assert OrderItem.objects.filter(order=order, variant__isnull=True).count() == 1
    order.refresh_from_db()
    assert order.total_amount == Decimal("310.00")


def test_a_product_without_options_snapshots_an_empty_variant(buyer):
    product = make_product(name="Mel", price="700.00", stock_quantity=3)
    fill_cart(buyer, (product, 1))
    (order,) = place(buyer)
    item = OrderItem.objects.get(order=order)
    assert (item.product_name, item.variant_name, item.sku, item.options, item.variant.is_default) == (
        "Mel",
        "",
        "",
        [],
        True,
    )


def test_cancelling_and_refunding_restock_the_variants(buyer, seller):
    product, variants = shoe(seller, stocks={"41 / Preto": 3, "40 / Branco": 2})
    fill_cart(buyer, (variants["41 / Preto"], 3), (variants["40 / Branco"], 1))
    (order,) = place(buyer)
    assert (stock(variants["41 / Preto"]), stock(variants["40 / Branco"])) == (0, 1)
    fulfilment.order_refund(actor=buyer, order_number=order.order_number)
    assert (stock(variants["41 / Preto"]), stock(variants["40 / Branco"])) == (3, 2)
    assert totals(product)[0] == 5 + 3 + 2 + 5

    fill_cart(buyer, (variants["41 / Preto"], 1))
    (second,) = place(buyer)
    catalog.product_variant_update(seller=seller, variant_id=variants["41 / Preto"].pk, is_active=False)
    assert totals(product)[0] == 5 + 2 + 5  # an inactive variant's stock is not the product's
    fulfilment.order_cancel(actor=buyer, order_number=second.order_number)
    assert stock(variants["41 / Preto"]) == 3  # back on the variant, still inactive
    assert totals(product)[0] == 5 + 2 + 5


def test_a_cancelled_line_whose_variant_was_deleted_returns_nothing_for_it(buyer, seller):
    _, variants = shoe(seller)
    fill_cart(buyer, (variants["41 / Preto"], 2), (variants["40 / Preto"], 1))
    (order,) = place(buyer)
    ProductVariant.objects.filter(pk=variants["41 / Preto"].pk).delete()
    fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert stock(variants["40 / Preto"]) == 5


# ---------------------------------------------------------------- query counts


def variant_cart(buyer, stores: int) -> None:
    """Two lines of variants with options in each of `stores` stores."""
    for n in range(stores):
        seller = make_seller(username=f"vendedor{n}")
        _, variants = shoe(seller, name=f"Ténis {n}")
        fill_cart(buyer, (variants["41 / Preto"], 1), (variants["40 / Branco"], 2))


@pytest.mark.parametrize("stores", [2, 6])
def test_the_cart_with_variants_is_read_in_constant_queries(gql, buyer, stores, django_assert_num_queries):
    variant_cart(buyer, stores)
    # user from the token; cart with its sums; lines with products, stores and variants; the
    # variants' option values (one prefetch)
    with django_assert_num_queries(4):
        view = gql.op("CartVariants", user=buyer)["data"]["cart"]
    assert view["totalQuantity"] == 3 * stores


@pytest.mark.parametrize("stores", [2, 6])
def test_adding_a_variant_costs_the_same_for_any_cart(gql, buyer, seller, stores, django_assert_num_queries):
    variant_cart(buyer, stores)
    _, variants = shoe(seller)
    # the caller from the token; savepoint; the buyer's cart found, then locked; the variant with its
    # product; the cart's lines counted; the line inserted; the cart touched; release; then the cart
    # with its sums, its lines with products, stores and variants, and their option values
    with django_assert_num_queries(12):
        body = gql.op("AddVariantToCart", {"variantId": gid(variants["41 / Branco"])}, user=buyer)["data"]
    assert body["addToCart"]["cart"]["totalQuantity"] == 3 * stores + 1


@pytest.mark.parametrize("stores", [3, 9])
def test_checkout_of_variants_costs_one_query_more_for_their_options(
    gql, buyer, stores, django_assert_num_queries
):
    variant_cart(buyer, stores)
    # tests/test_checkout.py's 28, and the option values of the variants bought (for the snapshot)
    with django_assert_num_queries(29):
        result = gql.op("Checkout", {"input": checkout_input(idempotencyKey="count")}, user=buyer)
    assert len(result["data"]["checkout"]["orders"]) == stores
    assert OrderItem.objects.exclude(options=[]).count() == 2 * stores


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_race_for_the_last_unit_of_a_variant():
    seller = make_seller(username="racing-seller")
    product, variants = shoe(seller, stocks={"41 / Preto": 1})
    last = variants["41 / Preto"]
    buyers = [make_user(username=f"variant-racer{n}") for n in range(20)]
    for n, buyer in enumerate(buyers):
        # Half of them also buy another variant of the product, so rows are shared both ways.
        fill_cart(buyer, (last, 1), *([(variants["40 / Branco"], 1)] if n % 2 else []))
    results = run_in_threads(20, lambda i: place(buyers[i]))
    won = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if not isinstance(r, list)]
    assert len(won) == 1
    assert all(isinstance(error, OutOfStock) for error in lost), lost
    assert stock(last) == 0
    assert Order.objects.count() == 1
    assert OrderItem.objects.filter(variant=last).count() == 1
    bought_white = OrderItem.objects.filter(variant=variants["40 / Branco"]).count()
    assert stock(variants["40 / Branco"]) == 5 - bought_white
    assert totals(product)[0] == 5 + (5 - bought_white) + 0 + 5
    assert not ProductVariant.objects.filter(stock_quantity__lt=0).exists()
