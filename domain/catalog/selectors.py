"""Catalogue reads: who sees which products and categories.

Which products a caller sees is decided in one place, `product_filter_visible`: the catalogue
(products on sale) for everyone, and a seller's own hidden products for that seller; a deleted
product for nobody. Every read of products for the API asks it (the GraphQL fields, the store's
nested list included); references from carts, orders or reviews resolve elsewhere, unfiltered.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

from .models import Category, Product, not_deleted
from .search import search_words


class ProductSort(enum.Enum):
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME = "NAME"
    RATING = "RATING"


# Every order ends with the primary key, so equal values keep one order and pages stay stable.
SORT_ORDER = {
    ProductSort.NEWEST: ("-created_at", "-id"),
    ProductSort.PRICE_ASC: ("price", "id"),
    ProductSort.PRICE_DESC: ("-price", "-id"),
    ProductSort.NAME: (Lower("name").asc(), "id"),
    ProductSort.RATING: (F("rating_average").desc(nulls_last=True), "-rating_count", "-id"),
}


def on_sale(path: str = "") -> Q:
    """The one rule of which products are on sale (buyable, and shown to everyone): active, not
    deleted, of an active store. `path` leads to a product from another model (e.g.
    "items__product__" from a cart)."""
    return not_deleted(path) & Q(**{f"{path}is_active": True, f"{path}store__is_active": True})


ON_SALE = on_sale()


def product_filter_visible(products: QuerySet[Product], *, viewer=None) -> QuerySet[Product]:
    """The one rule of which of `products` a caller sees. Everyone: those on sale. The seller who
    owns a product, given as `viewer`: also while it is hidden or its store deactivated. Nobody:
    a deleted product. Lists the same for every caller (the catalogue, a store's products) pass no
    viewer; `products` may be built elsewhere (a store's products that the optimizer prefetches)."""
    visible = ON_SALE
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(store__seller_id=viewer.pk) & not_deleted()
    return products.filter(visible)


def product_unless_deleted(product: Product | None) -> Product | None:
    """A reference that stops showing its product once deleted (an order line's: the line keeps
    its own snapshot of name and price). Other references (cart lines, reviews) show it still."""
    return None if product is None or product.is_deleted else product


def product_list_public() -> QuerySet[Product]:
    """What the catalogue shows: the products on sale."""
    return product_filter_visible(Product.objects.all())


def product_search(
    *,
    search: str | None = None,
    category_slug: str | None = None,
    store_slug: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    in_stock: bool | None = None,
    sort: ProductSort = ProductSort.NEWEST,
) -> QuerySet[Product]:
    """The public catalogue, filtered and sorted; a filter left as None does not apply.

    `search` matches products whose name, description or category name contain every word of
    it, whatever the case and accents; it is plain text (no operators, no wildcards).
    """
    products = product_list_public()
    for word in search_words(search or ""):
        products = products.filter(search_text__contains=word)
    if category_slug is not None:
        products = products.filter(category__slug=category_slug)
    if store_slug is not None:
        products = products.filter(store__slug=store_slug)
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    if in_stock is not None:
        products = products.filter(in_stock=in_stock)
    return products.order_by(*SORT_ORDER[sort])


def product_by_slug(*, slug: str, user) -> QuerySet[Product]:
    """The product with this slug if the user may see it (on sale, or their own): a queryset of at
    most one row, so the caller can optimize it."""
    return product_filter_visible(Product.objects.filter(slug=slug), viewer=user)


def product_list_for_seller(*, seller) -> QuerySet[Product]:
    """Every product of the seller's own store that they see (hidden ones too), newest first.
    A seller without a store has none."""
    own = Product.objects.filter(store__seller_id=seller.pk)
    return product_filter_visible(own, viewer=seller).order_by(*SORT_ORDER[ProductSort.NEWEST])


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name", "id")


def category_by_slug(*, slug: str) -> QuerySet[Category]:
    return Category.objects.filter(slug=slug)
