"""Cart reads: a logged-in user's own cart, or an anonymous cart by its secret code."""

from __future__ import annotations

from django.db.models import QuerySet

from domain.text import text_storable

from .models import Cart


def cart_for_user(*, user) -> Cart | None:
    return Cart.objects.filter(user=user).first()


def cart_code_usable(cart_code: str | None) -> bool:
    """Could this be a cart code at all? (PostgreSQL refuses NUL characters even to compare them.)"""
    return bool(cart_code) and text_storable(cart_code)


def cart_of_caller(*, user, cart_code: str | None) -> QuerySet[Cart]:
    """The caller's cart as a queryset of at most one row (so the API can optimise it).

    A logged-in caller always gets their own cart and any code is ignored; an anonymous caller
    gets the anonymous cart with that code. Empty when there is none.
    """
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user)
    if not cart_code_usable(cart_code):
        return Cart.objects.none()
    return Cart.objects.filter(cart_code=cart_code, user__isnull=True)
