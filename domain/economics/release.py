"""When a paid order's money becomes available to its store: the buyer confirms receipt, or a
hold period (PAYOUT_HOLD_DAYS) passes after the order was DELIVERED with its payment untouched
(no refund asked). Marking an order delivered alone never releases money.

Each release locks the order's row, as cancellation and refunds do, so an order is never both
released and reversed; the OrderRelease row (one per order, append-only) is the release.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from domain.errors import AccessDenied, InvalidInput, NotEligible
from domain.orders import selectors as order_selectors
from domain.orders.fulfilment import order_mark_received
from domain.orders.models import Order, OrderStatus, PaymentStatus

from .models import OrderRelease, ReleaseReason

logger = logging.getLogger(__name__)

RECEIVABLE = {OrderStatus.SHIPPED, OrderStatus.DELIVERED}


def order_confirm_receipt(*, actor, order_number: str) -> Order:
    """The buyer says a paid order arrived (SHIPPED or DELIVERED): a SHIPPED order becomes
    DELIVERED, and its money is released to the store at once. Confirming again changes nothing."""
    with transaction.atomic():
        order = order_selectors.order_locked(actor=actor, order_number=order_number)
        if order.buyer_id != actor.pk:
            raise AccessDenied(gettext("Only the order's buyer can confirm its receipt."))
        if OrderRelease.objects.filter(order=order).exists():
            return order
        if order.status not in RECEIVABLE or order.payment_status != PaymentStatus.COMPLETED:
            raise NotEligible(
                gettext("A “%(status)s” order cannot be confirmed as received.")
                % {"status": OrderStatus(order.status).in_words}
            )
        if order.status == OrderStatus.SHIPPED:
            order_mark_received(order, actor=actor)
        OrderRelease.objects.create(order=order, reason=ReleaseReason.RECEIPT_CONFIRMED)
    return order


@dataclass(frozen=True)
class Releases:
    released: list[str]  # order numbers whose money became available
    failed: list[str]  # order numbers that could not be released (logged; tried on the next run)


def funds_release_due(*, now=None, limit: int = 1000) -> Releases:
    """Release the orders DELIVERED at least PAYOUT_HOLD_DAYS ago whose payment is still
    COMPLETED and that are not released yet; each in its own transaction, re-checked under its lock."""
    if limit < 1:
        raise InvalidInput(gettext("The limit must be at least 1."), field="limit")
    cutoff = (now or timezone.now()) - timedelta(days=settings.PAYOUT_HOLD_DAYS)
    due = (
        Order.objects.filter(
            status=OrderStatus.DELIVERED,
            payment_status=PaymentStatus.COMPLETED,
            release__isnull=True,
            events__to_status=OrderStatus.DELIVERED,
            events__created_at__lte=cutoff,
        )
        .values_list("pk", "order_number")
        .distinct()
        .order_by("pk")[:limit]
    )
    released, failed = [], []
    for pk, order_number in list(due):
        try:
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=pk)
                if (
                    order.status == OrderStatus.DELIVERED
                    and order.payment_status == PaymentStatus.COMPLETED
                    and not OrderRelease.objects.filter(order=order).exists()
                ):
                    OrderRelease.objects.create(order=order, reason=ReleaseReason.HOLD_PASSED)
                    released.append(order_number)
        except Exception:
            logger.exception("could not release order %s; it is tried again on the next run", order_number)
            failed.append(order_number)
    return Releases(released=released, failed=failed)
