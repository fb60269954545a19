"""Who may keep an answer: public catalogue queries of anonymous callers carry Cache-Control public,
an ETag and Vary; If-None-Match answers 304; anything about the caller is private, no-store."""

from __future__ import annotations

import json

import pytest
from graphql_jwt.shortcuts import get_token

from graph.documents import operations
from graph.documents import text_sha256 as sha256

from .factories import make_product

pytestmark = pytest.mark.django_db


def persisted_get(client, name: str, variables: dict | None = None, **headers):
    params = {
        "operationName": name,
        "variables": json.dumps(variables or {}),
        "extensions": json.dumps(
            {"persistedQuery": {"version": 1, "sha256Hash": sha256(operations()[name])}}
        ),
    }
    return client.get("/graphql/", params, **headers)


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_an_anonymous_catalogue_query_is_public_with_an_etag(client, settings):
    settings.GRAPHQL_CACHE_MAX_AGE = 45
    make_product()
    response = persisted_get(client, "ProductList", {"first": 5})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=45"
    assert response["ETag"].startswith('"')
    assert {"authorization", "accept"} <= vary(response)


def test_if_none_match_answers_304_from_the_cache_and_after_a_miss(client, settings):
    make_product()
    etag = persisted_get(client, "ProductList")["ETag"]
    again = persisted_get(client, "ProductList", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"].startswith("public")
    assert again["X-Cache"] == "HIT"
    settings.GRAPHQL_RESPONSE_CACHE = False  # computed again, the same answer: still 304
    assert persisted_get(client, "ProductList", HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert persisted_get(client, "ProductList", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_token_makes_any_answer_private(client, buyer):
    make_product()
    response = persisted_get(client, "ProductList", HTTP_AUTHORIZATION=f"Bearer {get_token(buyer)}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    # A bad token too: the answer is anonymous, but the request named a caller.
    assert persisted_get(client, "ProductList", HTTP_AUTHORIZATION="Bearer nope")["Cache-Control"] == (
        "private, no-store"
    )


@pytest.mark.parametrize(
    "query",
    [
        "{ me { id } }",
        '{ cart(cartCode: "x") { id } }',
        "{ products { edges { node { slug myReview { id } } } } }",
        "{ products { edges { node { slug inMyWishlist } } } }",
        "query { products { ...P } } fragment P on ProductConnection { edges { node { inMyWishlist } } }",
        "{ myOrders { totalCount } }",
    ],
)
def test_what_depends_on_the_caller_is_private(client, query):
    response = client.get("/graphql/", {"query": query})
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_an_answer_with_errors_is_private(client):
    response = client.get("/graphql/", {"query": "{ products(first: 500) { totalCount } }"})
    assert response.json()["errors"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_mutation_by_post_is_private(gql, client):
    response = client.post(
        "/graphql/",
        json.dumps({"query": operations()["AddToCart"], "variables": {"productId": "x"}}),
        content_type="application/json",
    )
    assert response["Cache-Control"] == "private, no-store"
