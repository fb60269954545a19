"""A catalogue that grows: a page costs the same at a thousand products or a million.

totalCount is counted apart from the page and capped (graph/common.CappedCount), on every database.
On PostgreSQL, 100,000 products made as seed_demo's bulk path makes them (INSERT ... SELECT
generate_series) and the plan of every list shape: no sequential scan of catalog_product and no
sort of the whole matching set (a Sort under the Limit is a top-N sort only when an index walk
cannot give the order; none is allowed here).
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from graph import common

from .factories import make_product, make_store

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
