"""An order's history: every status change writes an OrderEvent (who, from, to, when, why) in the
same transaction as the change."""

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


def order_status_set(
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
