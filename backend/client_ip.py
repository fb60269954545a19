"""The client's IP address: the HTTP layer works it out once per request, from the peer address
and X-Forwarded-For, and puts it on the request as `request.client_ip`; the GraphQL resolvers and
the admin's login form hand it to the domain as a plain string (the login and e-mail throttles
count per client IP)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .middleware import BothModes


def client_ip(request: HttpRequest) -> str:
    """The caller's IP address of an HTTP request (`forwarded_ip`)."""
    return forwarded_ip(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def forwarded_ip(remote: str, forwarded_for: str) -> str:
    """The caller's IP address from the peer's and X-Forwarded-For. Behind TRUSTED_PROXY_COUNT
    proxies it is the entry the outermost trusted proxy added; entries further left are the client's
    word and ignored."""
    remote = remote or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def with_client_ip(application):
    """An ASGI application whose websocket scopes carry `client_ip`, decided as for HTTP (the live
    updates' per-address limit, graph/live.py)."""

    async def app(scope, receive, send):
        headers = dict(scope.get("headers") or ())
        remote = (scope.get("client") or ("", 0))[0]
        forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
        return await application({**scope, "client_ip": forwarded_ip(remote, forwarded)}, receive, send)

    return app


class ClientIpMiddleware(BothModes):
    """Sets `request.client_ip` on every request, before anything reads it."""

    def __call__(self, request: HttpRequest):
        request.client_ip = client_ip(request)
        return self.get_response(request)
