"""Orders after checkout: who sees them, status steps, cancellation and refunds, expiry of unpaid references."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from domain.catalog import services as catalog_services
from domain.catalog.models import MAX_STOCK, Product
from domain.errors import AccessDenied, ErrorCode, InvalidTransition, NotEligible, NotFound
from domain.orders import fulfilment, selectors
from domain.orders.models import ChargeAttempt, LatePayment, Order, OrderEvent, Payment, PaymentMethod

from .conftest import GraphQLClient, contract_operation, error_codes
from .factories import make_product, make_store, make_user
from .helpers import (
    fill_cart,
    gid,
    install_recording_gateway,
    order_of,
    place,
    postgres_only,
    refunds_owed,
    run_in_threads,
    stock_of,
    world,
)

pytestmark = pytest.mark.django_db


ALL_ROLES = ["anonymous", "buyer", "other_buyer", "unapproved_seller", "seller", "other_seller", "admin"]


@pytest.fixture
def product(seller):
    return make_product(store=seller.store, name="Cadeira", price="15000.00", stock_quantity=10)


@pytest.fixture
def confirmed(buyer, product):
    return order_of(buyer, product)


def events(order: Order) -> list[tuple]:
    return list(OrderEvent.objects.filter(order=order).values_list("actor", "from_status", "to_status"))


def state(order: Order) -> tuple:
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    return order.status, order.payment_status, payment.status


# ---------------------------------------------------------------- visibility (selectors)


def test_who_sees_an_order(buyer, other_buyer, seller, other_seller, unapproved_seller, admin, confirmed):
    def sees(user) -> bool:
        return selectors.order_by_number(user=user, order_number=confirmed.order_number).exists()

    assert [sees(u) for u in (buyer, seller, admin)] == [True, True, True]
    assert [sees(u) for u in (other_buyer, other_seller, unapproved_seller, None)] == [False] * 4


# ---------------------------------------------------------------- status steps


def test_the_seller_moves_an_order_one_step_at_a_time(seller, admin, confirmed):
    for actor, status in ((seller, "processing"), (admin, "shipped"), (seller, "delivered")):
        order = fulfilment.order_update_status(
            actor=actor, order_number=confirmed.order_number, status=status
        )
        assert order.status == status
    assert events(confirmed)[2:] == [
        (seller.pk, "confirmed", "processing"),
        (admin.pk, "processing", "shipped"),
        (seller.pk, "shipped", "delivered"),
    ]
    assert OrderEvent.objects.filter(order=confirmed).last().created_at <= timezone.now()


@pytest.mark.parametrize(
    "current, target",
    [
        ("confirmed", "shipped"),
        ("confirmed", "delivered"),
        ("confirmed", "confirmed"),
        ("confirmed", "pending"),
        ("confirmed", "cancelled"),
        ("processing", "confirmed"),
        ("shipped", "processing"),
        ("delivered", "shipped"),
        ("delivered", "cancelled"),
        ("pending", "confirmed"),
        ("pending", "processing"),
        ("cancelled", "confirmed"),
    ],
)
def test_any_other_step_is_an_invalid_transition(seller, buyer, product, current, target):
    order = order_of(buyer, product, status=current)
    before = world()
    with pytest.raises(InvalidTransition) as error:
        fulfilment.order_update_status(actor=seller, order_number=order.order_number, status=target)
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID_TRANSITION, "status")
    assert world() == before


def test_the_message_names_the_allowed_step(seller, confirmed):
    with pytest.raises(
        InvalidTransition,
        match="Uma encomenda «confirmada» só pode passar a «em preparação», não a «enviada».",
    ):
        fulfilment.order_update_status(actor=seller, order_number=confirmed.order_number, status="shipped")


def test_the_buyer_sees_but_cannot_move_the_order(buyer, confirmed):
    before = world()
    with pytest.raises(AccessDenied):
        fulfilment.order_update_status(actor=buyer, order_number=confirmed.order_number, status="processing")
    assert world() == before


# ---------------------------------------------------------------- cancel and refund


def test_buyer_cancels_a_paid_order_stock_back_and_refund(
    buyer, confirmed, product, gateway, django_capture_on_commit_callbacks
):
    assert stock_of(product) == 8
    with django_capture_on_commit_callbacks() as after_commit:
        order = fulfilment.order_cancel(actor=buyer, order_number=confirmed.order_number)
    # Committed: cancelled, stock back, the refund owed; the gateway is asked only after the commit.
    assert state(order) == ("cancelled", "refund_pending", "refund_pending")
    assert stock_of(product) == 10
    assert gateway.refunds() == []
    for callback in after_commit:
        callback()
    assert state(order) == ("cancelled", "refunded", "refunded")
    assert gateway.refunds() == [("refund", f"SIM-{order.order_number}", Decimal("30000.00"))]
    assert events(order)[-1] == (buyer.pk, "confirmed", "cancelled")


def test_a_cancel_that_rolls_back_sends_no_refund(
    buyer, confirmed, gateway, django_capture_on_commit_callbacks
):
    before = world()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        fulfilment.order_cancel(actor=buyer, order_number=confirmed.order_number)
        raise RuntimeError("something after the cancel failed")
    assert world() == before
    assert gateway.refunds() == []


def test_cancelling_an_unpaid_reference_order_voids_the_payment(buyer, product, gateway):
    order = order_of(buyer, product, method=PaymentMethod.REFERENCE)
    fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert state(order) == ("cancelled", "failed", "failed")
    assert stock_of(product) == 10
    assert gateway.refunds() == []


@pytest.mark.parametrize(
    "actor, status, allowed",
    [
        ("buyer", "pending", True),
        ("buyer", "confirmed", True),
        ("buyer", "processing", False),
        ("buyer", "shipped", False),
        ("seller", "processing", True),
        ("seller", "shipped", False),
        ("seller", "delivered", False),
        ("admin", "processing", True),
        ("admin", "shipped", False),
        ("admin", "cancelled", False),
    ],
)
def test_who_may_cancel_in_which_status(request, buyer, product, actor, status, allowed):
    order = order_of(buyer, product, status=status)
    actor = request.getfixturevalue(actor)
    if allowed:
        fulfilment.order_cancel(actor=actor, order_number=order.order_number)
        assert (state(order)[0], stock_of(product)) == ("cancelled", 10)
        assert events(order)[-1] == (actor.pk, status, "cancelled")
        return
    before = world()
    with pytest.raises(NotEligible):
        fulfilment.order_cancel(actor=actor, order_number=order.order_number)
    assert world() == before


@pytest.mark.parametrize(
    "status, allowed",
    [
        ("pending", False),
        ("confirmed", True),
        ("processing", True),
        ("shipped", True),
        ("delivered", False),
        ("cancelled", False),
    ],
)
def test_the_buyer_asks_a_refund_while_confirmed_processing_or_shipped(
    buyer, product, gateway, status, allowed, django_capture_on_commit_callbacks
):
    order = order_of(buyer, product, status=status)
    if not allowed:
        before = world()
        with pytest.raises(NotEligible):
            fulfilment.order_refund(actor=buyer, order_number=order.order_number)
        assert world() == before
        assert gateway.refunds() == []
        return
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.order_refund(actor=buyer, order_number=order.order_number)
    assert state(order) == ("cancelled", "refunded", "refunded")
    assert stock_of(product) == 10
    assert gateway.refunds() == [("refund", f"SIM-{order.order_number}", Decimal("30000.00"))]


def test_only_the_buyer_asks_a_refund(seller, admin, confirmed, product, gateway):
    before = world()
    for actor in (seller, admin):
        with pytest.raises(AccessDenied):
            fulfilment.order_refund(actor=actor, order_number=confirmed.order_number)
    assert world() == before
    assert state(confirmed) == ("confirmed", "completed", "completed")
    assert stock_of(product) == 8
    assert gateway.refunds() == []


def test_a_refund_the_gateway_refuses_stays_pending_and_is_retried(
    buyer, confirmed, product, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, **kwargs):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(gateway, "refund", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.order_refund(actor=buyer, order_number=confirmed.order_number)
    # The cancellation stands (stock back); the money is owed and stays pending.
    assert state(confirmed) == ("cancelled", "refund_pending", "refund_pending")
    assert stock_of(product) == 10
    assert refunds_owed() == [
        (f"SIM-{confirmed.order_number}", Decimal("30000.00"), "order_cancelled", False)
    ]
    out = StringIO()
    call_command("retry_refunds", stdout=out)  # still down
    assert out.getvalue().strip() == "Refunded 0; 1 still pending."
    monkeypatch.undo()
    call_command("retry_refunds", stdout=out)
    assert state(confirmed) == ("cancelled", "refunded", "refunded")
    assert refunds_owed() == [(f"SIM-{confirmed.order_number}", Decimal("30000.00"), "order_cancelled", True)]
    assert len(gateway.refunds()) == 1


def test_cancel_returns_what_still_exists(buyer, seller, product):
    other = make_product(store=seller.store, name="Mesa", stock_quantity=3)
    fill_cart(buyer, (product, 1), (other, 2))
    (order,) = place(buyer)
    order.items.filter(product=other).update(product=None, variant=None)  # as after the product's removal
    fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert (stock_of(product), stock_of(other)) == (10, 1)


def test_other_peoples_orders_are_not_found(other_buyer, other_seller, unapproved_seller, confirmed):
    before = world()
    for actor in (other_buyer, other_seller, unapproved_seller):
        for action in (fulfilment.order_cancel, fulfilment.order_refund):
            with pytest.raises(NotFound) as error:
                action(actor=actor, order_number=confirmed.order_number)
            assert error.value.field == "order_number"
    with pytest.raises(NotFound):
        fulfilment.order_update_status(
            actor=other_seller, order_number=confirmed.order_number, status="processing"
        )
    assert world() == before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_cancel_and_refund_racing_on_one_order_close_it_once(settings):
    gateway = install_recording_gateway(settings)
    gateway.refund_delay = 0.3  # the first is inside the gateway while the other waits for the order
    buyer = make_user(username="racer")
    product = make_product(name="Cadeira", price="15000.00", stock_quantity=10)
    order = order_of(buyer, product)
    # Documents read before the threads start: conftest's lazy cache of them is not thread-safe.
    documents = [contract_operation(name) for name in ("CancelOrder", "RequestRefund")]

    def work(i: int) -> dict:
        return GraphQLClient(Client())(documents[i], {"orderNumber": order.order_number}, user=buyer)

    results = run_in_threads(2, work)
    assert all(isinstance(result, dict) and "errors" not in result for result in results), results
    payloads = [body_of(result) for result in results]
    won = [p for p in payloads if not p["errors"]]
    lost = [p for p in payloads if p["errors"]]
    assert len(won) == len(lost) == 1, payloads
    assert won[0]["order"]["status"] == "CANCELLED"
    assert lost[0]["order"] is None
    assert [e["code"] for e in lost[0]["errors"]] == ["NOT_ELIGIBLE"]
    assert state(order) == ("cancelled", "refunded", "refunded")
    assert gateway.refunds() == [("refund", f"SIM-{order.order_number}", Decimal("30000.00"))]
    assert stock_of(product) == 10
    assert [to for _, _, to in events(order)] == ["pending", "confirmed", "cancelled"]


# ---------------------------------------------------------------- expiry of unpaid references


def test_expire_pending_orders_cancels_old_unpaid_references(buyer, product):
    old = order_of(buyer, product, method=PaymentMethod.REFERENCE, quantity=1)
    recent = order_of(buyer, product, method=PaymentMethod.REFERENCE, quantity=1)
    paid_by_card = order_of(buyer, product, quantity=1)
    Order.objects.filter(pk__in=[old.pk, paid_by_card.pk]).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    Order.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(hours=47))
    assert stock_of(product) == 7
    out = StringIO()
    call_command("expire_pending_orders", stdout=out)
    assert out.getvalue().strip() == "Cancelled 1 unpaid reference order(s) older than 48 hour(s)."
    assert state(old) == ("cancelled", "failed", "failed")
    assert events(old)[-1] == (None, "pending", "cancelled")
    assert state(recent) == ("pending", "pending", "pending")
    assert state(paid_by_card) == ("confirmed", "completed", "completed")
    assert stock_of(product) == 8
    call_command("expire_pending_orders", "--hours", "1", stdout=out)
    assert state(recent)[0] == "cancelled"
    assert stock_of(product) == 9
    call_command("expire_pending_orders", "--hours", "1", stdout=out)
    assert "Cancelled 0 unpaid" in out.getvalue().splitlines()[-1]


def test_one_order_that_fails_to_expire_is_reported_and_the_others_proceed(buyer, product, monkeypatch):
    first, broken, last = (
        order_of(buyer, product, method=PaymentMethod.REFERENCE, quantity=1) for _ in range(3)
    )
    Order.objects.update(created_at=timezone.now() - timedelta(hours=49))
    close = fulfilment._order_close

    def fails_on_one(order, **kwargs):
        if order.pk == broken.pk:
            raise RuntimeError("disk full")
        close(order, **kwargs)

    monkeypatch.setattr(fulfilment, "_order_close", fails_on_one)
    out = StringIO()
    with pytest.raises(CommandError, match=f"Could not cancel 1: {broken.order_number}"):
        call_command("expire_pending_orders", stdout=out)
    assert "Cancelled 2 unpaid" in out.getvalue()
    assert [state(order)[0] for order in (first, broken, last)] == ["cancelled", "pending", "cancelled"]
    assert stock_of(product) == 9  # the broken order's unit stays taken until it is expired


def test_expire_pending_orders_refuses_zero_hours(buyer, product):
    order_of(buyer, product, method=PaymentMethod.REFERENCE)
    before = world()
    with pytest.raises(CommandError):
        call_command("expire_pending_orders", "--hours", "0", stdout=StringIO())
    assert world() == before


# ---------------------------------------------------------------- API: permission matrix

SEEN, NULL = "seen", "null"
EXPECTED = {
    "OrderDetail": {
        "anonymous": NULL,
        "buyer": SEEN,
        "other_buyer": NULL,
        "unapproved_seller": NULL,
        "seller": SEEN,
        "other_seller": NULL,
        "admin": SEEN,
    },
    "MyOrders": {
        "anonymous": "UNAUTHENTICATED",
        "buyer": SEEN,
        "other_buyer": NULL,
        "unapproved_seller": "FORBIDDEN",
        "seller": "FORBIDDEN",
        "other_seller": "FORBIDDEN",
        "admin": "FORBIDDEN",
    },
    "StoreOrders": {
        "anonymous": "UNAUTHENTICATED",
        "buyer": "FORBIDDEN",
        "other_buyer": "FORBIDDEN",
        "unapproved_seller": NULL,
        "seller": SEEN,
        "other_seller": NULL,
        "admin": "FORBIDDEN",
    },
    "UpdateOrderStatus": {
        "anonymous": "UNAUTHENTICATED",
        "buyer": "FORBIDDEN",
        "other_buyer": "FORBIDDEN",
        "unapproved_seller": "NOT_FOUND",
        "seller": "processing",
        "other_seller": "NOT_FOUND",
        "admin": "processing",
    },
    "CancelOrder": {
        "anonymous": "UNAUTHENTICATED",
        "buyer": "cancelled",
        "other_buyer": "NOT_FOUND",
        "unapproved_seller": "NOT_FOUND",
        "seller": "cancelled",
        "other_seller": "NOT_FOUND",
        "admin": "cancelled",
    },
    "RequestRefund": {
        "anonymous": "UNAUTHENTICATED",
        "buyer": "cancelled",
        "other_buyer": "NOT_FOUND",
        "unapproved_seller": "FORBIDDEN",
        "seller": "FORBIDDEN",
        "other_seller": "FORBIDDEN",
        "admin": "FORBIDDEN",
    },
}
MATRIX = [(operation, role) for operation in EXPECTED for role in ALL_ROLES]


def body_of(result: dict) -> dict | None:
    return next(iter(result["data"].values())) if result.get("data") else None


@pytest.mark.parametrize("operation, role", MATRIX, indirect=["role"])
def test_permission_matrix(gql, request, operation, role, confirmed, product):
    expected = EXPECTED[operation][request.node.callspec.params["role"]]
    variables = {"orderNumber": confirmed.order_number}
    if operation == "UpdateOrderStatus":
        variables["status"] = "PROCESSING"
    elif operation in ("MyOrders", "StoreOrders"):
        variables = {}
    before = world()
    result = gql.op(operation, variables, user=role)
    body = body_of(result)

    if expected in ("UNAUTHENTICATED", "FORBIDDEN"):
        assert error_codes(result) == [expected]
        assert body is None
    elif expected == "NOT_FOUND":
        assert "errors" not in result
        assert body == {
            "order": None,
            "errors": [
                {
                    "field": "orderNumber",
                    "message": "Não existe nenhuma encomenda com este número.",
                    "code": "NOT_FOUND",
                }
            ],
        }
    elif operation == "OrderDetail":
        assert "errors" not in result
        assert (body or {}).get("orderNumber") == (confirmed.order_number if expected == SEEN else None)
    elif operation in ("MyOrders", "StoreOrders"):
        assert "errors" not in result
        numbers = [edge["node"]["orderNumber"] for edge in body["edges"]]
        assert numbers == ([confirmed.order_number] if expected == SEEN else [])
    else:
        assert body["errors"] == []
        assert body["order"]["status"] == expected.upper()
        assert Order.objects.get(pk=confirmed.pk).status == expected
        return
    assert world() == before


@pytest.mark.parametrize("operation", ["CancelOrder", "RequestRefund"])
def test_a_hidden_order_answers_exactly_like_a_missing_one(gql, other_buyer, confirmed, operation):
    hidden = gql.op(operation, {"orderNumber": confirmed.order_number}, user=other_buyer)
    missing = gql.op(operation, {"orderNumber": "KT-NOPE0-NOPE0"}, user=other_buyer)
    assert hidden == missing


@pytest.mark.parametrize("operation", ["CancelOrder", "RequestRefund", "UpdateOrderStatus", "OrderDetail"])
def test_an_order_number_that_cannot_exist_is_not_found(gql, buyer, seller, confirmed, operation):
    user = seller if operation == "UpdateOrderStatus" else buyer
    result = gql.op(
        operation, {"orderNumber": "KT-\u00e7\u00e3o-\U0001f600", "status": "PROCESSING"}, user=user
    )
    assert "errors" not in result
    body = body_of(result)
    assert (
        body is None if operation == "OrderDetail" else [e["code"] for e in body["errors"]] == ["NOT_FOUND"]
    )


def test_an_anonymous_caller_gets_null_for_an_order_exactly_like_a_missing_one(gql, confirmed):
    # The contract does not mark order(orderNumber) logged-in: anyone who may not see it gets null.
    hidden = gql.op("OrderDetail", {"orderNumber": confirmed.order_number})
    missing = gql.op("OrderDetail", {"orderNumber": "KT-NOPE0-NOPE0"})
    assert hidden == missing == {"data": {"order": None}}


def test_update_order_status_of_a_hidden_or_missing_order(gql, other_seller, confirmed):
    variables = {"status": "PROCESSING"}
    hidden = gql.op(
        "UpdateOrderStatus", {"orderNumber": confirmed.order_number, **variables}, user=other_seller
    )
    missing = gql.op("UpdateOrderStatus", {"orderNumber": "KT-NOPE0-NOPE0", **variables}, user=other_seller)
    assert hidden == missing


# ---------------------------------------------------------------- API: operations


def test_order_detail_gives_the_contract_fields(gql, buyer, confirmed, product):
    order = gql.op("OrderDetail", {"orderNumber": confirmed.order_number}, user=buyer)["data"]["order"]
    assert order["orderNumber"] == confirmed.order_number
    assert (order["status"], order["paymentStatus"], order["totalAmount"]) == (
        "CONFIRMED",
        "COMPLETED",
        "30000.00",
    )
    assert order["store"]["slug"] == product.store.slug
    assert order["items"][0] | {"id": None} == {
        "id": None,
        "productName": "Cadeira",
        "price": "15000.00",
        "quantity": 2,
        "lineTotal": "30000.00",
        "product": {"slug": product.slug},
    }
    assert order["payment"]["method"] == "CARD"


def test_an_order_line_of_a_removed_product_keeps_its_snapshot(gql, buyer, confirmed):
    confirmed.items.update(product=None)
    order = gql.op("OrderDetail", {"orderNumber": confirmed.order_number}, user=buyer)["data"]["order"]
    assert order["items"][0]["product"] is None
    assert order["items"][0]["productName"] == "Cadeira"


def test_an_order_of_a_deactivated_product_and_store_still_resolves(gql, buyer, confirmed, product):
    Product.objects.filter(pk=product.pk).update(is_active=False)
    type(product.store).objects.filter(pk=product.store_id).update(is_active=False)
    order = gql.op("OrderDetail", {"orderNumber": confirmed.order_number}, user=buyer)["data"]["order"]
    assert order["store"]["slug"] == product.store.slug
    assert order["items"][0]["product"]["slug"] == product.slug


def test_update_cancel_and_refund_through_the_contract_operations(gql, buyer, seller, product, gateway):
    order = order_of(buyer, product)
    number = order.order_number
    moved = gql.op("UpdateOrderStatus", {"orderNumber": number, "status": "PROCESSING"}, user=seller)
    assert moved["data"]["updateOrderStatus"]["order"]["status"] == "PROCESSING"
    before = world()
    skipped = gql.op("UpdateOrderStatus", {"orderNumber": number, "status": "DELIVERED"}, user=seller)
    assert skipped["data"]["updateOrderStatus"] == {
        "order": None,
        "errors": [
            {
                "field": "status",
                "code": "INVALID_TRANSITION",
                "message": "Uma encomenda «em preparação» só pode passar a «enviada», não a «entregue».",
            }
        ],
    }
    refused = gql.op("CancelOrder", {"orderNumber": number}, user=buyer)["data"]["cancelOrder"]
    assert refused == {
        "order": None,
        "errors": [
            {
                "field": None,
                "code": "NOT_ELIGIBLE",
                "message": "Uma encomenda «em preparação» já não pode ser cancelada.",
            }
        ],
    }
    assert world() == before
    assert state(order) == ("processing", "completed", "completed")
    assert stock_of(product) == 8
    assert gateway.refunds() == []
    refunded = gql.op("RequestRefund", {"orderNumber": number}, user=buyer)["data"]["requestRefund"]
    assert (refunded["errors"], refunded["order"]["status"]) == ([], "CANCELLED")
    assert state(order) == ("cancelled", "refunded", "refunded")  # sent once the request committed
    assert stock_of(product) == 10
    assert gateway.refunds() == [("refund", f"SIM-{number}", Decimal("30000.00"))]


@pytest.mark.django_db(transaction=True)
def test_a_refund_request_answers_once_the_refund_went_out(gql, buyer, product, gateway):
    """With real commits (no test transaction around the request): the service's transaction
    commits, the refund goes out, and only then does the answer read the order."""
    number = order_of(buyer, product).order_number
    refunded = gql.op("RequestRefund", {"orderNumber": number}, user=buyer)["data"]["requestRefund"]
    assert (refunded["order"]["paymentStatus"], refunded["order"]["payment"]["status"]) == (
        "REFUNDED",
        "REFUNDED",
    )
    assert gateway.refunds() == [("refund", f"SIM-{number}", Decimal("30000.00"))]


def my_orders(gql, user, **variables) -> dict:
    return gql.op("MyOrders", variables, user=user)["data"]["myOrders"]


def test_my_orders_newest_first_filtered_and_paged(gql, buyer, other_buyer, product):
    first = order_of(buyer, product, quantity=1)
    second = order_of(buyer, product, quantity=1, method=PaymentMethod.REFERENCE)
    third = order_of(buyer, product, quantity=1)
    order_of(other_buyer, product, quantity=1)
    numbers = [e["node"]["orderNumber"] for e in my_orders(gql, buyer)["edges"]]
    assert numbers == [third.order_number, second.order_number, first.order_number]
    pending = my_orders(gql, buyer, status="PENDING")
    assert [e["node"]["orderNumber"] for e in pending["edges"]] == [second.order_number]
    assert pending["totalCount"] == 1
    page = my_orders(gql, buyer, first=2)
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = my_orders(gql, buyer, first=2, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["orderNumber"] for e in rest["edges"]] == [first.order_number]
    assert not rest["pageInfo"]["hasNextPage"]


def test_order_pages_are_capped(gql, buyer, seller):
    for operation in ("MyOrders", "StoreOrders"):
        result = gql.op(operation, {"first": 101}, user=buyer if operation == "MyOrders" else seller)
        assert error_codes(result) == ["BAD_USER_INPUT"]


def test_store_orders_are_the_sellers_own_store_only(gql, buyer, seller, other_seller, product):
    mine = order_of(buyer, product, quantity=1)
    theirs = order_of(buyer, make_product(store=other_seller.store), quantity=1)
    shipped = order_of(buyer, product, quantity=1, status="shipped")
    result = gql.op("StoreOrders", {}, user=seller)["data"]["storeOrders"]
    assert [e["node"]["orderNumber"] for e in result["edges"]] == [shipped.order_number, mine.order_number]
    node = result["edges"][1]["node"]
    assert node["contactPhone"] == "+244923456789"
    assert node["items"] == [
        {"productName": "Cadeira", "price": "15000.00", "quantity": 1, "lineTotal": "15000.00"}
    ]
    assert node["payment"] == {"method": "CARD", "status": "COMPLETED", "amount": "15000.00"}
    filtered = gql.op("StoreOrders", {"status": "SHIPPED"}, user=seller)["data"]["storeOrders"]
    assert [e["node"]["orderNumber"] for e in filtered["edges"]] == [shipped.order_number]
    other = gql.op("StoreOrders", {}, user=other_seller)["data"]["storeOrders"]
    assert [e["node"]["orderNumber"] for e in other["edges"]] == [theirs.order_number]


def many_orders(buyer, count: int) -> None:
    """`count` orders of the buyer, of two stores, with two lines each."""
    stores = [make_store(), make_store()]
    products = [make_product(store=store, stock_quantity=100) for store in stores for _ in range(2)]
    for _ in range(count // 2):
        fill_cart(buyer, *((p, 1) for p in products))
        place(buyer)


@pytest.mark.parametrize("first", [2, 10])
def test_my_orders_query_count_is_the_same_for_any_page_size(gql, buyer, first, django_assert_num_queries):
    many_orders(buyer, 10)
    # user from the token; orders with store and payment; their lines with products; the total
    # count (a query of its own, capped: graph/common.py)
    with django_assert_num_queries(4):
        result = my_orders(gql, buyer, first=first)
    assert len(result["edges"]) == first
    assert all(len(e["node"]["items"]) == 2 and e["node"]["payment"] for e in result["edges"])


@pytest.mark.parametrize("first", [2, 10])
def test_store_orders_query_count_is_the_same_for_any_page_size(
    gql, seller, buyer, first, django_assert_num_queries
):
    products = [make_product(store=seller.store, stock_quantity=100) for _ in range(2)]
    for _ in range(10):
        fill_cart(buyer, *((p, 1) for p in products))
        place(buyer)
    with django_assert_num_queries(4):  # as myOrders: the caller, the page, its lines, the count
        result = gql.op("StoreOrders", {"first": first}, user=seller)["data"]["storeOrders"]
    assert len(result["edges"]) == first


def test_cancel_order_query_count(gql, buyer, confirmed, django_assert_num_queries):
    # user; savepoint; order lock; lines; products and variants locked; the variants' stock; the
    # products' totals; payment; payment saved; what the
    # ledger credited; its reversal; refund owed; order saved; event; release; after the commit the
    # refund: claimed (savepoint, lock, lease, release), the gateway asked outside any transaction,
    # then settled (savepoint, refund, payment, order, release); the e-mail task (in-process without
    # a broker): savepoint, notice claimed, locked, order with buyer, store and payment, its
    # events (no lines: the cancellation's mail lists none), marked sent, release; the answer:
    # order with store and payment; lines with products
    with django_assert_num_queries(33):
        result = gql.op("CancelOrder", {"orderNumber": confirmed.order_number}, user=buyer)
    assert result["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"


# ---------------------------------------------------------------- Django admin: view only


def admin_objects(order: Order) -> dict:
    return {
        "order": order,
        "payment": Payment.objects.get(order=order),
        "checkout": order.checkout,
        "orderevent": OrderEvent.objects.filter(order=order).first(),
        "latepayment": LatePayment.objects.create(order=order, transaction_id="BANK-LATE", amount="10.00"),
        "chargeattempt": ChargeAttempt.objects.create(
            order_number="KT-LOST",
            buyer=order.buyer,
            amount="10.00",
            method=PaymentMethod.CARD,
            gateway="bank",
        ),
    }


@pytest.mark.parametrize(
    "model", ["order", "payment", "checkout", "orderevent", "latepayment", "chargeattempt"]
)
def test_the_admin_can_view_but_not_add_change_or_delete_order_records(
    client, admin, confirmed, product, model
):
    # Orders change only through the services (stock, refunds, events); the admin only looks.
    obj = admin_objects(confirmed)[model]
    client.force_login(admin)
    base = f"/admin/orders/{model}/"
    before = world()
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{obj.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}add/", {}).status_code == 403
    assert client.get(f"{base}{obj.pk}/delete/").status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert world() == before
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert stock_of(product) == 8


# ---------------------------------------------------------------- deleted products (the contract's rule)


@pytest.mark.parametrize("first", [1, 10])
def test_a_line_of_a_deleted_product_shows_no_product_and_keeps_its_snapshot(
    gql, buyer, seller, product, first, django_assert_num_queries
):
    kept = make_product(store=seller.store, name="Mesa", price="5000.00", stock_quantity=10)
    fill_cart(buyer, (product, 1), (kept, 1))
    (order,) = place(buyer)
    catalog_services.product_delete(seller=seller, product_id=product.pk)
    with django_assert_num_queries(4):  # the caller; the page of orders; their lines with products; the count
        page = gql.op("MyOrders", {"first": first}, user=buyer)["data"]["myOrders"]
    (line_of_deleted, line_of_kept) = page["edges"][0]["node"]["items"]
    assert line_of_deleted == {
        "id": gid("OrderItem", order.items.get(product=product).pk),
        "productName": "Cadeira",
        "price": "15000.00",
        "quantity": 1,
        "lineTotal": "15000.00",
        "product": None,
    }
    assert line_of_kept["product"] == {"slug": kept.slug}


def test_a_restock_past_the_column_maximum_is_clamped_and_the_cancel_stands(
    buyer, seller, product, gateway, django_capture_on_commit_callbacks
):
    order = order_of(buyer, product)  # 2 of 10 taken
    catalog_services.product_update(seller=seller, product_id=product.pk, stock_quantity=MAX_STOCK)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert stock_of(product) == MAX_STOCK
    assert state(order) == ("cancelled", "refunded", "refunded")


def test_a_refund_being_sent_is_not_sent_twice_until_its_lease_runs_out(
    buyer, confirmed, gateway, monkeypatch
):
    from domain.orders import refunds
    from domain.orders.models import Refund

    def refuse(self, **kwargs):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(gateway, "refund", refuse)
    fulfilment.order_cancel(actor=buyer, order_number=confirmed.order_number)  # no commit: stays owed
    monkeypatch.undo()
    refund = Refund.objects.get()
    Refund.objects.filter(pk=refund.pk).update(sending_since=timezone.now())  # another sender has it
    assert refunds.refund_send(refund_id=refund.pk) is False
    assert gateway.refunds() == []
    Refund.objects.filter(pk=refund.pk).update(sending_since=timezone.now() - refunds.SEND_LEASE * 2)
    assert refunds.refund_send(refund_id=refund.pk) is True
    assert state(confirmed) == ("cancelled", "refunded", "refunded")
    assert refunds.refund_send(refund_id=refund.pk) is False  # done: never again
    assert len(gateway.refunds()) == 1
