"""Wishlist reads."""

from collections.abc import Iterable

from django.db.models import QuerySet

from domain.catalog.models import not_deleted

from .models import WishlistItem


def wishlist_for_user(*, user) -> QuerySet[WishlistItem]:
    """The user's wishlist, newest first; deleted products are gone from it."""
    return WishlistItem.objects.filter(not_deleted("product__"), user=user).order_by("-added_at", "-id")


def wishlist_product_ids_for_user(*, user, product_ids: Iterable[int]) -> set[int]:
    """Which of these products are in the user's wishlist, by the rule of `wishlist_for_user`
    (items of deleted products are gone); none for an anonymous user (and then no query)."""
    if not user.is_authenticated:
        return set()
    items = wishlist_for_user(user=user).filter(product_id__in=product_ids).order_by()
    return set(items.values_list("product_id", flat=True))
