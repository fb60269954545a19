"""A product's variants and the totals the product keeps of them.

Every product sells through its variants (models.ProductVariant). A product's `price`,
`max_price` and `stock_quantity` are the lowest and highest price of its active variants and their
total stock (capped at MAX_STOCK), kept by `product_totals_refresh` in the transaction of every
change to the variants, so the catalogue filters and sorts on the product's own indexed columns
and a list never recomputes them. A product whose variants are all inactive keeps the price range
of all of them and a stock of 0.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.aggregates import Max, Min
from django.db.models.functions import Coalesce, Least

from .models import MAX_STOCK, Product, ProductVariant
from .selectors import on_sale


def variant_on_sale(path: str = "") -> Q:
    """The one rule of which variants can be bought: active, of a product on sale (selectors.on_sale).
    `path` leads to a variant from another model (e.g. "items__variant__" from a cart)."""
    return Q(**{f"{path}is_active": True}) & on_sale(f"{path}product__")


def default_variant_create(product: Product) -> ProductVariant:
    """The one variant of a product without options: the product's price and stock, no SKU."""
    return ProductVariant.objects.create(
        product=product,
        store_id=product.store_id,
        price=product.price,
        stock_quantity=product.stock_quantity,
        is_default=True,
    )


def _variants_of_product(*, active_only: bool):
    variants = ProductVariant.objects.filter(product_id=OuterRef("pk"))
    if active_only:
        variants = variants.filter(is_active=True)
    # One group per product: values("product_id") before the aggregate.
    return variants.order_by().values("product_id")


def _aggregate(function, field: str, *, active_only: bool, output_field=None):
    rows = _variants_of_product(active_only=active_only).annotate(result=function(field))
    return Subquery(rows.values("result")[:1], output_field=output_field)


def product_totals_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute the products' price range and total stock from their variants: one UPDATE,
    inside the caller's transaction (whoever changed the variants)."""
    product_ids = set(product_ids)
    if not product_ids:
        return
    Product.objects.filter(pk__in=product_ids).update(
        price=Coalesce(
            _aggregate(Min, "price", active_only=True), _aggregate(Min, "price", active_only=False)
        ),
        max_price=Coalesce(
            _aggregate(Max, "price", active_only=True), _aggregate(Max, "price", active_only=False)
        ),
        stock_quantity=Least(
            Coalesce(
                _aggregate(Sum, "stock_quantity", active_only=True, output_field=IntegerField()),
                Value(0),
            ),
            Value(MAX_STOCK),
        ),
    )
