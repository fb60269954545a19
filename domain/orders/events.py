"""An order's history: every status change writes an OrderEvent (who, from, to, when, why) in the
same transaction as the change (the changes themselves are fulfilment.py's)."""

from __future__ import annotations

from .models import Order, OrderEvent


def order_event(
    order: Order, *, actor, to_status: str, from_status: str | None = None, note: str = ""
) -> OrderEvent:
    """An unsaved event of `order` (from its current status unless `from_status` is given)."""
    return OrderEvent(
        order=order,
        actor=actor,
        from_status=order.status if from_status is None else from_status,
        to_status=to_status,
        note=note,
    )
