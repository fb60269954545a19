"""Wishlists of logged-in users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info, relay

from domain.wishlist import models, selectors, services

from .common import decode_id
from .errors import UserError
from .permissions import LoggedIn, allow, mutation

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.WishlistItem, name="WishlistItem")
class WishlistItem(relay.Node):
    id: relay.NodeID[int]
    added_at: datetime
    product: Annotated[Product, strawberry.lazy("graph.catalog")]


@strawberry.type(name="WishlistPayload")
class WishlistPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    # A Django field fed a queryset, so the optimizer loads the products the client asked for at once.
    items: list[WishlistItem] | None = strawberry_django.field(default=None)


def _wishlist_of(info: Info) -> WishlistPayload:
    # A queryset, so that the optimizer loads the products the client asked for at once.
    return WishlistPayload(items=selectors.wishlist_for_user(user=info.context.request.user))


@strawberry.type
class Query:
    @strawberry_django.field(extensions=allow(LoggedIn))
    def my_wishlist(self, info: Info) -> list[WishlistItem]:
        return selectors.wishlist_for_user(user=info.context.request.user)


@strawberry.type
class Mutation:
    @mutation(
        LoggedIn,
        description="Any logged-in user; adding twice keeps one item; more than 100 items -> INVALID.",
    )
    def add_to_wishlist(self, info: Info, product_id: strawberry.ID) -> WishlistPayload:
        services.wishlist_add(
            user=info.context.request.user, product_id=decode_id(product_id, "Product", field="product_id")
        )
        return _wishlist_of(info)

    @mutation(LoggedIn)
    def remove_from_wishlist(self, info: Info, product_id: strawberry.ID) -> WishlistPayload:
        services.wishlist_remove(
            user=info.context.request.user, product_id=decode_id(product_id, "Product", field="product_id")
        )
        return _wishlist_of(info)
