"""What production watches: Sentry (when SENTRY_DSN is set), an X-Response-Time header and an access
log line per request, JSON log records, and Prometheus metrics at /metrics/ (METRICS_ENABLED, and
METRICS_TOKEN when set).

Sentry events carry the request id and the user id as tags, never personal data (no e-mail, username,
IP, cookies or request bodies: tokenAuth's body holds a password) unless SENTRY_SEND_PII allows it.
Under several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder so that /metrics/ sums
every worker (gunicorn.conf.py clears a dead worker's files).
"""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

CURRENT_REQUEST: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "current_request", default=None
)
access_log = logging.getLogger("kitanda.access")

REQUESTS = Counter("kitanda_http_requests", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "kitanda_http_request_duration_seconds",
    "Time Django took to answer, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Counter(
    "kitanda_db_queries",
    "SQL statements sent, by database alias (primary or replica) and kind.",
    ["database", "kind"],
)


# ---------------------------------------------------------------- Sentry


def sentry_init(
    *, dsn: str, environment: str, release: str, traces_sample_rate: float, send_pii: bool
) -> None:
    """Called by the settings when SENTRY_DSN is set: Django, Celery and ERROR log records."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=send_pii,
        max_request_body_size="medium" if send_pii else "never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=lambda event, hint: sentry_event_tagged(event, send_pii=send_pii),
    )


def sentry_event_tagged(event: dict, *, send_pii: bool) -> dict:
    """Tag an event with the current request's id and user id; drop personal data unless allowed."""
    from backend.middleware import REQUEST_ID

    tags = event.setdefault("tags", {})
    if REQUEST_ID.get() != "-":
        tags["request_id"] = REQUEST_ID.get()
    user = request_user(CURRENT_REQUEST.get())
    if user is not None:
        tags["user_id"] = str(user.pk)
    if send_pii and user is not None:
        event["user"] = {"id": str(user.pk), "username": user.get_username(), "email": user.email}
    elif not send_pii:
        event.pop("user", None)
        request = event.get("request") or {}
        for key in ("cookies", "data", "env"):
            request.pop(key, None)
        if "headers" in request:
            request["headers"] = {
                name: value
                for name, value in request["headers"].items()
                if name.lower() not in {"authorization", "cookie", "x-forwarded-for", "x-real-ip"}
            }
    return event


def request_user(request: HttpRequest | None):
    """The request's authenticated user if it is known already (never loads a session for it)."""
    user = getattr(request, "user", None) if request is not None else None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user if user is not None and user.is_authenticated else None


# ---------------------------------------------------------------- per request


class ObservabilityMiddleware:
    """X-Response-Time on every response; the access log line and the HTTP metrics when enabled;
    the current request for Sentry's tags."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        token = CURRENT_REQUEST.set(request)
        try:
            response = self.get_response(request)
        finally:
            CURRENT_REQUEST.reset(token)
        elapsed = time.perf_counter() - start
        response["X-Response-Time"] = f"{elapsed * 1000:.1f}ms"
        route = request.resolver_match.route if request.resolver_match else "unmatched"
        if settings.METRICS_ENABLED:
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
            LATENCY.labels(route).observe(elapsed)
        if settings.ACCESS_LOG:
            user = request_user(request)
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "user_id": user.pk if user is not None else None,
                },
            )
        return response


def metrics(request: HttpRequest) -> HttpResponse:
    """GET /metrics/ for Prometheus: 404 unless METRICS_ENABLED; with METRICS_TOKEN, only for
    `Authorization: Bearer <token>`."""
    if not settings.METRICS_ENABLED:
        return HttpResponse(status=404)
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode()):
            response = HttpResponse("A metrics token is required.\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = "Bearer"
            return response
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # one registry per worker: sum their files
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# ---------------------------------------------------------------- SQL statements per database


class _QueryCounter:
    def __init__(self, alias: str):
        self.reads = QUERIES.labels(alias, "read")
        self.writes = QUERIES.labels(alias, "write")

    def __call__(self, execute, sql, params, many, context):
        (self.reads if sql.lstrip()[:6].upper() == "SELECT" else self.writes).inc()
        return execute(sql, params, many, context)


def count_queries(sender, connection, **kwargs) -> None:
    """connection_created: count this connection's statements (installed once per connection object,
    first in line, so that Django's own execute_wrapper() blocks still pop only their own)."""
    if settings.METRICS_ENABLED and not getattr(connection, "_kitanda_counted", False):
        connection.execute_wrappers.insert(0, _QueryCounter(connection.alias))
        connection._kitanda_counted = True


# ---------------------------------------------------------------- logs


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the extras the access
    log adds; a traceback as one string."""

    EXTRAS = ("method", "path", "status", "duration_ms", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry |= {key: getattr(record, key) for key in self.EXTRAS if hasattr(record, key)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


connection_created.connect(count_queries, dispatch_uid="kitanda-count-queries")
