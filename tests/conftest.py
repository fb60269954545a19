"""Role fixtures and a GraphQL client that talks to /graphql/ the way the frontend does."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from graphql import OperationDefinitionNode, parse, print_ast
from graphql.language import FragmentDefinitionNode, FragmentSpreadNode, Visitor, visit
from graphql_jwt.shortcuts import get_token

from . import factories

# shared/ lies beside the project folder, in a developer's tree and in CI's clone alike.
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract"


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test run keeps its cache keys apart, so parallel runs on one Redis do not collide.
    for alias in settings.CACHES.values():
        alias["KEY_PREFIX"] = f"kitanda-test-{os.getpid()}"


def _clear_cache() -> None:
    # On Redis, clear() flushes the whole database; delete only this run's (prefixed) keys.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_cache()
    yield
    _clear_cache()


# ---------------------------------------------------------------- roles


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def buyer(db):
    return factories.make_user(username="buyer")


@pytest.fixture
def other_buyer(db):
    return factories.make_user(username="otherbuyer")


@pytest.fixture
def seller(db):
    """An approved seller with an active store."""
    return factories.make_seller(username="seller")


@pytest.fixture
def other_seller(db):
    return factories.make_seller(username="otherseller")


@pytest.fixture
def unapproved_seller(db):
    return factories.make_seller(approved=False, with_store=False, username="newseller")


@pytest.fixture
def admin(db):
    return factories.make_admin(username="admin")


ROLES = ["anonymous", "buyer", "unapproved_seller", "seller", "other_seller", "admin"]


@pytest.fixture
def role(request):
    """Parametrize with `@pytest.mark.parametrize("role", ROLES, indirect=True)`."""
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------- GraphQL client


class GraphQLClient:
    def __init__(self, client):
        self.client = client

    def __call__(
        self,
        query: str,
        variables: dict | None = None,
        *,
        user=None,
        token: str | None = None,
        headers: dict | None = None,
        operation_name: str | None = None,
    ) -> dict:
        extra = dict(headers or {})
        if user is not None:
            token = get_token(user)
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        response = self.client.post("/graphql/", json.dumps(body), content_type="application/json", **extra)
        assert response.status_code in (200, 400), response.content
        return response.json()

    def ok(self, query: str, variables: dict | None = None, **kwargs) -> dict:
        """The `data` of a response that must have no top-level error."""
        result = self(query, variables, **kwargs)
        assert "errors" not in result, result["errors"]
        return result["data"]

    def op(self, name: str, variables: dict | None = None, **kwargs) -> dict:
        """Send the contract's operation `name` exactly as the frontend does."""
        return self(contract_operation(name), variables, **kwargs)


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


def error_codes(result: dict) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


def _load_operations() -> dict[str, str]:
    """Every contract operation by name, each with just the fragments it uses."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    documents = [parse(path.read_text()) for path in sorted((CONTRACT / "operations").glob("*.graphql"))]
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
    operations = {}
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                parts = [print_ast(definition)]
                parts += [print_ast(fragments[name]) for name in _fragments_used(definition, fragments)]
                operations[definition.name.value] = "\n".join(parts)
    return operations


def contract_operation(name: str) -> str:
    """The contract's operation `name` with just the fragments it uses."""
    return _OPERATIONS[name]


def _fragments_used(node, fragments: dict) -> list[str]:
    found: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_):
            if spread.name.value not in found:
                found.append(spread.name.value)

    visit(node, Spreads())
    for name in list(found):
        for nested in _fragments_used(fragments[name], fragments):
            if nested not in found:
                found.append(nested)
    return found


# Loaded once at import, before any test (or test thread) asks for one.
_OPERATIONS = _load_operations()
