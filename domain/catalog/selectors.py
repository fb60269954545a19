"""Catalogue reads: who sees which products and categories.

Which products a caller sees is decided in one place, `product_filter_visible`: the catalogue
(products on sale) for everyone, and a seller's own hidden products for that seller; a deleted
product for nobody. Every read of products for the API asks it (the GraphQL fields, the store's
nested list included); references from carts, orders or reviews resolve elsewhere, unfiltered.
"""

from __future__ import annotations

import enum
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from .models import Category, Product, ProductVariant, VariantOptionValue, not_deleted
from .search import search_filter, search_normalize


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
    options: list[tuple[str, str]] | None = None,
    sort: ProductSort = ProductSort.NEWEST,
) -> QuerySet[Product]:
    """The public catalogue, filtered and sorted; a filter left as None does not apply.

    `search` matches products whose name, description or category name contain every word of
    it, whatever the case and accents; it is plain text (no operators, no wildcards).

    The other filters are about variants: a product matches when one of its active variants has
    every option value of `options` (name and value, any case and accents), is in stock (or out of
    it) as `in_stock` says, and has its price in [min_price, max_price], the same variant for all.
    A product without options has one variant with its price and stock: for it these are the
    filters on its price and stock they always were.
    """
    products = product_list_public()
    products = search_filter(products, search or "")
    if category_slug is not None:
        products = products.filter(category__slug=category_slug)
    if store_slug is not None:
        products = products.filter(store__slug=store_slug)
    products = products.filter(_variant_filters(min_price, max_price, in_stock, options or []))
    return products.order_by(*SORT_ORDER[sort])


def _variant_filters(
    min_price: Decimal | None,
    max_price: Decimal | None,
    in_stock: bool | None,
    options: list[tuple[str, str]],
) -> Q:
    """product_search's variant filters, on the product's own columns where they decide alone: its
    price range (the lowest and highest price of its active variants) and total stock. Only
    options, or a price range a product's variants straddle, ask its variants (an EXISTS)."""
    in_range = Q()
    if min_price is not None:
        in_range &= Q(price__gte=min_price)
    if max_price is not None:
        in_range &= Q(price__lte=max_price)
    variants = ProductVariant.objects.filter(product_id=OuterRef("pk"), is_active=True)
    if min_price is not None:
        variants = variants.filter(price__gte=min_price)
    if max_price is not None:
        variants = variants.filter(price__lte=max_price)
    if options:
        for name, value in options:
            variants = variants.filter(
                Exists(
                    VariantOptionValue.objects.filter(
                        variant_id=OuterRef("pk"),
                        option__key=search_normalize(name),
                        value__key=search_normalize(value),
                    )
                )
            )
    elif in_stock is None or not in_range:
        # No option: the product's columns decide: a single price is every active variant's.
        stock = Q() if in_stock is None else Q(in_stock=in_stock)
        if not in_range:
            return stock
        return stock & (
            (Q(max_price=F("price")) & in_range) | (Q(max_price__gt=F("price")) & Exists(variants))
        )
    if in_stock is not None:
        variants = variants.filter(in_stock=in_stock)
    # Columns that must hold for such a variant to exist narrow the rows first (indexed).
    narrow = Q()
    if in_stock:
        narrow &= Q(in_stock=True)
    if min_price is not None:
        narrow &= Q(max_price__gte=min_price)
    if max_price is not None:
        narrow &= Q(price__lte=max_price)
    return narrow & Exists(variants)


def variant_filter_visible(variants: QuerySet[ProductVariant], *, viewer=None) -> QuerySet[ProductVariant]:
    """Which of a product's variants a caller sees: the active ones, and all of them for the seller
    who owns the product. (Whether the product itself is seen is product_filter_visible's.)"""
    visible = Q(is_active=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(product__store__seller_id=viewer.pk)
    return variants.filter(visible)


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
