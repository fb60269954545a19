"""Django's browser middleware, for the site only (the admin, static files): /graphql/ skips it.

The GraphQL endpoint is a header-authenticated JSON API: the view reads the JWT itself
(graph/views.py), it is CSRF-exempt and keeps no session, so sessions, CSRF, Django's
authentication, messages, APPEND_SLASH and WhiteNoise's file lookup would only add work to each
of its requests. Each class here is Django's (or WhiteNoise's) own, so the admin's checks that
look for them in MIDDLEWARE still hold and the admin keeps its full stack; it passes requests to
the API path straight on. What the API does need stays in MIDDLEWARE unwrapped: the request id,
the body limit, the security headers (X-Frame-Options included) and CORS.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

API_PATHS = frozenset({"/graphql/"})


def is_api(request) -> bool:
    return request.path_info in API_PATHS


class SiteOnly:
    """Mixed in before a middleware class: the API's requests pass it untouched."""

    def __call__(self, request):
        if is_api(request):
            return self.get_response(request)
        return super().__call__(request)


class SiteWhiteNoiseMiddleware(SiteOnly, WhiteNoiseMiddleware):
    pass


class SiteSessionMiddleware(SiteOnly, SessionMiddleware):
    pass


class SiteCommonMiddleware(SiteOnly, CommonMiddleware):
    pass


class SiteCsrfViewMiddleware(SiteOnly, CsrfViewMiddleware):
    pass  # its process_view lets the API through: the view is csrf_exempt (backend/urls.py)


class SiteAuthenticationMiddleware(SiteOnly, AuthenticationMiddleware):
    pass


class SiteMessageMiddleware(SiteOnly, MessageMiddleware):
    pass
