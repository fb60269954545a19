"""Stock moves: the one place that locks products and changes their stock.

Rows are locked with SELECT ... FOR NO KEY UPDATE in primary-key order, so two transactions
holding the same products in another order wait for each other instead of deadlocking, and only
the product rows are locked (not their stores: buyers of one store do not queue on it). Counters
move with F() expressions in one UPDATE.
"""

from __future__ import annotations

from django.db.models import Case, F, When

from domain.catalog.models import Product
from domain.catalog.selectors import ON_SALE
from domain.catalog.versions import catalog_changed


def stock_lock(*, product_ids) -> dict[int, Product]:
    """Lock the products, in pk order; each carries `on_sale` (the catalogue's rule)."""
    products = (
        Product.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=set(product_ids))
        .annotate(on_sale=ON_SALE)
        .only("pk", "store_id", "name", "price", "stock_quantity", "is_active", "deleted_at")
        .order_by("pk")
    )
    return {product.pk: product for product in products}


def stock_take(*, quantities: dict[int, int]) -> None:
    """Decrement locked products' stock; the caller has checked it suffices."""
    _stock_move(quantities, sign=-1)


def stock_return(*, quantities: dict[int, int]) -> None:
    """Give stock back (a cancelled or expired order), locking the products first."""
    if quantities:
        stock_lock(product_ids=quantities)
    _stock_move(quantities, sign=1)


def _stock_move(quantities: dict[int, int], *, sign: int) -> None:
    if not quantities:
        return
    delta = Case(*(When(pk=pk, then=sign * quantity) for pk, quantity in quantities.items()))
    Product.objects.filter(pk__in=quantities).update(stock_quantity=F("stock_quantity") + delta)
    # QuerySet.update sends no signal: the response cache learns of the move here, after the commit.
    catalog_changed(product_ids=quantities)
