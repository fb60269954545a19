"""Review reads."""

from django.db.models import QuerySet

from .models import Review


def review_list_for_product(*, product_id: int) -> QuerySet[Review]:
    """A product's reviews, newest first. Reviews are public."""
    return Review.objects.filter(product_id=product_id).order_by("-created_at", "-id")
