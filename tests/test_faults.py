"""Faults: the payment gateway failing mid-checkout, the database connection dropping, the cache
(Redis) down. Each leaves the data as it was and answers cleanly; the next request works."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import close_old_connections, connection, connections
from django.db.utils import OperationalError
from django.test import override_settings

from domain.accounts.models import User
from domain.catalog import selectors as catalog_selectors
from domain.orders.models import RefundReason

from .conftest import error_codes
from .factories import PASSWORD, make_product, make_store
from .helpers import (
    RecordingGateway,
    checkout_input,
    fill_cart,
    gid,
    postgres_only,
    stock_of,
    world,
)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_lines(buyer):
    """The buyer's cart: one line in each of three stores, so checkout charges three orders."""
    lines = [
        (make_product(store=make_store(name=name), price=price, stock_quantity=5), 2)
        for name, price in (("Loja A", "1000.00"), ("Loja B", "2000.00"), ("Loja C", "3000.00"))
    ]
    fill_cart(buyer, *lines)
    return lines


# ---------------------------------------------------------------- the payment gateway


class FailingGateway(RecordingGateway):
    """The recording gateway whose charge number `fail_on` waits `wait` seconds, then raises `fault`
    (as a provider's HTTP client does when it gives up waiting)."""

    fail_on = 2
    fault: BaseException = TimeoutError("the gateway did not answer")
    wait = 0.0

    def charge(self, **kwargs):
        if len(self.charges()) + 1 == self.fail_on:
            with self.lock:
                self.calls.append(("charge", kwargs["order_number"], kwargs["amount"]))
            time.sleep(self.wait)
            raise self.fault
        return super().charge(**kwargs)


@pytest.fixture
def failing_gateway(gateway, settings):
    settings.PAYMENT_GATEWAY = f"{__name__}.FailingGateway"
    FailingGateway.calls = gateway.calls = []
    FailingGateway.fail_on, FailingGateway.wait = 2, 0.0
    return FailingGateway


@pytest.mark.parametrize(
    ("fault", "wait"),
    [
        pytest.param(TimeoutError("read timed out"), 0.0, id="TimeoutError"),
        # What a socket read with a timeout raises (an alias of TimeoutError since Python 3.10).
        pytest.param(socket.timeout("timed out"), 0.2, id="socket.timeout-after-waiting"),  # noqa: UP041
        pytest.param(ConnectionResetError("connection reset by peer"), 0.0, id="connection-reset"),
        pytest.param(RuntimeError("bug in the provider's SDK"), 0.0, id="any-exception"),
    ],
)
def test_a_gateway_failing_on_the_second_of_three_charges_changes_nothing_and_refunds_the_first(
    gql, buyer, three_lines, failing_gateway, fault, wait
):
    failing_gateway.fault, failing_gateway.wait = fault, wait
    before = world()

    result = gql.op("Checkout", {"input": checkout_input(idempotencyKey="try-1")}, user=buyer)

    assert "errors" not in result, result
    body = result["data"]["checkout"]
    assert body["orders"] is None
    assert [(error["code"], error["field"]) for error in body["errors"]] == [("PAYMENT_FAILED", None)]
    charges = failing_gateway.charges()
    assert len(charges) == 2  # the third order is never charged
    _, first_order, first_amount = charges[0]
    _, unanswered_order, unanswered_amount = charges[1]
    # Stock, cart, orders, payments and events are as before; the first charge is owed back and
    # refunded, and whatever the unanswered second call may have charged is voided by its number.
    assert world() == before | {
        "refunds": [
            (f"SIM-{first_order}", first_amount, RefundReason.CHECKOUT_ROLLED_BACK, True),
            (f"VOID-{unanswered_order}", unanswered_amount, RefundReason.CHARGE_UNANSWERED, True),
        ]
    }
    assert failing_gateway.refunds() == [("refund", f"SIM-{first_order}", first_amount)]
    assert [stock_of(product) for product, _ in three_lines] == [5, 5, 5]

    # The same key may try again once the gateway answers: nothing of the failed attempt was kept.
    failing_gateway.fail_on = 0
    again = gql.op("Checkout", {"input": checkout_input(idempotencyKey="try-1")}, user=buyer)
    assert again["data"]["checkout"]["errors"] == []
    assert len(again["data"]["checkout"]["orders"]) == 3
    assert [stock_of(product) for product, _ in three_lines] == [3, 3, 3]


# ---------------------------------------------------------------- the database connection

CATEGORIES = "{ categories { id name } }"


def served(gql, query: str, **kwargs) -> dict:
    """A request as a real server runs it: Django's request_started and request_finished close
    connections that failed or aged (close_old_connections), which the test client leaves out."""
    close_old_connections()
    try:
        return gql(query, **kwargs)
    finally:
        close_old_connections()


def assert_masked(body: dict, *secrets: str) -> None:
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"] == "Erro interno."
    assert body["errors"][0]["extensions"]["requestId"]
    text = json.dumps(body)
    assert "Traceback" not in text and "OperationalError" not in text
    for secret in secrets:
        assert secret not in text


@pytest.mark.django_db(transaction=True)  # served() closes connections, which a test transaction forbids
def test_a_connection_lost_inside_a_resolver_is_a_masked_error_and_the_next_request_works(gql, monkeypatch):
    real = catalog_selectors.category_list
    calls = []

    def connection_lost():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly at db.internal:5432")
        return real()

    monkeypatch.setattr(catalog_selectors, "category_list", connection_lost)
    failed = served(gql, CATEGORIES)
    assert failed["data"] is None
    assert_masked(failed, "db.internal")
    assert served(gql, CATEGORIES) == {"data": {"categories": []}}


def test_the_database_gone_before_any_resolver_is_a_json_error_not_an_html_page(client, buyer, monkeypatch):
    """The caller's token is read (a query) before the schema runs: a database error there is
    masked the same way, as JSON with code INTERNAL_SERVER_ERROR, and the next request works."""
    from graphql_jwt.shortcuts import get_token

    token = get_token(buyer)

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server db.internal")

    def post():
        return client.post(
            "/graphql/",
            json.dumps({"query": "{ me { username } }"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_X_REQUEST_ID="req-db-down",
        )

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = post()
    monkeypatch.undo()
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_masked(body, "db.internal")
    assert body["errors"][0]["extensions"]["requestId"] == "req-db-down"

    after = post()
    assert (after.status_code, after.json()) == (200, {"data": {"me": {"username": "buyer"}}})


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_backend(pid: int) -> None:
    """Kill a PostgreSQL backend from another connection, as a restart or a failover would."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backend_killed_between_two_requests_is_replaced_before_the_next_one(gql):
    assert served(gql, CATEGORIES) == {"data": {"categories": []}}
    killed = backend_pid()
    terminate_backend(killed)
    assert served(gql, CATEGORIES) == {"data": {"categories": []}}
    assert backend_pid() != killed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backend_killed_in_the_middle_of_a_request_is_masked_and_the_next_request_works(gql, monkeypatch):
    real = catalog_selectors.category_list

    def killed_underneath():
        monkeypatch.setattr(catalog_selectors, "category_list", real)
        terminate_backend(backend_pid())
        return list(real())

    monkeypatch.setattr(catalog_selectors, "category_list", killed_underneath)
    failed = served(gql, CATEGORIES)
    assert failed["data"] is None
    assert_masked(failed, "terminating connection")
    assert served(gql, CATEGORIES) == {"data": {"categories": []}}


POOLED_REQUESTS = """
import json, sys
import django
django.setup()
import psycopg
from django.db import close_old_connections
from django.test import Client

client = Client()

def served():
    close_old_connections()
    response = client.post("/graphql/", {"query": "{ categories { id } }"}, content_type="application/json")
    close_old_connections()
    return response.json()

first = served()
with psycopg.connect(sys.argv[1], autocommit=True) as killer:
    killed = killer.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
        [sys.argv[2]],
    ).fetchone()[0]
print(json.dumps({"first": first, "killed": killed, "second": served()}))
"""


@postgres_only
def test_with_the_connection_pool_a_killed_backend_is_replaced_before_the_next_request(transactional_db):
    """DATABASE_POOL=1 (ASGI workers): the pool checks a connection before lending it, so killed
    backends cost no request."""
    db = connection.settings_dict
    base = (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    name = f"kitanda-faults-pool-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DATABASE_POOL"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"{base}?application_name={name}",
        "DATABASE_POOL": "1",
        "DATABASE_POOL_MIN": "2",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", POOLED_REQUESTS, base, name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["first"] == {"data": {"categories": []}}
    assert outcome["killed"] >= 1
    assert outcome["second"] == {"data": {"categories": []}}


# ---------------------------------------------------------------- the cache (Redis) down


class BrokenCache(BaseCache):
    """A cache whose server is gone: every call raises."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to cache.internal:6379. Connection refused.")

    add = get = set = touch = delete = clear = incr = decr = has_key = get_many = set_many = _down


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_redis(*, ignore_exceptions: bool) -> dict:
    options = {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": ignore_exceptions}
    location = f"redis://127.0.0.1:{closed_port()}/0"
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "OPTIONS": options}}


CACHES_DOWN = {
    "redis-on-a-closed-port": lambda: dead_redis(ignore_exceptions=False),
    # A cache that swallows its errors counts nothing: the throttle must still refuse.
    "redis-on-a-closed-port-ignoring-errors": lambda: dead_redis(ignore_exceptions=True),
    "a-cache-backend-that-raises": lambda: {"default": {"BACKEND": f"{__name__}.BrokenCache"}},
}


@pytest.fixture(params=list(CACHES_DOWN))
def cache_down(request):
    # override_settings rather than the `settings` fixture: the cache comes back before conftest's
    # clean-up clears it.
    with override_settings(CACHES=CACHES_DOWN[request.param]()):
        yield request.param


def test_browsing_and_buying_work_while_the_cache_is_down(gql, cache_down, buyer, three_lines):
    product = three_lines[0][0]
    listed = gql.op("ProductList", {"first": 10})
    assert "errors" not in listed and listed["data"]["products"]["totalCount"] == 3
    assert gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]["slug"] == product.slug
    assert "errors" not in gql.op("Categories")
    assert "errors" not in gql.op("StoreList", {"first": 10})
    added = gql.op("AddToCart", {"productId": gid(product), "quantity": 1})["data"]["addToCart"]
    assert added["errors"] == [] and added["cart"]["cartCode"]
    assert gql.op("Cart", {"cartCode": added["cart"]["cartCode"]})["data"]["cart"]["totalQuantity"] == 1
    assert gql.op("Me", user=buyer)["data"]["me"]["username"] == "buyer"
    placed = gql.op("Checkout", {"input": checkout_input()}, user=buyer)["data"]["checkout"]
    assert placed["errors"] == [] and len(placed["orders"]) == 3


def test_logins_fail_closed_while_the_cache_cannot_count(gql, client, cache_down, buyer, admin):
    last_login = User.objects.values_list("last_login", flat=True).get(pk=buyer.pk)
    for _ in range(3):
        login = gql.op("Login", {"username": "buyer", "password": PASSWORD})["data"]["tokenAuth"]
        assert (login["token"], login["refreshToken"]) == (None, None)
        assert [error["code"] for error in login["errors"]] == ["RATE_LIMITED"]
        assert "suspenso" in login["errors"][0]["message"]
    assert User.objects.values_list("last_login", flat=True).get(pk=buyer.pk) == last_login

    users = User.objects.count()
    register = {
        "username": "nova",
        "email": "nova@example.ao",
        "password": "Mukua-Doce-2026!",
        "userType": "BUYER",
        "firstName": "Nova",
        "lastName": "Silva",
    }
    registered = gql.op("Register", {"input": register})["data"]["register"]
    assert [error["code"] for error in registered["errors"]] == ["RATE_LIMITED"]
    assert User.objects.count() == users

    # The Django admin's login is counted by the same throttle: refused too.
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["__all__"]] == ["rate_limited"]
    assert "_auth_user_id" not in client.session


def test_account_emails_fail_closed_while_the_cache_cannot_count(gql, cache_down, buyer):
    """A reset, a resend or a change of address cannot be counted: refused, nothing sent or changed."""
    from django.core import mail

    User.objects.filter(pk=buyer.pk).update(email_verified_at=None)  # a verification to resend
    mail.outbox.clear()
    reset = gql.op("RequestPasswordReset", {"email": buyer.email})["data"]["requestPasswordReset"]
    resend = gql.op("ResendVerification", user=buyer)["data"]["resendVerification"]
    change = gql.op("ChangeEmail", {"newEmail": "outro@example.ao", "password": PASSWORD}, user=buyer)
    for answer in (reset, resend, change["data"]["changeEmail"]):
        assert [(error["code"], error["message"]) for error in answer["errors"]] == [
            (
                "RATE_LIMITED",
                "O envio de e-mails está suspenso por momentos. Tente novamente dentro de alguns minutos.",
            )
        ]
    assert mail.outbox == [] and User.objects.get(pk=buyer.pk).pending_email == ""


def test_logins_work_again_once_the_cache_is_back(gql, buyer):
    with override_settings(CACHES=dead_redis(ignore_exceptions=False)):
        refused = gql.op("Login", {"username": "buyer", "password": PASSWORD})["data"]["tokenAuth"]
        assert [error["code"] for error in refused["errors"]] == ["RATE_LIMITED"]
    login = gql.op("Login", {"username": "buyer", "password": PASSWORD})["data"]["tokenAuth"]
    assert login["errors"] == [] and login["token"]


def test_a_cache_failing_after_the_password_was_checked_still_logs_in(gql, buyer, monkeypatch):
    """Giving a successful login's count back is a kindness: its failure does not refuse the login."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "decr", down)
    monkeypatch.setattr(cache, "delete", down)
    login = gql.op("Login", {"username": "buyer", "password": PASSWORD})["data"]["tokenAuth"]
    assert login["errors"] == [] and login["token"]
