"""Carts: anonymous carts by secret code, a user's own cart, stock limits, merge at login, cleanup."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from strawberry import relay

from domain.cart import services
from domain.cart.models import Cart, CartItem
from domain.catalog.models import Product
from domain.errors import ErrorCode, InvalidInput, NotFound, OutOfStock

from .conftest import error_codes
from .factories import make_product, make_store, make_user
from .helpers import gid, postgres_only, run_in_threads

pytestmark = pytest.mark.django_db


def lines(cart: Cart | None) -> dict[str, int]:
    """A cart's content by product name; {} for no cart."""
    if cart is None:
        return {}
    return dict(CartItem.objects.filter(cart=cart).values_list("product__name", "quantity"))


def snapshot() -> list[tuple]:
    """Every cart and line in the database, to show that a refused change touched nothing."""
    return [
        *Cart.objects.order_by("pk").values_list("pk", "user_id", "cart_code", "updated_at"),
        *CartItem.objects.order_by("pk").values_list("pk", "cart_id", "product_id", "quantity"),
    ]


@pytest.fixture
def banana(db):
    return make_product(name="Banana", price="250.00", stock_quantity=5)


@pytest.fixture
def mango(db):
    return make_product(name="Manga", price="1000.50", stock_quantity=3)


def add(user=None, product=None, quantity=1, cart_code=None) -> Cart:
    return services.cart_add_item(user=user, cart_code=cart_code, product_id=product.pk, quantity=quantity)


# ---------------------------------------------------------------- services


def test_first_anonymous_add_creates_a_cart_with_a_secret_code(banana):
    cart = add(product=banana, quantity=2)
    assert cart.user is None
    assert len(cart.cart_code) >= 43  # 256 random bits, URL-safe base64
    assert lines(cart) == {"Banana": 2}
    again = add(product=banana, cart_code=cart.cart_code)
    assert again.pk == cart.pk
    assert lines(cart) == {"Banana": 3}


def test_each_anonymous_add_without_a_code_starts_another_cart(banana):
    first, second = add(product=banana), add(product=banana)
    assert first.pk != second.pk
    assert first.cart_code != second.cart_code


def test_a_user_uses_their_own_cart_and_ignores_any_code(buyer, banana, mango):
    anonymous = add(product=banana)
    cart = add(user=buyer, product=mango, cart_code=anonymous.cart_code)
    assert (cart.user, cart.cart_code) == (buyer, None)
    assert lines(cart) == {"Manga": 1}
    assert lines(anonymous) == {"Banana": 1}
    assert add(user=buyer, product=mango).pk == cart.pk


def test_sellers_and_admins_may_hold_a_cart_too(seller, admin, banana):
    assert lines(add(user=seller, product=banana)) == {"Banana": 1}
    assert lines(add(user=admin, product=banana)) == {"Banana": 1}


def test_unknown_code_is_not_found_and_creates_nothing(banana):
    with pytest.raises(NotFound) as error:
        add(product=banana, cart_code="no-such-code")
    assert error.value.field == "cart_code"
    assert not Cart.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_at_least_one(banana, quantity):
    with pytest.raises(InvalidInput) as error:
        add(product=banana, quantity=quantity)
    assert error.value.field == "quantity"
    assert snapshot() == []


def test_quantity_left_out_means_one(banana):
    assert lines(add(product=banana, quantity=None)) == {"Banana": 1}


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"deleted_at": timezone.now()},
        "store inactive",
        "missing",
    ],
    ids=["inactive", "deleted", "store-inactive", "missing"],
)
def test_only_products_on_sale_can_be_added(buyer, banana, change):
    if change == "store inactive":
        type(banana.store).objects.filter(pk=banana.store_id).update(is_active=False)
    elif change == "missing":
        banana.pk = 10**9
    else:
        Product.objects.filter(pk=banana.pk).update(**change)
    for user in (None, buyer):
        with pytest.raises(NotFound) as error:
            add(user=user, product=banana)
        assert (error.value.code, error.value.field) == (ErrorCode.NOT_FOUND, "product_id")
    assert snapshot() == []


def test_a_line_never_exceeds_the_stock(banana):
    with pytest.raises(OutOfStock) as error:
        add(product=banana, quantity=6)
    assert error.value.field == "quantity"
    assert error.value.message == "“Banana” só tem 5 em stock."
    assert snapshot() == []

    cart = add(product=banana, quantity=4)
    before = snapshot()
    with pytest.raises(OutOfStock) as error:
        add(product=banana, quantity=2, cart_code=cart.cart_code)
    assert error.value.message == "“Banana” só tem 5 em stock (4 já no seu carrinho)."
    assert snapshot() == before


def test_sold_out_product_says_so(buyer):
    product = make_product(name="Caju", stock_quantity=0)
    with pytest.raises(OutOfStock) as error:
        add(user=buyer, product=product)
    assert error.value.message == "“Caju” está sem stock."
    assert snapshot() == []


def test_update_sets_the_quantity_and_zero_removes_the_line(buyer, banana, mango):
    add(user=buyer, product=banana)
    add(user=buyer, product=mango)
    cart = services.cart_update_item(user=buyer, cart_code=None, product_id=banana.pk, quantity=5)
    assert lines(cart) == {"Banana": 5, "Manga": 1}
    services.cart_update_item(user=buyer, cart_code=None, product_id=banana.pk, quantity=2)
    assert lines(cart) == {"Banana": 2, "Manga": 1}
    services.cart_update_item(user=buyer, cart_code=None, product_id=mango.pk, quantity=0)
    assert lines(cart) == {"Banana": 2}


def test_update_refusals_change_nothing(buyer, banana, mango):
    add(user=buyer, product=banana, quantity=2)
    before = snapshot()
    cases = [
        (dict(product_id=banana.pk, quantity=6), ErrorCode.OUT_OF_STOCK, "quantity"),
        (dict(product_id=banana.pk, quantity=-1), ErrorCode.INVALID, "quantity"),
        (dict(product_id=mango.pk, quantity=1), ErrorCode.NOT_FOUND, "product_id"),
    ]
    for kwargs, code, field in cases:
        with pytest.raises((OutOfStock, InvalidInput, NotFound)) as error:
            services.cart_update_item(user=buyer, cart_code=None, **kwargs)
        assert (error.value.code, error.value.field) == (code, field)
    assert snapshot() == before


def test_a_product_no_longer_sold_can_be_lowered_or_removed_not_raised(buyer, banana):
    cart = add(user=buyer, product=banana, quantity=3)
    Product.objects.filter(pk=banana.pk).update(is_active=False)
    with pytest.raises(InvalidInput) as error:
        services.cart_update_item(user=buyer, cart_code=None, product_id=banana.pk, quantity=4)
    assert error.value.field == "product_id"
    services.cart_update_item(user=buyer, cart_code=None, product_id=banana.pk, quantity=1)
    assert lines(cart) == {"Banana": 1}
    services.cart_remove_item(user=buyer, cart_code=None, product_id=banana.pk)
    assert lines(cart) == {}


def test_remove_takes_the_line_out(banana, mango):
    cart = add(product=banana)
    add(product=mango, cart_code=cart.cart_code)
    services.cart_remove_item(user=None, cart_code=cart.cart_code, product_id=banana.pk)
    assert lines(cart) == {"Manga": 1}
    before = snapshot()
    with pytest.raises(NotFound) as error:
        services.cart_remove_item(user=None, cart_code=cart.cart_code, product_id=banana.pk)
    assert error.value.field == "product_id"
    with pytest.raises(NotFound) as error:
        services.cart_remove_item(user=None, cart_code="nope", product_id=mango.pk)
    assert error.value.field == "cart_code"
    with pytest.raises(NotFound) as error:
        services.cart_remove_item(user=None, cart_code=None, product_id=mango.pk)
    assert error.value.field == "product_id"
    assert snapshot() == before


def test_changes_move_the_carts_updated_at(banana):
    cart = add(product=banana)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=3))
    add(product=banana, cart_code=cart.cart_code)
    cart.refresh_from_db()
    assert timezone.now() - cart.updated_at < timedelta(minutes=1)


# ---------------------------------------------------------------- merge at login


def test_merge_adds_quantities_clamped_to_stock_and_drops_products_not_sold(buyer, banana, mango):
    gone = make_product(name="Fora", stock_quantity=9)
    pear = make_product(name="Pera", stock_quantity=4)
    add(user=buyer, product=banana, quantity=4)
    add(user=buyer, product=pear, quantity=1)
    anonymous = add(product=banana, quantity=3)
    for product, quantity in ((mango, 2), (gone, 1), (pear, 2)):
        add(product=product, quantity=quantity, cart_code=anonymous.cart_code)
    Product.objects.filter(pk=gone.pk).update(is_active=False)

    cart = services.cart_merge(user=buyer, cart_code=anonymous.cart_code)

    assert (cart.user, cart.cart_code) == (buyer, None)
    assert lines(cart) == {"Banana": 5, "Manga": 2, "Pera": 3}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    before = snapshot()
    assert services.cart_merge(user=buyer, cart_code=anonymous.cart_code).pk == cart.pk
    assert services.cart_merge(user=buyer, cart_code="unknown").pk == cart.pk
    assert services.cart_merge(user=buyer, cart_code=None).pk == cart.pk
    assert snapshot() == before


def test_merge_never_lowers_the_users_own_line(buyer, banana):
    add(user=buyer, product=banana, quantity=5)
    Product.objects.filter(pk=banana.pk).update(stock_quantity=2)
    anonymous = add(product=make_product(name="Outro"))
    Product.objects.filter(pk=banana.pk).update(stock_quantity=5)
    add(product=banana, quantity=1, cart_code=anonymous.cart_code)
    Product.objects.filter(pk=banana.pk).update(stock_quantity=2)
    cart = services.cart_merge(user=buyer, cart_code=anonymous.cart_code)
    assert lines(cart) == {"Banana": 5, "Outro": 1}


def test_merge_gives_a_user_without_a_cart_the_anonymous_lines(buyer, banana):
    anonymous = add(product=banana, quantity=2)
    cart = services.cart_merge(user=buyer, cart_code=anonymous.cart_code)
    assert (cart.user, cart.cart_code, lines(cart)) == (buyer, None, {"Banana": 2})
    assert Cart.objects.count() == 1


def test_merge_with_an_unknown_code_and_no_cart_changes_nothing(buyer):
    assert services.cart_merge(user=buyer, cart_code="unknown") is None
    assert snapshot() == []


def test_a_users_cart_cannot_be_merged_by_anyone(buyer, other_buyer, banana):
    add(user=buyer, product=banana)
    assert Cart.objects.get(user=buyer).cart_code is None  # no code could ever name it
    before = snapshot()
    for code in (None, "", " ", "null", "None"):
        assert services.cart_merge(user=other_buyer, cart_code=code) is None
    assert snapshot() == before
    assert not Cart.objects.filter(user=other_buyer).exists()


# ---------------------------------------------------------------- cleanup command


def test_cleanup_old_carts_deletes_idle_anonymous_carts_only(buyer, banana):
    old, recent = add(product=banana), add(product=banana)
    users = add(user=buyer, product=banana)
    Cart.objects.filter(pk__in=[old.pk, users.pk]).update(updated_at=timezone.now() - timedelta(days=31))
    Cart.objects.filter(pk=recent.pk).update(updated_at=timezone.now() - timedelta(days=29))
    out = StringIO()
    call_command("cleanup_old_carts", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 anonymous cart(s) idle for more than 30 day(s)."
    assert set(Cart.objects.values_list("pk", flat=True)) == {recent.pk, users.pk}
    call_command("cleanup_old_carts", "--days", "7", stdout=out)
    assert "Deleted 1 anonymous cart(s) idle for more than 7 day(s)." in out.getvalue()
    assert set(Cart.objects.values_list("pk", flat=True)) == {users.pk}


def test_cleanup_old_carts_refuses_zero_days(banana):
    add(product=banana)
    with pytest.raises(CommandError):
        call_command("cleanup_old_carts", "--days", "0", stdout=StringIO())
    assert Cart.objects.count() == 1


# ---------------------------------------------------------------- API


def cart_view(gql, operation, user=None, **variables) -> dict:
    result = gql.op(operation, variables, user=user)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


def test_anonymous_cart_through_the_contract_operations(gql, banana, mango):
    added = cart_view(gql, "AddToCart", productId=gid(banana), quantity=2)
    assert added["errors"] == []
    cart = added["cart"]
    code = cart["cartCode"]
    assert cart["totalQuantity"] == 2
    assert cart["subtotal"] == "500.00"
    assert cart["items"][0]["lineTotal"] == "500.00"
    assert cart["items"][0]["product"]["slug"] == banana.slug
    assert cart["items"][0]["product"]["store"]["slug"] == banana.store.slug

    cart = cart_view(gql, "AddToCart", productId=gid(mango), cartCode=code)["cart"]
    assert (cart["cartCode"], cart["totalQuantity"], cart["subtotal"]) == (code, 3, "1500.50")
    cart = cart_view(gql, "UpdateCartItem", productId=gid(banana), quantity=1, cartCode=code)["cart"]
    assert cart["subtotal"] == "1250.50"
    cart = cart_view(gql, "RemoveFromCart", productId=gid(mango), cartCode=code)["cart"]
    assert [item["product"]["name"] for item in cart["items"]] == ["Banana"]
    assert cart_view(gql, "Cart", cartCode=code)["subtotal"] == "250.00"


def test_cart_query_without_a_cart_is_null(gql, buyer, banana):
    assert cart_view(gql, "Cart") is None
    assert cart_view(gql, "Cart", cartCode="unknown") is None
    assert cart_view(gql, "Cart", user=buyer) is None


def test_a_logged_in_caller_never_reaches_an_anonymous_cart_by_code(gql, buyer, banana):
    anonymous = add(product=banana)
    assert cart_view(gql, "Cart", user=buyer, cartCode=anonymous.cart_code) is None
    cart = cart_view(gql, "AddToCart", user=buyer, productId=gid(banana), cartCode=anonymous.cart_code)[
        "cart"
    ]
    assert cart["cartCode"] is None
    assert cart_view(gql, "Cart", user=buyer)["id"] == cart["id"] != gid(anonymous)
    assert lines(anonymous) == {"Banana": 1}


def test_a_users_cart_has_no_code_and_is_unreachable_without_the_token(gql, buyer, banana):
    add(user=buyer, product=banana)
    assert cart_view(gql, "Cart", user=buyer)["cartCode"] is None
    assert cart_view(gql, "Cart") is None


def test_deactivated_product_stays_visible_in_the_cart(gql, buyer, banana, mango):
    add(user=buyer, product=banana)
    add(user=buyer, product=mango)
    Product.objects.filter(pk=banana.pk).update(is_active=False)
    type(mango.store).objects.filter(pk=mango.store_id).update(is_active=False)
    cart = cart_view(gql, "Cart", user=buyer)
    assert [(i["product"]["name"], i["product"]["isActive"]) for i in cart["items"]] == [
        ("Banana", False),
        ("Manga", True),
    ]


@pytest.mark.parametrize(
    "operation, variables, code, field",
    [
        ("AddToCart", {"quantity": 0}, "INVALID", "quantity"),
        ("AddToCart", {"quantity": 99}, "OUT_OF_STOCK", "quantity"),
        ("AddToCart", {"cartCode": "unknown"}, "NOT_FOUND", "cartCode"),
        ("AddToCart", {"productId": "garbage"}, "NOT_FOUND", "productId"),
        ("AddToCart", {"productId": str(relay.GlobalID("Category", "1"))}, "NOT_FOUND", "productId"),
        ("UpdateCartItem", {"quantity": 1}, "NOT_FOUND", "productId"),
        ("UpdateCartItem", {"quantity": 1, "cartCode": "unknown"}, "NOT_FOUND", "cartCode"),
        ("RemoveFromCart", {}, "NOT_FOUND", "productId"),
    ],
)
def test_api_refusals_name_the_field_and_change_nothing(gql, banana, operation, variables, code, field):
    variables = {"productId": gid(banana), **variables}
    result = gql.op(operation, variables)
    body = next(iter(result["data"].values()))
    assert body["cart"] is None
    assert [(e["code"], e["field"]) for e in body["errors"]] == [(code, field)]
    assert snapshot() == []


@pytest.mark.parametrize("operation", ["Cart", "AddToCart", "UpdateCartItem", "RemoveFromCart"])
@pytest.mark.parametrize(
    "role", ["anonymous", "buyer", "unapproved_seller", "seller", "admin"], indirect=True
)
def test_everyone_may_use_a_cart(gql, role, banana, operation):
    if operation != "AddToCart":
        add(user=role, product=banana, quantity=2)
    variables = {"productId": gid(banana), "quantity": 1}
    if role is None and operation != "AddToCart":
        variables["cartCode"] = Cart.objects.get().cart_code
    result = gql.op(operation, variables, user=role)
    assert error_codes(result) == []
    body = result["data"][next(iter(result["data"]))]
    cart = body if operation == "Cart" else body["cart"]
    assert (
        cart["totalQuantity"]
        == {"Cart": 2, "AddToCart": 1, "UpdateCartItem": 1, "RemoveFromCart": 0}[operation]
    )


def fill(user, count: int) -> None:
    store = make_store()
    for n in range(count):
        add(user=user, product=make_product(store=store, name=f"P{n}"))


@pytest.mark.parametrize("count", [2, 12])
def test_cart_query_count_does_not_grow_with_lines(gql, buyer, count, django_assert_num_queries):
    fill(buyer, count)
    # user from the token; cart; lines with their products and stores
    with django_assert_num_queries(3):
        cart = cart_view(gql, "Cart", user=buyer)
    assert cart["totalQuantity"] == count


@pytest.mark.parametrize("count", [2, 12])
def test_add_to_cart_query_count_does_not_grow_with_lines(gql, count, django_assert_num_queries):
    store = make_store()
    code = None
    for n in range(count):
        code = add(product=make_product(store=store, name=f"P{n}"), cart_code=code).cart_code
    product = make_product(store=store)
    # savepoint, cart, product, line, insert, cart touch, release; then cart with sums, lines
    with django_assert_num_queries(9):
        cart = cart_view(gql, "AddToCart", productId=gid(product), cartCode=code)["cart"]
    assert cart["totalQuantity"] == count + 1


# ---------------------------------------------------------------- races (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_quick_adds_by_a_user_without_a_cart_queue_up():
    buyer, product = make_user(username="quick"), make_product(stock_quantity=10)
    results = run_in_threads(
        4, lambda i: services.cart_add_item(user=buyer, cart_code=None, product_id=product.pk, quantity=1)
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Cart.objects.filter(user=buyer).count() == 1
    assert list(CartItem.objects.filter(cart__user=buyer).values_list("quantity", flat=True)) == [4]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_login_merge_racing_an_add_loses_nothing():
    buyer, product = make_user(username="merger"), make_product(stock_quantity=10)
    anonymous = services.cart_add_item(user=None, cart_code=None, product_id=product.pk, quantity=2)
    work = [
        lambda: services.cart_merge(user=buyer, cart_code=anonymous.cart_code),
        lambda: services.cart_add_item(user=buyer, cart_code=None, product_id=product.pk, quantity=1),
    ]
    results = run_in_threads(2, lambda i: work[i]())
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert list(CartItem.objects.filter(cart__user=buyer).values_list("quantity", flat=True)) == [3]
    assert not Cart.objects.filter(pk=anonymous.pk).exists()


# ---------------------------------------------------------------- bounds: totals fit GraphQL's Int


def test_a_line_holds_at_most_the_line_limit(buyer):
    big = make_product(stock_quantity=50_000)
    for quantity in (services.LINE_MAX_QUANTITY + 1, 2**31 - 1):
        with pytest.raises(InvalidInput) as error:
            add(buyer, big, quantity=quantity)
        assert error.value.field == "quantity"
    assert not Cart.objects.exists()  # a refused first add leaves no cart behind
    add(buyer, big, quantity=services.LINE_MAX_QUANTITY)
    with pytest.raises(InvalidInput):
        add(buyer, big, quantity=1)
    with pytest.raises(InvalidInput):
        services.cart_update_item(
            user=buyer, cart_code=None, product_id=big.pk, quantity=services.LINE_MAX_QUANTITY + 1
        )
    assert list(CartItem.objects.values_list("quantity", flat=True)) == [services.LINE_MAX_QUANTITY]


def test_a_cart_holds_at_most_the_line_count(buyer, monkeypatch):
    monkeypatch.setattr(services, "CART_MAX_LINES", 3)
    products = [make_product() for _ in range(4)]
    for product in products[:3]:
        add(buyer, product)
    with pytest.raises(InvalidInput) as error:
        add(buyer, products[3])
    assert (error.value.field, error.value.message) == (
        "product_id",
        "Um carrinho pode ter no máximo 3 produtos.",
    )
    add(buyer, products[0])  # more of a product already in the cart is fine
    assert CartItem.objects.count() == 3
