"""Checkout, payments and the life of an order.

Everything that touches stock, orders or payments runs in one transaction.atomic() with the rows
locked (products in primary-key order, see stock.py); every status change writes an OrderEvent
(who, from, to, when) in the same transaction. Calls to the payment gateway come last inside the
transaction, and a charge that was approved is refunded if the transaction does not commit.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from domain.accounts.models import UserType
from domain.cart.models import Cart, CartItem
from domain.errors import (
    AccessDenied,
    EmptyCart,
    InvalidInput,
    InvalidTransition,
    NotEligible,
    NotFound,
    OutOfStock,
    PaymentFailed,
    Required,
    collect,
)
from domain.text import text_storable

from . import payments, selectors, stock
from .models import (
    Checkout,
    LatePayment,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

logger = logging.getLogger(__name__)

# The seller moves a paid order forward one step at a time.
FULFILMENT_FLOW = [OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
BUYER_CANCELLABLE = {OrderStatus.PENDING, OrderStatus.CONFIRMED}
STAFF_CANCELLABLE = {OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING}
REFUNDABLE = {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED}

MAX_ORDER_TOTAL = Decimal("9999999999.99")
CENT = Decimal("0.01")
SHIPPING_ADDRESS_MAX = 500
IDEMPOTENCY_KEY_MAX = Checkout._meta.get_field("idempotency_key").max_length
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
ORDER_NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class PaymentDetails:
    method: str
    card_number: str | None = None
    phone_number: str | None = None

    @property
    def field(self) -> str | None:
        return {PaymentMethod.CARD: "cardNumber", PaymentMethod.MOBILE: "phoneNumber"}.get(self.method)


@dataclass(frozen=True)
class CheckoutRequest:
    """A checkout's input once validated: address stripped, phone in +244 form, key or None."""

    shipping_address: str
    contact_phone: str
    payment: PaymentDetails
    idempotency_key: str | None


# ---------------------------------------------------------------- checkout


def checkout_place(
    *,
    buyer,
    shipping_address: str,
    contact_phone: str,
    payment_method: str,
    card_number: str | None = None,
    phone_number: str | None = None,
    idempotency_key: str | None = None,
) -> list[Order]:
    """Turn the buyer's cart into one paid order per store, all together or none.

    In one transaction: lock the cart and its products (pk order), re-check every line (all
    shortages in one OUT_OF_STOCK), create the orders with snapshots of name and price, take the
    stock, empty the cart, then charge each order. A decline refunds the charges already approved
    and rolls everything back (PAYMENT_FAILED). REFERENCE payments get a reference per order and
    stay PENDING with the stock reserved until the webhook confirms them. A repeated
    `idempotency_key` returns the first checkout's orders and charges nothing, also when two
    requests race: the (buyer, key) unique constraint makes the second wait for the first.
    """
    request = _checkout_request(
        shipping_address=shipping_address,
        contact_phone=contact_phone,
        payment_method=payment_method,
        card_number=card_number,
        phone_number=phone_number,
        idempotency_key=idempotency_key,
    )
    for _ in range(ORDER_NUMBER_ATTEMPTS):
        charged: list[tuple[str, Decimal]] = []
        try:
            with transaction.atomic():
                return _checkout(buyer=buyer, request=request, charged=charged)
        except _OrderNumberTaken:
            continue
        except IntegrityError:
            _charges_give_back(charged)
            # The key's checkout was committed first (maybe by a racing request): answer with it.
            replayed = _checkout_replay(buyer=buyer, idempotency_key=request.idempotency_key)
            if replayed is None:
                raise
            return replayed
        except BaseException:
            _charges_give_back(charged)
            raise
    raise RuntimeError("No free order number after several attempts.")


def _checkout_request(
    *, shipping_address, contact_phone, payment_method, card_number, phone_number, idempotency_key
) -> CheckoutRequest:
    """Validate the request before anything is locked; every bad input is reported at once."""
    shipping_address = (shipping_address or "").strip()
    phone = payments.angolan_phone(contact_phone or "")
    idempotency_key = (idempotency_key or "").strip() or None
    card = phone_number_to_charge = None
    checks = [
        Required("The shipping address is required.", field="shippingAddress")
        if not shipping_address
        else InvalidInput(
            f"The shipping address is at most {SHIPPING_ADDRESS_MAX} characters.", field="shippingAddress"
        )
        if len(shipping_address) > SHIPPING_ADDRESS_MAX
        else _text_check(shipping_address, "shippingAddress"),
        (
            Required("The contact phone is required.", field="contactPhone")
            if not (contact_phone or "").strip()
            else InvalidInput(
                "The contact phone must be an Angolan number, e.g. +244 923 456 789.", field="contactPhone"
            )
        )
        if phone is None
        else None,
        InvalidInput(
            f"The idempotency key is at most {IDEMPOTENCY_KEY_MAX} characters.", field="idempotencyKey"
        )
        if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX
        else _text_check(idempotency_key, "idempotencyKey"),
    ]
    if payment_method == PaymentMethod.CARD:
        card = payments.normalize_card_number(card_number or "")
        if not card:
            checks.append(Required("A card number is required to pay by card.", field="cardNumber"))
        elif not payments.card_number_valid(card):
            checks.append(InvalidInput("This is not a valid card number.", field="cardNumber"))
    elif payment_method == PaymentMethod.MOBILE:
        phone_number_to_charge = payments.angolan_mobile(phone_number or "")
        if not (phone_number or "").strip():
            checks.append(Required("A phone number is required to pay by mobile.", field="phoneNumber"))
        elif phone_number_to_charge is None:
            checks.append(
                InvalidInput(
                    "The phone number must be an Angolan mobile number: 9 digits starting with 9.",
                    field="phoneNumber",
                )
            )
    elif payment_method != PaymentMethod.REFERENCE:
        checks.append(InvalidInput("Unknown payment method.", field="paymentMethod"))
    collect(*checks)
    return CheckoutRequest(
        shipping_address=shipping_address,
        contact_phone=phone,
        payment=PaymentDetails(method=payment_method, card_number=card, phone_number=phone_number_to_charge),
        idempotency_key=idempotency_key,
    )


def _text_check(value: str | None, field: str) -> InvalidInput | None:
    if value and not text_storable(value):
        return InvalidInput("NUL characters and invalid Unicode are not allowed here.", field=field)
    return None


def _checkout(*, buyer, request: CheckoutRequest, charged: list[tuple[str, Decimal]]) -> list[Order]:
    # First statement: a second request with the same key blocks here until the first commits.
    checkout = Checkout.objects.create(buyer=buyer, idempotency_key=request.idempotency_key)
    cart = Cart.objects.select_for_update().filter(user=buyer).first()
    lines = (
        list(CartItem.objects.filter(cart=cart).values_list("pk", "product_id", "quantity")) if cart else []
    )
    if not lines:
        raise EmptyCart("Your cart is empty.")
    products = stock.stock_lock(product_ids=[product_id for _, product_id, _ in lines])
    wanted = {product_id: quantity for _, product_id, quantity in lines}
    _stock_check(products=products, wanted=wanted)

    by_store: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for product_id, quantity in wanted.items():
        by_store[products[product_id].store_id].append((product_id, quantity))
    orders = []
    for store_id in sorted(by_store):
        total = sum(
            (products[product_id].price * quantity for product_id, quantity in by_store[store_id]),
            Decimal("0.00"),
        )
        if total > MAX_ORDER_TOTAL:
            raise InvalidInput("This order's total is more than one order can hold.")
        orders.append(
            Order(
                order_number=order_number_new(),
                checkout=checkout,
                buyer=buyer,
                store_id=store_id,
                total_amount=total,
                shipping_address=request.shipping_address,
                contact_phone=request.contact_phone,
            )
        )
    _orders_insert(orders)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            product=products[product_id],
            product_name=products[product_id].name,
            price=products[product_id].price,
            quantity=quantity,
        )
        for order in orders
        for product_id, quantity in by_store[order.store_id]
    )
    stock.stock_take(quantities=wanted)
    CartItem.objects.filter(pk__in=[pk for pk, _, _ in lines]).delete()
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())

    # Last: the gateway. Approved charges are refunded by the caller if anything fails after them.
    gateway = payments.gateway()
    records, events = [], []
    for order in orders:
        events.append(_event(order, actor=buyer, from_status="", to_status=OrderStatus.PENDING))
        records.append(_payment_take(gateway=gateway, order=order, details=request.payment, charged=charged))
        if records[-1].status == PaymentStatus.COMPLETED:
            events.append(_event(order, actor=None, to_status=OrderStatus.CONFIRMED, note="payment approved"))
            order.status = OrderStatus.CONFIRMED
            order.payment_status = PaymentStatus.COMPLETED
    Payment.objects.bulk_create(records)
    confirmed = [order for order in orders if order.status == OrderStatus.CONFIRMED]
    if confirmed:
        now = timezone.now()
        for order in confirmed:
            order.updated_at = now
        Order.objects.bulk_update(confirmed, ["status", "payment_status", "updated_at"])
    OrderEvent.objects.bulk_create(events)
    return orders


def _stock_check(*, products, wanted: dict[int, int]) -> None:
    shortages = []
    for product_id, quantity in wanted.items():
        product = products[product_id]
        if not product.on_sale:
            shortages.append(f"“{product.name}” is no longer sold")
        elif quantity > product.stock_quantity:
            shortages.append(f"“{product.name}”: {product.stock_quantity} available, {quantity} in your cart")
    if shortages:
        raise OutOfStock("Not enough stock: " + "; ".join(shortages) + ".")


def _payment_take(*, gateway, order: Order, details: PaymentDetails, charged: list) -> Payment:
    payment = Payment(order=order, method=details.method, amount=order.total_amount)
    try:
        if details.method == PaymentMethod.REFERENCE:
            reference = gateway.issue_reference(
                order_id=order.pk, order_number=order.order_number, amount=order.total_amount
            )
            payment.reference_entity, payment.reference_number = reference.entity, reference.number
            return payment
        result = gateway.charge(
            method=details.method,
            amount=order.total_amount,
            order_number=order.order_number,
            card_number=details.card_number,
            phone_number=details.phone_number,
        )
    except Exception as error:
        logger.exception("payment gateway failed on order %s", order.order_number)
        raise PaymentFailed("The payment provider could not be reached; nothing was charged.") from error
    if not result.approved:
        raise PaymentFailed(result.reason or "The payment was declined.", field=details.field)
    charged.append((result.transaction_id, order.total_amount))
    payment.status = PaymentStatus.COMPLETED
    payment.transaction_id = result.transaction_id
    return payment


def _charges_give_back(charged: list[tuple[str, Decimal]]) -> None:
    """Refund charges of a checkout that did not commit. A refund that fails is logged for a human."""
    if not charged:
        return
    gateway = payments.gateway()
    for transaction_id, amount in charged:
        try:
            gateway.refund(transaction_id=transaction_id, amount=amount)
        except Exception:
            logger.exception("could not refund charge %s of %s of a failed checkout", transaction_id, amount)
    charged.clear()


def _checkout_replay(*, buyer, idempotency_key: str | None) -> list[Order] | None:
    if not idempotency_key:
        return None
    checkout = Checkout.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
    if checkout is None:
        return None
    return list(checkout.orders.order_by("pk"))


class _OrderNumberTaken(Exception):
    """A freshly drawn order number already exists: the checkout is retried with new numbers."""


def order_number_new() -> str:
    """KT-XXXXX-XXXXX: 50 random bits; uniqueness is the database's, a collision retries."""
    body = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(10))
    return f"KT-{body[:5]}-{body[5:]}"


def _orders_insert(orders: list[Order]) -> None:
    try:
        Order.objects.bulk_create(orders)
    except IntegrityError as error:
        if "order_number" in str(error):
            raise _OrderNumberTaken from error
        raise


# ---------------------------------------------------------------- status changes


def order_update_status(*, actor, order_number: str, status: str) -> Order:
    """The store's seller (or an admin) moves an order one step: CONFIRMED → PROCESSING →
    SHIPPED → DELIVERED. Anything else is INVALID_TRANSITION."""
    if status not in OrderStatus.values:
        raise InvalidInput("Unknown order status.", field="status")
    with transaction.atomic():
        order = _order_locked(actor=actor, order_number=order_number)
        if not _acts_for_store(actor):
            raise AccessDenied("Only the store's seller or an admin can change an order's status.")
        current = OrderStatus(order.status)
        step = FULFILMENT_FLOW.index(current) + 1 if current in FULFILMENT_FLOW else None
        allowed = FULFILMENT_FLOW[step] if step is not None and step < len(FULFILMENT_FLOW) else None
        if status != allowed:
            hint = f"only to {allowed.name}" if allowed else "no further by a status change"
            raise InvalidTransition(
                f"A {current.name} order moves {hint}, not to {OrderStatus(status).name}.", field="status"
            )
        _status_set(order, status, actor=actor)
    return order


def order_cancel(*, actor, order_number: str) -> Order:
    """The buyer while PENDING or CONFIRMED; the store's seller or an admin while PENDING, CONFIRMED
    or PROCESSING. The stock comes back, a completed payment is refunded, the order is CANCELLED."""
    with transaction.atomic():
        order = _order_locked(actor=actor, order_number=order_number)
        allowed = STAFF_CANCELLABLE if _acts_for_store(actor) else BUYER_CANCELLABLE
        if order.status not in allowed:
            raise NotEligible(f"A {OrderStatus(order.status).name} order can no longer be cancelled.")
        _order_close(order, actor=actor, note="cancelled")
    return order


def order_refund(*, actor, order_number: str) -> Order:
    """The buyer, while CONFIRMED, PROCESSING or SHIPPED: the payment is refunded, the stock comes
    back and the order is CANCELLED."""
    with transaction.atomic():
        order = _order_locked(actor=actor, order_number=order_number)
        if order.buyer_id != actor.pk:
            raise AccessDenied("Only the order's buyer can ask for a refund.")
        if order.status not in REFUNDABLE:
            raise NotEligible(f"A {OrderStatus(order.status).name} order cannot be refunded.")
        _order_close(order, actor=actor, note="refund requested")
    return order


def order_expire_unpaid(*, hours: int) -> int:
    """Cancel REFERENCE orders still unpaid after `hours` hours and return their stock.
    Each order in its own transaction, re-checked under its lock (a payment may just arrive)."""
    if hours < 1:
        raise InvalidInput("Hours must be at least 1.", field="hours")
    cutoff = timezone.now() - timedelta(hours=hours)
    stale = Order.objects.filter(
        status=OrderStatus.PENDING,
        payment__method=PaymentMethod.REFERENCE,
        payment__status=PaymentStatus.PENDING,
        created_at__lt=cutoff,
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(stale):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=pk)
            if order.status == OrderStatus.PENDING and order.payment_status == PaymentStatus.PENDING:
                _order_close(order, actor=None, note="payment reference expired")
                expired += 1
    return expired


def payment_confirm_reference(
    *, entity: str, reference_number: str, amount: Decimal, transaction_id: str | None = None
) -> tuple[Order, bool]:
    """The gateway says a REFERENCE payment was paid: payment COMPLETED, order CONFIRMED.

    Returns (order, changed): a replay of a confirmation changes nothing. The amount must be the
    payment's exactly. An order cancelled meanwhile (by its buyer, or expired) is not revived, and
    a reference paid a second time (another transaction) is not paid twice: that money is recorded
    as a LatePayment, noted on the order and refunded, and the call still fails with NOT_ELIGIBLE;
    a replay of that payment (same transaction id) refunds nothing again.
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
            raise NotFound("No payment with this reference.", field="referenceNumber")
        payment = order.payment
        if order.status == OrderStatus.CANCELLED:
            refused = _payment_late(
                order=order,
                payment=payment,
                amount=amount,
                transaction_id=transaction_id,
                why=AFTER_CANCELLATION,
            )
        elif payment.status == PaymentStatus.COMPLETED and transaction_id != payment.transaction_id:
            refused = _payment_late(
                order=order, payment=payment, amount=amount, transaction_id=transaction_id, why=PAID_TWICE
            )
        else:
            if payment.status == PaymentStatus.COMPLETED:
                return order, False
            if order.status != OrderStatus.PENDING or payment.status != PaymentStatus.PENDING:
                raise NotEligible(
                    f"The order is {OrderStatus(order.status).name}: it cannot be paid any more."
                )
            if amount != payment.amount:
                raise InvalidInput(f"The amount must be {payment.amount}.", field="amount")
            _transaction_id_check(transaction_id)
            payment.status = PaymentStatus.COMPLETED
            payment.transaction_id = transaction_id
            payment.save(update_fields=["status", "transaction_id", "updated_at"])
            _status_set(
                order,
                OrderStatus.CONFIRMED,
                actor=None,
                note="payment reference paid",
                payment_status=PaymentStatus.COMPLETED,
            )
            return order, True
    # Outside the transaction: what was recorded about the late payment stays.
    raise NotEligible(refused)


AFTER_CANCELLATION = "after cancellation"
PAID_TWICE = "a second time"


def _payment_late(*, order: Order, payment: Payment, amount: Decimal, transaction_id: str, why: str) -> str:
    """Money paid on the reference of a cancelled order, or on a reference paid already (`why`),
    under the order's lock: recorded once per transaction id, noted on the order and refunded.
    Returns the refusal to answer the gateway with.

    A refund the gateway refuses leaves the LatePayment unrefunded: the gateway's next notification
    of the same transaction retries it (or a human does). If the refund succeeds but the commit
    fails, the replay refunds again, which refunds nothing twice: refunds are idempotent per
    transaction at the provider."""
    refused = (
        "The order is CANCELLED: it cannot be paid any more."
        if why == AFTER_CANCELLATION
        else "This reference was paid already."
    )
    if transaction_id == payment.transaction_id:
        return refused  # the order's own payment: refunded when the order was cancelled
    late = LatePayment.objects.filter(transaction_id=transaction_id).first()
    if late is not None and late.order_id != order.pk:
        raise InvalidInput("This transaction id was already used.", field="transactionId")
    if late is not None and late.refunded:
        return f"{refused} This payment was refunded already."
    created = late is None
    if created:
        _transaction_id_check(transaction_id)
        if amount > MAX_ORDER_TOTAL or amount != amount.quantize(CENT):
            raise InvalidInput("The amount is not an amount of kwanza.", field="amount")
        late = LatePayment.objects.create(
            order=order, transaction_id=transaction_id, amount=amount.quantize(CENT)
        )
        logger.error(
            "payment %s of %s on the reference of order %s arrived %s: refunding it",
            transaction_id,
            late.amount,
            order.order_number,
            why,
        )
    note = f"payment reference paid {why}: {late.amount}, transaction {transaction_id}"
    try:
        payments.gateway().refund(transaction_id=transaction_id, amount=late.amount)
    except Exception:
        logger.exception(
            "refund of late payment %s of %s on order %s failed: refund it by hand unless a replay does",
            transaction_id,
            late.amount,
            order.order_number,
        )
        if created:  # a retry that fails again adds nothing to the order's history
            _event(order, actor=None, to_status=order.status, note=f"{note}; the refund failed").save()
        return (
            f"{refused} The payment is recorded; its refund failed and is retried on the next notification."
        )
    late.refunded = True
    late.save(update_fields=["refunded", "updated_at"])
    _event(order, actor=None, to_status=order.status, note=f"{note}; refunded").save()
    return f"{refused} The payment was refunded."


def _transaction_id_check(transaction_id: str) -> None:
    """A gateway transaction is recorded once, on one payment or late payment."""
    if (
        Payment.objects.filter(transaction_id=transaction_id).exists()
        or LatePayment.objects.filter(transaction_id=transaction_id).exists()
    ):
        raise InvalidInput("This transaction id was already used.", field="transactionId")


# ---------------------------------------------------------------- helpers


def _order_locked(*, actor, order_number: str) -> Order:
    """The order if the actor may see it, locked; NOT_FOUND otherwise, exactly as if it did not exist."""
    order = (
        selectors.order_by_number(user=actor, order_number=order_number)
        .select_for_update(of=("self",))
        .first()
    )
    if order is None:
        raise NotFound("No order with this number.", field="orderNumber")
    return order


def _acts_for_store(actor) -> bool:
    """On an order the actor can see: its store's seller or an admin (no other seller sees it)."""
    return actor.user_type in (UserType.ADMIN, UserType.SELLER)


def _order_close(order: Order, *, actor, note: str) -> None:
    """Cancel: payment refunded (COMPLETED) or voided (PENDING → FAILED), stock back, event written.

    The refund is asked first, while only the order's row is locked, so a slow provider does not
    hold up checkouts of the same products; if it refuses, nothing changes. Refunds are idempotent
    per charge at the provider, so a retry after a failed commit cannot refund twice."""
    payment = Payment.objects.filter(order=order).first()
    if payment is not None and payment.status == PaymentStatus.COMPLETED:
        try:
            payments.gateway().refund(transaction_id=payment.transaction_id, amount=payment.amount)
        except Exception as error:
            logger.exception("refund of %s for order %s failed", payment.transaction_id, order.order_number)
            raise PaymentFailed("The payment provider refused the refund; nothing was changed.") from error
    quantities: dict[int, int] = defaultdict(int)
    for product_id, quantity in order.items.filter(product__isnull=False).values_list(
        "product_id", "quantity"
    ):
        quantities[product_id] += quantity
    stock.stock_return(quantities=dict(quantities))
    payment_status = order.payment_status
    if payment is not None:
        if payment.status == PaymentStatus.COMPLETED:
            payment.status = PaymentStatus.REFUNDED
        elif payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status", "updated_at"])
        payment_status = payment.status
    _status_set(order, OrderStatus.CANCELLED, actor=actor, note=note, payment_status=payment_status)


def _status_set(order: Order, to_status: str, *, actor, note: str = "", payment_status: str | None = None):
    event = _event(order, actor=actor, to_status=to_status, note=note)
    order.status = to_status
    fields = ["status", "updated_at"]
    if payment_status is not None:
        order.payment_status = payment_status
        fields.append("payment_status")
    order.save(update_fields=fields)
    event.save()


def _event(
    order: Order, *, actor, to_status: str, from_status: str | None = None, note: str = ""
) -> OrderEvent:
    return OrderEvent(
        order=order,
        actor=actor,
        from_status=order.status if from_status is None else from_status,
        to_status=to_status,
        note=note,
    )
