"""The life of an order after checkout: the seller's status steps, cancellation, refunds and the
expiry of unpaid reference orders. The one place an order's status changes: checkout, the
reference webhook and the buyer's receipt (economics/release.py) call the functions here.

Each change runs in one transaction.atomic() on the order's locked row, returns stock through
stock.py, writes its OrderEvent (events.py) and announces itself (signals.py) to economics (the
ledger, in the same transaction) and notifications (e-mails, after the commit).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from domain.errors import AccessDenied, InvalidInput, InvalidTransition, NotEligible
from domain.promotions.coupons import coupon_release

from . import refunds, selectors, stock
from .events import order_event
from .models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus, RefundReason
from .signals import order_cancelled, order_shipped, orders_paid

logger = logging.getLogger(__name__)

# The seller moves a paid order forward one step at a time.
FULFILMENT_FLOW = [OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
BUYER_CANCELLABLE = {OrderStatus.PENDING, OrderStatus.CONFIRMED}
STAFF_CANCELLABLE = {OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING}
REFUNDABLE = {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED}


def order_update_status(*, actor, order_number: str, status: str) -> Order:
    """The store's seller (or an admin) moves an order one step: CONFIRMED → PROCESSING →
    SHIPPED → DELIVERED. Anything else is INVALID_TRANSITION."""
    if status not in OrderStatus.values:
        raise InvalidInput(gettext("Unknown order status."), field="status")
    with transaction.atomic():
        order = selectors.order_locked(actor=actor, order_number=order_number)
        if not actor.acts_for_stores:
            raise AccessDenied(gettext("Only the store's seller or an admin can change an order's status."))
        current = OrderStatus(order.status)
        step = FULFILMENT_FLOW.index(current) + 1 if current in FULFILMENT_FLOW else None
        allowed = FULFILMENT_FLOW[step] if step is not None and step < len(FULFILMENT_FLOW) else None
        if status != allowed:
            names = {
                "current": current.in_words,
                "allowed": allowed.in_words if allowed else "",
                "status": OrderStatus(status).in_words,
            }
            if allowed:
                message = (
                    gettext("A “%(current)s” order moves only to “%(allowed)s”, not to “%(status)s”.") % names
                )
            else:
                message = (
                    gettext("A “%(current)s” order moves no further by a status change, not to “%(status)s”.")
                    % names
                )
            raise InvalidTransition(message, field="status")
        _order_status_set(order, status, actor=actor)
        if status == OrderStatus.SHIPPED:
            order_shipped.send(sender=Order, order=order)
    return order


def order_cancel(*, actor, order_number: str) -> Order:
    """The buyer while PENDING or CONFIRMED; the store's seller or an admin while PENDING, CONFIRMED
    or PROCESSING. The stock comes back, the order is CANCELLED, and a completed payment is refunded
    once that has committed (REFUND_PENDING until the gateway confirms)."""
    with transaction.atomic():
        order = selectors.order_locked(actor=actor, order_number=order_number)
        # On an order the actor can see, a seller is its store's seller (no other seller sees it).
        allowed = STAFF_CANCELLABLE if actor.acts_for_stores else BUYER_CANCELLABLE
        if order.status not in allowed:
            raise NotEligible(
                gettext("A “%(status)s” order can no longer be cancelled.")
                % {"status": OrderStatus(order.status).in_words}
            )
        _order_close(order, actor=actor, note="cancelled")
    return order


def order_refund(*, actor, order_number: str) -> Order:
    """The buyer, while CONFIRMED, PROCESSING or SHIPPED: the payment is refunded, the stock comes
    back and the order is CANCELLED."""
    with transaction.atomic():
        order = selectors.order_locked(actor=actor, order_number=order_number)
        if order.buyer_id != actor.pk:
            raise AccessDenied(gettext("Only the order's buyer can ask for a refund."))
        if order.status not in REFUNDABLE:
            raise NotEligible(
                gettext("A “%(status)s” order cannot be refunded.")
                % {"status": OrderStatus(order.status).in_words}
            )
        _order_close(order, actor=actor, note="refund requested")
    return order


@dataclass(frozen=True)
class Expiry:
    expired: list[str]  # order numbers cancelled
    failed: list[str]  # order numbers that could not be (logged with their error; tried next run)


def order_expire_unpaid(*, hours: int) -> Expiry:
    """Cancel REFERENCE orders still unpaid after `hours` hours and return their stock.
    Each order in its own transaction, re-checked under its lock (a payment may just arrive); an
    order that fails is logged and reported, and the others proceed."""
    if hours < 1:
        raise InvalidInput(gettext("Hours must be at least 1."), field="hours")
    cutoff = timezone.now() - timedelta(hours=hours)
    stale = Order.objects.filter(
        status=OrderStatus.PENDING,
        payment__method=PaymentMethod.REFERENCE,
        payment__status=PaymentStatus.PENDING,
        created_at__lt=cutoff,
    ).values_list("pk", "order_number")
    expired, failed = [], []
    for pk, order_number in list(stale):
        try:
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=pk)
                if order.status == OrderStatus.PENDING and order.payment_status == PaymentStatus.PENDING:
                    _order_close(order, actor=None, note="payment reference expired")
                    expired.append(order_number)
        except Exception:
            logger.exception("could not expire order %s; it is tried again on the next run", order_number)
            failed.append(order_number)
    return Expiry(expired=expired, failed=failed)


def _order_close(order: Order, *, actor, note: str) -> None:
    """Cancel: stock back, a completed payment owed back (REFUND_PENDING: the gateway's refund goes
    out once this transaction commits, see refunds.py) and its ledger credit reversed (by economics,
    on order_cancelled), a pending one voided (FAILED), event written."""
    # The lines' variants get their units back (a variant deleted since has none to get back).
    lines = order.items.filter(product__isnull=False, variant__isnull=False).values_list(
        "product_id", "variant_id", "quantity"
    )
    stock.stock_return(lines=[stock.StockLine(*line) for line in lines])
    payment_status = order.payment_status
    payment = Payment.objects.filter(order=order).first()
    if payment is not None:
        if payment.status == PaymentStatus.COMPLETED:
            payment.status = PaymentStatus.REFUND_PENDING
        elif payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status", "updated_at"])
        if payment.status == PaymentStatus.REFUND_PENDING:
            refunds.refund_schedule(
                transaction_id=payment.transaction_id,
                amount=payment.amount,
                reason=RefundReason.ORDER_CANCELLED,
                order=order,
                payment=payment,
            )
        payment_status = payment.status
    _order_status_set(order, OrderStatus.CANCELLED, actor=actor, note=note, payment_status=payment_status)
    if order.coupon_id is not None and not (
        Order.objects.filter(checkout_id=order.checkout_id, coupon_id=order.coupon_id)
        .exclude(status=OrderStatus.CANCELLED)
        .exists()
    ):
        coupon_release(checkout_id=order.checkout_id)  # the checkout's last discounted order: once
    order_cancelled.send(sender=Order, order=order, refunded=payment_status == PaymentStatus.REFUND_PENDING)


def orders_paid_as_placed(orders: list[Order]) -> None:
    """Checkout's card and mobile orders, before they are inserted: CONFIRMED and paid, so that no
    UPDATE follows their charges. The charges are asked later in the same transaction and one that
    is not approved rolls the whole checkout back, so no order commits paid without its charge."""
    for order in orders:
        order.status, order.payment_status = OrderStatus.CONFIRMED, PaymentStatus.COMPLETED


def orders_confirm_paid(orders: list[Order], *, lines: list | None = None) -> None:
    """Checkout's orders whose charge was approved as they were placed (card, mobile), inserted paid
    (orders_paid_as_placed): their payment announced in the checkout's transaction, which writes
    their events with its own. `lines`: the orders' lines, which economics credits from memory."""
    if not orders:
        return
    orders_paid.send(sender=Order, orders=orders, at_checkout=True, lines=lines)


def order_confirm_reference_paid(order: Order) -> None:
    """A PENDING order's REFERENCE payment arrived (the webhook, reference_payments.py, on the
    locked order): CONFIRMED and paid."""
    _order_status_set(
        order,
        OrderStatus.CONFIRMED,
        actor=None,
        note="payment reference paid",
        payment_status=PaymentStatus.COMPLETED,
    )
    orders_paid.send(sender=Order, orders=[order], at_checkout=False)


def order_mark_received(order: Order, *, actor) -> None:
    """The buyer says a SHIPPED order arrived (economics/release.py, on the locked order): DELIVERED."""
    _order_status_set(order, OrderStatus.DELIVERED, actor=actor, note="receipt confirmed by the buyer")


def _order_status_set(
    order: Order, to_status: str, *, actor, note: str = "", payment_status: str | None = None
) -> None:
    """Move a locked order to `to_status` (and its payment status), with its event."""
    event = order_event(order, actor=actor, to_status=to_status, note=note)
    order.status = to_status
    fields = ["status", "updated_at"]
    if payment_status is not None:
        order.payment_status = payment_status
        fields.append("payment_status")
    order.save(update_fields=fields)
    event.save()
