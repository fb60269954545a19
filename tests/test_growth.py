"""A catalogue that grows: a page costs the same at a thousand products or a million.

totalCount is counted apart from the page and capped (graph/common.CappedCount), on every database.
On PostgreSQL, search in Portuguese (stems, typos; domain/catalog/search.py) with the queries it
asks, and 100,000 products made as seed_demo's bulk path makes them (INSERT ... SELECT
generate_series) and the plan of every list shape: no sequential scan of catalog_product and no
sort of the whole matching set (a Sort under the Limit is a top-N sort only when an index walk
cannot give the order; none is allowed here).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from graph import common

from .factories import make_category, make_product, make_store

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("products", "total"), [(5, 5), (6, 6), (9, 6)])
def test_total_count_is_exact_up_to_the_cap_then_one_more_and_the_page_has_no_window(
    gql, settings, monkeypatch, products, total
):
    settings.GRAPHQL_RESPONSE_CACHE = False
    monkeypatch.setattr(common, "TOTAL_COUNT_EXACT_UP_TO", 5)
    store = make_store()
    for n in range(products):
        make_product(store=store, name=f"Cesto {n}")
    with CaptureQueriesContext(connection) as queries:
        page = gql.op("ProductList", {"first": 2})["data"]["products"]
    assert (page["totalCount"], len(page["edges"]), page["pageInfo"]["hasNextPage"]) == (total, 2, True)
    page_sql, count_sql = (query["sql"] for query in queries.captured_queries)
    assert " OVER " not in page_sql.upper() and "LIMIT 3" in page_sql
    assert count_sql.upper().startswith("SELECT COUNT(*) FROM (SELECT") and "LIMIT 6" in count_sql
    # Without totalCount, no count at all.
    with CaptureQueriesContext(connection) as queries:
        gql.ok("{ products(first: 2) { edges { node { slug } } } }")
    assert len(queries.captured_queries) == 1


def test_the_schema_says_what_total_count_means():
    from graph.schema import schema

    described = json.dumps(
        schema.execute_sync('{ __type(name: "ProductConnection") { fields { name description } } }').data
    )
    assert "Exact up to 1000" in described and "1001" in described


def test_a_count_known_stands_while_the_rows_are_the_same(seller):
    from domain.catalog.models import Product
    from domain.counts import count_known, count_mark

    rows = count_mark(Product.objects.filter(store__seller=seller), 7, exact=True)
    assert count_known(rows, 1001) == 7 and count_known(rows, 5) == 5
    # the optimizer's clones (columns, related rows, order) keep it
    assert count_known(rows.select_related("store").only("name").order_by("-id"), 1001) == 7
    # another condition, a join that may repeat rows, a slice: counted as usual
    assert count_known(rows.filter(name="x"), 1001) is None
    assert count_known(rows.exclude(name="x"), 1001) is None
    assert count_known(rows.annotate(rating=F("reviews__rating")), 1001) is None
    assert count_known(rows[:3], 1001) is None
    assert count_known(rows.distinct(), 1001) is None
    assert count_known(Product.objects.all(), 1001) is None
    # "at least": it answers a cap it reaches only
    at_least = count_mark(Product.objects.all(), 6, exact=False)
    assert (count_known(at_least, 6), count_known(at_least, 7)) == (6, None)


# ---------------------------------------------------------------- a price range on every database


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("90", "110", ["trio"]),  # only trio's middle variant (100) is in it: its variants asked
        ("81", "99", []),  # both straddle it, no variant in it
        ("50", "85", ["duo", "trio"]),  # the cheapest (80) in it: the columns decide
        ("140", "200", ["duo", "trio"]),  # the dearest (150) in it
        ("100", None, ["duo", "trio"]),  # one bound: the dearest is over it
        (None, "79", []),  # the cheapest is over it
        ("110", "90", []),  # an empty range
    ],
)
def test_a_price_range_matches_a_product_when_one_active_variant_is_in_it(seller, low, high, expected):
    from domain.catalog import selectors

    from .test_variants_reading import shoe

    category = make_category(name="Calçado", slug="calcado")
    make_product(name="Noutra categoria", price="100.00")
    shoe(seller, "Duo", {"41": ("80.00", 1), "43": ("150.00", 1)}, category=category)
    shoe(seller, "Trio", {"41": ("80.00", 1), "42": ("100.00", 1), "43": ("150.00", 1)}, category=category)
    price = {"min_price": low and Decimal(low), "max_price": high and Decimal(high)}
    found = selectors.product_search(category_slug="calcado", store_slug=seller.store.slug, **price)
    assert sorted(product.name.lower() for product in found) == expected
    assert list(selectors.product_search(category_slug="nenhuma", **price)) == []


# ---------------------------------------------------------------- PostgreSQL: search in Portuguese

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full text and trigrams are PostgreSQL's"
)

SEARCH = "query($s: String) { products(search: $s) { totalCount edges { node { name } } } }"


@pytest.fixture
def racks():
    store = make_store()
    for name in ["Sapato de pele", "Camisa de algodão", "Cesto de palha", "Sapatilhas Maianga"]:
        make_product(store=store, name=name, description="")
    make_product(
        store=store, name="Frigorífico", description="", category=make_category(name="Electrodomésticos")
    )


@postgresql_only
@pytest.mark.usefixtures("racks")
@pytest.mark.parametrize(
    ("search", "expected", "product_queries"),
    [
        # as written: the ids (at most 1,001), then the page of them; its count is theirs
        ("cesto", ["Cesto de palha"], 2),
        # Portuguese stems: a plural finds its singular, accents or not
        ("sapatos", ["Sapato de pele"], 2),
        ("CAMISAS algodao", ["Camisa de algodão"], 2),
        # a one-word typo: nothing as written, so the word is one; its ids by similarity
        ("sapatilhass", ["Sapatilhas Maianga"], 3),
        ("palhaa", ["Cesto de palha"], 3),
        # a typo beside a word as written: each word asked apart (its first ids), then the typo's
        ("cesto palhaa", ["Cesto de palha"], 5),
        ("maianga sapatilhass", ["Sapatilhas Maianga"], 5),
        # not similar enough (strict word similarity 0.48 < 0.5); digits are never a typo; a short
        # word is not either: nothing, and no page asked for no ids
        ("electronicos", [], 2),
        ("palhaa12", [], 1),
        ("zzz", [], 1),
    ],
)
def test_search_finds_stems_and_typos_asking_a_bounded_number_of_queries(
    gql, settings, search, expected, product_queries
):
    settings.GRAPHQL_RESPONSE_CACHE = False
    with CaptureQueriesContext(connection) as queries:
        found = gql.ok(SEARCH, {"s": search})["products"]
    assert sorted(edge["node"]["name"] for edge in found["edges"]) == expected
    assert found["totalCount"] == len(expected)
    asked = [query for query in queries.captured_queries if "catalog_product" in query["sql"]]
    assert len(asked) == product_queries


@postgresql_only
@pytest.mark.parametrize(("products", "total"), [(5, 5), (6, 6), (9, 6)])
def test_a_search_counts_its_matches_once_from_the_ids_it_read(gql, settings, monkeypatch, products, total):
    from domain.catalog import search

    settings.GRAPHQL_RESPONSE_CACHE = False
    monkeypatch.setattr(common, "TOTAL_COUNT_EXACT_UP_TO", 5)
    monkeypatch.setattr(search, "RARE_MATCHES", 5)
    store = make_store()
    for n in range(products):
        make_product(store=store, name=f"Cesto {n}")
    make_product(store=store, name="Pano")
    with CaptureQueriesContext(connection) as queries:
        page = gql.op("ProductList", {"first": 2, "search": "cesto"})["data"]["products"]
    assert (page["totalCount"], len(page["edges"])) == (total, 2)
    ids, page_sql = (query["sql"] for query in queries.captured_queries)  # no count
    assert "LIMIT 6" in ids and "LIMIT 3" in page_sql


# ---------------------------------------------------------------- PostgreSQL: the plans at 100k

BULK = 100_000


def plan_faults(plan: dict, *, counting: bool, under_limit: bool = False) -> list[str]:
    """What grows with the catalogue in an EXPLAIN (FORMAT JSON) plan: a sequential scan of
    catalog_product (allowed only in a count, under its LIMIT 1001: it stops after 1001 rows), a
    sort of more than 1,000 rows (a page sorts only the few rows a rare search found)."""
    faults = []
    kind = plan["Node Type"]
    if (
        kind == "Seq Scan"
        and plan.get("Relation Name") == "catalog_product"
        and not (counting and under_limit)
    ):
        faults.append("Seq Scan on catalog_product")
    if kind in {"Sort", "Incremental Sort"} and plan["Plans"][0]["Plan Rows"] > 1000:
        faults.append(f"Sort of {plan['Plans'][0]['Plan Rows']} rows")
    for child in plan.get("Plans", []):
        faults += plan_faults(child, counting=counting, under_limit=under_limit or kind == "Limit")
    return faults


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
def test_every_list_shape_walks_an_index_at_100k_products(gql, settings, django_db_blocker):
    """100,000 products made as seed_demo's bulk path makes them; the plan of every SQL statement of
    every list shape of bench/growth.py (the page and its capped count) has no sequential scan of
    catalog_product and no large sort."""
    from bench.growth import SHAPES, document
    from demo import catalogue
    from domain.accounts.models import User, UserType

    from .factories import make_user

    settings.GRAPHQL_RESPONSE_CACHE = False
    seller = make_user(username="demo-seller-moda", user_type=UserType.SELLER, approved=True)
    stores = [make_store(seller=seller, name="Moda Kinaxixi", slug="moda-kinaxixi")]
    stores += [make_store() for _ in range(4)]
    categories = [make_category(name="Moda", slug="moda")] + [make_category() for _ in range(7)]
    make_product(store=stores[0], name="Mayombe", category=categories[1])
    catalogue.bulk_products(BULK, stores, categories, io_null())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_product SET rating_average = 4.5, rating_count = 2 WHERE id %% 7 = 0", []
        )
        cursor.execute("ANALYZE catalog_product")
    faults = {}
    for label, operation, variables, username in SHAPES:
        user = User.objects.get(username=username) if username else None
        with CaptureQueriesContext(connection) as queries:
            result = gql(document(operation), variables, user=user)
        assert "errors" not in result, (label, result)
        for query in queries.captured_queries:
            if "catalog_product" not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
                plan = cursor.fetchone()[0][0]["Plan"]
            counting = query["sql"].upper().startswith("SELECT COUNT(*)") or " LIMIT 1001" in query["sql"]
            if found := plan_faults(plan, counting=counting):
                faults.setdefault(label, []).extend(found)
    assert faults == {}


def io_null():
    import io

    return io.StringIO()
