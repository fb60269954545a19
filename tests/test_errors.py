"""How failures reach the client (graph/errors.py): domain errors as payload errors with the API's
field names, access errors as top-level codes, anything unexpected logged and masked."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from graphql import GraphQLError

from domain.accounts import selectors
from domain.errors import AccessDenied, ErrorCode, InvalidInput, Required, collect
from graph.accounts import StorePayload
from graph.errors import DomainErrors
from graph.schema import schema

pytestmark = pytest.mark.django_db


def test_no_node_root_fields():
    query_fields = schema._schema.query_type.fields
    assert "node" not in query_fields and "nodes" not in query_fields


def test_an_unexpected_exception_is_logged_and_masked(gql, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("password=hunter2 at db.internal")

    monkeypatch.setattr(selectors, "store_visible", broken)
    with caplog.at_level("ERROR", logger="kitanda.graph"):
        result = gql('{ store(slug: "x") { slug } }', headers={"HTTP_X_REQUEST_ID": "req-42"})
    assert result == {
        "data": {"store": None},
        "errors": [
            {
                "message": "Erro interno.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["store"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
            }
        ],
    }
    assert "hunter2" not in json.dumps(result)
    [record] = [record for record in caplog.records if record.name == "kitanda.graph"]
    assert record.exc_info and "hunter2" in str(record.exc_info[1])
    assert record.request_id == "req-42"


def test_validation_errors_are_not_masked(gql):
    result = gql("{ me { password } }")
    assert "Cannot query field 'password'" in result["errors"][0]["message"]


def test_access_denied_from_the_domain_becomes_a_top_level_forbidden_error():
    error = AccessDenied("Not yours.")

    def action(source, info):
        raise error

    with pytest.raises(GraphQLError) as raised:
        _store_mutation().resolve(action, None, None)
    assert (raised.value.message, raised.value.extensions) == (error.message, {"code": "FORBIDDEN"})


def _store_mutation() -> DomainErrors:
    """The DomainErrors extension as a mutation returning StorePayload applies it."""
    extension = DomainErrors()
    extension.apply(SimpleNamespace(type=StorePayload))
    return extension


def test_domain_errors_become_payload_errors_with_api_field_names():
    def action(source, info):
        collect(
            Required("Name is required.", field="name"),
            InvalidInput("Too long.", field="description"),
            InvalidInput("Too many.", field="stock_quantity"),
        )

    result = _store_mutation().resolve(action, None, None)
    assert result.store is None
    assert [(e.field, e.message, e.code) for e in result.errors] == [
        ("name", "Name is required.", ErrorCode.REQUIRED),
        ("description", "Too long.", ErrorCode.INVALID),
        ("stockQuantity", "Too many.", ErrorCode.INVALID),
    ]
