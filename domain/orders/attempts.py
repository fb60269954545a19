"""Charge attempts: every charge is on record before the gateway is asked, so a worker that dies
during the gateway call (kill -9, a lost machine) loses no money.

Checkout records one attempt per order it is about to charge (order number, amount, buyer, method,
gateway, idempotency key) and commits them before its transaction opens: on the same connection,
in autocommit, not on a second one, because SQLite lets one writer at a time (a second connection
would wait for the checkout's own lock) and a second connection cannot see rows the caller has not
committed yet. Inside the transaction, `attempts_claim` marks them PLACED, a row lock held until
the orders commit with that mark. So afterwards an attempt is

- PLACED: its order committed, with the charge;
- released by `attempts_release` when the transaction rolled back in the process: an approved
  charge is refunded, an unanswered one voided by its number (both RETURNED, each with its Refund),
  one declined or never asked is forgotten (deleted: nothing was charged);
- still PENDING: the worker died, or was being stopped mid-call. `attempts_sweep` (celery beat
  every CHARGE_ATTEMPT_SWEEP_INTERVAL, `manage.py void_lost_charges` from cron) voids by its order
  number every attempt older than CHARGE_ATTEMPT_TIMEOUT that no order holds.

The sweeper takes the attempts it voids with SELECT ... FOR UPDATE SKIP LOCKED and only while
PENDING, and the checkout claims them only while PENDING: a checkout still running holds its
claim's locks (the sweeper skips it), and one whose attempts the sweeper took first charges nothing
and draws new numbers. So a charge whose order committed is never voided.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import refunds
from .models import ChargeAttempt, ChargeAttemptStatus, Order, Refund, RefundReason

logger = logging.getLogger(__name__)


@dataclass
class ChargeBook:
    """One checkout try's attempts, by order number, and what the gateway said to each."""

    attempts: dict[str, ChargeAttempt] = field(default_factory=dict)
    approved: dict[str, str] = field(default_factory=dict)  # order number -> transaction id
    unanswered: set[str] = field(default_factory=set)  # the call raised: it may have charged
    asking: str | None = None  # the order number whose charge call has not returned

    def numbers_for(self, totals: dict[int, Decimal]) -> dict[int, str] | None:
        """{store id: order number} when the attempts recorded are exactly these orders' totals
        (the cart did not change between the record and the lock), else None."""
        recorded = {attempt.store_id: attempt for attempt in self.attempts.values()}
        if {store_id: attempt.amount for store_id, attempt in recorded.items()} != totals:
            return None
        return {store_id: attempt.order_number for store_id, attempt in recorded.items()}


def attempts_record(
    *, buyer, method: str, idempotency_key: str | None, orders: dict[int, tuple[str, Decimal]]
) -> ChargeBook:
    """Record the charges a checkout is about to ask for, {store id: (order number, amount)}, in one
    INSERT committed before the checkout's transaction opens (called outside any transaction)."""
    gateway = settings.PAYMENT_GATEWAY
    attempts = []
    for store_id, (order_number, amount) in orders.items():
        attempt = ChargeAttempt(
            order_number=order_number,
            buyer=buyer,
            amount=amount,
            method=method,
            gateway=gateway,
            idempotency_key=idempotency_key,
        )
        attempt.store_id = store_id  # not stored: the checkout matches its orders to them
        attempts.append(attempt)
    ChargeAttempt.objects.bulk_create(attempts)
    return ChargeBook(attempts={attempt.order_number: attempt for attempt in attempts})


def attempts_claim(book: ChargeBook) -> bool:
    """Inside the checkout's transaction, before the gateway: mark its attempts PLACED (they commit
    with the orders, or go back to PENDING with a rollback). False when the sweeper took one first:
    the checkout must not charge with those numbers."""
    if not book.attempts:
        return True
    pks = [attempt.pk for attempt in book.attempts.values()]
    claimed = ChargeAttempt.objects.filter(pk__in=pks, status=ChargeAttemptStatus.PENDING).update(
        status=ChargeAttemptStatus.PLACED, updated_at=timezone.now()
    )
    return claimed == len(pks)


def attempts_release(book: ChargeBook) -> None:
    """The checkout's transaction rolled back: what its attempts charged is owed back. Each attempt
    still PENDING is settled under a row lock (a sweeper may hold it: then it is the sweeper's): an
    approved charge is refunded by its transaction, an unanswered call voided by the order's number,
    a charge declined or never asked is forgotten; one whose call had not returned (the worker is
    being stopped) stays PENDING for the sweeper. If the database fails here, the refunds are asked
    as refunds.refund_compensate does, and the sweeper voids what stays PENDING."""
    if not book.attempts:
        return
    try:
        with transaction.atomic():
            pending = ChargeAttempt.objects.select_for_update().filter(
                pk__in=[attempt.pk for attempt in book.attempts.values()], status=ChargeAttemptStatus.PENDING
            )
            returned, forgotten = [], []
            for attempt in pending:
                owed = _owed_back(book, attempt)
                if owed is not None:
                    logger.warning(
                        "checkout rolled back after charge %s of %s: refunding it", owed[0], attempt.amount
                    )
                    refunds.refund_schedule(transaction_id=owed[0], amount=attempt.amount, reason=owed[1])
                    returned.append(attempt.pk)
                elif attempt.order_number != book.asking:
                    forgotten.append(attempt.pk)
            ChargeAttempt.objects.filter(pk__in=returned).update(
                status=ChargeAttemptStatus.RETURNED, updated_at=timezone.now()
            )
            ChargeAttempt.objects.filter(pk__in=forgotten).delete()
    except Exception:
        logger.exception("could not settle the charge attempts of a checkout that rolled back")
        amounts = {number: attempt.amount for number, attempt in book.attempts.items()}
        refunds.refund_compensate(charges=[(tx, amounts[number]) for number, tx in book.approved.items()])
        for number in book.unanswered:
            refunds.refund_void_unanswered(order_number=number, amount=amounts[number])


def _owed_back(book: ChargeBook, attempt: ChargeAttempt) -> tuple[str, RefundReason] | None:
    """(the Refund's transaction id, its reason) for what this attempt charged, None if nothing."""
    if attempt.order_number in book.approved:
        return book.approved[attempt.order_number], RefundReason.CHECKOUT_ROLLED_BACK
    if attempt.order_number in book.unanswered:
        return f"{refunds.VOID_PREFIX}{attempt.order_number}", RefundReason.CHARGE_UNANSWERED
    return None


@dataclass(frozen=True)
class SweepResult:
    voided: list[str]  # order numbers voided through the gateway (sent after the commit)
    placed: list[str]  # attempts found PENDING whose order did commit: marked PLACED


def attempts_sweep(*, older_than: timedelta, limit: int = 500) -> SweepResult:
    """Void, by its order number, every charge attempt still PENDING after `older_than` that no
    order holds: its worker died around the gateway call. Each is taken under a row lock skipping
    the ones a running checkout holds, marked RETURNED and owed back as a CHARGE_UNANSWERED refund,
    sent after the commit (a refusal stays pending for retry_refunds). Safe to run twice or side by
    side; a void already owed is not owed twice."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        lost = list(
            ChargeAttempt.objects.select_for_update(skip_locked=True)
            .filter(status=ChargeAttemptStatus.PENDING, created_at__lt=cutoff)
            .order_by("pk")[:limit]
        )
        if not lost:
            return SweepResult(voided=[], placed=[])
        numbers = [attempt.order_number for attempt in lost]
        placed = set(Order.objects.filter(order_number__in=numbers).values_list("order_number", flat=True))
        voids = {f"{refunds.VOID_PREFIX}{number}": number for number in numbers if number not in placed}
        owed = set(Refund.objects.filter(transaction_id__in=voids).values_list("transaction_id", flat=True))
        for attempt in lost:
            void = f"{refunds.VOID_PREFIX}{attempt.order_number}"
            if void in voids and void not in owed:
                logger.warning(
                    "charge attempt %s of %s has no order after %s: voiding it",
                    attempt.order_number,
                    attempt.amount,
                    older_than,
                )
                refunds.refund_schedule(
                    transaction_id=void, amount=attempt.amount, reason=RefundReason.CHARGE_UNANSWERED
                )
        now = timezone.now()
        ChargeAttempt.objects.filter(order_number__in=placed).update(
            status=ChargeAttemptStatus.PLACED, updated_at=now
        )
        ChargeAttempt.objects.filter(order_number__in=voids.values()).update(
            status=ChargeAttemptStatus.RETURNED, updated_at=now
        )
    return SweepResult(voided=sorted(voids.values()), placed=sorted(placed))
