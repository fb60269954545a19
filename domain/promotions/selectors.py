"""Promotion reads, scoped to the caller: a seller's sales and coupons, the platform's for admins."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Coupon, Sale

# The most a seller's (or the admin's) list of sales or coupons answers, the latest first.
LIST_MAX = 100


def sale_list_for_seller(*, seller) -> QuerySet[Sale]:
    return Sale.objects.filter(store__seller_id=seller.pk).order_by("-starts_at", "-id")


def sale_by_pk(*, pk: int) -> QuerySet[Sale]:
    return Sale.objects.filter(pk=pk)


def coupon_list_for_issuer(*, issuer) -> QuerySet[Coupon]:
    """A seller's store's coupons; an admin's: the platform's."""
    if issuer.is_marketplace_admin:
        return Coupon.objects.filter(store__isnull=True).order_by("-created_at", "-id")
    return Coupon.objects.filter(store__seller_id=issuer.pk).order_by("-created_at", "-id")


def coupon_by_pk(*, pk: int) -> QuerySet[Coupon]:
    return Coupon.objects.filter(pk=pk)
