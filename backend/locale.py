"""The language of each request: Portuguese (Angola) unless the client asks for English.

Django's language negotiation (`get_language_from_request`: the `django_language` cookie, then
`Accept-Language`, then LANGUAGE_CODE), activated for the request and put back afterwards. Django's
LocaleMiddleware would do the same but label every answer; this one leaves shared answers alone.

Answers that say something (errors, e-mails, the admin) vary by language, so they carry
`Vary: Accept-Language` and `Content-Language`. A public GraphQL answer (`Cache-Control: public`,
graph/views.py) holds catalogue data and no message at all: it is the same in every language and
stays one entry in a shared cache; so do the static files (WhiteNoise marks them public).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .middleware import BothModes


def negotiated(request) -> str:
    """The language of a request: Django's negotiation over our LANGUAGES (domain/languages.py).
    `request` needs only `COOKIES` and `META`: the ASGI body limit asks for an answer Django's
    middleware never sees (backend/middleware.py)."""
    return translation.get_language_from_request(request)


def negotiated_from_headers(headers: dict[bytes, bytes]) -> str:
    """`negotiated` for an ASGI scope's raw headers."""
    return negotiated(
        SimpleNamespace(
            COOKIES=parse_cookie(headers.get(b"cookie", b"").decode("latin-1")),
            META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
        )
    )


class LanguageMiddleware(BothModes):
    def __call__(self, request: HttpRequest):
        language = negotiated(request)
        request.LANGUAGE_CODE = language
        if self.async_mode:
            return self._acall(request, language)
        with translation.override(language):
            response = self.get_response(request)
        return _labelled(response, language)

    async def _acall(self, request: HttpRequest, language: str) -> HttpResponse:
        with translation.override(language):
            response = await self.get_response(request)
        return _labelled(response, language)


def _labelled(response: HttpResponse, language: str) -> HttpResponse:
    if _shared(response.get("Cache-Control", "")):
        return response
    patch_vary_headers(response, ("Accept-Language",))
    response.headers.setdefault("Content-Language", language)
    return response


def _shared(cache_control: str) -> bool:
    """A response any cache may keep for everyone (static files, public GraphQL answers)."""
    return any(directive.split("=")[0].strip().lower() == "public" for directive in cache_control.split(","))
