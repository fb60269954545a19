"""Carts, anonymous or of a logged-in user."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from domain.cart import models

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.CartItem, name="CartItem")
class CartItem(relay.Node):
    quantity: int
    product: Annotated[Product, strawberry.lazy("graph.catalog")]

    @strawberry_django.field(select_related=["product"], only=["quantity", "product__price"])
    def line_total(self) -> Decimal:
        return self.line_total


@strawberry_django.type(models.Cart, name="Cart")
class Cart(relay.Node):
    cart_code: str | None = strawberry_django.field(
        description="The secret code of an anonymous cart; null once the cart belongs to a user."
    )
    updated_at: datetime
    items: list[CartItem]

    @strawberry_django.field(prefetch_related=["items"])
    def total_quantity(self) -> int:
        return sum(item.quantity for item in self.items.all())

    @strawberry_django.field(prefetch_related=["items__product"])
    def subtotal(self) -> Decimal:
        return sum((item.line_total for item in self.items.all()), Decimal("0.00"))
