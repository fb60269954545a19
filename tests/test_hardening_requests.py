"""What a stranger's request may not do: make the cost estimate read a number other than graphql-core
does, fill the response cache with entries nobody asks for, or make the view fail with a 500 before
the guards run. States and counts are compared; nothing is timed."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import error_codes
from .factories import make_product

pytestmark = pytest.mark.django_db

# 1 + n * (1 + 1 + n * (1 + 1 + 1)): with n = 100 about 30,000 nodes, with 4 aliases over the limit.
NESTED = """query Nested($n: Int) {
  a: stores(first: $n) { edges { node { products(first: $n) { edges { node { id name slug } } } } } }
  b: stores(first: $n) { edges { node { products(first: $n) { edges { node { id name slug } } } } } }
  c: stores(first: $n) { edges { node { products(first: $n) { edges { node { id name slug } } } } } }
  d: stores(first: $n) { edges { node { products(first: $n) { edges { node { id name slug } } } } } }
}"""


def post(client, body: dict, **headers):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("n", [100, 100.0, "100"])
def test_the_cost_reads_a_variable_as_graphql_core_coerces_it(client, settings, n):
    settings.GRAPHQL_MAX_COST = 100_000
    result = post(client, {"query": NESTED, "variables": {"n": n}}).json()
    if n == "100":  # not an Int for graphql-core either: refused as it would refuse it
        assert error_codes(result) == ["BAD_USER_INPUT"] or result["errors"][0]["message"].startswith(
            "Variable"
        )
    else:
        assert error_codes(result) == ["QUERY_TOO_COMPLEX"], result


def test_a_page_size_spelled_as_a_float_is_checked_like_an_int(client):
    result = post(client, {"query": NESTED, "variables": {"n": 1000.0}}).json()
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "entre 0 e 100" in result["errors"][0]["message"]


# ---------------------------------------------------------------- the public cache


def cached_answers() -> int:
    if hasattr(cache, "keys"):  # django-redis (the services leg)
        return len(cache.keys("graphql:response:*"))
    return sum(1 for key in cache._cache if "graphql:response:" in key)  # the local-memory cache


def test_unused_variables_make_no_new_cache_entry(client, settings):
    settings.GRAPHQL_RESPONSE_CACHE = True
    cache.clear()
    make_product(name="Mel")
    query = "query P($first: Int) { products(first: $first) { totalCount } }"
    answers = [post(client, {"query": query, "variables": {"first": 2, f"junk{n}": n}}) for n in range(5)]
    assert [answer["X-Cache"] for answer in answers] == ["MISS", "HIT", "HIT", "HIT", "HIT"]
    assert cached_answers() == 1


def test_a_value_spelled_two_ways_is_one_cache_entry(client, settings):
    settings.GRAPHQL_RESPONSE_CACHE = True
    cache.clear()
    make_product(name="Mel")
    query = "query P($first: Int = 2) { products(first: $first) { totalCount } }"
    spellings = [{"first": 2}, {"first": 2.0}, {}]
    assert [post(client, {"query": query, "variables": v})["X-Cache"] for v in spellings] == [
        "MISS",
        "HIT",
        "HIT",
    ]


# ---------------------------------------------------------------- no 500 before the guards


@pytest.mark.parametrize(
    "body",
    [
        '{"query": "query($s: String!) { product(slug: $s) { name } }", "variables": {"s": "\\ud800"}}',
        '{"query": "{ products { totalCount } }", "variables": {"\\udfff": 1}}',
        '{"query": "{ products { totalCount } }", "operationName": "\\ud800"}',
    ],
    ids=["value", "variable-name", "operation-name"],
)
def test_lone_surrogates_are_a_clean_refusal(client, body, caplog):
    response = client.post("/graphql/", body, content_type="application/json")
    assert response.status_code in (200, 400)
    assert "INTERNAL_SERVER_ERROR" not in error_codes(response.json())
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_a_file_mapped_into_a_public_query_is_a_clean_refusal(client, caplog):
    operations = {"query": "query($s: String!) { product(slug: $s) { name } }", "variables": {"s": None}}
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.s"]}),
            "0": SimpleUploadedFile("a.txt", b"hello"),
        },
    )
    assert response.status_code in (200, 400)
    assert error_codes(response.json()) and "INTERNAL_SERVER_ERROR" not in error_codes(response.json())
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_an_answer_over_the_size_cap_is_not_kept(client, settings):
    settings.GRAPHQL_RESPONSE_CACHE = True
    cache.clear()
    make_product(name="Mel")
    query = "{ products(first: 1) { totalCount } }"
    settings.GRAPHQL_RESPONSE_CACHE_MAX_BYTES = 10
    assert [post(client, {"query": query})["X-Cache"] for _ in range(2)] == ["MISS", "MISS"]
    assert cached_answers() == 0
    settings.GRAPHQL_RESPONSE_CACHE_MAX_BYTES = 1000
    assert [post(client, {"query": query})["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]


def test_an_amount_spelled_three_ways_is_one_cache_entry(client, settings):
    settings.GRAPHQL_RESPONSE_CACHE = True
    cache.clear()
    make_product(name="Mel", price="10.00")
    query = "query P($min: Decimal) { products(minPrice: $min) { totalCount } }"
    spellings = [{"min": "10"}, {"min": "1e1"}, {"min": "10.00"}]
    answers = [post(client, {"query": query, "variables": v}) for v in spellings]
    assert [a.json() for a in answers] == [answers[0].json()] * 3 and "errors" not in answers[0].json()
    assert [a["X-Cache"] for a in answers] == ["MISS", "HIT", "HIT"]
