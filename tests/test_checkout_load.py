"""Checkout under load (issue 26): what one checkout costs the database, the row locks it takes in
one statement, and the e-mail work it leaves out of the request."""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.core.signals import request_finished, request_started
from django.db import connection, connections, transaction
from django.test import TestCase

from domain import live
from domain.cart.models import Cart
from domain.catalog.models import Product, ProductVariant
from domain.economics import ledger
from domain.economics.models import EntryKind, LedgerEntry
from domain.errors import EmptyCart
from domain.notifications import messages, tasks
from domain.notifications.models import NoticeKind, Notification
from domain.notifications.services import notifications_send
from domain.orders import stock
from domain.orders.models import (
    ChargeAttempt,
    ChargeAttemptStatus,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentStatus,
)

from .factories import make_product, make_store, make_user
from .helpers import checkout_input, fill_cart, place, postgres_only, run_in_threads, stock_of
from .test_hardening_accounts import request_signal
from .test_live import published  # noqa: F401  (the fixture: what the domain publishes, recorded)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_stores(db):
    """A line of each of three stores' products: (product, quantity)."""
    return [(make_product(store=make_store(), price="1250.50", stock_quantity=9), n + 1) for n in range(3)]


# ---------------------------------------------------------------- the locks, in one statement


def test_the_lock_returns_each_variant_with_its_product_and_whether_it_sells(seller, category):
    on_sale = make_product(store=seller.store, category=category, name="Mel", stock_quantity=4)
    hidden = make_product(store=seller.store, category=category, name="Sal", stock_quantity=2)
    Product.objects.filter(pk=hidden.pk).update(is_active=False)
    lines = [stock.StockLine(product.pk, product.variants.get().pk, 1) for product in (hidden, on_sale)]
    with transaction.atomic():
        locked = stock.stock_lock(lines=lines)
    assert {variant.product.name: variant.sellable for variant in locked.values()} == {
        "Mel": True,
        "Sal": False,
    }
    assert {variant.product.store_id for variant in locked.values()} == {seller.store.pk}
    assert stock.stock_lock(lines=[]) == {}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_waiting_checkout_holds_no_variant_of_the_product_it_waits_for():
    """stock_lock takes a product before its variants: a checkout queued on a product (a seller's
    change holds it) has not locked its variant, so nobody locking product then variant deadlocks."""
    product = make_product(stock_quantity=5)
    variant = product.variants.get()
    holding, release, result = threading.Event(), threading.Event(), {}

    def seller_holds_the_product():
        try:
            with transaction.atomic():
                Product.objects.select_for_update().filter(pk=product.pk).first()
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def checkout_locks():
        try:
            with transaction.atomic():
                result["locked"] = stock.stock_lock(lines=[stock.StockLine(product.pk, variant.pk, 1)])
        finally:
            connection.close()

    seller = threading.Thread(target=seller_holds_the_product)
    seller.start()
    assert holding.wait(30)
    buyer = threading.Thread(target=checkout_locks)
    buyer.start()
    try:
        deadline = time.monotonic() + 30
        with connections["default"].cursor() as cursor:
            while time.monotonic() < deadline:  # until the checkout waits on a row lock
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.01)
            else:
                pytest.fail("the checkout never waited for the product")
            with transaction.atomic():  # the variant is free: NOWAIT would raise otherwise
                assert ProductVariant.objects.select_for_update(nowait=True).filter(pk=variant.pk).exists()
    finally:
        release.set()
        seller.join(30)
        buyer.join(30)
    assert list(result["locked"]) == [variant.pk]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_checkouts_of_one_cart_without_a_key_place_it_once(gateway):
    """The cart's lock is its touch (one UPDATE); its lines are read by the next statement, so the
    checkout that waited for the lock reads the cart the first one emptied: EMPTY_CART, and the
    charge it had recorded is forgotten, never asked."""
    gateway.delay = 0.3  # the first still holds the cart when the second arrives
    buyer = make_user(username="doubleclick-nokey")
    product = make_product(name="Rádio", stock_quantity=5)
    filled = fill_cart(buyer, (product, 2)).updated_at
    results = run_in_threads(2, lambda i: place(buyer))
    placed = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if not isinstance(result, list)]
    assert len(placed) == 1 and [type(error) for error in refused] == [EmptyCart], results
    assert Order.objects.count() == 1
    assert len(gateway.charges()) == 1 and gateway.refunds() == []
    assert ChargeAttempt.objects.get().status == ChargeAttemptStatus.PLACED
    assert stock_of(product) == 3
    assert Cart.objects.get(user=buyer).updated_at > filled  # touched by the checkout that placed it


# ---------------------------------------------------------------- what the sender holds in memory


def test_the_ledger_credited_from_the_lines_in_memory_is_the_ledger_read_back(buyer, three_stores, gateway):
    fill_cart(buyer, *three_stores)
    orders = place(buyer)  # credited from the lines checkout held
    lines = list(OrderItem.objects.filter(order__in=orders).select_related("order"))

    def sums(held):
        return {pk: (row["commission"], row["tax"]) for pk, row in ledger._line_sums(orders, held).items()}

    assert sums(lines) == sums(None) and len(sums(lines)) == 3
    commission = {
        order.pk: -sum(line.commission_amount for line in lines if line.order_id == order.pk)
        for order in orders
    }
    assert (
        dict(LedgerEntry.objects.filter(kind=EntryKind.COMMISSION).values_list("order_id", "amount"))
        == commission
    )


def test_a_card_checkouts_orders_commit_paid_with_both_events(
    buyer,
    three_stores,
    gateway,
    published,  # noqa: F811 (the fixture)
    django_capture_on_commit_callbacks,
):
    fill_cart(buyer, *three_stores)
    with django_capture_on_commit_callbacks(execute=True):
        orders = place(buyer)
    assert set(Order.objects.values_list("status", "payment_status")) == {
        (OrderStatus.CONFIRMED, PaymentStatus.COMPLETED)
    }
    assert [event for topic, event in published if topic == live.buyer_topic(buyer.pk)] == [
        {"events": list(OrderEvent.objects.order_by("pk").values_list("pk", flat=True))}
    ]
    assert list(OrderEvent.objects.order_by("pk").values_list("from_status", "to_status")) == [
        ("", OrderStatus.PENDING),
        (OrderStatus.PENDING, OrderStatus.CONFIRMED),
    ] * len(orders)


# ---------------------------------------------------------------- the e-mails


def test_a_checkouts_mails_read_no_order_events(buyer, seller, product, gateway, django_assert_num_queries):
    fill_cart(buyer, (product, 1))
    (order,) = place(buyer)  # the test's transaction never commits: the task is called here
    notices = [[order.pk, NoticeKind.BUYER_PLACED], [order.pk, NoticeKind.SELLER_NEW_ORDER]]
    # savepoint; claimed; locked; order with buyer, store, seller and payment; its lines; marked; release
    with django_assert_num_queries(7):
        assert notifications_send(notices=notices) == 2
    assert "1 × Telemóvel Kianda" in mail.outbox[0].body


def test_with_a_broker_the_checkout_only_enqueues_its_mails(
    gql, buyer, seller, product, gateway, monkeypatch
):
    """In production (a broker) the request renders no e-mail and writes no notice: it hands the
    task its (order, kind) pairs after the commit, and a worker does the rest."""
    enqueued = []
    monkeypatch.setattr(tasks.notifications_send, "apply_async", lambda **kwargs: enqueued.append(kwargs))

    def rendered(*args, **kwargs):
        raise AssertionError("an e-mail was rendered in the request")

    monkeypatch.setattr(messages, "message_for", rendered)
    fill_cart(buyer, (product, 1))
    result = gql.op("Checkout", {"input": checkout_input()}, user=buyer)  # its commit's callbacks run
    (order,) = Order.objects.all()
    assert result["data"]["checkout"]["orders"][0]["orderNumber"] == order.order_number
    assert enqueued == [
        {
            "kwargs": {
                "notices": [[order.pk, NoticeKind.BUYER_PLACED], [order.pk, NoticeKind.SELLER_NEW_ORDER]]
            }
        }
    ]
    assert mail.outbox == [] and not Notification.objects.exists()


def test_without_a_broker_the_mails_go_once_the_response_has(buyer, seller, product, gateway):
    """No broker (tasks run eagerly, in this process): the checkout's response is not held back by
    its e-mails; they are rendered and sent after it, by the same worker."""
    fill_cart(buyer, (product, 1))
    request_signal(request_started)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            place(buyer)
        assert mail.outbox == [] and not Notification.objects.exists()  # committed, no response yet
    finally:
        request_signal(request_finished)
    assert [message.to for message in mail.outbox] == [[buyer.email], [seller.email]]


@pytest.mark.parametrize("stores", [1, 3])
def test_one_task_mails_every_order_of_a_checkout(buyer, gateway, stores, django_capture_on_commit_callbacks):
    fill_cart(
        buyer,
        *((make_product(store=make_store(name=f"Loja {n}"), stock_quantity=3), 1) for n in range(stores)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        place(buyer)
    assert len(mail.outbox) == 2 * stores
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2 * stores
