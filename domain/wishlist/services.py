"""Wishlist writes: at most 100 items, one per product."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from domain.accounts.models import User
from domain.catalog.selectors import product_list_public
from domain.errors import InvalidInput, NotFound

from .models import WishlistItem
from .selectors import wishlist_for_user

WISHLIST_MAX_ITEMS = 100


@transaction.atomic
def wishlist_add(*, user: User, product_id: int) -> None:
    """Add a product on sale; adding it twice keeps one item."""
    product = product_list_public().filter(pk=product_id).first()
    if product is None:
        raise NotFound(gettext("No product with this id."), field="product_id")
    # Lock the user's row so that two adds cannot both pass the size check.
    type(user).objects.select_for_update().filter(pk=user.pk).only("pk").get()
    if WishlistItem.objects.filter(user=user, product=product).exists():
        return
    # Items of deleted products are hidden from the user, so they do not count either.
    if wishlist_for_user(user=user).count() >= WISHLIST_MAX_ITEMS:
        raise InvalidInput(
            gettext("A wishlist holds at most %(max_items)s items.") % {"max_items": WISHLIST_MAX_ITEMS},
            field="product_id",
        )
    WishlistItem.objects.create(user=user, product=product)


def wishlist_remove(*, user: User, product_id: int) -> None:
    """Remove the product; removing one that is not there changes nothing."""
    WishlistItem.objects.filter(user=user, product_id=product_id).delete()
