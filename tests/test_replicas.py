"""Read replicas for real: a throwaway primary and streaming replica (initdb, pg_basebackup) on loopback
ports, the replica's replay paused so that it lags on purpose. Catalogue reads come from the replica,
writes go to the primary, a buyer who has just written reads the primary (their fresh order and the
newest catalogue), everyone else sees the replica until it catches up. Plus the router's rules, which
need no cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from backend import db_router
from backend.db_router import PrimaryReplicaRouter, RequestReads, primary_reads
from domain.cart.models import Cart
from domain.catalog.models import Product
from domain.orders.models import Order
from domain.reviews.models import Review
from graph.documents import operations
from graph.documents import text_sha256 as sha256
from graph.persisted import request_for
from graph.schema import schema

from . import pgcluster
from .services import ROOT, free_port, services_leg

needs_cluster = pytest.mark.skipif(
    bool(pgcluster.unavailable()), reason=f"no throwaway PostgreSQL cluster: {pgcluster.unavailable()}"
)


def persisted_only(name: str) -> dict:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(operations()[name])}}}


@services_leg
@needs_cluster
def test_catalogue_reads_use_the_replica_and_a_buyer_reads_their_own_writes(tmp_path):
    primary, replica = free_port(5500, 5599), None
    replica = next(port for port in range(primary + 1, 5600) if port == free_port(port, 5599))
    with pgcluster.primary_and_replica(primary_port=primary, replica_port=replica) as cluster:
        env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}}
        env |= {
            "DATABASE_URL": cluster.url("primary"),
            "DATABASE_REPLICA_URLS": cluster.url("replica"),
            "REPLICA_PIN_SECONDS": "60",
            "METRICS_ENABLED": "1",
            "PAYMENT_GATEWAY": "domain.orders.payments.SimulatedGateway",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "ALLOWED_HOSTS": "testserver",
        }
        done = subprocess.run(
            [sys.executable, "tests/replica_scenario.py", str(primary), str(replica), str(cluster.base)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])

    # The replica lags (replay paused): the public catalogue, read from it, does not show the new product.
    assert found["anonymous_before"] == ["old-product"]
    assert found["buyer_before"] == ["old-product"]  # a logged-in buyer who has not written: the replica too
    assert found["anonymous_used_replica"] is True
    # Writes go to the primary: the order is there and not (yet) on the lagging replica.
    assert found["checkout_errors"] == []
    assert found["order_on_primary"] is True and found["order_on_replica"] is False
    # Read-your-writes: the buyer sees their fresh order, and (pinned to the primary) the newest catalogue.
    assert found["my_orders"] == [found["order_number"]]
    assert found["buyer_after_writing"] == ["new-product", "old-product"]
    # Everyone else keeps the replica's view until it catches up.
    assert found["anonymous_after"] == ["old-product"]
    assert found["anonymous_caught_up"] == ["new-product", "old-product"]
    assert found["order_on_replica_caught_up"] is True
    assert found["reads"]["replica"] > 0 and found["reads"]["primary"] > 0
    # A replica that is down: the primary answers, at once and again.
    assert found["anonymous_replica_down"] == ["new-product", "old-product"]
    assert found["anonymous_replica_down_again"] == ["new-product", "old-product"]


# ---------------------------------------------------------------- the router's rules


@pytest.fixture
def replicas(settings, monkeypatch):
    """The router with one replica, reachable (the breaker has its own tests below)."""
    settings.DATABASE_REPLICAS = ["replica1"]
    monkeypatch.setattr(db_router, "replica_reachable", lambda alias: True)
    return PrimaryReplicaRouter()


def reading(request):
    """The router's state for `request`, which the view has read as it does (graph/persisted.py)."""
    if request.content_type == "application/json" or request.method == "GET":
        body = json.loads(request.body) if request.method == "POST" else {"query": request.GET["query"]}
        request.graphql = request_for(
            body.get("query"), body.get("extensions"), body.get("operationName"), {}, schema=schema._schema
        )
    state = RequestReads(request)
    token = db_router._READS.set(state)
    return state, token


@pytest.mark.django_db(transaction=True)
def test_only_catalogue_queries_outside_transactions_read_a_replica(replicas, rf: RequestFactory):
    query = rf.post(
        "/graphql/", data='{"query": "{ products { totalCount } }"}', content_type="application/json"
    )
    state, token = reading(query)
    try:
        assert not query.graphql.replica_read
        assert replicas.db_for_read(Product) == "replica1" and query.graphql.replica_read
        assert replicas.db_for_read(Review) == "replica1"
        assert replicas.db_for_read(Order) == "default"
        assert replicas.db_for_read(Cart) == "default"
        with primary_reads():
            assert replicas.db_for_read(Product) == "default"
        from django.db import transaction

        with transaction.atomic():
            assert replicas.db_for_read(Product) == "default"
        assert replicas.db_for_write(Product) == "default" and state.wrote
        assert replicas.db_for_read(Product) == "default"  # after a write, the rest of the request too
    finally:
        db_router._READS.reset(token)
    assert replicas.db_for_read(Product) == "default"  # no request: commands, tasks
    assert replicas.allow_migrate("replica1", "catalog") is False and replicas.allow_migrate(
        "default", "catalog"
    )


@pytest.mark.parametrize(
    ("method", "body", "content_type", "replica"),
    [
        ("post", '{"query": "mutation { logout }"}', "application/json", False),
        # The operation run decides, not the words of the document: A is a query, B a mutation.
        (
            "post",
            '{"query": "query A { a } mutation B { b }", "operationName": "A"}',
            "application/json",
            True,
        ),
        (
            "post",
            '{"query": "query A { a } mutation B { b }", "operationName": "B"}',
            "application/json",
            False,
        ),
        ("post", "--x\r\n", "multipart/form-data; boundary=x", False),
        # Only the hash of a mutation: a write all the same (it was read as a query before).
        ("post", json.dumps(persisted_only("Logout")), "application/json", False),
        ("post", json.dumps(persisted_only("ProductList")), "application/json", True),
        ("get", None, None, True),
    ],
)
def test_mutations_and_uploads_read_the_primary(replicas, rf, method, body, content_type, replica):
    if method == "get":
        request = rf.get("/graphql/", {"query": "{ products { totalCount } }"})
    else:
        request = rf.post("/graphql/", data=body, content_type=content_type)
    _, token = reading(request)
    try:
        assert (replicas.db_for_read(Product) == "replica1") is replica
    finally:
        db_router._READS.reset(token)


def test_a_caller_who_wrote_is_pinned_to_the_primary(replicas, rf):
    buyer = SimpleNamespace(pk=4242, is_authenticated=True)
    request = rf.post(
        "/graphql/", data='{"query": "{ products { totalCount } }"}', content_type="application/json"
    )
    request.user = buyer
    _, token = reading(request)
    try:
        assert replicas.db_for_read(Product) == "replica1"
    finally:
        db_router._READS.reset(token)
    from django.core.cache import cache

    cache.set(db_router.pin_key(buyer.pk), 1, 30)
    _, token = reading(request)
    try:
        assert replicas.db_for_read(Product) == "default"
    finally:
        db_router._READS.reset(token)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "replica"), [("AddToCart", False), ("ProductList", True)])
def test_the_view_routes_a_persisted_hash_by_its_operation(client, settings, monkeypatch, name, replica):
    """Through the real endpoint, with the primary standing in for a replica: a mutation sent as a
    bare persisted hash reads nothing from the replica, a query does."""
    from .factories import make_product
    from .helpers import gid

    settings.DATABASE_REPLICAS = ["default"]
    settings.GRAPHQL_RESPONSE_CACHE = False
    product = make_product()
    reads = []
    real = RequestReads.read_replica
    monkeypatch.setattr(RequestReads, "read_replica", lambda state: reads.append(1) or real(state))
    body = persisted_only(name) | {"variables": {"productId": gid("Product", product.pk)}}
    response = client.post("/graphql/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and "errors" not in response.json(), response.content
    assert bool(reads) is replica


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_a_write_still_answers_and_a_logged_in_caller_reads_the_primary(
    client, settings, monkeypatch
):
    """The read-your-writes pin lives in the shared cache. With it down (bench/chaos.py's Redis
    phase answered 500 to committed checkouts), the write answers 200 without the pin, a logged-in
    caller's query reads the primary (whether they wrote cannot be told), a stranger's the replica."""
    from django.test import override_settings
    from graphql_jwt.shortcuts import get_token

    from .factories import make_product, make_user
    from .helpers import gid

    settings.DATABASE_REPLICAS = ["default"]
    settings.GRAPHQL_RESPONSE_CACHE = False
    product, buyer = make_product(), make_user()
    reads = []
    real = RequestReads.read_replica
    monkeypatch.setattr(RequestReads, "read_replica", lambda state: reads.append(1) or real(state))
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {get_token(buyer)}"}

    def send(name: str, variables: dict, **headers) -> dict:
        body = json.dumps({"query": operations()[name], "variables": variables})
        response = client.post("/graphql/", body, content_type="application/json", **headers)
        assert response.status_code == 200, response.content
        return response.json()

    broken = {"BACKEND": "tests.test_faults.BrokenCache"}
    with override_settings(CACHES={"default": broken, "throttle": broken}):
        added = send("AddToCart", {"productId": gid("Product", product.pk), "quantity": 1}, **bearer)
        assert added["data"]["addToCart"]["errors"] == []
        assert "errors" not in send("ProductList", {"first": 5}, **bearer) and reads == []
        # The stranger's reads go to the replica: the page and its capped totalCount, one each.
        assert "errors" not in send("ProductList", {"first": 5}) and reads == [1, 1]


# ---------------------------------------------------------------- the circuit breaker


class Unreachable:
    """A replica's connection that cannot be made (the server is down or cut off)."""

    def __init__(self):
        self.attempts = 0
        self.down = True

    def close_if_health_check_failed(self):
        pass

    def ensure_connection(self):
        self.attempts += 1
        if self.down:
            from django.db import OperationalError

            raise OperationalError("connection refused")


@pytest.mark.django_db(transaction=True)
def test_a_replica_that_is_down_sends_its_reads_to_the_primary_until_it_is_back(settings, monkeypatch, rf):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.REPLICA_RETRY_SECONDS = 10
    replica = Unreachable()
    real = db_router.connections
    monkeypatch.setattr(
        db_router,
        "connections",
        type("C", (), {"__getitem__": lambda _, a: replica if a == "replica1" else real[a]})(),
    )
    monkeypatch.setattr(db_router, "_DOWN_UNTIL", {})
    clock = [1000.0]
    monkeypatch.setattr(db_router.time, "monotonic", lambda: clock[0])
    router = PrimaryReplicaRouter()

    def read() -> str:
        _, token = reading(
            rf.post(
                "/graphql/", data='{"query": "{ products { totalCount } }"}', content_type="application/json"
            )
        )
        try:
            return router.db_for_read(Product)
        finally:
            db_router._READS.reset(token)

    assert read() == "default" and replica.attempts == 1  # tried, failed: the primary answers
    assert read() == "default" and replica.attempts == 1  # within the window: not tried again
    clock[0] += 11
    replica.down = False
    assert read() == "replica1" and replica.attempts == 2  # tried again, and back
    assert read() == "replica1"


@pytest.mark.django_db(transaction=True)
def test_a_replica_that_stays_down_is_probed_by_one_request_per_window(settings, monkeypatch):
    """Once its window ends, the first request probes it and every other request of the process,
    meanwhile and after, skips it: one connection timeout per window, not one per thread."""
    settings.REPLICA_RETRY_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(db_router.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(db_router, "_DOWN_UNTIL", {"replica1": 990.0})  # its window has just ended
    replica, seen_while_probing = Unreachable(), []
    failing = replica.ensure_connection

    def probe():
        seen_while_probing.append(db_router.replica_reachable("replica1"))  # another thread, meanwhile
        failing()

    replica.ensure_connection = probe
    real = db_router.connections
    monkeypatch.setattr(
        db_router,
        "connections",
        type("C", (), {"__getitem__": lambda _, a: replica if a == "replica1" else real[a]})(),
    )
    assert db_router.replica_reachable("replica1") is False
    assert seen_while_probing == [False] and replica.attempts == 1
    assert db_router.replica_reachable("replica1") is False and replica.attempts == 1
