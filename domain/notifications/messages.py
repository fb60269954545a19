"""The texts of the order e-mails (English msgids, Portuguese in the catalogue), with the order
number and the totals in kwanza.

Built from the order as it is when the mail goes (a task that runs later tells the current state),
in the recipient's language (User.language).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from domain.languages import language_supported
from domain.money import kwanza
from domain.orders.models import DeliveryKind, Order, OrderStatus, PaymentMethod, PaymentStatus

from .models import NoticeKind

SIGNATURE = gettext_lazy("Thank you for using Kitanda.\nThis message was sent automatically: do not reply.")
METHODS = {
    PaymentMethod.CARD: gettext_lazy("card"),
    PaymentMethod.MOBILE: gettext_lazy("mobile wallet"),
    PaymentMethod.REFERENCE: gettext_lazy("bank reference (Multicaixa)"),
}


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def message_for(order: Order, kind: str) -> Message | None:
    """The e-mail `kind` of `order` (its buyer, store, items and payment loaded), or None when its
    recipient has left (deleted their account: their address is no one's)."""
    build = {
        NoticeKind.BUYER_PLACED: _buyer_placed,
        NoticeKind.BUYER_PAID: _buyer_paid,
        NoticeKind.BUYER_SHIPPED: _buyer_shipped,
        NoticeKind.BUYER_CANCELLED: _buyer_cancelled,
        NoticeKind.SELLER_NEW_ORDER: _seller_new_order,
        NoticeKind.SELLER_REFERENCE_PAID: _seller_reference_paid,
    }[NoticeKind(kind)]
    recipient = order.store.seller if kind.startswith("seller_") else order.buyer
    if recipient.deleted_at is not None:
        return None
    with translation.override(language_supported(recipient.language)):  # the recipient's own
        subject, body = build(order)
        return Message(to=recipient.email, subject=f"Kitanda: {subject}", body=f"{body}\n\n{SIGNATURE}")


def _hello(name: str) -> str:
    return gettext("Hello %(name)s,") % {"name": name.strip()}


def _lines(order: Order, *, seller: bool = False) -> str:
    lines = [
        f"  {item.quantity} × {item.product_name}: {kwanza(item.price * item.quantity)}"
        for item in order.items.all()
    ]
    if order.discount_amount > 0:  # the store's own coupon: the store funds it
        lines.append(
            "  "
            + gettext("Discount (coupon %(code)s): -%(amount)s")
            % {"code": order.coupon_code, "amount": kwanza(order.discount_amount)}
        )
    if order.platform_discount_amount > 0:  # the platform's coupon: the platform funds it
        text = (
            gettext(
                "Discount (coupon %(code)s, paid by Kitanda: your store receives the full price): -%(amount)s"
            )
            if seller
            else gettext("Discount (coupon %(code)s): -%(amount)s")
        )
        lines.append(
            "  " + text % {"code": order.coupon_code, "amount": kwanza(order.platform_discount_amount)}
        )
    if order.delivery_fee > 0:
        lines.append(
            "  "
            + gettext("Delivery (%(method)s): %(amount)s")
            % {"method": order.delivery_name, "amount": kwanza(order.delivery_fee)}
        )
    total = gettext("Total: %(amount)s") % {"amount": kwanza(order.total_amount)}
    return "\n".join([*lines, f"  {total}"])


def _day(day) -> str:
    return day.strftime("%d/%m/%Y")


def _delivery(order: Order) -> str:
    """How the order reaches the buyer: the method, where, and the working-day range promised."""
    if order.delivery_kind == DeliveryKind.PICKUP:
        pickup = order.delivery_address
        return gettext(
            "Pickup at the store: %(address)s, %(municipality)s (%(province)s). Opening hours: %(hours)s.\n"
            "Ready from %(date)s."
        ) % {
            "address": pickup.get("address", ""),
            "municipality": pickup.get("municipality", ""),
            "province": pickup.get("province", ""),
            "hours": pickup.get("opening_hours", ""),
            "date": _day(order.delivery_earliest),
        }
    if order.delivery_kind == DeliveryKind.DELIVERY:
        return gettext(
            "Delivery by %(method)s to: %(address)s\nExpected between %(earliest)s and %(latest)s."
        ) % {
            "method": order.delivery_name,
            "address": order.shipping_address,
            "earliest": _day(order.delivery_earliest),
            "latest": _day(order.delivery_latest),
        }
    return gettext("Delivery to: %(address)s") % {"address": order.shipping_address}


def _payment(order: Order) -> str:
    payment = getattr(order, "payment", None)
    if payment is None:
        return ""
    if payment.method == PaymentMethod.REFERENCE and payment.status == PaymentStatus.PENDING:
        return gettext(
            "Pay by reference at a Multicaixa or at your bank:\n"
            "  Entity: %(entity)s\n"
            "  Reference: %(reference)s\n"
            "  Amount: %(amount)s\n"
            "The order is cancelled if it is not paid in time."
        ) % {
            "entity": payment.reference_entity,
            "reference": payment.reference_number,
            "amount": kwanza(payment.amount),
        }
    method = str(METHODS[payment.method])
    if payment.status == PaymentStatus.COMPLETED:
        return gettext("Payment by %(method)s: approved (%(amount)s).") % {
            "method": method,
            "amount": kwanza(payment.amount),
        }
    return gettext("Payment by %(method)s.") % {"method": method}


def _buyer_placed(order: Order) -> tuple[str, str]:
    received = gettext("We received your order %(number)s at the store %(store)s:") % {
        "number": order.order_number,
        "store": order.store.name,
    }
    body = (
        f"{_hello(order.buyer.first_name)}\n\n"
        f"{received}\n\n"
        f"{_lines(order)}\n\n{_payment(order)}\n\n"
        f"{_delivery(order)}"
    )
    return gettext("we received your order %(number)s") % {"number": order.order_number}, body


def _buyer_paid(order: Order) -> tuple[str, str]:
    paid = gettext(
        "We received the payment of %(amount)s for order %(number)s. "
        "The store %(store)s will prepare it and we will let you know when it is shipped."
    ) % {"amount": kwanza(order.total_amount), "number": order.order_number, "store": order.store.name}
    body = f"{_hello(order.buyer.first_name)}\n\n{paid}"
    return gettext("payment confirmed for order %(number)s") % {"number": order.order_number}, body


def _buyer_shipped(order: Order) -> tuple[str, str]:
    shipped = gettext(
        "Your order %(number)s (%(amount)s) was shipped by the store %(store)s to:\n  %(address)s"
    ) % {
        "number": order.order_number,
        "amount": kwanza(order.total_amount),
        "store": order.store.name,
        "address": order.shipping_address,
    }
    body = f"{_hello(order.buyer.first_name)}\n\n{shipped}"
    return gettext("order %(number)s was shipped") % {"number": order.order_number}, body


def _buyer_cancelled(order: Order) -> tuple[str, str]:
    payment = getattr(order, "payment", None)
    expired = order.status == OrderStatus.CANCELLED and any(
        event.actor_id is None and event.to_status == OrderStatus.CANCELLED for event in order.events.all()
    )
    why = gettext("The deadline to pay the reference has passed.") if expired else ""
    refund = ""
    if payment is not None and payment.status in (PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED):
        refund = gettext(
            "The refund of %(amount)s was requested from the payment provider (%(method)s); "
            "it may take a few days to appear."
        ) % {"amount": kwanza(payment.amount), "method": str(METHODS[payment.method])}
    cancelled = gettext("Order %(number)s (%(amount)s) from the store %(store)s was cancelled.") % {
        "number": order.order_number,
        "amount": kwanza(order.total_amount),
        "store": order.store.name,
    }
    body = "\n\n".join(
        part
        for part in (
            _hello(order.buyer.first_name),
            f"{cancelled} {why}".strip(),
            refund,
        )
        if part
    )
    return gettext("order %(number)s was cancelled") % {"number": order.order_number}, body


def _seller_new_order(order: Order) -> tuple[str, str]:
    payment = getattr(order, "payment", None)
    waiting = payment is not None and payment.status == PaymentStatus.PENDING
    state = (
        gettext("Waiting for the payment by reference: do not ship it yet.")
        if waiting
        else gettext("It has been paid: you can prepare it.")
    )
    received = gettext("Your store %(store)s received order %(number)s:") % {
        "store": order.store.name,
        "number": order.order_number,
    }
    body = (
        f"{_hello(order.store.seller.first_name)}\n\n{received}\n\n{_lines(order, seller=True)}\n\n"
        f"{_delivery(order)}\n\n{state}"
    )
    return gettext("new order %(number)s at the store %(store)s") % {
        "number": order.order_number,
        "store": order.store.name,
    }, body


def _seller_reference_paid(order: Order) -> tuple[str, str]:
    paid = gettext("The buyer paid %(amount)s by reference for order %(number)s. You can prepare it.") % {
        "amount": kwanza(order.total_amount),
        "number": order.order_number,
    }
    body = f"{_hello(order.store.seller.first_name)}\n\n{paid}"
    return gettext("order %(number)s was paid") % {"number": order.order_number}, body
