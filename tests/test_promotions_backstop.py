"""Promotions: a sale starts and ends on time when the cache lost its next boundary (evicted,
flushed, a new Redis), or is down, and beat applies what is due as a second backstop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from freezegun import freeze_time

from domain.promotions import sales, tasks
from domain.promotions.models import DiscountKind, Sale, SaleState
from graph.schema import schema  # built before any frozen clock (freezegun's dates are not dates)

from .helpers import CacheDown, add_product, checkout_input, default_variant, gid

D = Decimal
START = datetime(2027, 11, 26, 0, 0, tzinfo=UTC)  # Black Friday
END = START + timedelta(days=3)
PRODUCT = (
    "query ($slug: String!) { product(slug: $slug) { price variants { edges { node { compareAtPrice } } } } }"
)


@pytest.fixture
def capulana(seller, category):
    return add_product(seller, name="Capulana", price="10000.00", stock=9, category=category)


def schedule(seller, product) -> Sale:
    return sales.sale_schedule(
        seller=seller,
        name="Black Friday",
        kind=DiscountKind.PERCENTAGE,
        value=D("30"),
        starts_at=START,
        ends_at=END,
        product_ids=[product.pk],
    )


def test_a_lost_boundary_is_recomputed_in_one_query_and_kept(seller, capulana, django_assert_num_queries):
    with freeze_time(START - timedelta(hours=1)):
        schedule(seller, capulana)
        cache.clear()  # Redis flushed, evicted or replaced after the sale was scheduled
        with django_assert_num_queries(1):
            assert sales.sale_boundaries_catch_up() == 0
        assert cache.get(sales.NEXT_BOUNDARY) == START.timestamp()
        with django_assert_num_queries(0):  # kept: the next request reads the cache only
            assert sales.sale_boundaries_catch_up() == 0
    cache.delete(sales.NEXT_BOUNDARY)
    with freeze_time(START):
        assert sales.sale_boundaries_catch_up() == 1
        assert default_variant(capulana).price == D("7000.00")
        assert cache.get(sales.NEXT_BOUNDARY) == END.timestamp()
    cache.delete(sales.NEXT_BOUNDARY)
    with freeze_time(END):
        assert sales.sale_boundaries_catch_up() == 1
        assert default_variant(capulana).price == D("10000.00")
        assert cache.get(sales.NEXT_BOUNDARY) == sales.NO_BOUNDARY


def test_no_sale_open_is_kept_as_no_boundary(db, django_assert_num_queries):
    cache.delete(sales.NEXT_BOUNDARY)  # a new Redis
    with django_assert_num_queries(1):
        assert sales.sale_boundaries_catch_up() == 0
    assert cache.get(sales.NEXT_BOUNDARY) == sales.NO_BOUNDARY


def test_a_recomputed_value_never_overwrites_one_kept_meanwhile(seller, capulana):
    """A request read the database before a sale was committed; the sale's own refresh kept its
    start first: the request's late write (an add, not a set) leaves it."""
    with freeze_time(START - timedelta(hours=1)):
        schedule(seller, capulana)
        sales._boundary_keep_if_absent(sales.NO_BOUNDARY)
        assert cache.get(sales.NEXT_BOUNDARY) == START.timestamp()
        cache.delete(sales.NEXT_BOUNDARY)
        sales._boundary_keep_if_absent(START.timestamp())
        assert cache.get(sales.NEXT_BOUNDARY) == START.timestamp()


def test_the_sale_starts_on_time_through_the_api_after_the_cache_was_cleared(gql, seller, capulana):
    assert schema is not None
    with freeze_time(START - timedelta(minutes=1)):
        schedule(seller, capulana)
        assert gql.ok(PRODUCT, {"slug": capulana.slug})["product"] == {
            "price": "10000.00",
            "variants": {"edges": [{"node": {"compareAtPrice": None}}]},
        }
    cache.clear()
    with freeze_time(START):
        assert gql.ok(PRODUCT, {"slug": capulana.slug})["product"] == {
            "price": "7000.00",
            "variants": {"edges": [{"node": {"compareAtPrice": "10000.00"}}]},
        }
    cache.clear()
    with freeze_time(END):
        assert gql.ok(PRODUCT, {"slug": capulana.slug})["product"] == {
            "price": "10000.00",
            "variants": {"edges": [{"node": {"compareAtPrice": None}}]},
        }
    assert Sale.objects.get().state == SaleState.ENDED


def test_add_to_cart_and_checkout_read_the_windows_price_after_the_cache_was_cleared(
    gql, seller, buyer, capulana
):
    """Mutations pass the same door: the first request at the start, a checkout, charges the sale price."""
    with freeze_time(START - timedelta(minutes=1)):
        schedule(seller, capulana)
    cache.clear()
    with freeze_time(START + timedelta(seconds=1)):
        added = gql(
            "mutation ($id: ID!) { addToCart(productId: $id, quantity: 2) { cart { subtotal } errors { code } } }",
            {"id": gid(capulana)},
            user=buyer,
        )["data"]["addToCart"]
        assert added == {"cart": {"subtotal": "14000.00"}, "errors": []}
    cache.clear()
    with freeze_time(END - timedelta(seconds=1)):
        placed = gql(
            """mutation ($input: CheckoutInput!) { checkout(input: $input) {
                 orders { totalAmount items { price } } errors { code } } }""",
            {"input": checkout_input()},
            user=buyer,
        )["data"]["checkout"]
        assert placed["errors"] == []
        assert [(order["totalAmount"], order["items"]) for order in placed["orders"]] == [
            ("14000.00", [{"price": "7000.00"}])
        ]


def test_a_cache_that_is_down_still_starts_the_sale(seller, capulana, monkeypatch):
    with freeze_time(START - timedelta(minutes=1)):
        schedule(seller, capulana)
    monkeypatch.setattr(sales, "cache", CacheDown())
    with freeze_time(START):
        assert sales.sale_boundaries_catch_up() == 1
        assert default_variant(capulana).price == D("7000.00")


def test_beat_applies_the_boundaries_due_as_a_second_backstop(seller, capulana):
    assert django_settings.CELERY_BEAT_SCHEDULE["apply-sale-boundaries"] == {
        "task": "promotions.apply_sale_boundaries",
        "schedule": float(django_settings.SALE_BOUNDARY_INTERVAL),
    }
    with freeze_time(START - timedelta(minutes=1)):
        schedule(seller, capulana)
    cache.set(sales.NEXT_BOUNDARY, sales.NO_BOUNDARY, timeout=None)  # a wrong value nobody corrects
    with freeze_time(START + timedelta(seconds=30)):
        assert sales.sale_boundaries_catch_up() == 0  # the request trusts the cache
        assert tasks.apply_sale_boundaries.delay().get() == 1
        assert tasks.apply_sale_boundaries.delay().get() == 0
        assert default_variant(capulana).price == D("7000.00")
        assert cache.get(sales.NEXT_BOUNDARY) == END.timestamp()
