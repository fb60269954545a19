"""Project-level views that are not part of the GraphQL API."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from backend import checks
from backend.db_router import replica_reachable
from domain.accounts.verification import email_verify
from domain.errors import DomainError

logger = logging.getLogger(__name__)


def _database_state() -> str:
    """ "ok", "down" (cannot be reached) or "unmigrated" (reachable, lacking migrations: a new
    release's web process started before `migrate`)."""
    global _MIGRATED
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _MIGRATED:
            if checks.unapplied_migrations():
                return "unmigrated"
            _MIGRATED = True  # a process's code never gains migrations while it runs
    except Exception:
        logger.exception("health check: database unreachable")
        return "down"
    return "ok"


_MIGRATED = False


def _cache_state() -> str:
    try:
        cache.set("health:ping", "pong", 10)
        return "ok" if cache.get("health:ping") == "pong" else "down"
    except Exception:
        logger.exception("health check: cache unreachable")
        return "down"


def _broker_state() -> str:
    """Whether the Celery broker takes connections (only with CELERY_BROKER_URL: without one the
    tasks run in this process). While it does not, tasks run in the web process instead."""
    from backend.celery import app

    try:
        with app.connection_for_write(connect_timeout=1) as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
    except Exception:
        logger.warning("health check: the broker cannot be reached")
        return "down"
    return "ok"


@require_GET
def health(request):
    """Ready or not, for a load balancer: 503 "not ready" while the primary database cannot serve
    (unreachable or not migrated); 200 "ok", or 200 "degraded" while a part browsing can do without
    is down (Redis: no cache, logins refused; a replica: its reads go to the primary; the broker:
    tasks run in the web process)."""
    checks_done = {"database": _database_state(), "cache": _cache_state()}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks_done["broker"] = _broker_state()
    replicas = {alias: "ok" if replica_reachable(alias) else "down" for alias in settings.DATABASE_REPLICAS}
    if replicas:
        checks_done["replicas"] = replicas
    if checks_done["database"] != "ok":
        status = "not ready"
    elif checks_done["cache"] != "ok" or checks_done.get("broker") == "down" or "down" in replicas.values():
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **checks_done}, status=503 if status == "not ready" else 200)


@require_GET
def verify_email_link(request):
    """Development only (served while DEBUG, where FRONTEND_URL is this server): the page a verification
    e-mail's link opens, which the storefront serves in production. It verifies the address as the
    verifyEmail mutation does, so a new seller can be approved, and answers JSON."""
    if not settings.DEBUG:
        raise Http404
    try:
        user = email_verify(token=request.GET.get("token", ""))
    except DomainError as error:
        body = {"emailVerified": False, "errors": [{"message": error.message, "code": error.code.value}]}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    body = {"emailVerified": True, "username": user.username, "email": user.email}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
