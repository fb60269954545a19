"""Wishlist reads."""

from django.db.models import QuerySet

from .models import WishlistItem


def wishlist_for_user(*, user) -> QuerySet[WishlistItem]:
    """The user's wishlist, newest first; deleted products are gone from it."""
    return WishlistItem.objects.filter(user=user, product__deleted_at__isnull=True).order_by(
        "-added_at", "-id"
    )
