"""Stock moves: the one place that locks variants and changes their stock.

A buyer buys a variant (domain/catalog/models.ProductVariant); its product keeps the total of its
variants' stock (domain/catalog/variants.product_totals_refresh), recomputed here in the same
transaction. Rows are locked with SELECT ... FOR NO KEY UPDATE in a fixed order, in one statement:
the products in primary-key order, each before its own variants (in primary-key order), so two
transactions holding the same rows in another order wait for each other instead of deadlocking,
and a seller's change to a product (which locks the product first too) queues with them. Only those rows are locked (not
their stores: buyers of one store do not queue on it). Counters move with F() expressions in one
UPDATE.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Case, F, When
from django.db.models.functions import Least

from domain.catalog.models import MAX_STOCK, ProductVariant
from domain.catalog.selectors import on_sale
from domain.catalog.variants import product_totals_refresh
from domain.catalog.versions import catalog_changed
from domain.live import product_availability_changed

# What checkout reads of the rows it locks (its snapshots, the shortages' messages, the split by store).
VARIANT_FIELDS = ("product", "name", "sku", "price", "stock_quantity", "is_active", "is_default")
PRODUCT_FIELDS = ("store", "category", "name", "is_active", "deleted_at")


class StockLine(NamedTuple):
    """Units of one variant (of its product): a cart's or an order's line, or a values_list row of
    them with these three names."""

    product_id: int
    variant_id: int
    quantity: int


def stock_lock(*, lines: Iterable[StockLine]) -> dict[int, ProductVariant]:
    """Lock the lines' products and their variants in one statement: rows in (product, variant)
    order, each product locked before its variants (FOR NO KEY UPDATE OF product, variant, in that
    order: PostgreSQL locks a row's tables in the OF list's order). Every other locker also takes a
    product before its variants and products ascending, so none of them deadlocks with this one.
    Returns the variants found (a deleted one is missing), each with its locked `product` and
    `sellable`: the variant is active and its product on sale (the catalogue's ON_SALE)."""
    lines = list(lines)
    if not lines:
        return {}
    variants = (
        ProductVariant.objects.select_for_update(of=("product", "self"), no_key=True)
        .select_related("product")
        .filter(
            pk__in={line.variant_id for line in lines}, product_id__in={line.product_id for line in lines}
        )
        .annotate(product_sellable=on_sale("product__"))
        .only(*VARIANT_FIELDS, *(f"product__{name}" for name in PRODUCT_FIELDS))
        .order_by("product_id", "pk")
    )
    locked = {}
    for variant in variants:
        variant.product.sellable = variant.product_sellable
        variant.sellable = variant.is_active and variant.product_sellable
        locked[variant.pk] = variant
    return locked


def stock_take(*, lines: Iterable[StockLine]) -> None:
    """Take the lines' units from their locked variants (stock_lock); the caller has checked that
    the stock suffices."""
    _stock_move(lines, sign=-1)


def stock_return(*, lines: Iterable[StockLine]) -> None:
    """Give stock back (a cancelled or expired order), locking the rows first. The stock is clamped
    at MAX_STOCK (the column's limit): a seller who raised it to the maximum meanwhile keeps the
    maximum, and the cancellation never fails on the column's bound."""
    lines = list(lines)
    if lines:
        stock_lock(lines=lines)
    _stock_move(lines, sign=1)


def _stock_move(lines: Iterable[StockLine], *, sign: int) -> None:
    quantities: dict[int, int] = defaultdict(int)
    product_ids = set()
    for line in lines:
        quantities[line.variant_id] += line.quantity
        product_ids.add(line.product_id)
    if not quantities:
        return
    if sign > 0:  # least(stock, MAX - q) + q: never past MAX_STOCK, and no sum that overflows first
        moved = Case(
            *(When(pk=pk, then=Least(F("stock_quantity"), MAX_STOCK - q) + q) for pk, q in quantities.items())
        )
    else:
        moved = F("stock_quantity") - Case(*(When(pk=pk, then=q) for pk, q in quantities.items()))
    ProductVariant.objects.filter(pk__in=quantities).update(stock_quantity=moved)
    # The products' totals follow in the same transaction: their price range and total stock.
    product_totals_refresh(product_ids=product_ids)
    # QuerySet.update sends no signal: the response cache learns of the move here, after the commit.
    catalog_changed(product_ids=product_ids)
    product_availability_changed(product_ids=product_ids)  # subscribers of productAvailability
