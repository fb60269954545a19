"""Catalogue reads: who sees which products and categories."""

from django.db.models import QuerySet

from .models import Category, Product


def product_list_public() -> QuerySet[Product]:
    """What the catalogue shows: active, not deleted products of active stores."""
    return Product.objects.filter(is_active=True, deleted_at__isnull=True, store__is_active=True)


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name", "id")
