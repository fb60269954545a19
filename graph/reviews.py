"""Reviews of delivered products."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from domain.reviews import models

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.Review, name="Review")
class Review(relay.Node):
    rating: int
    comment: str
    created_at: datetime
    product: Annotated[Product, strawberry.lazy("graph.catalog")]

    @strawberry_django.field(
        select_related=["user"],
        only=["user__first_name", "user__last_name"],
        description="The reviewer's display name (first name and last initial); never the username or e-mail.",
    )
    def author_name(self) -> str:
        return self.user.display_name
