"""Dashboards: a seller's sales per day, best products and low stock; the platform's GMV,
commission, orders by status and new sellers. Days are Luanda's (Africa/Luanda), whatever the
server's time zone; each figure is one aggregate query on an indexed range of rows.

Revenue and GMV count paid orders that still stand (payment COMPLETED: a cancelled or refunded
order leaves them), by the day they were placed. Commission earned is what the ledger took in the
period, net of the commissions it gave back. Promotions (domain/promotions) are counted on the same
orders, in the same per-day query: a store's promotion cost is the discount its own coupons gave
(store-funded), the platform's promotion expense what its coupons gave (platform-funded); their uses
are the checkouts that used such a coupon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.formats import number_format
from django.utils.translation import gettext

from domain.accounts.models import SELLER, User
from domain.accounts.selectors import store_owned
from domain.catalog.models import Product, ProductVariant, not_deleted
from domain.errors import InvalidInput
from domain.money import ZERO, money_round
from domain.orders.models import Order, OrderItem, OrderStatus, PaymentStatus

from .models import EntryKind, LedgerEntry, LowStockThreshold

LUANDA = ZoneInfo("Africa/Luanda")
MAX_DAYS = 366
TOP_PRODUCTS = 10
LOW_STOCK_MAX = 50
MAX_THRESHOLD = 1_000_000


@dataclass(frozen=True)
class DaySales:
    day: date
    revenue: Decimal
    orders: int
    # Promotions of the day's orders: store-funded and platform-funded discounts, and the checkouts
    # that used a store's coupon / the platform's.
    discounts: Decimal = ZERO
    platform_discounts: Decimal = ZERO
    coupon_uses: int = 0
    platform_coupon_uses: int = 0


@dataclass(frozen=True)
class ProductSales:
    product_id: int | None
    product_name: str
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class ProvinceSales:
    province: str | None  # None: orders placed without a province (delivery arranged by the store)
    orders: int
    revenue: Decimal
    delivery_fees: Decimal


@dataclass
class StoreStats:
    days: list[DaySales]
    top_by_units: list[ProductSales]
    top_by_revenue: list[ProductSales]
    low_stock_threshold: int
    low_stock_products: QuerySet[Product] = field(repr=False)
    low_stock_variants: QuerySet[ProductVariant] = field(repr=False, default=None)
    by_province: list[ProvinceSales] = field(default_factory=list)
    promotion_cost: Decimal = ZERO  # the discounts its own coupons gave (the store funds them)
    coupon_uses: int = 0


@dataclass
class PlatformStats:
    gmv: Decimal
    paid_orders: int
    commission_earned: Decimal
    orders_by_status: dict[str, int]
    new_sellers: int
    days: list[DaySales]
    promotion_expense: Decimal = ZERO  # the discounts the platform's coupons gave (it funds them)
    coupon_uses: int = 0


def period(*, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00, the day after `to` 00:00) in Luanda; at most MAX_DAYS days."""
    if date_to < date_from:
        raise InvalidInput(gettext("The period ends before it starts."), field="to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput(gettext("A period can be at most %(max)s days.") % {"max": MAX_DAYS}, field="to")
    start = datetime.combine(date_from, time.min, tzinfo=LUANDA)
    return start, datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=LUANDA)


def _paid(orders: QuerySet[Order], start: datetime, end: datetime) -> QuerySet[Order]:
    return orders.filter(created_at__gte=start, created_at__lt=end, payment_status=PaymentStatus.COMPLETED)


def _days(orders: QuerySet[Order], *, date_from: date, date_to: date) -> list[DaySales]:
    """Every day of the period, those without sales at zero (one query)."""
    rows = {
        row["day"]: row
        for row in orders.annotate(day=TruncDate("created_at", tzinfo=LUANDA))
        .values("day")
        .annotate(
            revenue=Sum("total_amount"),
            count=Count("pk"),
            discounts=Sum("discount_amount"),
            platform_discounts=Sum("platform_discount_amount"),
            coupon_uses=Count("checkout_id", filter=Q(discount_amount__gt=0), distinct=True),
            platform_coupon_uses=Count(
                "checkout_id", filter=Q(platform_discount_amount__gt=0), distinct=True
            ),
        )
        .order_by("day")
    }
    days = []
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        row = rows.get(day)
        days.append(
            DaySales(
                day=day,
                revenue=money_round(row["revenue"]) if row else ZERO,
                orders=row["count"] if row else 0,
                discounts=money_round(row["discounts"]) if row else ZERO,
                platform_discounts=money_round(row["platform_discounts"]) if row else ZERO,
                coupon_uses=row["coupon_uses"] if row else 0,
                platform_coupon_uses=row["platform_coupon_uses"] if row else 0,
            )
        )
    return days


def _by_province(orders: QuerySet[Order]) -> list[ProvinceSales]:
    """Paid orders per province they go to (a pickup's: the store's), most orders first (one query)."""
    rows = (
        orders.values("province__name", "province__position")
        .annotate(count=Count("pk"), revenue=Sum("total_amount"), fees=Sum("delivery_fee"))
        .order_by("-count", "province__position")
    )
    return [
        ProvinceSales(
            province=row["province__name"],
            orders=row["count"],
            revenue=money_round(row["revenue"]),
            delivery_fees=money_round(row["fees"]),
        )
        for row in rows
    ]


def low_stock_threshold(*, store_id: int) -> int:
    own = LowStockThreshold.objects.filter(store_id=store_id).values_list("threshold", flat=True).first()
    return settings.LOW_STOCK_THRESHOLD if own is None else own


def low_stock_threshold_set(*, seller, threshold: int) -> int:
    """The seller sets their store's low-stock threshold (0 to 1,000,000)."""
    if not 0 <= threshold <= MAX_THRESHOLD:
        raise InvalidInput(
            gettext("The threshold must be a number of units from 0 to %(max)s.")
            % {"max": number_format(MAX_THRESHOLD, force_grouping=True)},
            field="threshold",
        )
    store = store_owned(seller=seller)
    with transaction.atomic():
        LowStockThreshold.objects.update_or_create(store=store, defaults={"threshold": threshold})
    return threshold


def store_stats(*, store, date_from: date, date_to: date) -> StoreStats:
    start, end = period(date_from=date_from, date_to=date_to)
    orders = _paid(Order.objects.filter(store=store), start, end)
    lines = (
        OrderItem.objects.filter(order__in=orders)
        .values("product_id")
        .annotate(name=Max("product_name"), units=Sum("quantity"), revenue=Sum(F("price") * F("quantity")))
    )

    def top(ordering: str) -> list[ProductSales]:
        return [
            ProductSales(
                product_id=row["product_id"],
                product_name=row["name"],
                units=row["units"],
                revenue=money_round(row["revenue"]),
            )
            for row in lines.order_by(ordering, "product_id")[:TOP_PRODUCTS]
        ]

    threshold = low_stock_threshold(store_id=store.pk)
    days = _days(orders, date_from=date_from, date_to=date_to)
    return StoreStats(
        by_province=_by_province(orders),
        days=days,
        promotion_cost=sum((day.discounts for day in days), ZERO),
        coupon_uses=sum(day.coupon_uses for day in days),
        top_by_units=top("-units"),
        top_by_revenue=top("-revenue"),
        low_stock_threshold=threshold,
        low_stock_products=Product.objects.not_deleted()
        .filter(store=store, stock_quantity__lte=threshold)
        .order_by("stock_quantity", "name", "id")[:LOW_STOCK_MAX],
        low_stock_variants=low_stock_variants(store=store, threshold=threshold),
    )


def low_stock_variants(*, store, threshold: int) -> QuerySet[ProductVariant]:
    """The store's active variants (of products not deleted, hidden ones too) at or below the
    threshold, fewest first; at most LOW_STOCK_MAX. A product's 42 that runs out shows here while
    its other sizes keep the product's total above the threshold."""
    return (
        ProductVariant.objects.filter(
            not_deleted("product__"),
            product__store=store,
            is_active=True,
            stock_quantity__lte=threshold,
        )
        .select_related("product")
        .order_by("stock_quantity", "product__name", "position", "id")[:LOW_STOCK_MAX]
    )


def platform_stats(*, date_from: date, date_to: date) -> PlatformStats:
    start, end = period(date_from=date_from, date_to=date_to)
    placed = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    paid = _paid(Order.objects.all(), start, end)
    totals = paid.aggregate(gmv=Coalesce(Sum("total_amount"), ZERO), count=Count("pk"))
    commission = LedgerEntry.objects.filter(
        kind__in=[EntryKind.COMMISSION, EntryKind.COMMISSION_REVERSAL],
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    by_status = dict(placed.values("status").annotate(count=Count("pk")).values_list("status", "count"))
    days = _days(paid, date_from=date_from, date_to=date_to)
    return PlatformStats(
        gmv=money_round(totals["gmv"]),
        paid_orders=totals["count"],
        commission_earned=money_round(-commission),
        orders_by_status={status: by_status.get(status, 0) for status in OrderStatus.values},
        new_sellers=User.objects.filter(SELLER, date_joined__gte=start, date_joined__lt=end).count(),
        days=days,
        promotion_expense=sum((day.platform_discounts for day in days), ZERO),
        # a checkout's orders of several stores are placed the same instant: one day, counted once
        coupon_uses=sum(day.platform_coupon_uses for day in days),
    )
