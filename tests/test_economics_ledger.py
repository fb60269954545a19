"""The ledger: entries written in the transactions that pay and cancel orders, never changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from domain.economics import ledger
from domain.economics.models import AppendOnlyError, LedgerEntry
from domain.errors import PaymentFailed
from domain.orders import fulfilment
from domain.orders.models import Order, PaymentMethod
from domain.orders.reference_payments import payment_confirm_reference

from .factories import make_product, make_store
from .helpers import DECLINED_CARD, fill_cart, ledger_of, order_of, place, postgres_only, world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def product(seller):
    # 1140.00 × 2 = 2280.00: IVA 280.00 inside, commission 228.00 at 10 %.
    return make_product(store=seller.store, name="Cadeira", price="1140.00", stock_quantity=10)


def entries(order: Order) -> list[tuple]:
    return [entry[1:4] for entry in ledger_of() if entry[4] == order.order_number]


def test_a_card_checkout_credits_each_store_its_sale_minus_commission(buyer, seller, product):
    other = make_store()
    fill_cart(buyer, (product, 2), (make_product(store=other, price="500.00"), 1))
    first, second = place(buyer)
    assert entries(first) == [("sale", D("2280.00"), D("280.00")), ("commission", D("-228.00"), D("0.00"))]
    assert entries(second) == [("sale", D("500.00"), D("61.40")), ("commission", D("-50.00"), D("0.00"))]
    assert {entry[0] for entry in ledger_of()} == {seller.store.pk, other.pk}


def test_a_declined_checkout_writes_nothing(buyer, product, gateway):
    fill_cart(buyer, (product, 2))
    before = world()
    with pytest.raises(PaymentFailed):
        place(buyer, card_number=DECLINED_CARD)
    assert world() == before  # the ledger included


def test_a_reference_order_is_credited_when_the_webhook_confirms_it_once(buyer, product):
    order = order_of(buyer, product, method=PaymentMethod.REFERENCE)
    assert entries(order) == []
    payment = order.payment
    arguments = {
        "entity": payment.reference_entity,
        "reference_number": payment.reference_number,
        "amount": payment.amount,
        "transaction_id": "BANK-1",
    }
    assert payment_confirm_reference(**arguments)[1] is True
    assert payment_confirm_reference(**arguments)[1] is False  # a replay
    assert entries(order) == [("sale", D("2280.00"), D("280.00")), ("commission", D("-228.00"), D("0.00"))]


@pytest.mark.parametrize("how", ["cancel", "refund"])
def test_cancelling_a_paid_order_reverses_both_in_the_cancelling_transaction(
    buyer, product, gateway, how, django_capture_on_commit_callbacks
):
    order = order_of(buyer, product)
    action = fulfilment.order_cancel if how == "cancel" else fulfilment.order_refund
    with django_capture_on_commit_callbacks() as after_commit:
        action(actor=buyer, order_number=order.order_number)
        # Written with the cancellation, before the gateway is asked for the refund.
        assert gateway.refunds() == []
        assert entries(order) == [
            ("sale", D("2280.00"), D("280.00")),
            ("commission", D("-228.00"), D("0.00")),
            ("refund", D("-2280.00"), D("-280.00")),
            ("commission_reversal", D("228.00"), D("0.00")),
        ]
    # The catalogue version, the refund, the e-mail and the live events (the product's stock, the
    # order's event to its buyer and its store: domain/orders/live.py): all once this commits.
    assert len(after_commit) == 6
    assert sum(entry[2] for entry in ledger_of()) == 0


def test_a_cancellation_that_rolls_back_reverses_nothing(buyer, product):
    order = order_of(buyer, product)
    before = world()
    with pytest.raises(RuntimeError), transaction.atomic():
        fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
        raise RuntimeError("a later step failed")
    assert world() == before


def test_an_unpaid_order_cancelled_or_expired_leaves_no_entry(buyer, product):
    order = order_of(buyer, product, method=PaymentMethod.REFERENCE)
    fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert ledger_of() == []


def test_an_order_is_credited_and_reversed_once_whatever_calls_twice(buyer, product):
    order = order_of(buyer, product)
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.ledger_record_payments(orders=[order])
    ledger.ledger_record_reversal(order=order)
    assert ledger.ledger_record_reversal(order=order) == []
    assert len(entries(order)) == 4


# ---------------------------------------------------------------- append-only


def test_the_ledger_refuses_updates_and_deletes(buyer, product):
    order_of(buyer, product)
    before = ledger_of()
    entry = LedgerEntry.objects.first()
    entry.amount = D("1.00")
    for change in (
        entry.save,
        entry.delete,
        lambda: LedgerEntry.objects.update(amount=D("1.00")),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        lambda: LedgerEntry.objects.bulk_update([entry], ["amount"]),
    ):
        with pytest.raises(AppendOnlyError), transaction.atomic():
            change()
    assert ledger_of() == before


@postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE economics_ledgerentry SET amount = amount + 1",
        "DELETE FROM economics_ledgerentry",
    ],
)
def test_on_postgresql_the_database_refuses_them_too(buyer, product, sql):
    order_of(buyer, product)
    before = ledger_of()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert ledger_of() == before


@pytest.mark.parametrize(
    "kind, amount, with_order",
    [
        ("sale", "-1.00", True),
        ("commission", "5.00", True),
        ("payout", "5.00", False),
        ("sale", "5.00", False),
    ],
)
def test_the_database_checks_signs_and_references(buyer, product, kind, amount, with_order):
    order = order_of(buyer, product)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            store=order.store, kind=kind, amount=D(amount), order=order if with_order else None
        )


def test_the_admin_shows_the_ledger_read_only(client, admin, buyer, product):
    order_of(buyer, product)
    entry = LedgerEntry.objects.first()
    client.force_login(admin)
    base = "/admin/economics/ledgerentry/"
    before = ledger_of()
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{entry.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert ledger_of() == before
