"""Checkout: one transaction, oversell-proof, idempotent, split per store, paid through the gateway."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from domain.cart.models import Cart, CartItem
from domain.catalog.models import Product, ProductVariant
from domain.errors import (
    EmptyCart,
    ErrorCode,
    InvalidInput,
    OutOfStock,
    PaymentFailed,
    Required,
    ValidationFailed,
)
from domain.orders import checkout
from domain.orders.models import (
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundReason,
)

from .conftest import error_codes
from .factories import make_product, make_store, make_user
from .helpers import (
    ADDRESS,
    DECLINED_CARD,
    checkout_input,
    fill_cart,
    install_recording_gateway,
    place,
    postgres_only,
    refunds_owed,
    run_in_threads,
    stock_of,
    stock_set,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_stores(db):
    """Products of three stores: (product, quantity to buy) per line."""
    stores = [make_store(name=name) for name in ("Loja A", "Loja B", "Loja C")]
    return [
        (make_product(store=stores[0], name="Arroz", price="1200.00", stock_quantity=10), 2),
        (make_product(store=stores[0], name="Feijão", price="850.50", stock_quantity=5), 1),
        (make_product(store=stores[1], name="Óleo", price="2300.00", stock_quantity=3), 3),
        (make_product(store=stores[2], name="Sal", price="199.99", stock_quantity=8), 4),
    ]


# ---------------------------------------------------------------- success


def test_card_checkout_makes_one_paid_order_per_store(buyer, three_stores, gateway):
    cart = fill_cart(buyer, *three_stores)
    orders = place(buyer)

    assert len(orders) == 3
    assert [order.store.name for order in orders] == ["Loja A", "Loja B", "Loja C"]
    assert [order.total_amount for order in orders] == [
        Decimal("3250.50"),
        Decimal("6900.00"),
        Decimal("799.96"),
    ]
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, "completed")
        assert order.contact_phone == "+244923456789"
        assert order.shipping_address == ADDRESS
        assert order.buyer == buyer
        assert (order.payment.status, order.payment.method, order.payment.amount) == (
            "completed",
            "card",
            order.total_amount,
        )
        assert order.payment.transaction_id == f"SIM-{order.order_number}"
        assert order.payment.reference_number is None
        assert list(order.events.values_list("actor", "from_status", "to_status")) == [
            (buyer.pk, "", "pending"),
            (None, "pending", "confirmed"),
        ]
    assert len({order.checkout_id for order in orders}) == 1
    assert list(OrderItem.objects.order_by("pk").values_list("product_name", "price", "quantity")) == [
        ("Arroz", Decimal("1200.00"), 2),
        ("Feijão", Decimal("850.50"), 1),
        ("Óleo", Decimal("2300.00"), 3),
        ("Sal", Decimal("199.99"), 4),
    ]
    assert [stock_of(product) for product, _ in three_stores] == [8, 4, 0, 4]
    assert not Product.objects.get(pk=three_stores[2][0].pk).in_stock
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert not CartItem.objects.filter(cart=cart).exists()
    assert [call[1] for call in gateway.charges()] == [order.order_number for order in orders]
    assert gateway.refunds() == []


def test_mobile_checkout_is_paid_at_once(buyer, three_stores):
    fill_cart(buyer, three_stores[0])
    (order,) = place(buyer, payment_method=PaymentMethod.MOBILE, phone_number="923 000 111")
    assert (order.status, order.payment.status, order.payment.method) == ("confirmed", "completed", "mobile")


def test_reference_checkout_reserves_stock_and_waits_for_the_payment(buyer, three_stores, gateway, settings):
    settings.PAYMENT_REFERENCE_ENTITY = "54321"
    fill_cart(buyer, *three_stores)
    orders = place(buyer, payment_method=PaymentMethod.REFERENCE)

    payments = [Payment.objects.get(order=order) for order in orders]
    assert [(o.status, o.payment_status) for o in orders] == [("pending", "pending")] * 3
    assert [(p.status, p.method, p.reference_entity, p.transaction_id) for p in payments] == [
        ("pending", "reference", "54321", None)
    ] * 3
    assert [p.amount for p in payments] == [o.total_amount for o in orders]
    numbers = [p.reference_number for p in payments]
    assert len(set(numbers)) == 3 and all(len(n) == 9 and n.isdigit() for n in numbers)
    assert [stock_of(product) for product, _ in three_stores] == [8, 4, 0, 4]
    assert not CartItem.objects.exists()
    assert gateway.charges() == []
    assert list(OrderEvent.objects.values_list("from_status", "to_status")) == [("", "pending")] * 3


def test_order_numbers_are_unique_and_readable(buyer, three_stores):
    fill_cart(buyer, *three_stores)
    numbers = [order.order_number for order in place(buyer)]
    assert len(set(numbers)) == 3
    for number in numbers:
        assert len(number) == 14 and number.startswith("KT-") and number[8] == "-"
        assert not set(number[3:].replace("-", "")) & set("01IO")


def test_an_order_number_collision_draws_again_and_charges_once(buyer, three_stores, gateway, monkeypatch):
    fill_cart(buyer, three_stores[0])
    (first,) = place(buyer)
    fill_cart(buyer, three_stores[2])
    drawn = iter([first.order_number, "KT-22222-22222"])
    monkeypatch.setattr(checkout, "order_number_new", lambda: next(drawn))
    (second,) = place(buyer)
    assert second.order_number == "KT-22222-22222"
    assert len(gateway.charges()) == 2
    assert Checkout.objects.count() == 2


def test_order_lines_are_snapshots(buyer, three_stores):
    product, quantity = three_stores[0]
    fill_cart(buyer, (product, quantity))
    (order,) = place(buyer)
    Product.objects.filter(pk=product.pk).update(name="Arroz Premium")
    ProductVariant.objects.filter(product=product).update(price=Decimal("9999.00"))
    item = OrderItem.objects.get(order=order)
    assert (item.product_name, item.price, item.line_total) == (
        "Arroz",
        Decimal("1200.00"),
        Decimal("2400.00"),
    )
    OrderItem.objects.filter(pk=item.pk).update(product=None)  # as after a product's removal
    order.refresh_from_db()
    assert order.total_amount == Decimal("2400.00")


# ---------------------------------------------------------------- refusals change nothing


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"shipping_address": "  "}, [("REQUIRED", "shipping_address")]),
        ({"contact_phone": ""}, [("REQUIRED", "contact_phone")]),
        ({"contact_phone": "12345"}, [("INVALID", "contact_phone")]),
        ({"contact_phone": "+351 912 345 678"}, [("INVALID", "contact_phone")]),
        ({"contact_phone": "823 456 789"}, [("INVALID", "contact_phone")]),
        ({"card_number": None}, [("REQUIRED", "card_number")]),
        ({"card_number": "4111 1111 1111 1112"}, [("INVALID", "card_number")]),
        ({"card_number": "4111"}, [("INVALID", "card_number")]),
        ({"card_number": "４１１１１１１１１１１１１１１１"}, [("INVALID", "card_number")]),
        ({"payment_method": PaymentMethod.MOBILE, "phone_number": None}, [("REQUIRED", "phone_number")]),
        (
            {"payment_method": PaymentMethod.MOBILE, "phone_number": "222 123 456"},
            [("INVALID", "phone_number")],
        ),
        ({"payment_method": PaymentMethod.MOBILE, "phone_number": "92345678"}, [("INVALID", "phone_number")]),
        ({"payment_method": "cash"}, [("INVALID", "payment_method")]),
        ({"idempotency_key": "k" * 101}, [("INVALID", "idempotency_key")]),
        ({"idempotency_key": "k\u0000"}, [("INVALID", "idempotency_key")]),
        ({"shipping_address": "Rua\u0000"}, [("INVALID", "shipping_address")]),
        ({"shipping_address": "R" * 501}, [("INVALID", "shipping_address")]),
        (
            {"shipping_address": "", "contact_phone": "x", "card_number": "1"},
            [("REQUIRED", "shipping_address"), ("INVALID", "contact_phone"), ("INVALID", "card_number")],
        ),
    ],
)
def test_bad_input_is_refused_before_anything_moves(buyer, three_stores, gateway, changes, errors):
    fill_cart(buyer, *three_stores)
    before = world()
    with pytest.raises((Required, InvalidInput, ValidationFailed)) as error:
        place(buyer, **changes)
    assert [(d.code.value, d.field) for d in error.value.details] == errors
    assert world() == before
    assert gateway.calls == []


@pytest.mark.parametrize("phone", ["923456789", "+244923456789", "00244 923-456-789", "222 123 456"])
def test_angolan_phones_in_every_usual_form(buyer, three_stores, phone):
    fill_cart(buyer, three_stores[0])
    (order,) = place(buyer, contact_phone=phone)
    assert order.contact_phone == "+244" + phone.replace(" ", "").replace("-", "")[-9:]


def test_empty_cart(buyer, three_stores, gateway):
    with pytest.raises(EmptyCart):
        place(buyer)
    fill_cart(buyer)
    before = world()
    with pytest.raises(EmptyCart):
        place(buyer, idempotency_key="k1")
    assert world() == before
    assert gateway.calls == []


def test_every_shortage_is_reported_in_one_error(buyer, three_stores, gateway):
    (rice, _), (beans, _), (oil, _), (salt, _) = three_stores
    fill_cart(buyer, (rice, 2), (beans, 5), (oil, 3), (salt, 1))
    stock_set(beans, 2)
    stock_set(oil, 0)
    Product.objects.filter(pk=salt.pk).update(is_active=False)
    before = world()
    with pytest.raises(OutOfStock) as error:
        place(buyer)
    assert error.value.code == ErrorCode.OUT_OF_STOCK
    assert error.value.field is None
    assert error.value.message == (
        "Stock insuficiente: “Feijão”: 2 em stock, 5 no seu carrinho; “Óleo”: 0 em stock, 3 no seu carrinho; "
        "“Sal” já não está à venda."
    )
    assert world() == before
    assert gateway.calls == []


def test_a_product_of_a_deactivated_store_is_no_longer_sold(buyer, three_stores):
    product, quantity = three_stores[2]
    fill_cart(buyer, (product, quantity))
    type(product.store).objects.filter(pk=product.store_id).update(is_active=False)
    before = world()
    with pytest.raises(OutOfStock, match="“Óleo” já não está à venda"):
        place(buyer)
    assert world() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"card_number": DECLINED_CARD}, "card_number"),
        ({"payment_method": PaymentMethod.MOBILE, "phone_number": "900 000 000"}, "phone_number"),
    ],
)
def test_a_declined_payment_leaves_stock_and_cart_as_before(buyer, three_stores, gateway, changes, field):
    fill_cart(buyer, *three_stores)
    before = world()
    with pytest.raises(PaymentFailed) as error:
        place(buyer, idempotency_key="pay-1", **changes)
    assert (error.value.code, error.value.field) == (ErrorCode.PAYMENT_FAILED, field)
    assert world() == before
    assert len(gateway.charges()) == 1
    # The same key may try again: nothing of the failed attempt was kept.
    assert len(place(buyer, idempotency_key="pay-1")) == 3


def test_a_decline_refunds_the_orders_already_charged(
    buyer, three_stores, gateway, django_capture_on_commit_callbacks
):
    gateway.decline_charge_number = 3
    fill_cart(buyer, *three_stores)
    before = world()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentFailed, match="Declined"):
        place(buyer)
    charges = gateway.charges()
    assert len(charges) == 3
    compensated = [(f"SIM-{number}", amount) for _, number, amount in charges[:2]]
    assert gateway.refunds() == [("refund", *charge) for charge in compensated]
    # Nothing of the checkout is kept but the record of the charges it gave back.
    assert world() == before | {
        "refunds": [(*charge, RefundReason.CHECKOUT_ROLLED_BACK, True) for charge in compensated]
    }


def test_an_unreachable_gateway_for_a_reference_is_a_payment_failure(
    buyer, three_stores, gateway, monkeypatch
):
    def unreachable(self, **kwargs):
        raise ConnectionError("gateway unreachable")

    monkeypatch.setattr(gateway, "issue_reference", unreachable)
    fill_cart(buyer, *three_stores)
    before = world()
    with pytest.raises(PaymentFailed, match="Não foi possível contactar o prestador de pagamentos"):
        place(buyer, payment_method=PaymentMethod.REFERENCE)
    assert world() == before


def test_a_charge_left_unanswered_is_voided_by_the_order_number(
    buyer, three_stores, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    """A timeout may hide a charge that went through: it is voided by the order's number."""
    voids = []

    def unanswered(self, **kwargs):
        raise TimeoutError("no answer in 30 s")

    monkeypatch.setattr(gateway, "charge", unanswered)
    monkeypatch.setattr(gateway, "void", lambda self, **kwargs: voids.append(kwargs), raising=False)
    fill_cart(buyer, *three_stores)
    before = world()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PaymentFailed, match="não respondeu"),
    ):
        place(buyer)
    (void,) = voids
    assert world() == before | {
        "refunds": [(f"VOID-{void['order_number']}", void["amount"], "charge_unanswered", True)]
    }


def test_an_error_after_the_charges_refunds_them_and_keeps_nothing(
    buyer, three_stores, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    fill_cart(buyer, *three_stores)
    before = world()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(OrderEvent.objects, "bulk_create", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        place(buyer)
    assert len(gateway.refunds()) == 3
    assert world() == before | {
        "refunds": [
            (f"SIM-{number}", amount, "checkout_rolled_back", True) for _, number, amount in gateway.charges()
        ]
    }


def test_a_compensation_the_gateway_refuses_stays_pending_for_the_retry(
    buyer, three_stores, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    gateway.decline_charge_number = 2

    def down(self, **kwargs):
        raise TimeoutError("gateway timed out")

    monkeypatch.setattr(gateway, "refund", down)
    fill_cart(buyer, *three_stores)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentFailed):
        place(buyer)
    _, number, amount = gateway.charges()[0]
    assert refunds_owed() == [(f"SIM-{number}", amount, "checkout_rolled_back", False)]
    monkeypatch.undo()
    install_recording_gateway(django_settings)
    call_command("retry_refunds", stdout=StringIO())
    assert refunds_owed() == [(f"SIM-{number}", amount, "checkout_rolled_back", True)]


# ---------------------------------------------------------------- idempotency


def test_the_same_key_returns_the_first_orders_and_charges_once(buyer, other_buyer, three_stores, gateway):
    fill_cart(buyer, *three_stores)
    first = place(buyer, idempotency_key="abc-123")
    fill_cart(buyer, (three_stores[0][0], 1))
    again = place(buyer, idempotency_key="abc-123", card_number=DECLINED_CARD)
    assert [o.pk for o in again] == [o.pk for o in first]
    assert len(gateway.charges()) == 3
    assert CartItem.objects.filter(cart__user=buyer).count() == 1
    assert stock_of(three_stores[0][0]) == 8
    # Keys belong to a buyer: another buyer's same key is another checkout.
    fill_cart(other_buyer, (three_stores[0][0], 1))
    assert len(place(other_buyer, idempotency_key="abc-123")) == 1
    assert Checkout.objects.count() == 2


def test_without_a_key_a_second_checkout_finds_the_cart_empty(buyer, three_stores):
    fill_cart(buyer, *three_stores)
    place(buyer)
    with pytest.raises(EmptyCart):
        place(buyer)


# ---------------------------------------------------------------- API


def test_checkout_through_the_contract_operation(gql, buyer, three_stores):
    fill_cart(buyer, *three_stores)
    result = gql.op("Checkout", {"input": checkout_input(idempotencyKey="k-1")}, user=buyer)
    assert "errors" not in result, result
    body = result["data"]["checkout"]
    assert body["errors"] == []
    orders = body["orders"]
    assert [o["store"]["name"] for o in orders] == ["Loja A", "Loja B", "Loja C"]
    assert [o["totalAmount"] for o in orders] == ["3250.50", "6900.00", "799.96"]
    first = orders[0]
    assert (first["status"], first["paymentStatus"], first["contactPhone"]) == (
        "CONFIRMED",
        "COMPLETED",
        "+244923456789",
    )
    assert [(i["productName"], i["price"], i["quantity"], i["lineTotal"]) for i in first["items"]] == [
        ("Arroz", "1200.00", 2, "2400.00"),
        ("Feijão", "850.50", 1, "850.50"),
    ]
    assert first["items"][0]["product"]["slug"] == three_stores[0][0].slug
    assert first["payment"]["method"] == "CARD"
    assert first["payment"]["status"] == "COMPLETED"
    assert first["payment"]["amount"] == "3250.50"
    assert first["payment"]["transactionId"] == f"SIM-{first['orderNumber']}"
    again = gql.op("Checkout", {"input": checkout_input(idempotencyKey="k-1")}, user=buyer)
    assert again["data"]["checkout"]["orders"] == orders


def test_reference_checkout_through_the_api_gives_each_order_its_reference(gql, buyer, three_stores):
    fill_cart(buyer, *three_stores)
    result = gql.op(
        "Checkout", {"input": checkout_input(paymentMethod="REFERENCE", cardNumber=None)}, user=buyer
    )
    orders = result["data"]["checkout"]["orders"]
    assert [(o["status"], o["payment"]["status"]) for o in orders] == [("PENDING", "PENDING")] * 3
    assert len({o["payment"]["referenceNumber"] for o in orders}) == 3
    assert all(o["payment"]["transactionId"] is None for o in orders)
    entity = gql.ok(
        "query($n: String!) { order(orderNumber: $n) { payment { referenceEntity } } }",
        {"n": orders[0]["orderNumber"]},
        user=buyer,
    )
    assert entity == {"order": {"payment": {"referenceEntity": django_settings.PAYMENT_REFERENCE_ENTITY}}}


@pytest.mark.parametrize(
    "changes, fill, expected",
    [
        ({}, False, [("EMPTY_CART", None)]),
        ({"cardNumber": DECLINED_CARD}, True, [("PAYMENT_FAILED", "cardNumber")]),
        (
            {"contactPhone": "no phone", "cardNumber": None},
            True,
            [("INVALID", "contactPhone"), ("REQUIRED", "cardNumber")],
        ),
    ],
)
def test_checkout_errors_through_the_api(gql, buyer, three_stores, changes, fill, expected):
    if fill:
        fill_cart(buyer, *three_stores)
    before = world()
    body = gql.op("Checkout", {"input": checkout_input(**changes)}, user=buyer)["data"]["checkout"]
    assert body["orders"] is None
    assert [(e["code"], e["field"]) for e in body["errors"]] == expected
    assert world() == before


def test_out_of_stock_through_the_api_says_what_is_available(gql, buyer, three_stores):
    fill_cart(buyer, *three_stores)
    stock_set(three_stores[2][0], 1)
    body = gql.op("Checkout", {"input": checkout_input()}, user=buyer)["data"]["checkout"]
    assert body["errors"] == [
        {
            "field": None,
            "code": "OUT_OF_STOCK",
            "message": "Stock insuficiente: “Óleo”: 1 em stock, 3 no seu carrinho.",
        }
    ]


@pytest.mark.parametrize(
    "role, code",
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("unapproved_seller", "FORBIDDEN"),
        ("seller", "FORBIDDEN"),
        ("admin", "FORBIDDEN"),
    ],
    indirect=["role"],
)
def test_only_buyers_check_out(gql, role, code, three_stores):
    if role is not None:
        fill_cart(role, *three_stores)
    before = world()
    result = gql.op("Checkout", {"input": checkout_input()}, user=role)
    assert error_codes(result) == [code]
    assert result["data"] is None
    assert world() == before


@pytest.mark.parametrize("stores", [3, 9])
def test_checkout_query_count_does_not_grow_with_the_cart(gql, buyer, stores, django_assert_num_queries):
    shops = [make_store(name=f"Loja {n}") for n in range(stores)]
    # Two products of each store, so the cart has twice as many lines as orders.
    fill_cart(
        buyer, *((make_product(store=shop, stock_quantity=5), 1 + n % 3) for n, shop in enumerate(shops * 2))
    )
    # user from the token; before the transaction, the cart's totals per store and their charge
    # attempts recorded (domain/orders/attempts.py); savepoint (the test's transaction; BEGIN outside
    # tests); checkout row; cart locked by its touch; its lines; products and variants locked (one
    # statement); orders (card: inserted paid); commission rates of their categories; their lines;
    # the variants' stock; the products' totals; cart lines deleted; the attempts claimed; payments;
    # ledger entries (from the lines in memory); events (their keys returned, published as they
    # are); release; after the commit the e-mails of every order in one task (run in-process
    # without a broker): savepoint; notices claimed; notices locked; orders with buyer, store and
    # payment; their lines; notices marked sent; release; then the answer: orders with store and
    # payment, their lines with products.
    with django_assert_num_queries(28):
        result = gql.op("Checkout", {"input": checkout_input(idempotencyKey="count")}, user=buyer)
    assert len(result["data"]["checkout"]["orders"]) == stores


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_race_for_the_last_ten_units():
    product = make_product(name="Último", stock_quantity=10)
    buyers = [make_user(username=f"racer{n}") for n in range(50)]
    for buyer in buyers:
        fill_cart(buyer, (product, 1))
    results = run_in_threads(50, lambda i: place(buyers[i]))
    won = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if not isinstance(r, list)]
    assert len(won) == 10
    assert all(isinstance(error, OutOfStock) for error in lost), lost
    assert stock_of(product) == 0
    assert Order.objects.count() == 10
    assert OrderItem.objects.filter(product=product).count() == 10
    assert CartItem.objects.count() == 40


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_buyers_locking_two_products_in_opposite_orders_do_not_deadlock():
    first, second = (
        make_product(name="Um", stock_quantity=1000),
        make_product(name="Dois", stock_quantity=1000),
    )
    buyers = [make_user(username=f"cross{n}") for n in range(2)]
    rounds = 15

    def work(i: int):
        done = 0
        for _ in range(rounds):
            # The carts hold the products in opposite orders; the lock order is the pk's.
            lines = [(first, 1), (second, 1)] if i == 0 else [(second, 1), (first, 1)]
            fill_cart(buyers[i], *lines)
            place(buyers[i])
            done += 1
        return done

    results = run_in_threads(2, work)
    assert results == [rounds, rounds], results
    assert stock_of(first) == stock_of(second) == 1000 - 2 * rounds


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_racing_retry_with_the_same_key_checks_out_once(gateway):
    gateway.delay = 0.3  # the first request still holds its transaction when the retry arrives
    buyer = make_user(username="doubleclick")
    product = make_product(name="Rádio", stock_quantity=5)
    fill_cart(buyer, (product, 2))
    results = run_in_threads(2, lambda i: place(buyer, idempotency_key="same-key"))
    assert all(isinstance(result, list) for result in results), results
    assert [o.pk for o in results[0]] == [o.pk for o in results[1]]
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 1
    assert len(gateway.charges()) == 1
    assert gateway.refunds() == []
    assert stock_of(product) == 3


def test_a_compensation_that_cannot_be_recorded_is_refunded_directly(
    buyer, three_stores, gateway, monkeypatch, caplog
):
    gateway.decline_charge_number = 2

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Refund.objects, "create", broken)
    fill_cart(buyer, *three_stores)
    with pytest.raises(PaymentFailed):
        place(buyer)
    _, number, amount = gateway.charges()[0]
    assert gateway.refunds() == [("refund", f"SIM-{number}", amount)]
    assert "could not record the refund" in caplog.text
