"""Catalogue reads: who sees which products and categories.

Which products a caller sees is decided in one place, `product_filter_visible`: the catalogue
(products on sale) for everyone, and a seller's own hidden products for that seller; a deleted
product for nobody. Every read of products for the API asks it (the GraphQL fields, the store's
nested list included); references from carts, orders or reviews resolve elsewhere, unfiltered.
"""

from __future__ import annotations

import enum
import functools
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.db.models.lookups import IsNull

from domain.accounts.models import Store

from .models import Category, Product, ProductVariant, VariantOptionValue, not_deleted
from .search import search_filter, search_normalize, search_words


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
    filters = (category_slug, store_slug, min_price, max_price, in_stock, tuple(map(tuple, options or ())))
    if not product_search_reads_rows(search):
        if _short(category_slug, store_slug, *(text for option in filters[-1] for text in option)):
            # A queryset is lazy and these filters read nothing: the same arguments build the same
            # query, built once (a clone each time: a caller's evaluation fills only its own).
            return _catalogue_sorted(*filters, sort).all()
        return _catalogue(*filters).order_by(*SORT_ORDER[sort])
    # Last: on PostgreSQL the search reads the ids of what every other filter leaves.
    return search_filter(_catalogue(*filters), search).order_by(*SORT_ORDER[sort])


def product_search_reads_rows(search: str | None) -> bool:
    """Whether product_search's queryset depends on the rows as well as on its arguments: a search
    with words reads the ids it matches first (search.search_filter), which its SQL then holds."""
    return bool(search_words(search or ""))


# The longest text an argument of a query built once may hold: no slug or option is longer, and a
# stranger's longer text is not kept (it matches nothing; its query is built for its request only).
_KEPT_TEXT_MAX = 255


def _short(*texts: str | None) -> bool:
    return all(text is None or len(text) <= _KEPT_TEXT_MAX for text in texts)


@functools.lru_cache(maxsize=256)
def _catalogue_sorted(*filters_and_sort) -> QuerySet[Product]:
    *filters, sort = filters_and_sort
    return _catalogue(*filters).order_by(*SORT_ORDER[sort])


def _catalogue(
    category_slug: str | None,
    store_slug: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
    in_stock: bool | None,
    options: tuple[tuple[str, str], ...],
) -> QuerySet[Product]:
    """product_search's filters but the words."""
    products = product_list_public()
    # A slug names its row's id through a scalar subquery (no join, no query more): the planner
    # then walks the category's or store's own index in the list's order (catalog 0007).
    if category_slug is not None:
        products = products.filter(category_id=_id_of(Category.objects.filter(slug=category_slug)))
    if store_slug is not None:
        products = products.filter(store_id=_id_of(Store.objects.filter(slug=store_slug)))
    return products.filter(_variant_filters(min_price, max_price, in_stock, list(options)))


def _id_of(rows: QuerySet) -> Subquery:
    """The id of the one row of `rows` (or NULL, which matches nothing), as a scalar subquery."""
    return Subquery(rows.order_by().values("pk")[:1])


def _variant_filters(
    min_price: Decimal | None,
    max_price: Decimal | None,
    in_stock: bool | None,
    options: list[tuple[str, str]],
) -> Q:
    """product_search's variant filters, on the product's own columns where they decide alone: its
    price range (the lowest and highest price of its active variants) and total stock. Only
    options, or a price range a product's variants straddle, ask its variants."""
    variants = ProductVariant.objects.filter(product_id=OuterRef("pk"), is_active=True)
    if min_price is not None:
        variants = variants.filter(price__gte=min_price)
    if max_price is not None:
        variants = variants.filter(price__lte=max_price)
    # What a product's own columns must hold for such a variant to exist (its price is its cheapest
    # active variant's, max_price its dearest's): narrows the rows first, an index condition of the
    # price indexes (catalog 0007).
    narrow = Q()
    if in_stock:
        narrow &= Q(in_stock=True)
    if min_price is not None:
        narrow &= Q(max_price__gte=min_price)
    if max_price is not None:
        narrow &= Q(price__lte=max_price)
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
    elif in_stock is None or (min_price is None and max_price is None):
        # No option: the product's columns decide, but for a range its variants straddle.
        stock = Q() if in_stock is None else Q(in_stock=in_stock)
        if min_price is None and max_price is None:
            return stock
        if min_price is None or max_price is None:
            # One bound: the cheapest variant is under it (price <= max) or the dearest over it.
            return stock & narrow
        # Both: the cheapest variant is in the range (price >= min, price <= max being narrow's) or
        # the dearest is; else the variants straddle both ends and are asked, one index probe
        # (variant_price_idx): a scalar subquery, which the OR skips for the others, rather than
        # an EXISTS, which under OR the planner hashed by reading the whole variants table.
        straddling = IsNull(Subquery(variants.order_by().values("pk")[:1]), False)
        return stock & narrow & (Q(price__gte=min_price) | Q(max_price__lte=max_price) | Q(straddling))
    if in_stock is not None:
        variants = variants.filter(in_stock=in_stock)
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
    # The store's id as a scalar subquery, not a join on its seller_id: the planner walks the
    # store's index newest first (product_store_newest_idx) instead of sorting all its products.
    own = Product.objects.filter(store_id=_id_of(Store.objects.filter(seller_id=seller.pk)))
    return product_filter_visible(own, viewer=seller).order_by(*SORT_ORDER[ProductSort.NEWEST])


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name", "id")


def category_by_slug(*, slug: str) -> QuerySet[Category]:
    return Category.objects.filter(slug=slug)
