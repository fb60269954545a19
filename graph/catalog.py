"""Catalogue: categories and products."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay

from domain.catalog import models, selectors
from domain.reviews.models import Review as ReviewModel

from .common import Connection, media_url
from .permissions import Public, allow

if TYPE_CHECKING:
    from .accounts import Store
    from .reviews import Review


@strawberry_django.type(models.Category, name="Category")
class Category(relay.Node):
    name: str
    slug: str
    description: str


@strawberry_django.type(models.Product, name="Product")
class Product(relay.Node):
    name: str
    slug: str
    description: str
    price: Decimal
    stock_quantity: int
    in_stock: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime
    store: Annotated[Store, strawberry.lazy("graph.accounts")]
    category: Category

    @strawberry_django.field(only=["image"])
    def image_url(self, info: Info) -> str | None:
        return media_url(info, self.image)

    @strawberry_django.field(only=["thumbnail"])
    def thumbnail_url(self, info: Info) -> str | None:
        return media_url(info, self.thumbnail)

    @strawberry_django.field(only=["rating_average"], description="Null while the product has no review.")
    def average_rating(self) -> float | None:
        return None if self.rating_average is None else float(self.rating_average)

    @strawberry_django.field(only=["rating_count"])
    def review_count(self) -> int:
        return self.rating_count

    @strawberry_django.field(
        only=["id"],
        description="The logged-in user's review of this product; null when anonymous or not reviewed yet.",
    )
    def my_review(self, info: Info) -> Annotated[Review, strawberry.lazy("graph.reviews")] | None:
        user = info.context.request.user
        if not user.is_authenticated:
            return None
        return ReviewModel.objects.filter(product_id=self.pk, user=user).first()

    @strawberry_django.connection(Connection[Annotated["Review", strawberry.lazy("graph.reviews")]])
    def reviews(self, info: Info) -> QuerySet[ReviewModel]:
        """The product's reviews, newest first."""
        return (
            ReviewModel.objects.filter(product_id=self.pk)
            .select_related("user")
            .order_by("-created_at", "-id")
        )


@strawberry.type
class Query:
    @strawberry_django.field(extensions=allow(Public))
    def categories(self, info: Info) -> list[Category]:
        return selectors.category_list()
