"""Checkout: the buyer's cart becomes one paid order per store, all together or none.

Everything runs in one transaction.atomic() with the rows locked (the cart, then its lines'
products in primary-key order, each before its variants, see stock.py; then a coupon). The payment
gateway is called last inside the transaction; card and mobile orders are inserted paid, since a
charge that is not approved rolls them all back. Each charge is recorded before the transaction opens
(attempts.py): if anything rolls the transaction back after a charge was approved, that charge is
refunded (attempts.attempts_release), and if the worker dies meanwhile, the sweeper voids it; so
no charge outlives a rolled-back checkout.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from domain.cart.models import CartItem
from domain.cart.services import cart_lines_locked, cart_lines_remove, variant_label
from domain.catalog.models import ProductVariant, VariantOptionValue
from domain.delivery.checkout import (
    DeliveryInput,
    DeliveryRequest,
    delivery_options_for,
    delivery_request_of,
    order_delivery_set,
)
from domain.errors import (
    DomainError,
    EmptyCart,
    InvalidInput,
    NotEligible,
    OutOfStock,
    PaymentFailed,
    Required,
    collect,
)
from domain.money import ZERO, AmountFault, amount_fault
from domain.phones import angolan_mobile, angolan_phone
from domain.promotions import checkout as promotions
from domain.promotions.coupons import DiscountLine
from domain.text import text_error

from . import attempts, payments, stock
from .attempts import ChargeBook
from .events import order_event
from .fulfilment import orders_confirm_paid, orders_paid_as_placed
from .models import Checkout, Order, OrderEvent, OrderItem, OrderStatus, Payment, PaymentMethod, PaymentStatus
from .signals import order_lines_pre_create, orders_placed, orders_pre_create

logger = logging.getLogger(__name__)

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
        """The input a declined charge is about."""
        return {PaymentMethod.CARD: "card_number", PaymentMethod.MOBILE: "phone_number"}.get(self.method)


@dataclass(frozen=True)
class CheckoutRequest:
    """A checkout's input once validated: address stripped, phone in +244 form, key or None."""

    shipping_address: str
    contact_phone: str
    payment: PaymentDetails
    idempotency_key: str | None
    delivery: DeliveryRequest | None = None  # None: no choice, the stores arrange delivery


def checkout_place(
    *,
    buyer,
    shipping_address: str,
    contact_phone: str,
    payment_method: str,
    card_number: str | None = None,
    phone_number: str | None = None,
    idempotency_key: str | None = None,
    delivery: DeliveryInput | None = None,
) -> list[Order]:
    """Turn the buyer's cart into one paid order per store, all together or none.

    In one transaction: lock the cart, its products and its variants (pk order), re-check every
    line (all shortages in one OUT_OF_STOCK), create the orders with snapshots of each variant
    (product name, variant name, SKU, options, price), take the variants' stock, empty the cart,
    then charge each order. A decline refunds the charges already approved and rolls everything
    back (PAYMENT_FAILED). REFERENCE payments get a reference per order and
    stay PENDING with the stock reserved until the webhook confirms them. A repeated
    `idempotency_key` returns the first checkout's orders and charges nothing, also when two
    requests race: the (buyer, key) unique constraint makes the second wait for the first.
    Every charge is on record before the transaction opens (attempts.py): a worker killed during
    the gateway call leaves a trace that the sweeper voids. Called outside any transaction (as the
    resolver calls it), so that the record is committed before the gateway is asked. `delivery`:
    where the orders go and each store's chosen option, whose fee is recomputed from the locked
    lines and added to its order (domain/delivery/checkout.py).
    """
    if settings.CHECKOUT_REQUIRES_VERIFIED_EMAIL and not buyer.email_verified:
        raise NotEligible(gettext("Verify your e-mail before you check out: follow the link we sent you."))
    request = _checkout_request(
        shipping_address=shipping_address,
        contact_phone=contact_phone,
        payment_method=payment_method,
        card_number=card_number,
        phone_number=phone_number,
        idempotency_key=idempotency_key,
        address_required=delivery is None or delivery.needs_text,
    )
    request = replace(
        request,
        delivery=delivery_request_of(
            buyer=buyer,
            given=delivery,
            shipping_address=request.shipping_address,
            contact_phone=request.contact_phone,
        ),
    )
    for _ in range(ORDER_NUMBER_ATTEMPTS):
        book = _charges_record(buyer=buyer, request=request)
        try:
            with transaction.atomic():
                return _checkout(buyer=buyer, request=request, book=book)
        except _DrawAgain:
            attempts.attempts_release(book)
            continue
        except IntegrityError:
            attempts.attempts_release(book)
            # The key's checkout was committed first (maybe by a racing request): answer with it.
            replayed = _checkout_replay(buyer=buyer, idempotency_key=request.idempotency_key)
            if replayed is None:
                raise
            return replayed
        except BaseException:  # PaymentFailed and any other failure, a stopping worker's too
            attempts.attempts_release(book)
            raise
    raise RuntimeError("No free order number after several attempts.")


# ---------------------------------------------------------------- the request's checks


def _checkout_request(
    *,
    shipping_address,
    contact_phone,
    payment_method,
    card_number,
    phone_number,
    idempotency_key,
    address_required: bool = True,
) -> CheckoutRequest:
    """Validate the request before anything is locked; every bad input is reported at once."""
    shipping_address = (shipping_address or "").strip()
    phone = angolan_phone(contact_phone or "")
    idempotency_key = (idempotency_key or "").strip() or None
    card = payments.normalize_card_number(card_number or "") if payment_method == PaymentMethod.CARD else None
    mobile = angolan_mobile(phone_number or "") if payment_method == PaymentMethod.MOBILE else None
    collect(
        text_error(
            shipping_address,
            field="shipping_address",
            label=gettext("The shipping address"),
            max_length=SHIPPING_ADDRESS_MAX,
            required=address_required,
        ),
        _check_contact_phone(contact_phone, phone),
        text_error(
            idempotency_key,
            field="idempotency_key",
            label=gettext("The idempotency key"),
            max_length=IDEMPOTENCY_KEY_MAX,
            required=False,
        ),
        _check_payment(payment_method, card_number=card, phone_number=phone_number, mobile=mobile),
    )
    return CheckoutRequest(
        shipping_address=shipping_address,
        contact_phone=phone,
        payment=PaymentDetails(method=payment_method, card_number=card, phone_number=mobile),
        idempotency_key=idempotency_key,
    )


def _check_contact_phone(contact_phone: str | None, phone: str | None) -> DomainError | None:
    if phone is not None:
        return None
    if not (contact_phone or "").strip():
        return Required(gettext("The contact phone is required."), field="contact_phone")
    return InvalidInput(
        gettext("The contact phone must be an Angolan number, e.g. +244 923 456 789."), field="contact_phone"
    )


def _check_payment(
    method: str, *, card_number: str | None, phone_number: str | None, mobile: str | None
) -> DomainError | None:
    if method == PaymentMethod.CARD:
        if not card_number:
            return Required(gettext("A card number is required to pay by card."), field="card_number")
        if not payments.card_number_valid(card_number):
            return InvalidInput(gettext("This is not a valid card number."), field="card_number")
    elif method == PaymentMethod.MOBILE:
        if not (phone_number or "").strip():
            return Required(gettext("A phone number is required to pay by mobile."), field="phone_number")
        if mobile is None:
            return InvalidInput(
                gettext("The phone number must be an Angolan mobile number: 9 digits starting with 9."),
                field="phone_number",
            )
    elif method != PaymentMethod.REFERENCE:
        return InvalidInput(gettext("Unknown payment method."), field="payment_method")
    return None


# ---------------------------------------------------------------- the charges on record


def _charges_record(*, buyer, request: CheckoutRequest) -> ChargeBook:
    """Before the transaction: the orders the cart makes now (read without locks), each with a
    fresh number, recorded as charge attempts and committed, so that no charge is asked for without
    a trace. REFERENCE payments charge nothing at checkout: nothing to record."""
    if request.payment.method == PaymentMethod.REFERENCE:
        return ChargeBook()
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lines = (
        CartItem.objects.filter(cart__user=buyer)
        .values_list("pk", "product__store_id", "product__category_id", "cart__coupon__code")
        .annotate(line=F("variant__price") * F("quantity"))
    )
    code, discount_lines = None, []
    for pk, store_id, category_id, cart_code, line in lines:
        code = cart_code
        totals[store_id] += line
        discount_lines.append(DiscountLine(key=pk, store_id=store_id, category_id=category_id, amount=line))
    try:
        fees = delivery_options_for(request.delivery, goods_totals=dict(totals))
    except DomainError:
        return ChargeBook()  # the transaction refuses this delivery before any charge
    for store_id, option in fees.items():
        totals[store_id] += option.fee
    # The cart's coupon (domain/promotions), as the transaction will redeem it.
    for store_id, amount in promotions.checkout_coupon_preview(code=code, lines=discount_lines).items():
        totals[store_id] -= amount
    if any(amount_fault(total) is not None for total in totals.values()):
        return ChargeBook()  # the transaction refuses this cart before any charge
    return attempts.attempts_record(
        buyer=buyer,
        method=request.payment.method,
        idempotency_key=request.idempotency_key,
        orders={store_id: (order_number_new(), total) for store_id, total in sorted(totals.items())},
    )


# ---------------------------------------------------------------- the transaction


def _checkout(*, buyer, request: CheckoutRequest, book: ChargeBook) -> list[Order]:
    # First statement: a second request with the same key blocks here until the first commits.
    checkout = Checkout.objects.create(buyer=buyer, idempotency_key=request.idempotency_key)
    cart, rows = cart_lines_locked(user=buyer)
    if not rows:
        raise EmptyCart(gettext("Your cart is empty."))
    wanted = [stock.StockLine(*row) for row in rows]
    variants = stock.stock_lock(lines=wanted)
    _stock_check(variants=variants, wanted=wanted)

    by_store: dict[int, list[stock.StockLine]] = defaultdict(list)
    for line in wanted:
        by_store[variants[line.variant_id].product.store_id].append(line)
    totals = {
        store_id: sum((variants[line.variant_id].price * line.quantity for line in by_store[store_id]), ZERO)
        for store_id in sorted(by_store)
    }
    # Each store's delivery, its fee recomputed from the lines just locked (the quote's rule).
    chosen = delivery_options_for(request.delivery, goods_totals=totals)
    # The cart's coupon, redeemed on its locked row after the products and variants (promotions).
    discount = promotions.checkout_coupon_redeem(
        buyer=buyer, checkout_id=checkout.pk, code=cart.coupon_code, variants=variants, wanted=wanted
    )
    orders = []
    for store_id, total in totals.items():
        orders.append(
            Order(
                checkout=checkout,
                buyer=buyer,
                store_id=store_id,
                total_amount=total,
                shipping_address=request.shipping_address,
                contact_phone=request.contact_phone,
            )
        )
        order_delivery_set(orders[-1], option=chosen.get(store_id), request=request.delivery)
        promotions.order_discount_set(orders[-1], discount)
    if any(amount_fault(order.total_amount) is AmountFault.TOO_LARGE for order in orders):
        raise InvalidInput(gettext("This order's total is more than a single order allows."))
    numbers = _order_numbers(
        request=request, book=book, totals={order.store_id: order.total_amount for order in orders}
    )
    for order in orders:
        order.order_number = numbers[order.store_id]
    if request.payment.method != PaymentMethod.REFERENCE:
        orders_paid_as_placed(orders)  # inserted paid: a charge not approved rolls them all back
    orders_pre_create.send(sender=Order, orders=orders)  # economics: the delivery fee's IVA
    _orders_insert(orders)
    options = _options_of(variants.values())
    lines = [
        _order_line(order, variants[line.variant_id], line.quantity, options)
        for order in orders
        for line in by_store[order.store_id]
    ]
    for line in lines:
        promotions.order_line_discount_set(line, discount)  # frozen before economics reads it
    order_lines_pre_create.send(sender=OrderItem, lines=lines)  # economics: commission and IVA
    OrderItem.objects.bulk_create(lines)
    stock.stock_take(lines=wanted)
    cart_lines_remove(cart=cart, variant_ids=[line.variant_id for line in wanted])

    # Last: the gateway. Approved charges are refunded by the caller if anything fails after them.
    if not attempts.attempts_claim(book):
        raise _DrawAgain  # the sweeper took them as lost (this checkout waited that long): charge none
    gateway = payments.gateway()
    records, events = [], []
    for order in orders:
        events.append(order_event(order, actor=buyer, from_status="", to_status=OrderStatus.PENDING))
        records.append(_payment_take(gateway=gateway, order=order, details=request.payment, book=book))
        if records[-1].status == PaymentStatus.COMPLETED:
            events.append(
                order_event(
                    order,
                    actor=None,
                    from_status=OrderStatus.PENDING,
                    to_status=OrderStatus.CONFIRMED,
                    note="payment approved",
                )
            )
    Payment.objects.bulk_create(records)
    paid = {record.order_id for record in records if record.status == PaymentStatus.COMPLETED}
    orders_confirm_paid([order for order in orders if order.pk in paid], lines=lines)
    OrderEvent.objects.bulk_create(events)  # their keys returned: the live updates publish them
    orders_placed.send(sender=Order, orders=orders, events=events)
    return orders


def _stock_check(*, variants: dict[int, ProductVariant], wanted: list[stock.StockLine]) -> None:
    shortages = []
    for line in wanted:
        variant = variants.get(line.variant_id)
        if variant is None:  # deleted since the cart was read
            shortages.append(gettext("a product in your cart is no longer sold"))
        elif not variant.sellable:
            shortages.append(gettext("“%(name)s” is no longer sold") % {"name": variant_label(variant)})
        elif line.quantity > variant.stock_quantity:
            shortages.append(
                gettext("“%(name)s”: %(available)s available, %(quantity)s in your cart")
                % {
                    "name": variant_label(variant),
                    "available": variant.stock_quantity,
                    "quantity": line.quantity,
                }
            )
    if shortages:
        raise OutOfStock(gettext("Not enough stock: %(shortages)s.") % {"shortages": "; ".join(shortages)})


def _options_of(variants) -> dict[int, list[dict[str, str]]]:
    """The option values of the variants that have options, [{"name": "Tamanho", "value": "40"},
    ...] in the options' order: one query, none when every variant is a default one."""
    with_options = [variant.pk for variant in variants if not variant.is_default]
    options: dict[int, list[dict[str, str]]] = defaultdict(list)
    if with_options:
        choices = (
            VariantOptionValue.objects.filter(variant_id__in=with_options)
            .order_by("variant_id", "option__position", "option_id")
            .values_list("variant_id", "option__name", "value__value")
        )
        for variant_id, name, value in choices:
            options[variant_id].append({"name": name, "value": value})
    return options


def _order_line(order: Order, variant: ProductVariant, quantity: int, options) -> OrderItem:
    """An order line with its snapshot of the variant as it is now: product name, variant name,
    SKU, option values and price, which later changes to the variant (or its deletion) keep."""
    return OrderItem(
        order=order,
        product=variant.product,
        variant=variant,
        product_name=variant.product.name,
        variant_name=variant.name,
        sku=variant.sku,
        options=options.get(variant.pk, []),
        price=variant.price,
        quantity=quantity,
    )


def _payment_take(*, gateway, order: Order, details: PaymentDetails, book: ChargeBook) -> Payment:
    payment = Payment(order=order, method=details.method, amount=order.total_amount)
    try:
        if details.method == PaymentMethod.REFERENCE:
            reference = gateway.issue_reference(
                order_id=order.pk, order_number=order.order_number, amount=order.total_amount
            )
            payment.reference_entity, payment.reference_number = reference.entity, reference.number
            return payment
        book.asking = order.order_number  # stays set if a BaseException interrupts the call
        result = gateway.charge(
            method=details.method,
            amount=order.total_amount,
            order_number=order.order_number,
            card_number=details.card_number,
            phone_number=details.phone_number,
        )
    except Exception as error:
        logger.exception("payment gateway failed on order %s", order.order_number)
        if details.method == PaymentMethod.REFERENCE:
            raise PaymentFailed(
                gettext("The payment provider could not be reached; nothing was charged.")
            ) from error
        # The charge may have gone through without an answer: it is voided once this rolls back.
        book.asking = None
        book.unanswered.add(order.order_number)
        raise PaymentFailed(
            gettext(
                "The payment provider did not answer; your order was not placed, and anything it may "
                "have charged will be returned."
            )
        ) from error
    book.asking = None
    if not result.approved:
        raise PaymentFailed(result.reason or gettext("The payment was declined."), field=details.field)
    book.approved[order.order_number] = result.transaction_id
    payment.status = PaymentStatus.COMPLETED
    payment.transaction_id = result.transaction_id
    return payment


def _checkout_replay(*, buyer, idempotency_key: str | None) -> list[Order] | None:
    if not idempotency_key:
        return None
    checkout = Checkout.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
    if checkout is None:
        return None
    return list(checkout.orders.order_by("pk"))


class _DrawAgain(Exception):
    """The checkout is retried with new numbers, nothing charged: a freshly drawn order number
    already exists, the cart changed after its charges were recorded, or the sweeper took them."""


def _order_numbers(
    *, request: CheckoutRequest, book: ChargeBook, totals: dict[int, Decimal]
) -> dict[int, str]:
    """Each order's number: the one its charge attempt was recorded with (REFERENCE: a new one)."""
    if request.payment.method == PaymentMethod.REFERENCE:
        return {store_id: order_number_new() for store_id in totals}
    numbers = book.numbers_for(totals)
    if numbers is None:
        raise _DrawAgain
    return numbers


def order_number_new() -> str:
    """KT-XXXXX-XXXXX: 50 random bits; uniqueness is the database's, a collision retries."""
    body = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(10))
    return f"KT-{body[:5]}-{body[5:]}"


def _orders_insert(orders: list[Order]) -> None:
    try:
        Order.objects.bulk_create(orders)
    except IntegrityError as error:
        if "order_number" in str(error):
            raise _DrawAgain from error
        raise
