"""REFERENCE payments: the gateway's confirmation that a reference was paid at a bank or ATM
(the webhook), and the money that arrives too late (after cancellation, or a second time)."""

from __future__ import annotations

import enum
import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from domain.errors import InvalidInput, NotEligible, NotFound
from domain.money import amount_fault, money_round

from . import refunds
from .events import order_event
from .fulfilment import order_confirm_reference_paid
from .models import (
    LatePayment,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundReason,
)

logger = logging.getLogger(__name__)


class LateReason(enum.Enum):
    """Why money paid on a reference cannot be taken."""

    AFTER_CANCELLATION = "after cancellation"
    PAID_TWICE = "a second time"

    @property
    def refusal(self) -> str:
        if self is LateReason.AFTER_CANCELLATION:
            return gettext("The order is CANCELLED: it can no longer be paid.")
        return gettext("This reference has already been paid.")


def payment_confirm_reference(
    *, entity: str, reference_number: str, amount: Decimal, transaction_id: str | None = None
) -> tuple[Order, bool]:
    """The gateway says a REFERENCE payment was paid: payment COMPLETED, order CONFIRMED.

    Returns (order, changed): a replay of a confirmation changes nothing. The amount must be the
    payment's exactly. An order cancelled meanwhile (by its buyer, or expired) is not revived, and
    a reference paid a second time (another transaction) is not paid twice: that money is recorded
    as a LatePayment, noted on the order and refunded after the commit, and the call still fails
    with NOT_ELIGIBLE; a replay of that payment (same transaction id) records and refunds nothing
    again (a refund the gateway refused is retried by retry_refunds).
    """
    transaction_id = transaction_id or f"REF-{entity}-{reference_number}"
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .filter(
                payment__method=PaymentMethod.REFERENCE,
                payment__reference_number=reference_number,
                payment__reference_entity=entity,
            )
            .first()
        )
        if order is None:
            raise NotFound(gettext("No payment with this reference."), field="reference_number")
        payment = order.payment
        late = _late_reason(order, payment, transaction_id)
        if late is not None:
            refused = _payment_late(
                order=order, payment=payment, amount=amount, transaction_id=transaction_id, why=late
            )
        else:
            if payment.status == PaymentStatus.COMPLETED:
                return order, False
            if order.status != OrderStatus.PENDING or payment.status != PaymentStatus.PENDING:
                raise NotEligible(
                    gettext("The order is %(status)s: it can no longer be paid.")
                    % {"status": OrderStatus(order.status).name}
                )
            if amount != payment.amount:
                raise InvalidInput(
                    gettext("The amount must be %(amount)s.") % {"amount": payment.amount}, field="amount"
                )
            _transaction_id_check(transaction_id)
            payment.status = PaymentStatus.COMPLETED
            payment.transaction_id = transaction_id
            payment.save(update_fields=["status", "transaction_id", "updated_at"])
            order_confirm_reference_paid(order)
            return order, True
    # Outside the transaction: what was recorded about the late payment stays.
    raise NotEligible(refused)


def _late_reason(order: Order, payment: Payment, transaction_id: str) -> LateReason | None:
    if order.status == OrderStatus.CANCELLED:
        return LateReason.AFTER_CANCELLATION
    if payment.status == PaymentStatus.COMPLETED and transaction_id != payment.transaction_id:
        return LateReason.PAID_TWICE
    return None


def _payment_late(
    *, order: Order, payment: Payment, amount: Decimal, transaction_id: str, why: LateReason
) -> str:
    """Money paid on the reference of a cancelled order, or on a reference paid already (`why`),
    under the order's lock: recorded once per transaction id, noted on the order, and refunded
    once this transaction commits (refunds.py: a refusal stays pending for retry_refunds).
    Returns the refusal to answer the gateway with."""
    refused = why.refusal
    if transaction_id == payment.transaction_id:
        return refused  # the order's own payment: refunded when the order was cancelled
    late = LatePayment.objects.filter(transaction_id=transaction_id).first()
    if late is not None and late.order_id != order.pk:
        raise InvalidInput(gettext("This transaction ID has already been used."), field="transaction_id")
    if late is not None:  # a replay: a refund the gateway refused is sent again after the commit
        if late.refunded:
            return gettext("%(refusal)s This payment has already been refunded.") % {"refusal": refused}
        # Every late payment has its refund row (made with it; migration 0004 made the earlier ones').
        refunds.refund_send_after_commit(Refund.objects.get(late_payment=late))
        return gettext("%(refusal)s This payment has already been recorded and will be refunded.") % {
            "refusal": refused
        }
    _transaction_id_check(transaction_id)
    if amount_fault(amount) is not None:
        raise InvalidInput(gettext("The amount is not a valid amount in kwanza."), field="amount")
    late = LatePayment.objects.create(order=order, transaction_id=transaction_id, amount=money_round(amount))
    logger.error(
        "payment %s of %s on the reference of order %s arrived %s: refunding it",
        transaction_id,
        late.amount,
        order.order_number,
        why.value,
    )
    note = f"payment reference paid {why.value}: {late.amount}, transaction {transaction_id}; refunding it"
    order_event(order, actor=None, to_status=order.status, note=note).save()
    refunds.refund_schedule(
        transaction_id=transaction_id,
        amount=late.amount,
        reason=RefundReason.LATE_PAYMENT,
        order=order,
        late_payment=late,
    )
    return gettext("%(refusal)s The payment is recorded and will be refunded.") % {"refusal": refused}


def _transaction_id_check(transaction_id: str) -> None:
    """A gateway transaction is recorded once, on one payment or late payment."""
    if (
        Payment.objects.filter(transaction_id=transaction_id).exists()
        or LatePayment.objects.filter(transaction_id=transaction_id).exists()
    ):
        raise InvalidInput(gettext("This transaction ID has already been used."), field="transaction_id")
