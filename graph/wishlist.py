"""Wishlists of logged-in users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info, relay

from domain.wishlist import models, selectors, services

from .common import decode_id
from .errors import UserError, payload
from .permissions import LoggedIn, allow

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.WishlistItem, name="WishlistItem")
class WishlistItem(relay.Node):
    id: relay.NodeID[int]
    added_at: datetime
    product: Annotated[Product, strawberry.lazy("graph.catalog")]


@strawberry.type(name="WishlistPayload")
class WishlistPayload:
    errors: list[UserError]
    # A Django field fed a queryset, so the optimizer loads the products the client asked for at once.
    items: list[WishlistItem] | None = strawberry_django.field(default=None)


def _wishlist_after(info: Info, change) -> WishlistPayload:
    user = info.context.request.user

    def run() -> dict:
        change(user)
        return {"items": selectors.wishlist_for_user(user=user)}

    return payload(WishlistPayload, run)


@strawberry.type
class Query:
    @strawberry_django.field(extensions=allow(LoggedIn))
    def my_wishlist(self, info: Info) -> list[WishlistItem]:
        return selectors.wishlist_for_user(user=info.context.request.user)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=allow(LoggedIn),
        description="Any logged-in user; adding twice keeps one item; more than 100 items -> INVALID.",
    )
    def add_to_wishlist(self, info: Info, product_id: strawberry.ID) -> WishlistPayload:
        return _wishlist_after(
            info,
            lambda user: services.wishlist_add(
                user=user, product_id=decode_id(product_id, "Product", field="productId")
            ),
        )

    @strawberry.mutation(extensions=allow(LoggedIn))
    def remove_from_wishlist(self, info: Info, product_id: strawberry.ID) -> WishlistPayload:
        return _wishlist_after(
            info,
            lambda user: services.wishlist_remove(
                user=user, product_id=decode_id(product_id, "Product", field="productId")
            ),
        )
