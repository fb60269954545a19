"""The e-mails an order's changes ask for (domain/orders/signals.py): queued in the order's
transaction, sent once it commits (services.notify_after_commit). Connected in apps.py."""

from __future__ import annotations

from .models import NoticeKind
from .services import notify_after_commit


def orders_placed_notify(*, orders, **_) -> None:
    notify_after_commit(
        (order.pk, kind)
        for order in orders
        for kind in (NoticeKind.BUYER_PLACED, NoticeKind.SELLER_NEW_ORDER)
    )


def orders_paid_notify(*, orders, at_checkout: bool, **_) -> None:
    # Paid as they were placed: the "placed" e-mails say so already.
    if not at_checkout:
        notify_after_commit(
            (order.pk, kind)
            for order in orders
            for kind in (NoticeKind.BUYER_PAID, NoticeKind.SELLER_REFERENCE_PAID)
        )


def order_shipped_notify(*, order, **_) -> None:
    notify_after_commit([(order.pk, NoticeKind.BUYER_SHIPPED)])


def order_cancelled_notify(*, order, **_) -> None:
    notify_after_commit([(order.pk, NoticeKind.BUYER_CANCELLED)])
