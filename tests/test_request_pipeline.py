"""One request object (graph/request.py): the view works out a request's text, hash, document,
operation and variables once, and the persisted-query lookup, the response cache, the guards, the
optimizer's plans and the database router all read it. Work is counted here, never timed."""

from __future__ import annotations

import json

import orjson
import pytest

from graph import request as graphql_request
from graph import response_cache
from graph.documents import operations
from graph.documents import text_sha256 as sha256

from .conftest import error_codes
from .factories import make_product
from .test_limits import fragment_chain

pytestmark = pytest.mark.django_db

PUBLIC = "query Names($first: Int) { products(first: $first) { edges { node { name } } } }"


def post(client, body: dict):
    return client.post("/graphql/", json.dumps(body), content_type="application/json")


@pytest.fixture
def parses(monkeypatch):
    calls = []
    real = graphql_request.parse
    monkeypatch.setattr(graphql_request, "parse", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


def test_a_large_public_document_is_parsed_once(client, parses):
    """Too large to be kept parsed, so every part that needs its document would parse it again;
    the response cache and the guards read the one the view parsed."""
    make_product(name="Mel")
    text = PUBLIC + "\n# " + "x" * graphql_request.CACHED_DOCUMENT_MAX_BYTES
    response = post(client, {"query": text, "variables": {"first": 2}})
    assert response.json()["data"]["products"]["edges"] == [{"node": {"name": "Mel"}}]
    assert response["X-Cache"] == "MISS"  # the response cache looked at it
    assert parses == [1]


def test_the_variables_are_encoded_once(client, monkeypatch, settings):
    """Sorted JSON of the variables keys the response cache, the guards' passes and the plans."""
    settings.GRAPHQL_RESPONSE_CACHE = True
    make_product(name="Mel")
    encoded = []
    real = orjson.dumps

    def counting(value, *args, option=None, **kwargs):
        if option is not None and option & orjson.OPT_SORT_KEYS:
            encoded.append(value)
        return (
            real(value, *args, option=option, **kwargs)
            if option is not None
            else real(value, *args, **kwargs)
        )

    monkeypatch.setattr(orjson, "dumps", counting)
    response = post(client, {"query": PUBLIC, "variables": {"first": 3}})
    assert response.status_code == 200 and "errors" not in response.json()
    assert encoded == [{"first": 3}]


def test_nothing_works_out_the_shape_of_a_document_over_the_limits(client, monkeypatch):
    """A doubling fragment chain (2^20 paths in under 1 KB) is refused by the limits before the
    response cache expands a single spread of it."""
    shapes = []
    real = response_cache._shape_of
    monkeypatch.setattr(response_cache, "_shape_of", lambda *a: shapes.append(1) or real(*a))
    result = post(client, {"query": fragment_chain(20, leaf="products { totalCount }")}).json()
    assert error_codes(result) == ["QUERY_TOO_COMPLEX"]
    assert shapes == []


@pytest.mark.parametrize("name", [{"a": 1}, ["ProductList"], 7])
def test_an_operation_name_that_is_not_text_is_a_clean_400(client, name):
    response = post(client, {"query": PUBLIC, "operationName": name})
    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


# ---------------------------------------------------------------- what a client may register


def persisted(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


def by_hash_alone(client, text: str) -> list[str]:
    return error_codes(post(client, {"extensions": persisted(text)}).json())


@pytest.mark.parametrize(
    "text",
    [
        "{ products { totalCount }",  # a syntax error
        "{ nosuchfield }",  # does not validate
        fragment_chain(20),  # over the limits
    ],
)
def test_only_a_document_that_runs_is_registered(client, text):
    post(client, {"query": text, "extensions": persisted(text)})
    assert by_hash_alone(client, text) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_valid_small_document_is_registered_and_a_large_one_is_not(client, settings):
    small = "{ products { totalCount } }"
    assert error_codes(post(client, {"query": small, "extensions": persisted(small)}).json()) == []
    assert by_hash_alone(client, small) == []
    large = small + "\n# " + "x" * settings.GRAPHQL_PERSISTED_MAX_BYTES
    assert error_codes(post(client, {"query": large, "extensions": persisted(large)}).json()) == []
    assert by_hash_alone(client, large) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_manifest_operation_by_hash_is_the_manifest_text(client):
    make_product(name="Mel")
    text = operations()["ProductList"]
    result = post(client, {"extensions": persisted(text), "variables": {"first": 1}}).json()
    assert result["data"]["products"]["totalCount"] == 1


def test_a_query_answered_from_the_cache_registers_its_hash(client, settings):
    """An APQ client sends the text with its hash once: registered even when the answer was kept."""
    settings.GRAPHQL_RESPONSE_CACHE = True
    text = "query Mine { categories { slug } }"
    assert post(client, {"query": text})["X-Cache"] == "MISS"
    assert post(client, {"query": text, "extensions": persisted(text)})["X-Cache"] == "HIT"
    assert by_hash_alone(client, text) == []


def test_a_subscription_over_http_is_a_clean_400(client, caplog):
    body = {"query": 'subscription { productAvailability(ids: ["UHJvZHVjdDox"]) { __typename } }'}
    response = post(client, body)
    assert response.status_code == 400 and error_codes(response.json()) == ["BAD_REQUEST"]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
