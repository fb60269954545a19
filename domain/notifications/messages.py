"""The texts of the order e-mails, in Portuguese, with the order number and the totals in kwanza.

Built from the order as it is when the mail goes (a task that runs later tells the current state).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.money import kwanza
from domain.orders.models import Order, OrderStatus, PaymentMethod, PaymentStatus

from .models import NoticeKind

SIGNATURE = "\n\nObrigado por usar a Kitanda.\nEsta mensagem foi enviada automaticamente: não responda."
METHODS = {
    PaymentMethod.CARD: "cartão",
    PaymentMethod.MOBILE: "carteira móvel",
    PaymentMethod.REFERENCE: "referência bancária (Multicaixa)",
}


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def message_for(order: Order, kind: str) -> Message | None:
    """The e-mail `kind` of `order` (its buyer, store, items and payment loaded), or None when its
    recipient has no address."""
    build = {
        NoticeKind.BUYER_PLACED: _buyer_placed,
        NoticeKind.BUYER_PAID: _buyer_paid,
        NoticeKind.BUYER_SHIPPED: _buyer_shipped,
        NoticeKind.BUYER_CANCELLED: _buyer_cancelled,
        NoticeKind.SELLER_NEW_ORDER: _seller_new_order,
        NoticeKind.SELLER_REFERENCE_PAID: _seller_reference_paid,
    }[NoticeKind(kind)]
    to = order.store.seller.email if kind.startswith("seller_") else order.buyer.email
    if not to:
        return None
    subject, body = build(order)
    return Message(to=to, subject=f"Kitanda: {subject}", body=body + SIGNATURE)


def _hello(name: str) -> str:
    return f"Olá {name.strip()}," if name.strip() else "Olá,"


def _lines(order: Order) -> str:
    lines = [
        f"  {item.quantity} × {item.product_name}: {kwanza(item.price * item.quantity)}"
        for item in order.items.all()
    ]
    return "\n".join([*lines, f"  Total: {kwanza(order.total_amount)}"])


def _payment(order: Order) -> str:
    payment = getattr(order, "payment", None)
    if payment is None:
        return ""
    if payment.method == PaymentMethod.REFERENCE and payment.status == PaymentStatus.PENDING:
        return (
            "Pague por referência num Multicaixa ou no seu banco:\n"
            f"  Entidade: {payment.reference_entity}\n"
            f"  Referência: {payment.reference_number}\n"
            f"  Montante: {kwanza(payment.amount)}\n"
            "A encomenda é cancelada se não for paga a tempo."
        )
    if payment.status == PaymentStatus.COMPLETED:
        return f"Pagamento por {METHODS[payment.method]}: aprovado ({kwanza(payment.amount)})."
    return f"Pagamento por {METHODS[payment.method]}."


def _buyer_placed(order: Order) -> tuple[str, str]:
    body = (
        f"{_hello(order.buyer.first_name)}\n\n"
        f"Recebemos a sua encomenda {order.order_number} na loja {order.store.name}:\n\n"
        f"{_lines(order)}\n\n{_payment(order)}\n\n"
        f"Entrega em: {order.shipping_address}"
    )
    return f"recebemos a sua encomenda {order.order_number}", body


def _buyer_paid(order: Order) -> tuple[str, str]:
    body = (
        f"{_hello(order.buyer.first_name)}\n\n"
        f"Recebemos o pagamento de {kwanza(order.total_amount)} da encomenda {order.order_number}. "
        f"A loja {order.store.name} vai prepará-la e avisamos quando for enviada."
    )
    return f"pagamento confirmado da encomenda {order.order_number}", body


def _buyer_shipped(order: Order) -> tuple[str, str]:
    body = (
        f"{_hello(order.buyer.first_name)}\n\n"
        f"A sua encomenda {order.order_number} ({kwanza(order.total_amount)}) foi enviada pela loja "
        f"{order.store.name} para:\n  {order.shipping_address}"
    )
    return f"a encomenda {order.order_number} foi enviada", body


def _buyer_cancelled(order: Order) -> tuple[str, str]:
    payment = getattr(order, "payment", None)
    expired = order.status == OrderStatus.CANCELLED and any(
        event.actor_id is None and event.to_status == OrderStatus.CANCELLED for event in order.events.all()
    )
    why = "O prazo para pagar a referência terminou." if expired else ""
    refund = ""
    if payment is not None and payment.status in (PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED):
        refund = (
            f"O reembolso de {kwanza(payment.amount)} foi pedido ao meio de pagamento "
            f"({METHODS[payment.method]}); pode levar alguns dias a aparecer."
        )
    body = "\n\n".join(
        part
        for part in (
            _hello(order.buyer.first_name),
            f"A encomenda {order.order_number} ({kwanza(order.total_amount)}) da loja "
            f"{order.store.name} foi cancelada. {why}".strip(),
            refund,
        )
        if part
    )
    return f"a encomenda {order.order_number} foi cancelada", body


def _seller_new_order(order: Order) -> tuple[str, str]:
    payment = getattr(order, "payment", None)
    waiting = payment is not None and payment.status == PaymentStatus.PENDING
    state = (
        "Aguarda o pagamento por referência: não a envie ainda."
        if waiting
        else "Já está paga: pode prepará-la."
    )
    body = (
        f"{_hello(order.store.seller.first_name)}\n\n"
        f"A sua loja {order.store.name} recebeu a encomenda {order.order_number}:\n\n"
        f"{_lines(order)}\n\n{state}"
    )
    return f"nova encomenda {order.order_number} na loja {order.store.name}", body


def _seller_reference_paid(order: Order) -> tuple[str, str]:
    body = (
        f"{_hello(order.store.seller.first_name)}\n\n"
        f"O comprador pagou por referência {kwanza(order.total_amount)} da encomenda "
        f"{order.order_number}. Pode prepará-la."
    )
    return f"a encomenda {order.order_number} foi paga", body
