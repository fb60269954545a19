"""Races on PostgreSQL: concurrent checkouts, confirmations, cancellations (refunds), payouts and
adjustments never make a store's ledger disagree with its balance, nor pay out more than was
available."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from domain.economics import payouts, release, selectors
from domain.economics.models import EntryKind, LedgerEntry, Payout
from domain.errors import NotEligible
from domain.orders import fulfilment
from domain.orders.models import Order, OrderStatus

from .factories import make_admin, make_product, make_seller, make_user
from .helpers import fill_cart, place, postgres_only, run_in_threads

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

D = Decimal


def paid_order(buyer, product, *, status=None) -> Order:
    fill_cart(buyer, (product, 1))
    (order,) = place(buyer)
    if status:
        Order.objects.filter(pk=order.pk).update(status=status)
    return order


def assert_books_balance(store) -> None:
    """The ledger's sum is the balance; nothing was paid out beyond what was available."""
    balance = selectors.store_balance(store_id=store.pk)
    entries = LedgerEntry.objects.filter(store=store)
    assert entries.aggregate(total=Sum("amount"))["total"] == balance.available + balance.pending
    assert balance.available >= 0
    assert balance.paid_out == (
        Payout.objects.filter(store=store).aggregate(total=Sum("amount"))["total"] or 0
    )
    assert entries.filter(kind=EntryKind.PAYOUT).count() == Payout.objects.filter(store=store).count()
    # Replayed in commit order (ids), the available balance never dipped below zero.
    available = D(0)
    released = set(Order.objects.filter(store=store, release__isnull=False).values_list("pk", flat=True))
    for kind, amount, order_id in entries.order_by("pk").values_list("kind", "amount", "order_id"):
        if order_id is None or order_id in released:
            available += amount
        if kind == EntryKind.PAYOUT:
            assert available >= 0


def test_twenty_admins_paying_out_at_once_never_exceed_the_available_balance():
    seller, admin = make_seller(), make_admin()
    product = make_product(store=seller.store, price="1140.00", stock_quantity=50)
    buyer = make_user()
    order = paid_order(buyer, product, status=OrderStatus.SHIPPED)
    release.order_confirm_receipt(actor=buyer, order_number=order.order_number)  # 1026.00 available

    def pay(i: int):
        return payouts.payout_record(
            admin=admin, store_id=seller.store.pk, amount=D("250.00"), bank_reference=f"BAI-{i}"
        )

    results = run_in_threads(20, pay)
    won = [r for r in results if isinstance(r, Payout)]
    lost = [r for r in results if not isinstance(r, Payout)]
    assert len(won) == 4
    assert all(isinstance(error, NotEligible) for error in lost), lost
    assert selectors.store_balance(store_id=seller.store.pk).available == D("26.00")
    assert_books_balance(seller.store)


def test_orders_refunds_releases_payouts_and_adjustments_racing_keep_the_books():
    seller, admin = make_seller(), make_admin()
    product = make_product(store=seller.store, price="1000.00", stock_quantity=1000)
    buyers = [make_user(username=f"racer{n}") for n in range(24)]
    # Paid orders ready to be confirmed (shipped) or cancelled (confirmed), one per buyer.
    shipped = [paid_order(buyers[n], product, status=OrderStatus.SHIPPED) for n in range(8)]
    cancellable = [paid_order(buyers[n], product) for n in range(8, 16)]
    first = shipped.pop()
    release.order_confirm_receipt(actor=first.buyer, order_number=first.order_number)  # 900.00 available

    def work(i: int):
        kind = i % 4
        n = i // 4
        if kind == 0:  # a buyer confirms receipt: 900.00 more available
            order = shipped[n % len(shipped)]
            return release.order_confirm_receipt(actor=order.buyer, order_number=order.order_number)
        if kind == 1:  # a paid order cancelled: its credit reversed, refund after commit
            order = cancellable[n]
            return fulfilment.order_cancel(actor=order.buyer, order_number=order.order_number)
        if kind == 2:  # an admin pays out
            return payouts.payout_record(
                admin=admin, store_id=seller.store.pk, amount=D("700.00"), bank_reference=f"B-{i}"
            )
        if n % 2:  # a new order
            buyer = buyers[16 + n]
            fill_cart(buyer, (product, 2))
            return place(buyer)
        return payouts.ledger_adjust(store_id=seller.store.pk, amount=D("-150.00"), note=f"acerto {i}")

    results = run_in_threads(32, work)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, NotEligible)]
    assert unexpected == []
    assert Order.objects.filter(store=seller.store, status=OrderStatus.CANCELLED).count() == 8
    assert_books_balance(seller.store)
    # Each cancelled order nets to zero; every released order added 900.00.
    balance = selectors.store_balance(store_id=seller.store.pk)
    released = Order.objects.filter(store=seller.store, release__isnull=False).count()
    adjustments = LedgerEntry.objects.filter(store=seller.store, kind=EntryKind.ADJUSTMENT).aggregate(
        total=Sum("amount")
    )["total"] or D(0)
    assert balance.available == released * D("900.00") + adjustments - balance.paid_out
