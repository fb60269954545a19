"""Cart reads: a logged-in user's own cart, or an anonymous cart by its secret code."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from domain.catalog.variants import variant_on_sale
from domain.text import text_storable

from .models import Cart

_MONEY = DecimalField(max_digits=14, decimal_places=2)
_LINE_ON_SALE = variant_on_sale("items__variant__")

# A cart's totals, as annotations of its own query: only the lines of variants still on sale
# count (a line whose variant was deactivated, or whose product left the catalogue, stays
# visible, but cannot be bought). A line costs its variant's price.
CART_TOTAL_QUANTITY = Coalesce(Sum("items__quantity", filter=_LINE_ON_SALE), 0)
CART_SUBTOTAL = Coalesce(
    Sum(F("items__quantity") * F("items__variant__price"), filter=_LINE_ON_SALE, output_field=_MONEY),
    Value(Decimal("0.00")),
    output_field=_MONEY,
)


def cart_by_pk(*, pk: int) -> QuerySet[Cart]:
    """The cart a service just returned, as a queryset of one row (so the API can optimise it)."""
    return Cart.objects.filter(pk=pk)


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
