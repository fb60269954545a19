"""The client's IP address: the HTTP layer works it out once per request, from the peer address
and X-Forwarded-For, and puts it on the request as `request.client_ip`; the GraphQL resolvers and
the admin's login form hand it to the domain as a plain string (the login and e-mail throttles
count per client IP)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .middleware import BothModes


def client_ip(request: HttpRequest) -> str:
    """The caller's IP address. Behind TRUSTED_PROXY_COUNT proxies it is the X-Forwarded-For entry
    the outermost trusted proxy added; entries further left are the client's word and ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


class ClientIpMiddleware(BothModes):
    """Sets `request.client_ip` on every request, before anything reads it."""

    def __call__(self, request: HttpRequest):
        request.client_ip = client_ip(request)
        return self.get_response(request)
