"""Sales: a seller's new prices for a window of time, moved onto the variants at its boundaries.

A sale's start writes the sale price into each of its variants' `price` (the old price going to
`compare_at_price`) and its end puts them back, each in one transaction with the products and
variants locked in the checkout's order (products by pk, then variants by pk) and the products'
price range refreshed (catalog/variants.product_totals_refresh). So every reader (listings, price
filters and sorting on their indexed columns, the cart, the delivery quote, the checkout's locked
variants) sees the price of the moment, with nothing to compute per line.

No worker is needed: the earliest boundary still to come is kept in the cache (NEXT_BOUNDARY,
recomputed whenever sales change or a boundary is applied), and every GraphQL request, queries and
mutations (addToCart, checkout) alike, asks `sale_boundaries_catch_up()` first
(graph/response_cache.plan_for): a request at or after that instant applies what is due before it
reads, so no reader sees a window late. A cache that lost the value (evicted, flushed, a new Redis)
or is down has it recomputed from the database in one query, so a lost value never keeps a sale
from starting or ending; beat runs sale_boundaries_apply every SALE_BOUNDARY_INTERVAL seconds as a
second backstop (tasks.py). Applying is idempotent: each sale moves SCHEDULED -> RUNNING -> ENDED on
its locked row, so two requests that race apply it once.

A variant is in one open sale at a time (scheduled or running): a second is refused. At the end,
a price the seller changed during the sale is kept (only the compare-at price is put back).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.models import Store, User
from domain.catalog.models import Product, ProductVariant, not_deleted
from domain.catalog.variants import product_totals_refresh
from domain.catalog.versions import catalog_changed
from domain.errors import AccessDenied, BusinessForbidden, InUse, InvalidInput, NotFound, Required, collect
from domain.money import HUNDRED, AmountFault, amount_fault, money_round, percentage
from domain.text import name_error

from .models import DiscountKind, Sale, SaleItem, SaleState

logger = logging.getLogger("kitanda.promotions")

NEXT_BOUNDARY = "promotions:next-sale-boundary"
# The value kept when no sale is open: a boundary that never comes.
NO_BOUNDARY = 0
MAX_SALE_VARIANTS = 500
SALE_NAME_MAX = Sale._meta.get_field("name").max_length


# ---------------------------------------------------------------- the seller's writes


def sale_schedule(
    *,
    seller: User,
    name: str,
    kind: str,
    value: Decimal,
    starts_at: datetime,
    ends_at: datetime,
    product_ids: list[int] | None = None,
    variant_ids: list[int] | None = None,
) -> Sale:
    """A seller schedules a sale on products of their store (all their variants) or on variants:
    a percentage off (above 0, below 100) or a new price (AMOUNT: the variant's price during the
    window, which must be lower than its price). The window ends after it starts, and in the
    future; a start in the past starts it now. A variant already in an open sale is refused (IN_USE)."""
    store = _seller_store(seller)
    name = (name or "").strip()
    now = timezone.now()
    collect(
        name_error(name, field="name", label=gettext("The sale's name"), max_length=SALE_NAME_MAX),
        _value_error(kind, value),
        _window_error(starts_at, ends_at, now=now),
        _targets_error(product_ids, variant_ids),
    )
    with transaction.atomic():
        variants = _store_variants(store, product_ids or [], variant_ids or [])
        if kind == DiscountKind.AMOUNT:
            above = [variant for variant in variants if variant.price <= value]
            if above:
                raise InvalidInput(
                    gettext("The sale price must be lower than the price of every variant in the sale."),
                    field="value",
                )
        taken = set(
            SaleItem.objects.filter(
                open=True, variant_id__in=[variant.pk for variant in variants]
            ).values_list("variant_id", flat=True)
        )
        if taken:
            raise InUse(gettext("A product in this sale is already in another sale."), field="product_ids")
        sale = Sale.objects.create(
            store=store, name=name, kind=kind, value=value, starts_at=max(starts_at, now), ends_at=ends_at
        )
        try:
            with transaction.atomic():
                SaleItem.objects.bulk_create(
                    [
                        SaleItem(sale=sale, variant=variant, product_id=variant.product_id)
                        for variant in variants
                    ]
                )
        except IntegrityError as error:  # a racing sale took one of them first
            raise InUse(
                gettext("A product in this sale is already in another sale."), field="product_ids"
            ) from error
    if sale.starts_at <= now:
        sale_boundaries_apply(now=now)  # a sale that starts now starts before the answer
        sale.refresh_from_db()
    else:
        next_boundary_refresh()
    return sale


def sale_cancel(*, seller: User, sale_id: int) -> Sale:
    """The seller ends a sale now: a running sale's prices are put back at once; a scheduled one
    never starts. An ended or cancelled sale is refused."""
    store = _seller_store(seller)
    with transaction.atomic():
        sale = Sale.objects.select_for_update().filter(pk=sale_id, store=store).first()
        if sale is None:
            raise NotFound(gettext("No sale of your store with this id."), field="sale_id")
        if sale.state in (SaleState.ENDED, SaleState.CANCELLED):
            raise InvalidInput(gettext("This sale is over already."), field="sale_id")
        if sale.state == SaleState.RUNNING:
            _sale_end(sale)
        SaleItem.objects.filter(sale=sale).update(open=False)
        sale.state = SaleState.CANCELLED
        sale.save(update_fields=["state", "updated_at"])
    next_boundary_refresh()
    return sale


def _seller_store(seller: User) -> Store:
    if not seller.can_sell:
        raise AccessDenied(gettext("Only sellers approved by an admin can run sales."))
    store = Store.objects.filter(seller_id=seller.pk).first()
    if store is None:
        raise BusinessForbidden(gettext("Create your store before running sales."))
    return store


def _value_error(kind: str, value: Decimal | None):
    if kind not in DiscountKind.values:
        return InvalidInput(gettext("Unknown kind of discount."), field="kind")
    if value is None:
        return Required(gettext("The discount's value is required."), field="value")
    if kind == DiscountKind.PERCENTAGE:
        if percentage(value) is None or not Decimal(0) < value < HUNDRED:
            return InvalidInput(
                gettext("The percentage must be above 0 and below 100, with at most two decimal places."),
                field="value",
            )
        return None
    fault = amount_fault(value)
    if fault is AmountFault.NOT_CENTS:
        return InvalidInput(gettext("An amount has at most two decimal places."), field="value")
    if fault is not None:
        return InvalidInput(
            gettext("The amount must be more than 0 and within the price limit."), field="value"
        )
    return None


def _window_error(starts_at: datetime | None, ends_at: datetime | None, *, now: datetime):
    if starts_at is None or ends_at is None:
        return Required(gettext("A sale needs a start and an end."), field="ends_at")
    if ends_at <= starts_at:
        return InvalidInput(gettext("The end must come after the start."), field="ends_at")
    if ends_at <= now:
        return InvalidInput(gettext("The end must be in the future."), field="ends_at")
    return None


def _targets_error(product_ids, variant_ids):
    count = len(set(product_ids or [])) + len(set(variant_ids or []))
    if count == 0:
        return Required(gettext("Choose the products or variants on sale."), field="product_ids")
    if count > MAX_SALE_VARIANTS:
        return InvalidInput(
            gettext("A sale has at most %(count)s products and variants.") % {"count": MAX_SALE_VARIANTS},
            field="product_ids",
        )
    return None


def _store_variants(store: Store, product_ids: list[int], variant_ids: list[int]) -> list[ProductVariant]:
    """The variants named, and every variant of the products named, all of the store's live
    products; anything else (another store's, deleted, unknown) is NOT_FOUND."""
    products = set(
        Product.objects.filter(not_deleted(), pk__in=set(product_ids), store=store).values_list(
            "pk", flat=True
        )
    )
    if products != set(product_ids):
        raise NotFound(gettext("No product of your store with this id."), field="product_ids")
    named = list(
        ProductVariant.objects.filter(
            not_deleted("product__"), pk__in=set(variant_ids), product__store=store
        ).only("pk", "product_id", "price")
    )
    if len(named) != len(set(variant_ids)):
        raise NotFound(gettext("No variant of your store with this id."), field="variant_ids")
    of_products = list(
        ProductVariant.objects.filter(product_id__in=products).only("pk", "product_id", "price")
    )
    return sorted({variant.pk: variant for variant in [*named, *of_products]}.values(), key=lambda v: v.pk)


# ---------------------------------------------------------------- the boundaries


def sale_price_of(sale: Sale, price: Decimal) -> Decimal | None:
    """A variant's price during the sale, from its price at the start; None when the sale would
    not lower it (a new price at or above it, or a percentage that rounds to nothing)."""
    percent = sale.kind == DiscountKind.PERCENTAGE
    new = money_round(price * (HUNDRED - sale.value) / HUNDRED) if percent else sale.value
    return new if Decimal("0.01") <= new < price else None


def sale_boundaries_catch_up(*, now: datetime | None = None) -> int:
    """Apply the boundaries due when the cached next one has passed; cheap otherwise (one cache
    read, no SQL). Returns how many sales started or ended. When the cache holds no value (lost,
    evicted, flushed, a fresh cache) or cannot be read, the next boundary comes from the database
    (one indexed query) and is kept again, so a lost value never keeps a sale from starting or
    ending on time; beat's run of sale_boundaries_apply is the second backstop."""
    now = now or timezone.now()
    try:
        boundary = cache.get(NEXT_BOUNDARY)
        readable = True
    except Exception:
        boundary, readable = None, False
    if boundary is None:
        moment = next_boundary()
        boundary = moment.timestamp() if moment else NO_BOUNDARY
        if readable:
            _boundary_keep_if_absent(boundary)
    if boundary == NO_BOUNDARY or boundary > now.timestamp():
        return 0
    return sale_boundaries_apply(now=now)


def _boundary_keep_if_absent(boundary: float) -> None:
    # add, not set: a sale scheduled meanwhile may have kept a newer value, which must win.
    try:
        cache.add(NEXT_BOUNDARY, boundary, timeout=None)
    except Exception:
        logger.warning("Next sale boundary not kept: the cache is unavailable")


def sale_boundaries_apply(*, now: datetime | None = None) -> int:
    """Start the scheduled sales whose start has come and end the running ones whose end has, each
    once, then keep the next boundary. Returns how many moved."""
    now = now or timezone.now()
    moved = 0
    due = list(
        Sale.objects.filter(
            Q(state=SaleState.SCHEDULED, starts_at__lte=now) | Q(state=SaleState.RUNNING, ends_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for sale_id in due:
        with transaction.atomic():
            # Skip a sale another request is applying: it is moving already.
            sale = Sale.objects.select_for_update(skip_locked=True).filter(pk=sale_id).first()
            if sale is None:
                continue
            if sale.state == SaleState.SCHEDULED and sale.starts_at <= now:
                if sale.ends_at > now:
                    _sale_start(sale)
                    sale.state = SaleState.RUNNING
                else:  # both boundaries passed unseen: it never showed
                    SaleItem.objects.filter(sale=sale).update(open=False)
                    sale.state = SaleState.ENDED
            elif sale.state == SaleState.RUNNING and sale.ends_at <= now:
                _sale_end(sale)
                SaleItem.objects.filter(sale=sale).update(open=False)
                sale.state = SaleState.ENDED
            else:
                continue
            sale.save(update_fields=["state", "updated_at"])
            moved += 1
    next_boundary_refresh()
    return moved


def _locked_items(sale: Sale) -> tuple[list[SaleItem], dict[int, ProductVariant]]:
    items = list(SaleItem.objects.filter(sale=sale).order_by("pk"))
    product_ids = sorted({item.product_id for item in items})
    list(
        Product.objects.select_for_update(no_key=True)
        .filter(pk__in=product_ids)
        .order_by("pk")
        .values_list("pk")
    )
    variants = {
        variant.pk: variant
        for variant in ProductVariant.objects.select_for_update(no_key=True)
        .filter(pk__in=[item.variant_id for item in items])
        .order_by("pk")
        .only("pk", "product_id", "price", "compare_at_price")
    }
    return [item for item in items if item.variant_id in variants], variants


def _sale_start(sale: Sale) -> None:
    items, variants = _locked_items(sale)
    changed_variants, changed_items = [], []
    for item in items:
        variant = variants[item.variant_id]
        new = sale_price_of(sale, variant.price)
        if new is None:
            continue
        item.sale_price, item.regular_price = new, variant.price
        item.regular_compare_at_price = variant.compare_at_price
        variant.compare_at_price, variant.price = variant.price, new
        changed_variants.append(variant)
        changed_items.append(item)
    _variants_write(changed_variants)
    SaleItem.objects.bulk_update(changed_items, ["sale_price", "regular_price", "regular_compare_at_price"])


def _sale_end(sale: Sale) -> None:
    items, variants = _locked_items(sale)
    changed = []
    for item in items:
        if item.sale_price is None:
            continue  # never lowered
        variant = variants[item.variant_id]
        if variant.price == item.sale_price:
            variant.price = item.regular_price
        # else the seller set a new price during the sale: it stays
        variant.compare_at_price = item.regular_compare_at_price
        changed.append(variant)
    _variants_write(changed)


def _variants_write(variants: list[ProductVariant]) -> None:
    if not variants:
        return
    ProductVariant.objects.bulk_update(variants, ["price", "compare_at_price"])
    product_ids = {variant.product_id for variant in variants}
    product_totals_refresh(product_ids=product_ids)
    catalog_changed(product_ids=product_ids)


def next_boundary() -> datetime | None:
    """The earliest start of a scheduled sale or end of a running one: one query over the open
    sales (the state indexes), each minimum filtered to its state."""
    found = Sale.objects.filter(state__in=[SaleState.SCHEDULED, SaleState.RUNNING]).aggregate(
        start=Min("starts_at", filter=Q(state=SaleState.SCHEDULED)),
        end=Min("ends_at", filter=Q(state=SaleState.RUNNING)),
    )
    moments = [moment for moment in found.values() if moment is not None]
    return min(moments) if moments else None


def next_boundary_refresh() -> None:
    """Keep the next boundary in the cache, without expiry (volatile-lru never evicts it)."""
    moment = next_boundary()
    try:
        cache.set(NEXT_BOUNDARY, moment.timestamp() if moment else NO_BOUNDARY, timeout=None)
    except Exception:
        logger.warning("Next sale boundary not kept: the cache is unavailable")


def next_boundary_cached() -> float | None:
    """The next boundary as a timestamp, as kept (None: none to come, or the cache is down)."""
    try:
        value = cache.get(NEXT_BOUNDARY)
    except Exception:
        return None
    return None if value in (None, NO_BOUNDARY) else float(value)
