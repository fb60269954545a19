"""Role fixtures, the catalogue's category and product, and a GraphQL client that talks to
/graphql/ the way the frontend does."""

from __future__ import annotations

import json
import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client, TestCase
from graphql_jwt.shortcuts import get_token

from domain.catalog import selectors as catalog_selectors
from domain.catalog import services as catalog_services
from domain.promotions.sales import NEXT_BOUNDARY, NO_BOUNDARY
from graph import kept_sql
from graph.documents import operations

from . import factories
from .helpers import add_product, install_recording_gateway


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every use of a kept SQL compiles it again and fails on a difference (graph/kept_sql.py).
    settings.GRAPHQL_KEPT_SQL_VERIFY = True
    # Each test run keeps its cache keys apart, so parallel runs on one Redis do not collide.
    for name, alias in settings.CACHES.items():
        alias["KEY_PREFIX"] = f"kitanda-test-{os.getpid()}-{name}"


def _clear_cache() -> None:
    # On Redis, clear() flushes the whole database; delete only this run's (prefixed) keys.
    for alias in django_settings.CACHES:
        if hasattr(caches[alias], "delete_pattern"):
            caches[alias].delete_pattern("*")
        else:
            caches[alias].clear()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_cache()
    # A site's steady state: the next sale boundary is kept (no sale open in a new test database).
    # A lost value costs the next request one query (domain/promotions/sales.py), which
    # tests/test_promotions_backstop.py checks; the query counts elsewhere are of the steady state.
    caches["default"].set(NEXT_BOUNDARY, NO_BOUNDARY, timeout=None)
    # Built-once querysets and kept SQL: a test may change a rule or a setting they were built with.
    catalog_selectors._catalogue_sorted.cache_clear()
    kept_sql.KEPT.clear()
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


@pytest.fixture
def gateway(settings):
    """The recording payment gateway (tests.helpers.RecordingGateway) as PAYMENT_GATEWAY."""
    return install_recording_gateway(settings)


ROLES = ["anonymous", "buyer", "unapproved_seller", "seller", "other_seller", "admin"]


# ---------------------------------------------------------------- the catalogue (modules may override)


@pytest.fixture
def category(db):
    return catalog_services.category_create(name="Electrónicos")


@pytest.fixture
def product(seller, category):
    """The seller's phone, made as sellers make products."""
    return add_product(seller, name="Telemóvel Kianda", price="185000.00", stock=3, category=category)


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
        """Send the operation `name` of graph/operations exactly as the frontend does."""
        return self(contract_operation(name), variables, **kwargs)


class CommittingClient(Client):
    """Django's test client, running the on-commit callbacks of each request (refunds after the
    commit, file clean-ups) as production does when the request's transaction commits. Tests run
    inside a transaction that never commits, so without this they would never run."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


@pytest.fixture(scope="session")
def kitanda_server(tmp_path_factory):
    """A real server on a loopback port (tests/live.py), seeded with seed_demo, shared by the tests
    that drive it from outside (node, a browser); stopped at the end of the session."""
    from .live import live_server

    with live_server(tmp_path_factory.mktemp("live")) as server:
        yield server


def error_codes(result: dict) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


def contract_operation(name: str) -> str:
    """The project's operation `name` (graph/operations) with just the fragments it uses."""
    return operations()[name]


# Loaded once at import, before any test (or test thread) asks for one.
operations()
