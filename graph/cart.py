"""Carts, anonymous or of a logged-in user."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from strawberry import Info, relay

from domain.cart import models, selectors, services

from .common import decode_id
from .errors import UserError, payload
from .permissions import Public, allow

if TYPE_CHECKING:
    from .catalog import Product


CENT = Decimal("0.01")
LINE_TOTALS = Coalesce(
    Sum(
        F("items__quantity") * F("items__product__price"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    ),
    Value(Decimal("0.00")),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


@strawberry_django.type(models.CartItem, name="CartItem")
class CartItem(relay.Node):
    id: relay.NodeID[int]
    quantity: int
    product: Annotated[Product, strawberry.lazy("graph.catalog")]

    @strawberry_django.field(only=["quantity", "product__price"], select_related=["product"])
    def line_total(self) -> Decimal:
        return self.line_total


@strawberry_django.type(models.Cart, name="Cart")
class Cart(relay.Node):
    id: relay.NodeID[int]
    cart_code: str | None = strawberry_django.field(
        description="The secret code of an anonymous cart; null once the cart belongs to a user."
    )
    updated_at: datetime
    items: list[CartItem]

    # Sums computed by the database in the cart's own query (an instance loaded elsewhere, such
    # as the login's merged cart, computes them with one query of its own).
    @strawberry_django.field(annotate={"sum_quantity": Coalesce(Sum("items__quantity"), 0)})
    def total_quantity(self) -> int:
        return _totals(self, "sum_quantity")

    @strawberry_django.field(annotate={"sum_price": LINE_TOTALS})
    def subtotal(self) -> Decimal:
        return _totals(self, "sum_price").quantize(CENT)


def _totals(cart: models.Cart, name: str):
    if not hasattr(cart, name):
        totals = models.Cart.objects.filter(pk=cart.pk).aggregate(
            sum_quantity=Coalesce(Sum("items__quantity"), 0), sum_price=LINE_TOTALS
        )
        for key, value in totals.items():
            setattr(cart, key, value)
    return getattr(cart, name)


@strawberry.type(name="CartPayload")
class CartPayload:
    cart: Cart | None = strawberry_django.field(default=None)
    errors: list[UserError]


def _cart_result(cart: models.Cart) -> dict:
    # A queryset, so that the optimizer loads the lines and products the client asked for at once.
    return {"cart": models.Cart.objects.filter(pk=cart.pk)}


@strawberry.type
class Query:
    @strawberry_django.field(
        extensions=allow(Public),
        description="The logged-in user's cart, or the anonymous cart with this code; null if there is none.",
    )
    def cart(self, info: Info, cart_code: str | None = None) -> Cart | None:
        return selectors.cart_of_caller(user=info.context.request.user, cart_code=cart_code)


def _cart_change(
    info: Info, action, *, product_id: strawberry.ID, cart_code: str | None, **values
) -> CartPayload:
    """Run a cart service on the caller's cart and answer with the cart (or the errors)."""
    return payload(
        CartPayload,
        lambda: _cart_result(
            action(
                user=info.context.request.user,
                cart_code=cart_code,
                product_id=decode_id(product_id, "Product", field="productId"),
                **values,
            )
        ),
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=allow(Public),
        description="Anyone. Without a cart (no cartCode, anonymous) a new anonymous cart is created "
        "and its cartCode returned.",
    )
    def add_to_cart(
        self, info: Info, product_id: strawberry.ID, quantity: int | None = 1, cart_code: str | None = None
    ) -> CartPayload:
        return _cart_change(
            info, services.cart_add_item, product_id=product_id, cart_code=cart_code, quantity=quantity
        )

    @strawberry.mutation(extensions=allow(Public), description="Quantity 0 removes the line.")
    def update_cart_item(
        self, info: Info, product_id: strawberry.ID, quantity: int, cart_code: str | None = None
    ) -> CartPayload:
        return _cart_change(
            info, services.cart_update_item, product_id=product_id, cart_code=cart_code, quantity=quantity
        )

    @strawberry.mutation(extensions=allow(Public))
    def remove_from_cart(
        self, info: Info, product_id: strawberry.ID, cart_code: str | None = None
    ) -> CartPayload:
        return _cart_change(info, services.cart_remove_item, product_id=product_id, cart_code=cart_code)
