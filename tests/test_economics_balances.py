"""Balances: pending until the buyer confirms receipt or the hold after delivery passes, then
available; myStore shows them (and the ledger) to the store's owner alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from domain.economics import release, selectors
from domain.economics.models import OrderRelease
from domain.errors import AccessDenied, NotEligible, NotFound
from domain.orders import fulfilment
from domain.orders.models import OrderEvent, OrderStatus, PaymentMethod

from .conftest import error_codes
from .factories import make_product, make_seller
from .helpers import fill_cart, order_of, place, world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def product(seller):
    return make_product(store=seller.store, name="Cadeira", price="1140.00", stock_quantity=100)


def balance(store) -> tuple:
    b = selectors.store_balance(store_id=store.pk)
    return b.available, b.pending, b.paid_out


def deliver(order, seller) -> None:
    for status in ("processing", "shipped", "delivered"):
        fulfilment.order_update_status(actor=seller, order_number=order.order_number, status=status)


def test_a_paid_order_is_pending_until_the_hold_after_delivery_passes(buyer, seller, product):
    order = order_of(buyer, product)  # 2280.00, commission 228.00
    assert balance(seller.store) == (D("0.00"), D("2052.00"), D("0.00"))
    deliver(order, seller)
    # Marking it delivered releases nothing by itself.
    assert release.funds_release_due().released == []
    assert balance(seller.store) == (D("0.00"), D("2052.00"), D("0.00"))
    soon = timezone.now() + timedelta(days=6, hours=23)
    assert release.funds_release_due(now=soon).released == []
    later = timezone.now() + timedelta(days=7, minutes=1)
    assert release.funds_release_due(now=later).released == [order.order_number]
    assert release.funds_release_due(now=later).released == []
    assert balance(seller.store) == (D("2052.00"), D("0.00"), D("0.00"))
    assert OrderRelease.objects.get().reason == "hold_passed"


def test_the_hold_is_a_setting(buyer, seller, product, settings):
    settings.PAYOUT_HOLD_DAYS = 0
    order = order_of(buyer, product)
    deliver(order, seller)
    assert release.funds_release_due().released == [order.order_number]


def test_an_order_not_delivered_or_refunded_is_never_released_by_the_hold(buyer, seller, product, gateway):
    shipped = order_of(buyer, product, status=OrderStatus.SHIPPED)
    cancelled = order_of(buyer, product)
    fulfilment.order_cancel(actor=buyer, order_number=cancelled.order_number)
    # Its status forced to DELIVERED: the refunded payment still keeps it from being released.
    cancelled.__class__.objects.filter(pk=cancelled.pk).update(status=OrderStatus.DELIVERED)
    OrderEvent.objects.create(order=cancelled, from_status="shipped", to_status="delivered")
    assert release.funds_release_due(now=timezone.now() + timedelta(days=30)).released == []
    assert balance(seller.store) == (D("0.00"), D("2052.00"), D("0.00"))
    assert not OrderRelease.objects.filter(order=shipped).exists()


@pytest.mark.parametrize("status", ["shipped", "delivered"])
def test_the_buyer_confirms_receipt_and_the_money_is_released_at_once(buyer, seller, product, status):
    order = order_of(buyer, product, status=status)
    confirmed = release.order_confirm_receipt(actor=buyer, order_number=order.order_number)
    assert confirmed.status == "delivered"
    assert balance(seller.store) == (D("2052.00"), D("0.00"), D("0.00"))
    before = world()
    release.order_confirm_receipt(actor=buyer, order_number=order.order_number)  # again: nothing changes
    assert world() == before
    assert OrderRelease.objects.get().reason == "receipt_confirmed"


@pytest.mark.parametrize("status", ["pending", "confirmed", "processing", "cancelled"])
def test_receipt_of_an_order_not_sent_cannot_be_confirmed(buyer, product, status):
    method = PaymentMethod.REFERENCE if status == "pending" else PaymentMethod.CARD
    order = order_of(buyer, product, method=method, status=None if status == "pending" else status)
    before = world()
    with pytest.raises(NotEligible):
        release.order_confirm_receipt(actor=buyer, order_number=order.order_number)
    assert world() == before


def test_only_the_buyer_confirms_receipt(buyer, other_buyer, seller, admin, product):
    order = order_of(buyer, product, status=OrderStatus.SHIPPED)
    before = world()
    with pytest.raises(NotFound):
        release.order_confirm_receipt(actor=other_buyer, order_number=order.order_number)
    for actor in (seller, admin):
        with pytest.raises(AccessDenied):
            release.order_confirm_receipt(actor=actor, order_number=order.order_number)
    assert world() == before


def test_a_cancelled_paid_order_nets_to_nothing(buyer, seller, product, gateway):
    order_of(buyer, product)
    cancelled = order_of(buyer, product)
    fulfilment.order_cancel(actor=buyer, order_number=cancelled.order_number)
    assert balance(seller.store) == (D("0.00"), D("2052.00"), D("0.00"))


def test_release_funds_command(buyer, seller, product, settings):
    settings.PAYOUT_HOLD_DAYS = 0
    deliver(order_of(buyer, product), seller)
    out = StringIO()
    call_command("release_funds", stdout=out)
    assert out.getvalue() == "Released 1 order(s).\n"


def test_celery_beat_releases_the_funds_due(buyer, seller, product, settings):
    """What beat sends every FUNDS_RELEASE_INTERVAL seconds (eager without a broker)."""
    from backend.celery import app
    from domain.economics.tasks import release_funds

    assert settings.CELERY_BEAT_SCHEDULE["release-funds"]["task"] == release_funds.name
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    assert all(entry["task"] in app.tasks for entry in settings.CELERY_BEAT_SCHEDULE.values())
    settings.PAYOUT_HOLD_DAYS = 0
    order = order_of(buyer, product)
    deliver(order, seller)
    assert release_funds.delay().get() == {"released": [order.order_number], "failed": []}
    assert balance(seller.store) == (D("2052.00"), D("0.00"), D("0.00"))


# ---------------------------------------------------------------- the API

MY_STORE = """
query MyStore($first: Int, $after: String) {
  myStore {
    slug
    balance { available pending paidOut }
    ledger(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { kind amount taxAmount orderNumber released createdAt } }
    }
  }
}
"""

CONFIRM = """
mutation ConfirmReceipt($orderNumber: String!) {
  confirmReceipt(orderNumber: $orderNumber) {
    order { orderNumber status }
    errors { field message code }
  }
}
"""


def test_my_store_shows_the_balance_and_ledger_to_its_seller(gql, buyer, seller, product):
    order = order_of(buyer, product, status=OrderStatus.SHIPPED)
    assert gql.ok(CONFIRM, {"orderNumber": order.order_number}, user=buyer)["confirmReceipt"] == {
        "order": {"orderNumber": order.order_number, "status": "DELIVERED"},
        "errors": [],
    }
    order_of(buyer, product)
    data = gql.ok(MY_STORE, user=seller)["myStore"]
    assert data["slug"] == seller.store.slug
    assert data["balance"] == {"available": "2052.00", "pending": "2052.00", "paidOut": "0.00"}
    assert data["ledger"]["totalCount"] == 4
    assert [
        (e["node"]["kind"], e["node"]["amount"], e["node"]["taxAmount"], e["node"]["released"])
        for e in data["ledger"]["edges"]
    ] == [
        ("COMMISSION", "-228.00", "0.00", False),
        ("SALE", "2280.00", "280.00", False),
        ("COMMISSION", "-228.00", "0.00", True),
        ("SALE", "2280.00", "280.00", True),
    ]


def test_a_seller_without_a_store_gets_null(gql, unapproved_seller):
    assert gql.ok(MY_STORE, user=unapproved_seller) == {"myStore": None}


STORES = """
query { stores { edges { node { slug balance { available } ledger { totalCount } } } } }
"""


@pytest.mark.parametrize("who", ["anonymous", "buyer", "other_seller", "admin", "seller"])
def test_public_lists_show_a_stores_money_to_its_owner_alone(gql, request, who, buyer, seller, product):
    order_of(buyer, product)
    user = request.getfixturevalue(who)
    nodes = {edge["node"]["slug"]: edge["node"] for edge in gql.ok(STORES, user=user)["stores"]["edges"]}
    for slug, node in nodes.items():
        mine = who in ("seller", "other_seller") and slug == user.store.slug
        assert (node["balance"] is not None, node["ledger"] is not None) == (mine, mine), (slug, who, nodes)
    if who == "seller":
        assert nodes[seller.store.slug]["balance"] == {"available": "0.00"}


def test_confirm_receipt_errors_in_the_payload(gql, buyer, other_buyer, product):
    order = order_of(buyer, product)
    result = gql.ok(CONFIRM, {"orderNumber": order.order_number}, user=buyer)["confirmReceipt"]
    assert result["order"] is None
    assert [e["code"] for e in result["errors"]] == ["NOT_ELIGIBLE"]
    result = gql.ok(CONFIRM, {"orderNumber": order.order_number}, user=other_buyer)["confirmReceipt"]
    assert result["errors"] == [
        {
            "field": "orderNumber",
            "message": "Não existe nenhuma encomenda com este número.",
            "code": "NOT_FOUND",
        }
    ]
    assert error_codes(gql(CONFIRM, {"orderNumber": order.order_number}, user=make_seller())) == ["FORBIDDEN"]


@pytest.mark.parametrize("first", [2, 20])
def test_my_store_query_count_does_not_grow_with_the_page(
    gql, buyer, seller, product, first, django_assert_num_queries
):
    for _ in range(6):
        fill_cart(buyer, (product, 1))
        place(buyer)
    # the caller; the store; its balance (one aggregate); the page of entries; their count (a query
    # of its own since totalCount is capped, graph/common.py)
    with django_assert_num_queries(5):
        data = gql.ok(MY_STORE, {"first": first}, user=seller)["myStore"]
    assert len(data["ledger"]["edges"]) == min(first, 12)
