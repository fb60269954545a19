"""Order reads, scoped to the actor: who may see an order is decided here, once.

A buyer sees the orders they placed, a seller the orders of their own store, an admin every
order; anyone else sees nothing (not even whether an order number exists).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from domain.errors import NotFound
from domain.text import text_storable

from .models import Order


def order_list_visible(*, user) -> QuerySet[Order]:
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    if user.is_marketplace_admin:
        return Order.objects.all()
    if user.is_seller:
        return Order.objects.filter(store__seller=user)
    return Order.objects.filter(buyer=user)


def order_by_number(*, user, order_number: str) -> QuerySet[Order]:
    """The order with this number if `user` may see it: a queryset of at most one row."""
    if not text_storable(order_number):  # no order has one, and PostgreSQL refuses to compare it
        return Order.objects.none()
    return order_list_visible(user=user).filter(order_number=order_number)


def order_list_for_buyer(*, user, status: str | None = None) -> QuerySet[Order]:
    """The buyer's own orders, newest first."""
    orders = Order.objects.filter(buyer=user)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def order_list_for_store(*, seller, status: str | None = None) -> QuerySet[Order]:
    """Orders of the seller's own store, newest first (none while they have no store)."""
    orders = Order.objects.filter(store__seller=seller)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def order_list_by_pk(*, pks: list[int]) -> QuerySet[Order]:
    """Orders a service just returned to the caller, in that order (for the API to load them)."""
    return Order.objects.filter(pk__in=pks).order_by("pk")


def order_locked(*, actor, order_number: str) -> Order:
    """The order if the actor may see it, locked; NOT_FOUND otherwise, exactly as if it did not exist."""
    order = order_by_number(user=actor, order_number=order_number).select_for_update(of=("self",)).first()
    if order is None:
        raise NotFound(gettext("No order with this number."), field="order_number")
    return order
