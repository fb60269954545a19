"""Persisted queries (graph/persisted.py): the manifest, Automatic Persisted Queries, allowlist mode,
and queries (never mutations) over GET."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from graph import persisted
from graph.documents import operations
from graph.documents import text_sha256 as sha256
from graph.persisted import MANIFEST_PATH, manifest, manifest_json

from .conftest import error_codes
from .factories import make_product
from .helpers import CacheDown, gid

pytestmark = pytest.mark.django_db


def extensions(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def post(client, body: dict, **headers):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


def get(client, params: dict, **headers):
    encoded = {key: json.dumps(value) if isinstance(value, dict) else value for key, value in params.items()}
    return client.get("/graphql/", encoded, **headers)


# ---------------------------------------------------------------- the manifest


def test_the_committed_manifest_is_current():
    """Run `manage.py persisted_manifest` after changing graph/operations."""
    assert MANIFEST_PATH.read_text() == manifest_json()


def test_the_manifest_names_every_operation_with_the_hash_of_its_canonical_text():
    by_name = {document.operation_name: document for document in manifest().values()}
    assert set(by_name) == set(operations())
    for name, text in operations().items():
        assert by_name[name].text == text
        assert by_name[name].sha256 == sha256(text)


def test_the_command_checks_and_writes_the_manifest(tmp_path, monkeypatch, capsys):
    target = tmp_path / "manifest.json"
    monkeypatch.setattr("graph.management.commands.persisted_manifest.MANIFEST_PATH", target)
    with pytest.raises(SystemExit):
        call_command("persisted_manifest", "--check")
    call_command("persisted_manifest")
    assert target.read_text() == manifest_json()
    call_command("persisted_manifest", "--check")


# ---------------------------------------------------------------- automatic persisted queries


def test_a_manifest_hash_runs_without_its_text(client):
    make_product(name="Café do Amboim")
    digest = sha256(operations()["ProductList"])
    body = {"operationName": "ProductList", "variables": {"first": 5}, "extensions": extensions(digest)}
    by_post = post(client, body).json()
    by_get = get(client, body).json()
    assert by_post == by_get
    assert [e["node"]["name"] for e in by_post["data"]["products"]["edges"]] == ["Café do Amboim"]


def test_an_unknown_hash_is_not_found_until_its_text_is_sent_with_it(client):
    text = "query Mine { categories { slug } }"
    digest = sha256(text)
    first = post(client, {"extensions": extensions(digest)})
    assert first.status_code == 200
    assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(first.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert first["Cache-Control"] == "private, no-store"  # a CDN must not keep "not found"
    assert post(client, {"query": text, "extensions": extensions(digest)}).json() == {
        "data": {"categories": []}
    }
    assert post(client, {"extensions": extensions(digest)}).json() == {"data": {"categories": []}}
    assert get(client, {"extensions": extensions(digest)}).json() == {"data": {"categories": []}}


def test_a_hash_that_is_not_its_texts_is_refused(client):
    text = "{ categories { slug } }"
    response = post(client, {"query": text, "extensions": extensions(sha256(text + " "))})
    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]
    assert error_codes(post(client, {"extensions": extensions(sha256(text + " "))}).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


@pytest.mark.parametrize(
    "persisted_query", [{"version": 2, "sha256Hash": "0" * 64}, {"sha256Hash": "xyz"}, []]
)
def test_a_malformed_persisted_query_is_a_400(client, persisted_query):
    response = post(client, {"extensions": {"persistedQuery": persisted_query}})
    assert response.status_code == 400


def test_registrations_fail_open_when_the_cache_is_down(client, monkeypatch):
    monkeypatch.setattr(persisted, "cache", CacheDown())
    text = "query Down { categories { slug } }"
    digest = sha256(text)
    assert post(client, {"query": text, "extensions": extensions(digest)}).json() == {
        "data": {"categories": []}
    }
    assert error_codes(post(client, {"extensions": extensions(digest)}).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]
    manifest_hash = sha256(operations()["Categories"])
    assert post(client, {"extensions": extensions(manifest_hash)}).json() == {"data": {"categories": []}}


# ---------------------------------------------------------------- allowlist mode


@pytest.fixture
def allowlist_only(settings):
    settings.GRAPHQL_PERSISTED_ONLY = True


def test_allowlist_mode_refuses_a_document_outside_the_manifest(client, allowlist_only):
    text = "query Mine { categories { slug } }"
    for body in ({"query": text}, {"query": text, "extensions": extensions(sha256(text))}):
        result = post(client, body).json()
        assert error_codes(result) == ["PERSISTED_QUERY_NOT_ALLOWED"]
        assert result["data"] is None
    # Nothing was registered: the hash alone is still unknown.
    assert error_codes(post(client, {"extensions": extensions(sha256(text))}).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


def test_allowlist_mode_runs_the_manifest_by_hash_or_by_text(client, allowlist_only):
    text = operations()["Categories"]
    assert post(client, {"query": text}).json() == {"data": {"categories": []}}
    assert post(client, {"extensions": extensions(sha256(text))}).json() == {"data": {"categories": []}}


def test_allowlist_mode_keeps_introspection_while_it_is_on(client, allowlist_only, settings):
    text = "query Introspect { __schema { queryType { name } } }"
    assert post(client, {"query": text}).json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    settings.GRAPHQL_INTROSPECTION = False
    assert error_codes(post(client, {"query": text}).json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


def test_allowlist_mode_refuses_introspection_mixed_with_data(client, allowlist_only):
    text = "{ __schema { queryType { name } } categories { slug } }"
    assert error_codes(post(client, {"query": text}).json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


# ---------------------------------------------------------------- GET


def test_a_mutation_over_get_is_refused_by_text_and_by_hash(client, buyer):
    text = operations()["AddToCart"]
    product = make_product()
    variables = {"productId": gid(product), "quantity": 1}  # a real id: only GET stands in the way
    for params in (
        {"query": text, "variables": variables},
        {"operationName": "AddToCart", "variables": variables, "extensions": extensions(sha256(text))},
    ):
        response = get(client, params)
        assert response.status_code == 400, response.content
        assert error_codes(response.json()) == ["BAD_REQUEST"]
    from domain.cart.models import CartItem

    assert not CartItem.objects.exists()


def test_a_persisted_get_is_answered_even_when_it_accepts_anything(client):
    digest = sha256(operations()["Categories"])
    response = get(client, {"extensions": extensions(digest)}, HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"data": {"categories": []}}


def test_graphiql_is_still_served_to_browsers(client):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"<html" in response.content.lower()
    assert "Accept" in response["Vary"]
