"""Read replicas: which database answers a read.

With DATABASE_REPLICA_URLS set, reads that may lag a little go to a replica: the public catalogue
(products, categories, stores) and review lists, in a GraphQL *query* (the operation the view parsed,
graph/request.py: a mutation is a write however it was sent, as text or as a persisted hash; before
the view has parsed it, nothing is a query), outside any transaction, by a caller who has not written in the last
REPLICA_PIN_SECONDS. Everything else reads the primary: writes and anything in a transaction, every
mutation from its first statement on, the caller's own cart, orders, wishlist and reviews (their models
are not replica models; a caller's own review is read with `.using("default")`), the webhook, the
admin, commands and Celery tasks (no request). Without replicas every read goes to the primary.

A replica that cannot be reached (down, or cut off) is skipped: its reads go to the primary for
REPLICA_RETRY_SECONDS, then a request tries it again (`replica_reachable`, the circuit breaker).

Read-your-writes: a request that wrote pins its caller (by user id, in the shared cache, so on every
app server) to the primary for REPLICA_PIN_SECONDS; the rest of that request reads the primary too.

For a response cache (the catalogue cache keyed on the catalogue's version): a page read from a
lagging replica must not be stored under a version the replica has not reached yet. The router
marks the GraphQL request (`replica_read`) once it has sent one of its reads to a replica, and the
response cache keeps only answers read from the primary. `with primary_reads(): ...` makes a block
read the primary only (a hook for code that must not read a lagging copy; nothing needs it today).
Migrations and tests use the primary only (each replica's TEST MIRROR is it).
"""

from __future__ import annotations

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from graphql import OperationType

from .site_middleware import is_api

logger = logging.getLogger("kitanda.db")

# The models whose reads may lag: the public catalogue and review lists.
REPLICA_MODELS = frozenset({"catalog.product", "catalog.category", "accounts.store", "reviews.review"})


class RequestReads:
    """One request's routing state: may it read a replica, has it, has it written."""

    def __init__(self, request: HttpRequest | None):
        self.request = request
        self.replica: str | None = None  # chosen once per request
        self.wrote = False
        self._unpinned: bool | None = None

    def eligible(self) -> bool:
        """A GraphQL query (as the view parsed it) by a caller not pinned to the primary, before
        any write of this request."""
        graphql = getattr(self.request, "graphql", None)
        if self.wrote or graphql is None or graphql.operation_type != OperationType.QUERY:
            return False
        if self._unpinned is None:
            self._unpinned = is_api(self.request) and _unpinned(self.request)
        return self._unpinned

    def read_replica(self) -> None:
        self.request.graphql.replica_read = True


_READS: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar("replica_reads", default=None)
_PRIMARY_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("primary_only", default=False)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Within the block, every read of this request goes to the primary."""
    token = _PRIMARY_ONLY.set(True)
    try:
        yield
    finally:
        _PRIMARY_ONLY.reset(token)


# The circuit breaker: a replica that could not be reached is left alone for REPLICA_RETRY_SECONDS,
# its reads going to the primary meanwhile; then one request tries it again. Kept per process (a
# replica's health, not application state): each app server finds out for itself within seconds.
_DOWN_UNTIL: dict[str, float] = {}
NO_REPLICA = ""  # a request's choice when no replica could be reached


def replica_reachable(alias: str) -> bool:
    """Whether `alias` answers now: its connection is made (or checked, CONN_HEALTH_CHECKS) once per
    request that would read it, unless it failed less than REPLICA_RETRY_SECONDS ago."""
    now = time.monotonic()
    down_until = _DOWN_UNTIL.get(alias)
    if down_until is not None:
        if now < down_until:
            return False
        # This request probes it; the process's other threads keep skipping it meanwhile (one
        # connection timeout per window, not one per thread).
        _DOWN_UNTIL[alias] = now + settings.REPLICA_RETRY_SECONDS
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        _DOWN_UNTIL[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "Replica %s unreachable: reads go to the primary for %ss", alias, settings.REPLICA_RETRY_SECONDS
        )
        return False
    if _DOWN_UNTIL.pop(alias, None) is not None:
        logger.info("Replica %s reachable again", alias)
    return True


def pin_key(user_id) -> str:
    return f"replica-pin:{user_id}"


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not settings.DATABASE_REPLICAS:
            return None
        state = _READS.get()
        if (
            state is None
            or _PRIMARY_ONLY.get()
            or model._meta.label_lower not in REPLICA_MODELS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not state.eligible()
        ):
            return DEFAULT_DB_ALIAS
        if state.replica is None:
            # One replica at random, checked; the others only when it cannot be reached.
            candidates = random.sample(settings.DATABASE_REPLICAS, len(settings.DATABASE_REPLICAS))
            state.replica = next((alias for alias in candidates if replica_reachable(alias)), NO_REPLICA)
        if state.replica == NO_REPLICA:
            return DEFAULT_DB_ALIAS
        state.read_replica()
        return state.replica

    def db_for_write(self, model, **hints) -> str:
        state = _READS.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Gives each request its routing state, and pins a caller who wrote to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        state = RequestReads(request)
        token = _READS.set(state)
        try:
            response = self.get_response(request)
        finally:
            _READS.reset(token)
        if state.wrote:
            user = _known_user(request)
            if user is not None:
                _pin(user.pk)
        return response


def _pin(user_id) -> None:
    """Pin a caller who wrote to the primary. The write has committed: a cache that cannot be
    reached costs the pin (their catalogue reads may lag for a moment), never the answer."""
    try:
        cache.set(pin_key(user_id), 1, timeout=settings.REPLICA_PIN_SECONDS)
    except Exception:
        logger.warning("Read-your-writes pin of user %s not kept: the cache is unavailable", user_id)


def _unpinned(request: HttpRequest) -> bool:
    """Whether the caller may read a replica; one whose pin cannot be read reads the primary."""
    user = _known_user(request)
    if user is None:
        return True
    try:
        return not cache.get(pin_key(user.pk))
    except Exception:
        logger.warning("Read-your-writes pin of user %s not read: the cache is unavailable", user.pk)
        return False


def _known_user(request: HttpRequest):
    from backend.observability import request_user

    return request_user(request)
