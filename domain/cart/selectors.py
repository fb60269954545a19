"""Cart reads: a logged-in user's own cart, or an anonymous cart by its secret code."""

from __future__ import annotations

from .models import Cart


def cart_for_user(*, user) -> Cart | None:
    return Cart.objects.filter(user=user).first()


def cart_for_code(*, cart_code: str | None) -> Cart | None:
    """Only anonymous carts are reachable by code; a user's cart has none."""
    if not cart_code:
        return None
    return Cart.objects.filter(cart_code=cart_code, user__isnull=True).first()
