"""HTTP middleware of the project: a request id on every request, its response and its log records,
and a bound on request bodies enforced before and while they are read."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from graph.http import internal_error, refusal

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept when it is short and plain (a proxy's or a client's); otherwise a new one.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
TOO_LARGE = gettext_lazy("The request body is larger than %(limit)s bytes.")


def _record_factory_with_request_id(
    factory: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make.adds_request_id = True
    return make


if not getattr(logging.getLogRecordFactory(), "adds_request_id", False):
    # Every log record, whichever logger and handler, carries the id of the request it belongs to.
    logging.setLogRecordFactory(_record_factory_with_request_id(logging.getLogRecordFactory()))


class RequestIdFilter(logging.Filter):
    """For LOGGING's handlers: makes sure `%(request_id)s` can be formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class BothModes:
    """A middleware that runs in the mode of its chain (sync under WSGI, async under ASGI), so
    Django never wraps it in a thread hop."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)


class RequestIdMiddleware(BothModes):
    def __call__(self, request: HttpRequest):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        if self.async_mode:
            return self._acall(request)
        token = REQUEST_ID.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        token = REQUEST_ID.set(request.request_id)
        try:
            response = await self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class GraphQLInternalErrorMiddleware:
    """An exception that escapes the GraphQL view outside any resolver (the database gone while the
    caller's token is read, say) is answered like a masked error inside it: JSON with code
    INTERNAL_SERVER_ERROR and the request id, never Django's HTML error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.url_name != "graphql":
            return None
        return internal_error(request, exception)


class BodyLimitMiddleware(BothModes):
    """Refuses a body whose Content-Length is over UPLOAD_MAX_BODY_BYTES before anything reads it.
    Under WSGI that is enough: Django reads at most Content-Length bytes, and nothing without one.
    Under ASGI the server hands Django the body as it comes, so BoundedBodyASGI (backend/asgi.py)
    also counts what arrives."""

    def __call__(self, request: HttpRequest):
        refused = self._refusal(request)
        if self.async_mode:
            return self._acall(request, refused)
        return refused or self.get_response(request)

    async def _acall(self, request: HttpRequest, refused: HttpResponse | None) -> HttpResponse:
        return refused or await self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        limit = settings.UPLOAD_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(400, gettext("Bad Content-Length header."))
        if length > limit:
            return refusal(413, str(TOO_LARGE) % {"limit": limit})
        return None


class BoundedBodyASGI:
    """Wraps the ASGI application: an HTTP request whose body is over UPLOAD_MAX_BODY_BYTES, by its
    Content-Length or by what arrives (chunked or no length), is answered 413 and not read further:
    Django, which spools the body to a file before any view runs, sees a disconnect instead."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.UPLOAD_MAX_BODY_BYTES
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = limit + 1
        if declared > limit:
            return await _send_too_large(send, limit, headers)
        received, too_large = 0, False

        async def counted_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True  # Django stops reading at a disconnect and answers nothing
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted_receive, send)
        if too_large:
            await _send_too_large(send, limit, headers)
        return None


async def _send_too_large(send, limit: int, headers: dict[bytes, bytes]) -> None:
    # Django's middleware does not run for this answer: its language is negotiated by the same
    # function (imported here: backend/locale.py imports this module for BothModes).
    from .locale import negotiated_from_headers

    language = negotiated_from_headers(headers)
    with translation.override(language):
        response = refusal(413, str(TOO_LARGE) % {"limit": limit})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-language", language.encode()),
                (b"vary", b"Accept-Language"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": response.content})
