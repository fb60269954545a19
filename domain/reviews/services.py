"""Review writes. Only buyers who received a product review it, once; the product's rating
aggregate is recomputed in the same transaction as the change."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext

from domain.accounts.models import User
from domain.catalog.models import Product
from domain.catalog.versions import catalog_changed
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    DomainError,
    InvalidInput,
    NotEligible,
    NotFound,
    collect,
)
from domain.money import money_round
from domain.orders.models import OrderItem, OrderStatus
from domain.text import text_error

from .models import Review

COMMENT_MAX_LENGTH = 2000


def _check_rating(rating: int | None) -> InvalidInput | None:
    if rating is None or not 1 <= rating <= 5:
        return InvalidInput(gettext("Rating must be a whole number from 1 to 5."), field="rating")
    return None


def _check_comment(comment: str | None) -> DomainError | None:
    return text_error(
        comment, field="comment", label=gettext("Comment"), max_length=COMMENT_MAX_LENGTH, required=False
    )


def product_rating_refresh(*, product: Product) -> None:
    """Recompute the product's rating average and count from its reviews, on its locked row
    and on the instance given."""
    Product.objects.select_for_update().filter(pk=product.pk).only("pk").get()
    stats = Review.objects.filter(product_id=product.pk).aggregate(average=Avg("rating"), count=Count("id"))
    average = stats["average"]
    if average is not None:
        average = money_round(Decimal(str(average)))  # two decimals, half up, as amounts are
    Product.objects.filter(pk=product.pk).update(rating_average=average, rating_count=stats["count"])
    product.rating_average, product.rating_count = average, stats["count"]
    catalog_changed(product_ids=[product.pk])


def review_create(*, user: User, product_id: int, rating: int, comment: str | None = None) -> Review:
    """A buyer with a DELIVERED order holding the product reviews it once."""
    collect(_check_rating(rating), _check_comment(comment))
    product = Product.objects.not_deleted().filter(pk=product_id).first()
    if product is None:
        raise NotFound(gettext("No product with this id."), field="product_id")
    if not user.is_buyer:
        raise NotEligible(gettext("Only buyers review products."), field="product_id")
    delivered = OrderItem.objects.filter(
        order__buyer=user, order__status=OrderStatus.DELIVERED, product_id=product.pk
    ).exists()
    if not delivered:
        raise NotEligible(
            gettext("You can review a product once an order containing it has been delivered."),
            field="product_id",
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product, user=user, rating=rating, comment=(comment or "").strip()
            )
            product_rating_refresh(product=product)
    except IntegrityError as error:
        if Review.objects.filter(product=product, user=user).exists():
            raise AlreadyExists(
                gettext("You have already reviewed this product."), field="product_id"
            ) from error
        raise
    return review


def _review_for_change(*, review_id: int, user: User, admin_may: bool) -> Review:
    review = Review.objects.select_related("user", "product").filter(pk=review_id).first()
    if review is None:
        raise NotFound(gettext("No review with this id."), field="id")
    if review.user_id != user.pk and not (admin_may and user.is_marketplace_admin):
        raise AccessDenied(gettext("Only the review's author can change it."))
    return review


@transaction.atomic
def review_update(
    *, user: User, review_id: int, rating: int | None = None, comment: str | None = None
) -> Review:
    """The author changes the rating or comment; a field left out is unchanged."""
    review = _review_for_change(review_id=review_id, user=user, admin_may=False)
    collect(_check_rating(rating) if rating is not None else None, _check_comment(comment))
    if rating is not None:
        review.rating = rating
    if comment is not None:
        review.comment = comment.strip()
    review.save(update_fields=["rating", "comment", "updated_at"])
    product_rating_refresh(product=review.product)
    return review


@transaction.atomic
def review_delete(*, user: User, review_id: int) -> None:
    """The author or an admin deletes a review."""
    review = _review_for_change(review_id=review_id, user=user, admin_may=True)
    review.delete()
    product_rating_refresh(product=review.product)
