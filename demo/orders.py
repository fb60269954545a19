"""The demo's orders (Ana's in every status, the other buyers' delivered ones), their reviews and the
wishlists. A buyer who has orders already is left alone."""

from __future__ import annotations

from domain.accounts.models import Store, User
from domain.cart.services import cart_add_item
from domain.catalog.models import Product
from domain.orders.checkout import checkout_place
from domain.orders.fulfilment import FULFILMENT_FLOW, order_cancel, order_update_status
from domain.orders.models import Order, OrderStatus, PaymentMethod
from domain.reviews.services import review_create
from domain.wishlist.services import wishlist_add

from .data import (
    ANA_ORDERS,
    ANA_REVIEWS,
    DEMO_ADDRESS,
    DEMO_CARD,
    DEMO_PHONE,
    OTHER_BUYERS_BOUGHT,
    WISHLISTS,
)


def orders(buyers: dict[str, User], stores: list[Store], catalogue: dict[str, Product]) -> None:
    """Ana's orders in every status and the other buyers' delivered orders, each with its reviews."""
    sellers = {store.pk: store.seller for store in stores}
    ana = buyers["demo-buyer"]
    if not Order.objects.filter(buyer=ana).exists():
        for lines, method, status in ANA_ORDERS:
            (order,) = _buy(ana, [(catalogue[name], quantity) for name, quantity in lines], method)
            _advance(order, status, seller=sellers[order.store_id], buyer=ana)
        for name, rating, comment in ANA_REVIEWS:
            review_create(user=ana, product_id=catalogue[name].pk, rating=rating, comment=comment)
    for username, bought in OTHER_BUYERS_BOUGHT.items():
        buyer = buyers[username]
        if Order.objects.filter(buyer=buyer).exists():
            continue
        for order in _buy(buyer, [(catalogue[name], 1) for name, *_ in bought], PaymentMethod.CARD):
            _advance(order, OrderStatus.DELIVERED, seller=sellers[order.store_id], buyer=buyer)
        for name, rating, comment in bought:
            review_create(user=buyer, product_id=catalogue[name].pk, rating=rating, comment=comment)


def wishlists(buyers: dict[str, User], catalogue: dict[str, Product]) -> None:
    for username, names in WISHLISTS.items():
        for name in names:
            wishlist_add(user=buyers[username], product_id=catalogue[name].pk)


def awaiting_payment(buyer: User) -> Order | None:
    """The buyer's REFERENCE order still waiting for the bank, with its payment."""
    return (
        Order.objects.filter(buyer=buyer, status=OrderStatus.PENDING, payment__method=PaymentMethod.REFERENCE)
        .select_related("payment")
        .first()
    )


def _buy(buyer: User, lines: list[tuple[Product, int]], method: str) -> list[Order]:
    for product, quantity in lines:
        cart_add_item(user=buyer, cart_code=None, product_id=product.pk, quantity=quantity)
    return checkout_place(
        buyer=buyer,
        shipping_address=DEMO_ADDRESS,
        contact_phone=DEMO_PHONE,
        payment_method=method,
        card_number=DEMO_CARD if method == PaymentMethod.CARD else None,
        phone_number=DEMO_PHONE if method == PaymentMethod.MOBILE else None,
    )


def _advance(order: Order, status: str, *, seller: User, buyer: User) -> None:
    """Move a paid order along the fulfilment steps up to `status`, or cancel it (by its buyer)."""
    if status == OrderStatus.CANCELLED:
        order_cancel(actor=buyer, order_number=order.order_number)
        return
    if status == OrderStatus.PENDING:
        return
    for step in FULFILMENT_FLOW[1 : FULFILMENT_FLOW.index(status) + 1]:
        order_update_status(actor=seller, order_number=order.order_number, status=step)
