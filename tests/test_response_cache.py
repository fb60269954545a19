"""The server's response cache (graph/response_cache.py) and the catalogue versions that keep it
fresh (domain/catalog/versions.py).

The first part runs everywhere (writes through the API, whose on-commit callbacks the test client
runs). The freshness part commits for real, from this process and from another one, so it needs
PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from domain.accounts import services as account_services
from domain.catalog import services as catalog_services
from domain.catalog import versions
from domain.orders import fulfilment
from domain.orders.models import Order, PaymentMethod
from domain.reviews.models import Review
from domain.reviews.services import product_rating_refresh, review_delete
from graph import response_cache

from .factories import make_category, make_product
from .helpers import ADDRESS, PHONE, VALID_CARD, CacheDown, checkout_input, fill_cart, gid, place

ROOT = Path(__file__).resolve().parents[1]
LIST = "query Shelf { products(first: 50) { edges { node { slug price stockQuantity inStock averageRating "
LIST += "store { name } category { name } } } } }"


def shelf(gql) -> dict[str, dict]:
    return {edge["node"]["slug"]: edge["node"] for edge in gql.ok(LIST)["products"]["edges"]}


# The storefront's ProductDetail asks for myReview, so it is the caller's (never shared); a detail
# without it, like ProductReviews, depends on the product's own version.
DETAIL = """query Detail($slug: String!) { product(slug: $slug) { id slug price stockQuantity inStock
    averageRating store { name } category { name } } }"""


def detail(gql, product) -> dict | None:
    return gql.ok(DETAIL, {"slug": product.slug})["product"]


# ---------------------------------------------------------------- everywhere


@pytest.mark.django_db
def test_a_repeated_anonymous_query_is_answered_without_sql(gql, django_assert_num_queries):
    make_product(name="Mel")
    first = gql.op("ProductList", {"first": 5})
    with django_assert_num_queries(0):
        assert gql.op("ProductList", {"first": 5}) == first
    with django_assert_num_queries(2):  # other variables: another entry (the page and its count)
        gql.op("ProductList", {"first": 6})


@pytest.mark.django_db(transaction=True)
def test_an_answer_read_from_a_replica_is_not_kept(gql, settings, django_assert_num_queries):
    """A lagging replica's answer must not be kept under the catalogue's new version: only answers
    read from the primary fill the cache (the router marks the request: backend/db_router.py). The
    primary stands in for the replica here."""
    make_product(name="Mel")
    settings.DATABASE_REPLICAS = ["default"]
    gql.op("ProductList", {"first": 5})
    with django_assert_num_queries(2):  # not kept: read again (the page and its count)
        gql.op("ProductList", {"first": 5})
    settings.DATABASE_REPLICAS = []
    gql.op("ProductList", {"first": 5})
    with django_assert_num_queries(0):  # read from the primary: kept
        gql.op("ProductList", {"first": 5})


@pytest.mark.django_db
def test_a_thumbnail_made_in_the_background_is_seen_by_the_next_read(
    gql, seller, django_capture_on_commit_callbacks
):
    from domain.catalog.thumbnails import product_thumbnail_make

    from .helpers import png

    product = make_product(name="Mel", store=seller.store)
    card = "query($s: String!) { product(slug: $s) { thumbnailUrl } }"
    from django.core.files.base import ContentFile

    product.image.save("mel.png", ContentFile(png()), save=True)
    assert gql.ok(card, {"s": product.slug})["product"]["thumbnailUrl"] is None
    with django_capture_on_commit_callbacks(execute=True):
        assert product_thumbnail_make(product_id=product.pk, image=product.image.name)
    assert gql.ok(card, {"s": product.slug})["product"]["thumbnailUrl"]


@pytest.mark.django_db
def test_a_write_through_the_api_is_seen_by_the_next_read(gql, seller):
    product = make_product(store=seller.store, price="100.00")
    assert shelf(gql)[product.slug]["price"] == "100.00"
    assert detail(gql, product)["price"] == "100.00"
    changed = gql.op("UpdateProduct", {"id": gid(product), "input": {"price": "250.00"}}, user=seller)
    assert changed["data"]["updateProduct"]["errors"] == []
    assert shelf(gql)[product.slug]["price"] == "250.00"
    assert detail(gql, product)["price"] == "250.00"


@pytest.mark.django_db
def test_a_product_detail_has_its_own_version(gql, seller, buyer, django_assert_num_queries):
    sold, other = make_product(store=seller.store), make_product(store=seller.store)
    detail(gql, other)  # learns the slug's product
    detail(gql, other)  # cached under the product's own version
    shelf(gql)
    fill_cart(buyer, (sold, 2))
    assert gql.op("Checkout", {"input": checkout_input()}, user=buyer)["data"]["checkout"]["errors"] == []
    with django_assert_num_queries(0):
        detail(gql, other)  # another product's sale keeps it
    with django_assert_num_queries(1):
        detail(gql, sold)
    with django_assert_num_queries(1):  # a list depends on the whole catalogue
        assert shelf(gql)[sold.slug]["stockQuantity"] == 8


@pytest.mark.django_db
def test_errors_and_caller_fields_are_never_cached(gql, client, django_assert_num_queries):
    make_product()
    bad = json.dumps({"query": "{ products(first: 5) { edges { node { slug nope } } } }"})
    for _ in range(2):
        response = client.post("/graphql/", bad, content_type="application/json")
        assert response.json()["errors"] and response["Cache-Control"] == "private, no-store"
        assert "X-Cache" not in response  # neither answered from the cache nor stored in it
    mine = "{ products(first: 5) { edges { node { slug inMyWishlist } } } }"
    gql.ok(mine)
    with django_assert_num_queries(1):
        gql.ok(mine)


@pytest.mark.django_db
def test_a_rolled_back_write_bumps_nothing(seller, django_capture_on_commit_callbacks):
    product = make_product(store=seller.store)
    before = versions.versions_current([versions.CATALOG, versions.product_version_key(product.pk)])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        catalog_services.product_update(seller=seller, product_id=product.pk, price=Decimal("9.00"))
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert versions.versions_current(list(before)) == before


@pytest.mark.django_db
def test_versions_start_from_the_clock_and_never_go_back(django_capture_on_commit_callbacks):
    started = versions.versions_current([versions.CATALOG])[versions.CATALOG]
    with django_capture_on_commit_callbacks(execute=True):
        versions.catalog_changed()
    assert versions.versions_current([versions.CATALOG])[versions.CATALOG] == started + 1
    cache.delete(versions.CATALOG)  # evicted or lost: it starts again from the clock, higher
    assert versions.versions_current([versions.CATALOG])[versions.CATALOG] > started + 1


@pytest.mark.django_db
def test_the_api_answers_when_the_cache_is_down(gql, seller, monkeypatch):
    product = make_product(store=seller.store, price="100.00")
    monkeypatch.setattr(response_cache, "cache", CacheDown())
    monkeypatch.setattr(versions, "cache", CacheDown())
    assert shelf(gql)[product.slug]["price"] == "100.00"
    gql.op("UpdateProduct", {"id": gid(product), "input": {"price": "250.00"}}, user=seller)
    assert shelf(gql)[product.slug]["price"] == "250.00"


@pytest.mark.django_db
def test_admin_edits_of_stores_products_and_reviews_are_seen(
    gql, seller, buyer, rf, django_capture_on_commit_callbacks
):
    from django.contrib import admin

    from domain.accounts.admin import StoreAdmin
    from domain.accounts.models import Store
    from domain.catalog.admin import ProductAdmin
    from domain.catalog.models import Product
    from domain.reviews.admin import ReviewAdmin

    product = make_product(store=seller.store)
    assert shelf(gql)[product.slug]["store"]["name"] == seller.store.name
    product.is_active = False  # staff hide it
    with django_capture_on_commit_callbacks(execute=True):
        ProductAdmin(Product, admin.site).save_model(rf.post("/"), product, None, True)
    assert product.slug not in shelf(gql)
    product.is_active = True
    with django_capture_on_commit_callbacks(execute=True):
        ProductAdmin(Product, admin.site).save_model(rf.post("/"), product, None, True)
    assert product.slug in shelf(gql)
    seller.store.name = "Loja Renomeada"
    with django_capture_on_commit_callbacks(execute=True):
        StoreAdmin(Store, admin.site).save_model(rf.post("/"), seller.store, None, True)
    assert shelf(gql)[product.slug]["store"]["name"] == "Loja Renomeada"
    review = Review.objects.create(product=product, user=buyer, rating=5)
    review.rating = 3
    reviews = ReviewAdmin(Review, admin.site)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.save_model(rf.post("/"), review, None, True)
    assert shelf(gql)[product.slug]["averageRating"] == 3.0
    with django_capture_on_commit_callbacks(execute=True):
        reviews.delete_model(rf.post("/"), review)
    assert shelf(gql)[product.slug]["averageRating"] is None


# ---------------------------------------------------------------- freshness, committed for real

committed = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
        or not django_settings.REDIS_URL,
        reason="real commits from several processes need PostgreSQL and a shared Redis "
        "(SQLite and the local-memory cache are this process's alone)",
    ),
]


def _committed(function):
    for mark in committed:
        function = mark(function)
    return function


@pytest.fixture
def stocked(seller):
    """A product of 10 units at 100.00."""
    return make_product(store=seller.store, price="100.00", stock_quantity=10)


def both(gql, product) -> tuple:
    """What a list and the product's detail show now, each read twice (the second from the cache)."""
    listed, shown = shelf(gql).get(product.slug), detail(gql, product)
    assert (shelf(gql).get(product.slug), detail(gql, product)) == (listed, shown)
    return listed, shown


@pytest.mark.parametrize(
    "write, seen",
    [
        (
            lambda p, s: catalog_services.product_update(seller=s, product_id=p.pk, price=Decimal("7.50")),
            lambda listed, shown: listed["price"] == shown["price"] == "7.50",
        ),
        (
            lambda p, s: catalog_services.product_update(seller=s, product_id=p.pk, is_active=False),
            lambda listed, shown: listed is None and shown is None,
        ),
        (
            lambda p, s: account_services.store_update(seller=s, name="Loja Nova"),
            lambda listed, shown: listed["store"]["name"] == shown["store"]["name"] == "Loja Nova",
        ),
        (
            lambda p, s: account_services.store_set_active(store_id=s.store.pk, active=False),
            lambda listed, shown: listed is None and shown is None,
        ),
        (
            lambda p, s: catalog_services.category_update(category=p.category, name="Outra Categoria"),
            lambda listed, shown: (
                listed["category"]["name"] == shown["category"]["name"] == "Outra Categoria"
            ),
        ),
        (
            lambda p, s: catalog_services.product_delete(seller=s, product_id=p.pk),
            lambda listed, shown: listed is None and shown is None,
        ),
    ],
    ids=["price", "hidden", "store-renamed", "store-deactivated", "category-renamed", "deleted"],
)
@_committed
def test_each_catalogue_write_is_seen_at_once(gql, seller, stocked, write, seen):
    both(gql, stocked)
    write(stocked, seller)
    assert seen(*both(gql, stocked))


@_committed
def test_a_new_product_and_a_review_are_seen_at_once(gql, seller, stocked, buyer):
    both(gql, stocked)
    added = catalog_services.product_create(
        seller=seller, name="Novo", price=Decimal("5.00"), stock_quantity=1, category_id=make_category().pk
    )
    assert added.slug in shelf(gql)
    with transaction.atomic():  # what review_create does once the purchase is checked
        review = Review.objects.create(product=stocked, user=buyer, rating=2)
        product_rating_refresh(product=stocked)
    listed, shown = both(gql, stocked)
    assert listed["averageRating"] == shown["averageRating"] == 2.0
    review_delete(user=buyer, review_id=review.pk)
    listed, shown = both(gql, stocked)
    assert listed["averageRating"] is shown["averageRating"] is None


@_committed
def test_cancel_refund_and_expiry_return_stock_at_once(gql, stocked, buyer, other_buyer):
    fill_cart(buyer, (stocked, 3))
    (cancelled,) = place(buyer)
    assert both(gql, stocked)[1]["stockQuantity"] == 7
    fulfilment.order_cancel(actor=buyer, order_number=cancelled.order_number)
    assert both(gql, stocked)[1]["stockQuantity"] == 10

    fill_cart(buyer, (stocked, 2))
    (refunded,) = place(buyer)
    assert both(gql, stocked)[1]["stockQuantity"] == 8
    fulfilment.order_refund(actor=buyer, order_number=refunded.order_number)
    assert both(gql, stocked)[1]["stockQuantity"] == 10

    fill_cart(other_buyer, (stocked, 4))
    (unpaid,) = place(other_buyer, payment_method=PaymentMethod.REFERENCE)
    assert both(gql, stocked)[0]["stockQuantity"] == 6
    Order.objects.filter(pk=unpaid.pk).update(created_at=timezone.now() - timedelta(hours=49))
    fulfilment.order_expire_unpaid(hours=48)
    assert both(gql, stocked)[0]["stockQuantity"] == 10


CHECKOUT_ELSEWHERE = """
import django, sys
django.setup()
from domain.accounts.models import User
from domain.orders.checkout import checkout_place
checkout_place(buyer=User.objects.get(pk=int(sys.argv[1])), shipping_address=sys.argv[2],
               contact_phone=sys.argv[3], payment_method="card", card_number=sys.argv[4])
"""


@_committed
def test_a_checkout_in_another_process_is_seen_at_once(gql, stocked, buyer):
    fill_cart(buyer, (stocked, 4))
    assert both(gql, stocked)[0]["stockQuantity"] == 10
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "CACHE_KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-c", CHECKOUT_ELSEWHERE, str(buyer.pk), ADDRESS, PHONE, VALID_CARD],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    listed, shown = both(gql, stocked)
    assert listed["stockQuantity"] == shown["stockQuantity"] == 6
