"""Stock moves: the one place that locks products and changes their stock.

Rows are locked with SELECT ... FOR NO KEY UPDATE in primary-key order, so two transactions
holding the same products in another order wait for each other instead of deadlocking, and only
the product rows are locked (not their stores: buyers of one store do not queue on it). Counters
move with F() expressions in one UPDATE.
"""

from __future__ import annotations

from django.db.models import Case, F, When
from django.db.models.functions import Least

from domain.catalog.models import MAX_STOCK, Product
from domain.catalog.selectors import ON_SALE
from domain.catalog.versions import catalog_changed
from domain.live import product_availability_changed


def stock_lock(*, product_ids) -> dict[int, Product]:
    """Lock the products, in pk order; each carries `sellable` (the catalogue's ON_SALE)."""
    products = (
        Product.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=set(product_ids))
        .annotate(sellable=ON_SALE)
        .only("pk", "store_id", "category_id", "name", "price", "stock_quantity", "is_active", "deleted_at")
        .order_by("pk")
    )
    return {product.pk: product for product in products}


def stock_take(*, quantities: dict[int, int]) -> None:
    """Decrement locked products' stock; the caller has checked it suffices."""
    _stock_move(quantities, sign=-1)


def stock_return(*, quantities: dict[int, int]) -> None:
    """Give stock back (a cancelled or expired order), locking the products first. The stock is
    clamped at MAX_STOCK (the column's limit): a seller who raised it to the maximum meanwhile
    keeps the maximum, and the cancellation never fails on the column's bound."""
    if quantities:
        stock_lock(product_ids=quantities)
    _stock_move(quantities, sign=1)


def _stock_move(quantities: dict[int, int], *, sign: int) -> None:
    if not quantities:
        return
    if sign > 0:  # least(stock, MAX - q) + q: never past MAX_STOCK, and no sum that overflows first
        moved = Case(
            *(When(pk=pk, then=Least(F("stock_quantity"), MAX_STOCK - q) + q) for pk, q in quantities.items())
        )
    else:
        moved = F("stock_quantity") - Case(*(When(pk=pk, then=q) for pk, q in quantities.items()))
    Product.objects.filter(pk__in=quantities).update(stock_quantity=moved)
    # QuerySet.update sends no signal: the response cache learns of the move here, after the commit.
    catalog_changed(product_ids=quantities)
    product_availability_changed(product_ids=quantities)  # subscribers of productAvailability
