"""Wishlists of logged-in users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from domain.wishlist import models

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.WishlistItem, name="WishlistItem")
class WishlistItem(relay.Node):
    added_at: datetime
    product: Annotated[Product, strawberry.lazy("graph.catalog")]
