"""Refunds: decided inside a transaction, sent to the gateway only after it commits.

A transaction that cancels a paid order (or records a late payment) writes a pending Refund and
marks the payment REFUND_PENDING; once it commits, the refund is sent. Success marks the refund,
its payment (REFUNDED, on the order too) and its late payment refunded; a refusal or a timeout
leaves it pending, counted and logged, and `manage.py retry_refunds` (run it from cron) sends it
again. So no refund is ever sent for a change that rolled back, and none is lost when the gateway
is down. Refunds are idempotent per transaction at the provider: a refund sent again after a
crash between the gateway's answer and our commit refunds nothing twice.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import payments
from .models import LatePayment, Order, Payment, PaymentStatus, Refund, RefundReason

logger = logging.getLogger(__name__)


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
    """Send a pending refund once the caller's transaction commits (never if it rolls back)."""
    if refund.refunded_at is None:
        transaction.on_commit(lambda: refund_send(refund_id=refund.pk), robust=True)


def refund_compensate(*, charges: list[tuple[str, Decimal]]) -> None:
    """Charges a checkout took before it rolled back: each is recorded as a refund owed (its own
    transaction, after the rollback) and sent at once; a failure stays pending for the retry."""
    for transaction_id, amount in charges:
        logger.warning("checkout rolled back after charge %s of %s: refunding it", transaction_id, amount)
        with transaction.atomic():
            refund_schedule(
                transaction_id=transaction_id, amount=amount, reason=RefundReason.CHECKOUT_ROLLED_BACK
            )


def refund_send(*, refund_id: int) -> bool:
    """Ask the gateway for one pending refund; True once it is refunded. A refund another worker
    is sending right now is skipped; a gateway failure is counted, logged and left pending."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(skip_locked=True)
            .filter(pk=refund_id, refunded_at__isnull=True)
            .first()
        )
        if refund is None:
            return False
        refund.attempts += 1
        try:
            payments.gateway().refund(transaction_id=refund.transaction_id, amount=refund.amount)
        except Exception as error:
            refund.last_error = f"{type(error).__name__}: {error}"[:200]
            refund.save(update_fields=["attempts", "last_error", "updated_at"])
            logger.exception(
                "refund %s of %s failed (attempt %s): it stays pending for retry_refunds",
                refund.transaction_id,
                refund.amount,
                refund.attempts,
            )
            return False
        refund.refunded_at = timezone.now()
        refund.last_error = ""
        refund.save(update_fields=["attempts", "last_error", "refunded_at", "updated_at"])
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
