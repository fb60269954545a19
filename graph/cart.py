"""Carts, anonymous or of a logged-in user."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info, relay

from domain.cart import models, selectors, services
from domain.money import money_round

from .common import decode_id
from .delivery import cart_delivery_options
from .errors import InputErrors, UserError
from .permissions import Public, allow, mutation
from .promotions import cart_discount_of

if TYPE_CHECKING:
    from .catalog import Product, ProductVariant
    from .delivery import StoreDeliveryOptions
    from .promotions import CartDiscount


@strawberry_django.type(models.CartItem, name="CartItem")
class CartItem(relay.Node):
    id: relay.NodeID[int]
    quantity: int
    product: Annotated[Product, strawberry.lazy("graph.catalog")] = strawberry_django.field(
        description="The variant's product."
    )
    variant: Annotated[ProductVariant, strawberry.lazy("graph.catalog")] = strawberry_django.field(
        description="The variant bought: one line per variant (for a product without options, its default "
        "variant). An inactive variant's line is left out of the totals and refused at checkout."
    )

    @strawberry_django.field(
        only=["quantity", "variant__price"],
        select_related=["variant"],
        description="The variant's price times the quantity.",
    )
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

    # Sums computed by the database in the cart's own query (domain/cart/selectors.py).
    @strawberry_django.field(
        annotate={"total_quantity_sum": selectors.CART_TOTAL_QUANTITY},
        description="Units in the cart, leaving out lines of products or variants no longer on sale.",
    )
    def total_quantity(self) -> int:
        return self.total_quantity_sum

    @strawberry_django.field(
        annotate={"subtotal_sum": selectors.CART_SUBTOTAL},
        description="What the cart costs (each line at its variant's price), leaving out lines of "
        "products or variants no longer on sale.",
    )
    def subtotal(self) -> Decimal:
        return money_round(self.subtotal_sum)

    @strawberry_django.field(
        only=["id"],
        extensions=[InputErrors()],
        description="Per store in the cart: how it can deliver to this address (one of the caller's) or "
        "province, with fee and working-day dates; pickup only without either.",
    )
    def delivery_options(
        self, info: Info, address_id: strawberry.ID | None = None, province_id: strawberry.ID | None = None
    ) -> list[Annotated[StoreDeliveryOptions, strawberry.lazy("graph.delivery")]]:
        return cart_delivery_options(info, cart_id=self.pk, address_id=address_id, province_id=province_id)

    @strawberry_django.field(
        only=["id"],
        description="The cart's coupon code (applyCoupon) and its discount now, per store sub-order; null "
        "without a code.",
    )
    def discount(self, info: Info) -> Annotated[CartDiscount, strawberry.lazy("graph.promotions")] | None:
        return cart_discount_of(info, cart=self)


@strawberry.type(name="CartPayload")
class CartPayload:
    cart: Cart | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry_django.field(
        extensions=allow(Public),
        description="The logged-in user's cart, or the anonymous cart with this code; null if there is none.",
    )
    def cart(self, info: Info, cart_code: str | None = None) -> Cart | None:
        return selectors.cart_of_caller(user=info.context.request.user, cart_code=cart_code)


def _cart_change(
    info: Info,
    action,
    *,
    product_id: strawberry.ID | None,
    variant_id: strawberry.ID | None,
    cart_code: str | None,
    **values,
) -> CartPayload:
    """Run a cart service on the caller's cart and answer with the cart."""
    cart = action(
        user=info.context.request.user,
        cart_code=cart_code,
        product_id=None if product_id is None else decode_id(product_id, "Product", field="product_id"),
        variant_id=None
        if variant_id is None
        else decode_id(variant_id, "ProductVariant", field="variant_id"),
        **values,
    )
    # A queryset, so that the optimizer loads the lines and products the client asked for at once.
    return CartPayload(cart=selectors.cart_by_pk(pk=cart.pk))


_BY_VARIANT = (
    "A line is named by variantId, or by productId for a product without options (its default "
    "variant); exactly one of the two. A product with options answers VARIANT_REQUIRED."
)


@strawberry.type
class Mutation:
    @mutation(
        Public,
        description="Anyone. Without a cart (no cartCode, anonymous) a new anonymous cart is created "
        "and its cartCode returned. Adding a variant already in the cart adds to its line; the line's "
        "quantity may not exceed the variant's stock. " + _BY_VARIANT,
    )
    def add_to_cart(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        quantity: int | None = 1,
        cart_code: str | None = None,
        variant_id: strawberry.ID | None = None,
    ) -> CartPayload:
        return _cart_change(
            info,
            services.cart_add_item,
            product_id=product_id,
            variant_id=variant_id,
            cart_code=cart_code,
            quantity=quantity,
        )

    @mutation(Public, description="Quantity 0 removes the line. " + _BY_VARIANT)
    def update_cart_item(
        self,
        info: Info,
        *,
        product_id: strawberry.ID | None = None,
        quantity: int,
        cart_code: str | None = None,
        variant_id: strawberry.ID | None = None,
    ) -> CartPayload:
        return _cart_change(
            info,
            services.cart_update_item,
            product_id=product_id,
            variant_id=variant_id,
            cart_code=cart_code,
            quantity=quantity,
        )

    @mutation(Public, description=_BY_VARIANT)
    def remove_from_cart(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        cart_code: str | None = None,
        variant_id: strawberry.ID | None = None,
    ) -> CartPayload:
        return _cart_change(
            info, services.cart_remove_item, product_id=product_id, variant_id=variant_id, cart_code=cart_code
        )
