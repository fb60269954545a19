"""Reviews of delivered products."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info, relay

from domain.reviews import models, services

from .common import DeletePayload, decode_id
from .errors import UserError
from .permissions import Buyer, LoggedIn, mutation

if TYPE_CHECKING:
    from .catalog import Product


@strawberry_django.type(models.Review, name="Review")
class Review(relay.Node):
    id: relay.NodeID[int]
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


@strawberry.input(name="ReviewInput")
class ReviewInput:
    product_id: strawberry.ID
    rating: int
    comment: str | None = None


@strawberry.input(
    name="ReviewUpdateInput", description="A field left out is unchanged (this holds for every *UpdateInput)."
)
class ReviewUpdateInput:
    rating: int | None = None
    comment: str | None = None


@strawberry.type(name="ReviewPayload")
class ReviewPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    review: Review | None = strawberry_django.field(default=None)


@strawberry.type
class Mutation:
    @mutation(
        Buyer,
        description="BUYER with a DELIVERED order holding the product; one review per product and user.",
    )
    def create_review(self, info: Info, input: ReviewInput) -> ReviewPayload:
        review = services.review_create(
            user=info.context.request.user,
            product_id=decode_id(input.product_id, "Product", field="product_id"),
            rating=input.rating,
            comment=input.comment,
        )
        return ReviewPayload(review=review)

    @mutation(LoggedIn, description="The review's author")
    def update_review(self, info: Info, id: strawberry.ID, input: ReviewUpdateInput) -> ReviewPayload:
        review = services.review_update(
            user=info.context.request.user,
            review_id=decode_id(id, "Review", field="id"),
            rating=input.rating,
            comment=input.comment,
        )
        return ReviewPayload(review=review)

    @mutation(LoggedIn, description="The review's author, or an ADMIN")
    def delete_review(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.review_delete(user=info.context.request.user, review_id=decode_id(id, "Review", field="id"))
        return DeletePayload(deleted=True)
