"""Observability: X-Response-Time, the access log and JSON log lines, Prometheus metrics at /metrics/
(guarded), and Sentry events tagged with the request id and user id, without personal data unless
SENTRY_SEND_PII allows it (sent for real to a fake Sentry on a loopback port)."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk
from django.db import connection
from prometheus_client import REGISTRY

from backend.observability import JsonFormatter, _QueryCounter, sentry_init
from domain.accounts import selectors

from .services import free_port

pytestmark = pytest.mark.django_db


def test_every_response_says_how_long_it_took(client, gql):
    response = client.get("/health/")
    assert response["X-Response-Time"].endswith("ms") and float(response["X-Response-Time"][:-2]) >= 0
    response = client.post("/graphql/", {"query": "{ categories { name } }"}, content_type="application/json")
    assert response.status_code == 200 and "X-Response-Time" in response


def test_metrics_are_off_unless_enabled(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics/").status_code == 404


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_ENABLED, settings.METRICS_TOKEN = True, "s3cret-metrics-token"
    client.get("/health/")
    assert client.get("/metrics/").status_code == 401
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/metrics/", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'kitanda_http_requests_total{method="GET",route="health/",status="200"}' in text
    assert "kitanda_http_request_duration_seconds_bucket" in text


def test_statements_are_counted_per_database_and_kind():
    def value(kind):
        return (
            REGISTRY.get_sample_value("kitanda_db_queries_total", {"database": "default", "kind": kind}) or 0
        )

    reads, writes = value("read"), value("write")
    with connection.execute_wrapper(_QueryCounter("default")), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 2")
        cursor.execute("UPDATE accounts_user SET first_name = first_name WHERE id = -1")
    assert (value("read") - reads, value("write") - writes) == (2, 1)


def test_the_access_log_line_and_json_records(client, settings, caplog, buyer):
    settings.ACCESS_LOG = True
    with caplog.at_level("INFO", logger="kitanda.access"):
        client.get("/health/", HTTP_X_REQUEST_ID="req-7")
    [record] = [record for record in caplog.records if record.name == "kitanda.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line | {"time": "-", "duration_ms": 0} == {
        "time": "-",
        "level": "INFO",
        "logger": "kitanda.access",
        "message": line["message"],
        "request_id": "req-7",
        "method": "GET",
        "path": "/health/",
        "status": 200,
        "duration_ms": 0,
        "user_id": None,
    }
    assert line["time"].endswith("Z")
    try:
        raise ValueError("boom")
    except ValueError:
        failure = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), True)
        import sys

        failure.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(failure))
    assert line["message"] == "failed here" and "ValueError: boom" in line["exception"]


# ---------------------------------------------------------------- Sentry


class FakeSentry(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # sentry-sdk compresses with it when it is installed

            body = brotli.decompress(body)
        FakeSentry.envelopes.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_events():
    """sentry_init pointed at a fake Sentry on a loopback port; yields a function returning the events
    it received, and turns Sentry off again after."""
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), FakeSentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeSentry.envelopes = []

    def start(*, send_pii: bool):
        sentry_init(
            dsn=f"http://public@127.0.0.1:{port}/1",
            environment="test",
            release="",
            traces_sample_rate=0.0,
            send_pii=send_pii,
        )

    def events() -> list[dict]:
        sentry_sdk.flush(timeout=10)
        found = []
        for envelope in FakeSentry.envelopes:
            for line in envelope.splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict) and "level" in item and "event_id" in item:
                    found.append(item)
        return found

    yield start, events
    sentry_sdk.init()  # no DSN: Sentry is off again
    server.shutdown()
    server.server_close()


def break_the_store_query(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database said no")

    monkeypatch.setattr(selectors, "store_visible", broken)


@pytest.mark.parametrize("send_pii", [False, True])
def test_sentry_events_carry_the_request_and_user_ids(gql, buyer, monkeypatch, sentry_events, send_pii):
    start, events = sentry_events
    start(send_pii=send_pii)
    break_the_store_query(monkeypatch)
    result = gql('{ store(slug: "x") { slug } }', user=buyer, headers={"HTTP_X_REQUEST_ID": "req-sentry-1"})
    assert result["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"

    # The logged error, and the exception as the integrations see it: each tagged, none with PII.
    tagged = [event for event in events() if event.get("tags", {}).get("request_id") == "req-sentry-1"]
    assert tagged and any("database said no" in json.dumps(event) for event in tagged)
    for event in tagged:
        assert event["tags"]["user_id"] == str(buyer.pk)
        text = json.dumps(event)
        if send_pii:
            assert event["user"]["email"] == buyer.email
        else:
            assert "user" not in event
            assert buyer.email not in text and f'"{buyer.username}"' not in text
            assert "Bearer" not in text
            assert "data" not in event.get("request", {}) and "cookies" not in event.get("request", {})
