"""A worker that dies during the gateway call loses no money (issue 20, item 4).

Every charge is recorded (domain/orders/attempts.py) and committed before the checkout's
transaction opens; the transaction claims it; a rollback in the process settles it; what a dead
worker leaves PENDING is voided by its order number by the sweeper (beat, `manage.py
void_lost_charges`), once, and never when its order committed. A dying worker is simulated by a
BaseException raised right after the gateway charged (in-process), and on PostgreSQL by a real
`kill -9` of a process stuck in the gateway call.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from domain.catalog.models import Product, ProductVariant
from domain.errors import OutOfStock, PaymentFailed
from domain.orders import attempts
from domain.orders.models import (
    ChargeAttempt,
    ChargeAttemptStatus,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundReason,
)
from domain.orders.refunds import SEND_LEASE, refund_schedule
from domain.orders.tasks import retry_refunds, void_lost_charges

from .factories import make_product, make_store
from .helpers import (
    ADDRESS,
    PHONE,
    VALID_CARD,
    RecordingGateway,
    fill_cart,
    place,
    postgres_only,
    world,
)
from .processes import ROOT, eventually

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a dying worker looks like from inside: nothing after it runs as planned."""


class Gateway(RecordingGateway):
    """The recording gateway that records voids too; its charge number `killed_on` goes through at
    the bank and then the worker dies (WorkerKilled), and `during_charge` runs inside a charge."""

    killed_on: int | None = None
    during_charge = None

    def charge(self, **kwargs):
        if Gateway.during_charge is not None:
            Gateway.during_charge()
        result = super().charge(**kwargs)
        if len(self.charges()) == self.killed_on:
            raise WorkerKilled
        return result

    def void(self, **kwargs):
        with self.lock:
            self.calls.append(("void", kwargs["order_number"], kwargs["amount"]))
        return super().void(**kwargs)

    @classmethod
    def voids(cls) -> list[tuple]:
        return [call for call in cls.calls if call[0] == "void"]


@pytest.fixture
def gateway(settings):
    settings.PAYMENT_GATEWAY = f"{__name__}.Gateway"
    Gateway.calls = []
    Gateway.killed_on, Gateway.during_charge = None, None
    Gateway.decline_charge_number, Gateway.delay, Gateway.refund_delay = None, 0.0, 0.0
    return Gateway


@pytest.fixture
def three_stores(buyer):
    """The buyer's cart: a line in each of three stores (1000, 2000, 3000 kwanza per unit, 2 units)."""
    lines = [
        (make_product(store=make_store(name=name), price=price, stock_quantity=5), 2)
        for name, price in (("Loja A", "1000.00"), ("Loja B", "2000.00"), ("Loja C", "3000.00"))
    ]
    fill_cart(buyer, *lines)
    return lines


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for a commit (the refunds and voids sent) at the end of
    the block, as it runs outside the test's transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def attempts_left() -> list[tuple]:
    return list(ChargeAttempt.objects.order_by("pk").values_list("order_number", "amount", "status"))


def sweep(seconds: float = 0) -> attempts.SweepResult:
    return attempts.attempts_sweep(older_than=timedelta(seconds=seconds))


def age(seconds: float) -> None:
    """Every attempt recorded so long ago."""
    ChargeAttempt.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


# ---------------------------------------------------------------- the record


def test_every_charge_is_on_record_and_placed_with_its_order(buyer, three_stores, gateway):
    orders = place(buyer, idempotency_key="k-1")
    recorded = ChargeAttempt.objects.order_by("pk")
    assert [
        (a.order_number, a.amount, a.buyer_id, a.method, a.gateway, a.idempotency_key, a.status)
        for a in recorded
    ] == [
        (
            o.order_number,
            o.total_amount,
            buyer.pk,
            "card",
            f"{__name__}.Gateway",
            "k-1",
            ChargeAttemptStatus.PLACED,
        )
        for o in orders
    ]
    assert [number for _, number, _ in gateway.charges()] == [o.order_number for o in orders]
    # The sweeper never touches a placed charge, however old.
    age(3600)
    assert sweep() == attempts.SweepResult(voided=[], placed=[])
    assert gateway.voids() == [] and gateway.refunds() == []


def test_the_record_is_written_before_the_transaction_and_claimed_inside_it(buyer, three_stores, gateway):
    """The attempts are written before the checkout's transaction opens (committed there outside
    tests: the PostgreSQL tests below read them from other connections) and claimed inside it."""
    seen = []
    Gateway.during_charge = lambda: seen.append(list(ChargeAttempt.objects.values_list("status", flat=True)))
    place(buyer)
    assert seen == [[ChargeAttemptStatus.PLACED] * 3] * 3


def test_reference_payments_charge_nothing_at_checkout_and_record_nothing(buyer, three_stores, gateway):
    place(buyer, payment_method=PaymentMethod.REFERENCE)
    assert attempts_left() == []


# ---------------------------------------------------------------- a worker killed mid-call


def test_a_worker_killed_after_the_charge_leaves_an_attempt_the_sweeper_voids_once(
    buyer, gateway, settings, committed
):
    product = make_product(price="1500.00", stock_quantity=5)
    fill_cart(buyer, (product, 2))
    before = world()
    Gateway.killed_on = 1

    with pytest.raises(WorkerKilled):
        place(buyer)

    ((_, number, amount),) = gateway.charges()  # the bank took the money
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert world() == before  # stock, cart, orders, payments, refunds: as if nothing happened...
    assert attempts_left() == [(number, Decimal("3000.00"), ChargeAttemptStatus.PENDING)]  # ...but this

    # Younger than the timeout: the sweeper leaves it (its checkout may still be running).
    settings.CHARGE_ATTEMPT_TIMEOUT = 600
    age(599)
    assert void_lost_charges.delay().get() == {"voided": [], "placed": []}
    age(601)
    with committed():
        assert void_lost_charges.delay().get() == {"voided": [number], "placed": []}
    assert gateway.voids() == [("void", number, amount)]
    assert Refund.objects.get().reason == RefundReason.CHARGE_UNANSWERED
    assert attempts_left() == [(number, Decimal("3000.00"), ChargeAttemptStatus.RETURNED)]

    # Once: again by beat, by cron, or by hand.
    with committed():
        assert void_lost_charges.delay().get() == {"voided": [], "placed": []}
        out = StringIO()
        call_command("void_lost_charges", "--seconds", "0", stdout=out)
    assert out.getvalue().startswith("Voided 0 lost charge(s) older than 0 s")
    assert gateway.voids() == [("void", number, amount)]
    assert gateway.refunds() == []


def test_killed_on_the_second_of_three_charges_the_first_is_refunded_the_second_voided_the_third_never_asked(
    buyer, three_stores, gateway, committed
):
    Gateway.killed_on = 2
    with committed(), pytest.raises(WorkerKilled):
        place(buyer)
    (_, first, first_amount), (_, second, second_amount) = gateway.charges()
    # In the process, while it dies: the approved first charge is refunded; the second's answer
    # never came, so it stays for the sweeper; the third was never asked and leaves no record.
    assert gateway.refunds() == [("refund", f"SIM-{first}", first_amount)]
    assert attempts_left() == [
        (first, first_amount, ChargeAttemptStatus.RETURNED),
        (second, second_amount, ChargeAttemptStatus.PENDING),
    ]
    with committed():
        assert sweep().voided == [second]
        assert sweep().voided == []
    assert gateway.voids() == [("void", second, second_amount)]
    assert gateway.refunds() == [("refund", f"SIM-{first}", first_amount)]
    assert not Order.objects.exists()


def test_the_command_voids_what_is_older_than_its_seconds(buyer, gateway, committed):
    fill_cart(buyer, (make_product(price="700.00"), 1))
    Gateway.killed_on = 1
    with pytest.raises(WorkerKilled):
        place(buyer)
    ((_, number, _),) = gateway.charges()
    out = StringIO()
    call_command("void_lost_charges", stdout=out)  # CHARGE_ATTEMPT_TIMEOUT: too young yet
    assert out.getvalue() == "Voided 0 lost charge(s) older than 600 s; 0 found placed.\n"
    age(601)
    out = StringIO()
    with committed():
        call_command("void_lost_charges", stdout=out)
    assert out.getvalue() == f"Voided 1 lost charge(s) older than 600 s: {number}; 0 found placed.\n"
    assert [call[1] for call in gateway.voids()] == [number]


# ---------------------------------------------------------------- failures settled in the process


def test_a_decline_refunds_the_approved_charge_once_and_forgets_what_charged_nothing(
    buyer, three_stores, gateway, committed
):
    Gateway.decline_charge_number = 2
    with committed(), pytest.raises(PaymentFailed):
        place(buyer)
    (_, first, first_amount), _declined = gateway.charges()
    assert attempts_left() == [(first, first_amount, ChargeAttemptStatus.RETURNED)]
    assert sweep().voided == []
    assert gateway.refunds() == [("refund", f"SIM-{first}", first_amount)]
    assert gateway.voids() == []


def test_a_refused_checkout_leaves_no_record(buyer, gateway):
    product = make_product(stock_quantity=1)
    fill_cart(buyer, (product, 2))
    with pytest.raises(OutOfStock):
        place(buyer)
    assert attempts_left() == [] and gateway.calls == []


def test_a_cart_changed_after_the_record_draws_again_and_charges_the_new_total(buyer, gateway, monkeypatch):
    product = make_product(price="1000.00", stock_quantity=5)
    fill_cart(buyer, (product, 1))
    record = attempts.attempts_record

    def price_changes_meanwhile(**kwargs):
        book = record(**kwargs)
        ProductVariant.objects.filter(product=product).update(price=Decimal("1250.00"))
        return book

    monkeypatch.setattr(attempts, "attempts_record", price_changes_meanwhile)
    (order,) = place(buyer)
    assert order.total_amount == Decimal("1250.00")
    assert [(number, amount) for _, number, amount in gateway.charges()] == [
        (order.order_number, Decimal("1250.00"))
    ]
    # The first record (1000.00, never asked) is gone; the one charged is placed.
    assert attempts_left() == [(order.order_number, Decimal("1250.00"), ChargeAttemptStatus.PLACED)]


def test_attempts_the_sweeper_took_first_are_never_charged(buyer, gateway, monkeypatch, committed):
    """A checkout that waited past the timeout before its transaction: the sweeper voided its
    numbers (nothing charged yet), so it charges none of them and draws again."""
    fill_cart(buyer, (make_product(price="900.00"), 1))
    record = attempts.attempts_record
    swept = []

    def swept_meanwhile(**kwargs):
        book = record(**kwargs)
        if not swept:
            swept.extend(sweep().voided)
        return book

    monkeypatch.setattr(attempts, "attempts_record", swept_meanwhile)
    with committed():
        (order,) = place(buyer)
    assert len(swept) == 1 and order.order_number != swept[0]
    assert [number for _, number, _ in gateway.charges()] == [order.order_number]
    assert [number for _, number, _ in gateway.voids()] == swept  # a number never charged
    assert ChargeAttempt.objects.get(order_number=order.order_number).status == ChargeAttemptStatus.PLACED


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_sweeper_racing_a_committing_checkout_never_voids_its_charge(buyer, three_stores, gateway):
    """The sweeper runs (in other threads, other connections) while the checkout is inside the
    gateway call with its attempts recorded long ago: the claim's row locks keep them from it."""
    results = []

    def sweeper() -> None:
        try:
            results.append(sweep(-3600))  # every attempt is past its timeout for this one
        finally:
            connection.close()

    def sweepers_meanwhile():
        if not results:
            threads = [threading.Thread(target=sweeper) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

    Gateway.during_charge = sweepers_meanwhile
    orders = place(buyer)
    assert results == [attempts.SweepResult(voided=[], placed=[])] * 2
    assert Order.objects.count() == 3
    assert sweep(-3600) == attempts.SweepResult(voided=[], placed=[])
    assert gateway.voids() == [] and gateway.refunds() == [] and not Refund.objects.exists()
    assert {a.status for a in ChargeAttempt.objects.all()} == {ChargeAttemptStatus.PLACED}
    assert len(orders) == 3


KILLED_IN_THE_GATEWAY = """
import django, sys
django.setup()
from domain.accounts.models import User
from domain.orders.checkout import checkout_place
checkout_place(buyer=User.objects.get(pk=int(sys.argv[1])), shipping_address=sys.argv[2],
               contact_phone=sys.argv[3], payment_method="card", card_number=sys.argv[4])
"""


class HangingGateway(RecordingGateway):
    """Charges, notes it in the file CHARGED_FILE names, then hangs until it is killed."""

    def charge(self, **kwargs):
        result = super().charge(**kwargs)
        Path(os.environ["CHARGED_FILE"]).write_text(f"{kwargs['order_number']} {kwargs['amount']}")
        threading.Event().wait(600)
        return result


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_checkout_process_killed_in_the_gateway_call_is_voided_by_the_sweeper(buyer, gateway, tmp_path):
    product = make_product(price="2500.00", stock_quantity=5)
    fill_cart(buyer, (product, 1))
    database = connection.settings_dict
    charged = tmp_path / "charged"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "PAYMENT_GATEWAY": f"{__name__}.HangingGateway",
        "CHARGED_FILE": str(charged),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_IN_THE_GATEWAY, str(buyer.pk), ADDRESS, PHONE, VALID_CARD],
        cwd=ROOT,
        env=env,
    )
    try:
        assert eventually(charged.exists, timeout=60), "the checkout never reached the gateway"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    number, amount = charged.read_text().split()

    # The dead worker's transaction is rolled back once PostgreSQL notices; its attempt stays.
    assert eventually(lambda: sweep().voided, timeout=30) == [number]
    assert gateway.voids() == [("void", number, Decimal(amount))]
    assert not Order.objects.exists()
    assert Product.objects.get(pk=product.pk).stock_quantity == 5
    assert attempts_left() == [(number, Decimal("2500.00"), ChargeAttemptStatus.RETURNED)]
    assert sweep().voided == []


# ---------------------------------------------------------------- beat retries what a killed worker left


def test_beat_sweeps_lost_charges_and_retries_pending_refunds():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["void-lost-charges"] == {
        "task": "orders.void_lost_charges",
        "schedule": float(django_settings.CHARGE_ATTEMPT_SWEEP_INTERVAL),
    }
    assert schedule["retry-refunds"] == {
        "task": "orders.retry_refunds",
        "schedule": float(django_settings.REFUND_RETRY_INTERVAL),
    }


def test_a_refund_a_killed_worker_was_sending_is_retried_by_the_beat_task(buyer, gateway):
    """The worker claimed the refund (its lease) and died before the gateway answered: the order
    stays REFUND_PENDING until the lease runs out, then the periodic task sends it, once."""
    fill_cart(buyer, (make_product(price="800.00"), 1))
    (order,) = place(buyer)
    payment = order.payment
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REFUND_PENDING)
    Order.objects.filter(pk=order.pk).update(payment_status=PaymentStatus.REFUND_PENDING)
    refund = refund_schedule(
        transaction_id=payment.transaction_id,
        amount=payment.amount,
        reason=RefundReason.ORDER_CANCELLED,
        order=order,
        payment=payment,
    )  # sent once this commits: the worker is killed first, in the gateway call
    Refund.objects.filter(pk=refund.pk).update(
        refunded_at=None, attempts=1, sending_since=timezone.now() - SEND_LEASE + timedelta(seconds=30)
    )
    Gateway.calls = []

    assert retry_refunds.delay().get() == {"refunded": 0, "pending": 1}  # its lease still holds
    Refund.objects.filter(pk=refund.pk).update(
        sending_since=timezone.now() - SEND_LEASE - timedelta(seconds=1)
    )
    assert retry_refunds.delay().get() == {"refunded": 1, "pending": 0}
    assert retry_refunds.delay().get() == {"refunded": 0, "pending": 0}
    assert gateway.refunds() == [("refund", payment.transaction_id, payment.amount)]
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
