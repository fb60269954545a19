"""Dashboards: storeStats for sellers, platformStats for admins (domain/economics/stats.py).
Periods are inclusive dates in Luanda; a bad period is a top-level BAD_USER_INPUT error."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info

from domain.accounts import selectors as account_selectors
from domain.economics import stats

from .errors import UserError
from .orders import OrderStatus
from .permissions import Admin, Seller, mutation, query

if TYPE_CHECKING:
    from .catalog import Product, ProductVariant


@strawberry.type(name="DaySales")
class DaySales:
    day: datetime.date = strawberry.field(description="A day in Luanda.")
    revenue: Decimal
    orders: int


@strawberry.type(name="ProductSales")
class ProductSales:
    product_name: str = strawberry.field(description="The name on the order lines (a snapshot).")
    units: int
    revenue: Decimal


@strawberry.type(name="ProvinceSales")
class ProvinceSales:
    province: str | None = strawberry.field(
        description="Where the orders went (a pickup: the store's province); null for orders placed without one."
    )
    orders: int
    revenue: Decimal = strawberry.field(description="Their totals, delivery fees included.")
    delivery_fees: Decimal


@strawberry.type(name="StoreStats")
class StoreStats:
    revenue_by_day: list[DaySales] = strawberry.field(
        description="Paid orders that still stand, by the day they were placed; every day of the period."
    )
    top_products_by_units: list[ProductSales] = strawberry.field(description="At most 10.")
    top_products_by_revenue: list[ProductSales] = strawberry.field(description="At most 10.")
    low_stock_threshold: int
    low_stock_products: list[Annotated[Product, strawberry.lazy("graph.catalog")]] = strawberry_django.field(
        description="The store's products (hidden ones too) at or below the threshold, fewest first; at most 50. "
        "A product with options counts the total of its active variants (see lowStockVariants)."
    )
    low_stock_variants: list[Annotated[ProductVariant, strawberry.lazy("graph.catalog")]] = (
        strawberry_django.field(
            default_factory=list,
            description="The store's active variants (of its products, hidden ones too) at or below the "
            "threshold, fewest first; at most 50. Each names its product (ProductVariant.product).",
        )
    )
    orders_by_province: list[ProvinceSales] = strawberry.field(
        default_factory=list, description="Paid orders that still stand, by province, most orders first."
    )
    promotion_cost: Decimal = strawberry.field(
        default=Decimal("0.00"),
        description="What the store's own coupons took off its paid orders that still stand (the store "
        "funds them; the platform's coupons cost it nothing).",
    )
    coupon_uses: int = strawberry.field(default=0, description="Those orders that used one of its coupons.")


@strawberry.type(name="StatusCount")
class StatusCount:
    status: OrderStatus
    count: int


@strawberry.type(name="PlatformStats")
class PlatformStats:
    gmv: Decimal = strawberry.field(description="Paid orders that still stand, placed in the period.")
    paid_orders: int
    commission_earned: Decimal = strawberry.field(
        description="Commission the ledger took in the period, less what it gave back on refunds."
    )
    orders_by_status: list[StatusCount] = strawberry.field(description="Orders placed in the period.")
    new_sellers: int
    gmv_by_day: list[DaySales]
    promotion_expense: Decimal = strawberry.field(
        default=Decimal("0.00"),
        description="What the platform's coupons took off paid orders that still stand, placed in the "
        "period: the platform pays it, the stores are credited their goods in full.",
    )
    coupon_uses: int = strawberry.field(default=0, description="Checkouts that used a platform coupon.")


@strawberry.type(name="LowStockThresholdPayload")
class LowStockThresholdPayload:
    low_stock_threshold: int | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _days(days: list[stats.DaySales]) -> list[DaySales]:
    return [DaySales(day=day.day, revenue=day.revenue, orders=day.orders) for day in days]


def _products(rows: list[stats.ProductSales]) -> list[ProductSales]:
    return [ProductSales(product_name=row.product_name, units=row.units, revenue=row.revenue) for row in rows]


@strawberry.type
class Query:
    @query(
        Seller,
        description="SELLER: the own store's sales from `from` to `to` (inclusive, at most 366 days); null "
        "while the seller has no store.",
    )
    def store_stats(
        self,
        info: Info,
        from_: Annotated[datetime.date, strawberry.argument(name="from")],
        to: datetime.date,
    ) -> StoreStats | None:
        store = account_selectors.store_of_seller(seller=info.context.request.user)
        if store is None:
            return None
        result = stats.store_stats(store=store, date_from=from_, date_to=to)
        return StoreStats(
            revenue_by_day=_days(result.days),
            top_products_by_units=_products(result.top_by_units),
            top_products_by_revenue=_products(result.top_by_revenue),
            low_stock_threshold=result.low_stock_threshold,
            low_stock_products=result.low_stock_products,
            low_stock_variants=result.low_stock_variants,
            orders_by_province=[
                ProvinceSales(
                    province=row.province,
                    orders=row.orders,
                    revenue=row.revenue,
                    delivery_fees=row.delivery_fees,
                )
                for row in result.by_province
            ],
            promotion_cost=result.promotion_cost,
            coupon_uses=result.coupon_uses,
        )

    @query(
        Admin,
        description="ADMIN: the marketplace from `from` to `to` (inclusive, at most 366 days).",
    )
    def platform_stats(
        self, from_: Annotated[datetime.date, strawberry.argument(name="from")], to: datetime.date
    ) -> PlatformStats:
        result = stats.platform_stats(date_from=from_, date_to=to)
        return PlatformStats(
            gmv=result.gmv,
            paid_orders=result.paid_orders,
            commission_earned=result.commission_earned,
            orders_by_status=[
                StatusCount(status=OrderStatus(status), count=count)
                for status, count in result.orders_by_status.items()
            ],
            new_sellers=result.new_sellers,
            gmv_by_day=_days(result.days),
            promotion_expense=result.promotion_expense,
            coupon_uses=result.coupon_uses,
        )


@strawberry.type
class Mutation:
    @mutation(
        Seller, description="The store's owner: products at or below this stock show as low (0 to 1,000,000)."
    )
    def set_low_stock_threshold(self, info: Info, threshold: int) -> LowStockThresholdPayload:
        threshold = stats.low_stock_threshold_set(seller=info.context.request.user, threshold=threshold)
        return LowStockThresholdPayload(low_stock_threshold=threshold)
