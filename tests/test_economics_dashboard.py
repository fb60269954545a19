"""Dashboards: sales per Luanda day, best products, low stock; the platform's GMV, commission,
orders by status and new sellers; constant query counts whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from domain.accounts.models import User
from domain.orders import fulfilment
from domain.orders.models import Order, PaymentMethod

from .conftest import error_codes
from .factories import make_product, make_seller
from .helpers import fill_cart, place

pytestmark = pytest.mark.django_db

STORE_STATS = """
query StoreStats($from: Date!, $to: Date!) {
  storeStats(from: $from, to: $to) {
    revenueByDay { day revenue orders }
    topProductsByUnits { productName units revenue }
    topProductsByRevenue { productName units revenue }
    lowStockThreshold
    lowStockProducts { name stockQuantity store { slug } }
  }
}
"""

PLATFORM_STATS = """
query PlatformStats($from: Date!, $to: Date!) {
  platformStats(from: $from, to: $to) {
    gmv paidOrders commissionEarned newSellers
    ordersByStatus { status count }
    gmvByDay { day revenue orders }
  }
}
"""

PERIOD = {"from": "2026-03-01", "to": "2026-03-03"}


def placed_at(order: Order, moment: datetime) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=moment)


def buy(buyer, *lines, method=PaymentMethod.CARD, at: datetime) -> Order:
    fill_cart(buyer, *lines)
    (order,) = place(buyer, payment_method=method)
    placed_at(order, at)
    return order


@pytest.fixture
def shop(seller, buyer, gateway):
    """Sales of the seller's store around 1–3 March 2026 (Luanda is UTC+1)."""
    chair = make_product(store=seller.store, name="Cadeira", price="1000.00", stock_quantity=50)
    lamp = make_product(store=seller.store, name="Candeeiro", price="300.00", stock_quantity=50)
    make_product(store=seller.store, name="Mesa", price="5000.00", stock_quantity=3)
    make_product(store=seller.store, name="Banco", price="800.00", stock_quantity=0)
    # 23:30 UTC on 28 Feb is 00:30 on 1 March in Luanda.
    buy(buyer, (chair, 1), at=datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
    buy(buyer, (lamp, 5), at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    # 23:30 UTC on 3 March is 4 March in Luanda: outside the period.
    buy(buyer, (chair, 9), at=datetime(2026, 3, 3, 23, 30, tzinfo=UTC))
    cancelled = buy(buyer, (chair, 4), at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    fulfilment.order_cancel(actor=buyer, order_number=cancelled.order_number)
    buy(
        buyer, (lamp, 1), method=PaymentMethod.REFERENCE, at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    )  # unpaid
    buy(buyer, (chair, 2), (lamp, 1), at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    return seller.store


def test_store_stats_by_luanda_day_with_best_products_and_low_stock(gql, seller, shop):
    stats = gql.ok(STORE_STATS, PERIOD, user=seller)["storeStats"]
    assert stats["revenueByDay"] == [
        {"day": "2026-03-01", "revenue": "2500.00", "orders": 2},
        {"day": "2026-03-02", "revenue": "0.00", "orders": 0},
        {"day": "2026-03-03", "revenue": "2300.00", "orders": 1},
    ]
    assert stats["topProductsByUnits"] == [
        {"productName": "Candeeiro", "units": 6, "revenue": "1800.00"},
        {"productName": "Cadeira", "units": 3, "revenue": "3000.00"},
    ]
    assert stats["topProductsByRevenue"] == [
        {"productName": "Cadeira", "units": 3, "revenue": "3000.00"},
        {"productName": "Candeeiro", "units": 6, "revenue": "1800.00"},
    ]
    assert stats["lowStockThreshold"] == 5
    assert [(p["name"], p["stockQuantity"]) for p in stats["lowStockProducts"]] == [("Banco", 0), ("Mesa", 3)]


def test_each_store_sets_its_low_stock_threshold(gql, seller, other_seller, shop):
    mutation = "mutation T($t: Int!) { setLowStockThreshold(threshold: $t) { lowStockThreshold errors { field code } } }"
    assert gql.ok(mutation, {"t": 0}, user=seller)["setLowStockThreshold"] == {
        "lowStockThreshold": 0,
        "errors": [],
    }
    stats = gql.ok(STORE_STATS, PERIOD, user=seller)["storeStats"]
    assert [p["name"] for p in stats["lowStockProducts"]] == ["Banco"]
    assert gql.ok(STORE_STATS, PERIOD, user=other_seller)["storeStats"]["lowStockThreshold"] == 5
    assert gql.ok(mutation, {"t": -1}, user=seller)["setLowStockThreshold"] == {
        "lowStockThreshold": None,
        "errors": [{"field": "threshold", "code": "INVALID"}],
    }


def test_platform_stats(gql, admin, seller, shop):
    make_seller(date_joined=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    make_seller(date_joined=datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    other = make_product(
        store=make_seller(date_joined=datetime(2026, 1, 1, tzinfo=UTC)).store, price="100.00"
    )
    buy(User.objects.get(username="buyer"), (other, 1), at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    stats = gql.ok(PLATFORM_STATS, PERIOD, user=admin)["platformStats"]
    assert stats["gmv"] == "4900.00"
    assert stats["paidOrders"] == 4
    assert stats["newSellers"] == 1
    # Commission taken now (the ledger's dates, not the orders'), net of the cancelled order's.
    assert gql.ok(PLATFORM_STATS, PERIOD, user=admin)["platformStats"]["commissionEarned"] == "0.00"
    today = timezone.localdate().isoformat()
    now = gql.ok(PLATFORM_STATS, {"from": today, "to": today}, user=admin)["platformStats"]
    assert now["commissionEarned"] == "1390.00"  # 10 % of the 13,900.00 of paid orders that stand
    assert {row["status"]: row["count"] for row in stats["ordersByStatus"]} == {
        "PENDING": 1,
        "CONFIRMED": 4,
        "PROCESSING": 0,
        "SHIPPED": 0,
        "DELIVERED": 0,
        "CANCELLED": 1,
    }
    assert [day["revenue"] for day in stats["gmvByDay"]] == ["2500.00", "100.00", "2300.00"]


@pytest.mark.parametrize(
    "period, message",
    [
        ({"from": "2026-03-03", "to": "2026-03-01"}, "O período termina antes de começar."),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "Um período tem no máximo 366 dias."),
    ],
)
def test_a_bad_period_is_refused(gql, seller, admin, period, message):
    for query, user in ((STORE_STATS, seller), (PLATFORM_STATS, admin)):
        result = gql(query, period, user=user)
        assert error_codes(result) == ["BAD_USER_INPUT"]
        assert result["errors"][0]["message"] == message


def test_a_seller_without_a_store_gets_null(gql, unapproved_seller):
    assert gql.ok(STORE_STATS, PERIOD, user=unapproved_seller) == {"storeStats": None}


@pytest.mark.parametrize("size", [2, 12])
def test_dashboard_query_counts_do_not_grow_with_the_data(
    gql, seller, admin, buyer, size, django_assert_num_queries
):
    for n in range(size):
        product = make_product(store=seller.store, price="100.00", stock_quantity=2 + n % 6)
        buy(buyer, (product, 1), at=datetime(2026, 3, 1 + n % 3, 12, 0, tzinfo=UTC))
    # the caller; the store; its threshold; sales per day; top by units; top by revenue; orders by
    # province; low stock with their stores
    with django_assert_num_queries(8):
        stats = gql.ok(STORE_STATS, PERIOD, user=seller)["storeStats"]
    assert len(stats["topProductsByUnits"]) == min(size, 10)
    # the caller; GMV; commission; orders by status; new sellers; GMV per day
    with django_assert_num_queries(6):
        gql.ok(PLATFORM_STATS, PERIOD, user=admin)
