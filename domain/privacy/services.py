"""A person's data across the marketplace (Angola's Lei 22/11, in the spirit of the GDPR): they
can take it (export) and leave (deletion that anonymises them).

It reads and changes several areas at once (accounts, orders, reviews, wishlist, cart), so it sits
above them rather than in any one of them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.credentials import password_confirm
from domain.accounts.models import User
from domain.accounts.selectors import store_of_seller
from domain.accounts.services import store_set_active
from domain.accounts.signals import display_name_changed
from domain.cart.services import cart_delete_for_user
from domain.economics.selectors import store_balance
from domain.errors import NotEligible
from domain.notifications.models import Notification
from domain.orders.models import Order, OrderStatus
from domain.reviews.models import Review
from domain.wishlist.models import WishlistItem

# A seller's orders still to be delivered (or cancelled) keep them from leaving.
OPEN_STATUSES = set(OrderStatus) - {OrderStatus.DELIVERED, OrderStatus.CANCELLED}
DELETED_NAME = ("Conta", "eliminada")


def account_export(*, user: User) -> dict:
    """Everything the marketplace keeps about the user, as JSON-ready data with Python key names
    (the API spells them its way): profile, orders (with lines and payment), reviews and wishlist."""
    orders = (
        Order.objects.filter(buyer=user)
        .select_related("store", "payment")
        .prefetch_related("items")
        .order_by("created_at", "id")
    )
    return {
        "profile": {
            "username": user.username,
            "email": user.email,
            "email_verified": user.email_verified,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.language,
            "user_type": user.user_type.upper(),
            "date_joined": user.date_joined.isoformat(),
        },
        "orders": [_order(order) for order in orders],
        "reviews": [
            {"product": name, "rating": rating, "comment": comment, "created_at": created.isoformat()}
            for name, rating, comment, created in Review.objects.filter(user=user)
            .order_by("created_at", "id")
            .values_list("product__name", "rating", "comment", "created_at")
        ],
        "wishlist": [
            {"product": name, "added_at": added.isoformat()}
            for name, added in WishlistItem.objects.filter(user=user)
            .order_by("added_at", "id")
            .values_list("product__name", "added_at")
        ],
    }


def account_delete(*, user: User, password: str, client_ip: str) -> None:
    """The user leaves, proving their password. The person is anonymised: names, e-mail, phone and
    username replaced, login disabled, every token revoked, wishlist and cart deleted; reviews stay
    under the anonymous name; the record of the e-mails sent forgets the address; orders keep what
    sellers must keep for their records (the shipping address and phone of each order). A seller
    with orders still open cannot leave until they are delivered or cancelled, nor while their store
    has money not yet paid out; their store leaves the catalogue. The password is throttled as a login."""
    password_confirm(user=user, password=password, client_ip=client_ip, field="password")
    store = store_of_seller(seller=user) if user.is_seller else None
    if store is not None and store.orders.filter(status__in=OPEN_STATUSES).exists():
        raise NotEligible(
            gettext("Your store still has open orders: deliver or cancel them before you leave.")
        )
    if store is not None:
        balance = store_balance(store_id=store.pk)
        if balance.available or balance.pending:
            raise NotEligible(
                gettext("Your store still has a balance to be paid out: it is settled before you leave.")
            )
    with transaction.atomic():
        WishlistItem.objects.filter(user=user).delete()
        cart_delete_for_user(user=user)
        if store is not None:
            store_set_active(store_id=store.pk, active=False)  # out of the catalogue, its products with it
        # The record of the order e-mails sent keeps whether they went, not to which address.
        Notification.objects.filter(recipient__iexact=user.email).update(recipient="")
        user.username = f"deleted-{user.pk}"
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.pending_email = ""
        user.first_name, user.last_name = DELETED_NAME
        user.phone = ""
        user.is_active = False
        user.is_approved_seller = False
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()  # every token revoked with it (User.save)
        display_name_changed.send(sender=User, user=user)  # their reviews show the anonymous name


def _order(order: Order) -> dict:
    payment = getattr(order, "payment", None)
    return {
        "order_number": order.order_number,
        "store": order.store.name,
        "status": order.status.upper(),
        "total_amount": str(order.total_amount),
        "shipping_address": order.shipping_address,
        "contact_phone": order.contact_phone,
        "created_at": order.created_at.isoformat(),
        "items": [
            {"product": item.product_name, "price": str(item.price), "quantity": item.quantity}
            for item in order.items.all()
        ],
        "payment": None
        if payment is None
        else {
            "method": payment.method.upper(),
            "status": payment.status.upper(),
            "amount": str(payment.amount),
        },
    }
