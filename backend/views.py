"""Project-level views that are not part of the GraphQL API."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from domain.accounts.verification import email_verify
from domain.errors import DomainError

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    try:
        cache.set("health:ping", "pong", 10)
        return cache.get("health:ping") == "pong"
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


@require_GET
def health(request):
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


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
