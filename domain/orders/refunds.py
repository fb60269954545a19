"""Refunds: decided inside a transaction, sent to the gateway only after it commits.

A transaction that cancels a paid order (or records a late payment) writes a pending Refund and
marks the payment REFUND_PENDING; once it commits, a background task sends the refund (in the same
process, right after the commit, without a broker: domain/background.py). Success marks the refund,
its payment (REFUNDED, on the order too) and its late payment refunded; a refusal or a timeout
leaves it pending, counted and logged, and `manage.py retry_refunds` (run it from cron) sends it
again. So no refund is ever sent for a change that rolled back, and none is lost when the gateway
is down. Refunds are idempotent per transaction at the provider: a refund sent again after a
crash between the gateway's answer and our commit refunds nothing twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from domain.background import enqueue_after_commit

from . import payments
from .models import LatePayment, Order, Payment, PaymentStatus, Refund, RefundReason

logger = logging.getLogger(__name__)

# The transaction id recorded for a void: the order's number after this prefix.
VOID_PREFIX = "VOID-"
# How long a sender holds a refund it is asking the gateway for before another may try it.
SEND_LEASE = timedelta(minutes=5)


def refund_schedule(
    *,
    transaction_id: str,
    amount: Decimal,
    reason: RefundReason,
    order: Order | None = None,
    payment: Payment | None = None,
    late_payment: LatePayment | None = None,
) -> Refund:
    """Owe a refund of `transaction_id`, in the caller's transaction; it is sent once that commits.
    A transaction is refunded once (the column is unique): a second refund of it is an error."""
    refund = Refund.objects.create(
        transaction_id=transaction_id,
        amount=amount,
        reason=reason,
        order=order,
        payment=payment,
        late_payment=late_payment,
    )
    refund_send_after_commit(refund)
    return refund


def refund_send_after_commit(refund: Refund) -> None:
    """Send a pending refund once the caller's transaction commits (never if it rolls back), by a
    background task: the request that owed it does not wait for the gateway. A task that is lost
    leaves it pending for retry_refunds."""
    from .tasks import refund_send_task  # the task module imports this one

    if refund.refunded_at is None:
        enqueue_after_commit(refund_send_task, refund_id=refund.pk)


def refund_void_unanswered(*, order_number: str, amount: Decimal) -> None:
    """A charge call for `order_number` failed without an answer, and its checkout rolled back:
    whatever it may have charged is voided by the order's number (recorded, then sent; a failure
    stays pending for retry_refunds)."""
    refund_compensate(
        charges=[(f"{VOID_PREFIX}{order_number}", amount)], reason=RefundReason.CHARGE_UNANSWERED
    )


def refund_compensate(
    *, charges: list[tuple[str, Decimal]], reason: RefundReason = RefundReason.CHECKOUT_ROLLED_BACK
) -> None:
    """Charges a checkout took before it rolled back: each is recorded as a refund owed (its own
    transaction, after the rollback) and sent at once; a failure stays pending for the retry. If
    even the record cannot be written (the database is what failed), the refund is asked directly
    and logged as an error with the ids, so no charge outlives its checkout silently."""
    for transaction_id, amount in charges:
        logger.warning("checkout rolled back after charge %s of %s: refunding it", transaction_id, amount)
        try:
            with transaction.atomic():
                refund_schedule(transaction_id=transaction_id, amount=amount, reason=reason)
        except Exception:
            logger.exception(
                "could not record the refund of charge %s of %s: asking it directly", transaction_id, amount
            )
            try:
                _gateway_give_back(transaction_id=transaction_id, amount=amount, reason=reason)
            except Exception:
                logger.exception(
                    "REFUND BY HAND: charge %s of %s of a failed checkout", transaction_id, amount
                )


def _gateway_give_back(*, transaction_id: str, amount, reason: str) -> None:
    """Ask the gateway for the money back: a charge that got no answer is voided by its order's
    number (it may not have a transaction id), any other is refunded by its transaction."""
    if reason == RefundReason.CHARGE_UNANSWERED:
        payments.gateway().void(order_number=transaction_id.removeprefix(VOID_PREFIX), amount=amount)
    else:
        payments.gateway().refund(transaction_id=transaction_id, amount=amount)


def refund_send(*, refund_id: int) -> bool:
    """Ask the gateway for one pending refund; True once it is refunded.

    The refund is claimed in a short transaction (a lease of SEND_LEASE, so a crashed sender does
    not block it for ever and two senders do not both ask), the gateway is asked outside any
    transaction (a slow provider holds no lock), and the result is recorded in another short one.
    A gateway failure is counted, logged and left pending."""
    now = timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(skip_locked=True)
            .filter(pk=refund_id, refunded_at__isnull=True)
            .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - SEND_LEASE))
            .first()
        )
        if refund is None:
            return False
        refund.attempts += 1
        refund.sending_since = now
        refund.save(update_fields=["attempts", "sending_since", "updated_at"])
    try:
        _gateway_give_back(transaction_id=refund.transaction_id, amount=refund.amount, reason=refund.reason)
    except Exception as error:
        Refund.objects.filter(pk=refund.pk).update(
            sending_since=None, last_error=f"{type(error).__name__}: {error}"[:200], updated_at=timezone.now()
        )
        logger.exception(
            "refund %s of %s failed (attempt %s): it stays pending for retry_refunds",
            refund.transaction_id,
            refund.amount,
            refund.attempts,
        )
        return False
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(
            refunded_at=timezone.now(), sending_since=None, last_error="", updated_at=timezone.now()
        )
        _settle(refund)
    return True


def refund_retry_pending(*, limit: int = 500) -> tuple[int, int]:
    """Send the pending refunds again, oldest first: (refunded, still pending)."""
    pending = list(Refund.objects.filter(refunded_at__isnull=True).values_list("pk", flat=True)[:limit])
    sent = sum(refund_send(refund_id=pk) for pk in pending)
    return sent, len(pending) - sent


def _settle(refund: Refund) -> None:
    """What a refund that went through changes: its payment and order, or its late payment."""
    if refund.payment_id is not None:
        Payment.objects.filter(pk=refund.payment_id, status=PaymentStatus.REFUND_PENDING).update(
            status=PaymentStatus.REFUNDED, updated_at=timezone.now()
        )
        Order.objects.filter(
            payment__pk=refund.payment_id, payment_status=PaymentStatus.REFUND_PENDING
        ).update(payment_status=PaymentStatus.REFUNDED, updated_at=timezone.now())
    if refund.late_payment_id is not None:
        LatePayment.objects.filter(pk=refund.late_payment_id).update(refunded=True, updated_at=timezone.now())
