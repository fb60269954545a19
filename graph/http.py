"""How the GraphQL endpoint reads a request: whatever it cannot read is refused with a 4xx JSON error
(`errors[0].extensions.code` BAD_REQUEST, or PAYLOAD_TOO_LARGE), never a 500 or a plain-text page.
Refusals are client mistakes: logged at INFO, without the client's text."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import orjson
from cross_web import HTTPException
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext, gettext_lazy
from strawberry.file_uploads.utils import replace_placeholders_with_files

from .errors import INTERNAL_SERVER_ERROR

logger = logging.getLogger("kitanda.graph")

BAD_REQUEST = "BAD_REQUEST"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
# Arrays and objects nested in a JSON body: far more than any real variables need, far less than
# what would overflow a recursive walk over them (ours, graphql-core's).
MAX_JSON_NESTING = 32

# Strawberry's own refusals, which it words in English, in the caller's language (by their text:
# tests/test_i18n.py sends each one). Ours are made with gettext where they are raised.
LIBRARY_REASONS = {
    "Batching is not enabled": gettext_lazy("Batching is not enabled."),
    "No GraphQL query found in the request": gettext_lazy("No GraphQL query found in the request."),
    "Unsupported content type": gettext_lazy("Unsupported content type."),
    "Can't get GraphQL operation type": gettext_lazy("Cannot tell which operation to run."),
    "mutations are not allowed when using GET": gettext_lazy("Mutations cannot be sent with GET: use POST."),
    "The GraphQL operation's `query` must be a string or null, if provided.": gettext_lazy(
        "The operation's `query` must be a string."
    ),
    "The GraphQL operation's `variables` must be an object or null, if provided.": gettext_lazy(
        "The operation's `variables` must be an object."
    ),
    "The GraphQL operation's `extensions` must be an object or null, if provided.": gettext_lazy(
        "The operation's `extensions` must be an object."
    ),
}
UNKNOWN_OPERATION = re.compile(r'Unknown operation named "(.*)"\.', re.DOTALL)


def library_reason(reason: str) -> str:
    """Strawberry's English reason in the request's language (itself when we do not know it)."""
    if reason in LIBRARY_REASONS:
        return str(LIBRARY_REASONS[reason])
    unknown = UNKNOWN_OPERATION.fullmatch(reason)
    if unknown:
        return gettext("Unknown operation named “%(name)s”.") % {"name": unknown.group(1)}
    return reason


def refusal(status: int, message: str) -> HttpResponse:
    """A JSON error response that Django will not log again (at WARNING, with the path)."""
    code = PAYLOAD_TOO_LARGE if status == 413 else BAD_REQUEST
    response = JsonResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status=status)
    response._has_been_logged = True  # Django's log_response skips it; logged here at INFO instead
    logger.info("HTTP request refused: %s %s", status, code)
    return response


def internal_error(request: HttpRequest, error: BaseException) -> HttpResponse:
    """HTTP 500 for an exception that escaped the GraphQL view (outside any resolver, so not masked
    by the schema): the same masked JSON error, logged here with its traceback, never shown."""
    logger.error("Unexpected error in the GraphQL view", exc_info=error)
    extensions = {"code": INTERNAL_SERVER_ERROR, "requestId": getattr(request, "request_id", None)}
    response = JsonResponse(
        {"errors": [{"message": gettext("Internal error."), "extensions": extensions}]}, status=500
    )
    response._has_been_logged = True  # logged above, with the traceback
    return response


class StrictRequests:
    """Mixed into strawberry's Django GraphQLView."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return self.run(request=request)
        except HTTPException as error:
            return refusal(error.status_code, library_reason(error.reason))
        except RequestDataTooBig:
            return refusal(413, gettext("The request body is too large."))
        except UnicodeDecodeError:  # the body is not UTF-8
            return refusal(400, gettext("Unable to parse request body as JSON"))
        except (SuspiciousOperation, MultiPartParserError):
            return refusal(400, gettext("The request body cannot be read."))

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        if not settings.GRAPHIQL:
            raise HTTPException(404, gettext("GraphiQL is turned off on this server."))
        return super().render_graphql_ide(request)

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than the json module on a page of products."""
        try:
            return orjson.dumps(data)
        except TypeError:  # text orjson will not encode (a lone surrogate): the json module will
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        """Every JSON the endpoint reads (body, multipart `operations` and `map`, GET `variables`)
        must be an object (a list is a batch, which strawberry refuses)."""
        try:
            value = _loads(data)
        except (ValueError, RecursionError):  # bad JSON or UTF-8, or nested too deeply to decode
            raise HTTPException(400, gettext("Unable to parse request body as JSON")) from None
        if not isinstance(value, dict | list):
            raise HTTPException(400, gettext("The request body must be a JSON object."))
        if _nesting(value) > MAX_JSON_NESTING:
            raise HTTPException(
                400, gettext("JSON nested deeper than %(levels)s levels.") % {"levels": MAX_JSON_NESTING}
            )
        return value

    def parse_multipart(self, request: Any) -> dict:
        operations = self.parse_json(request.post_data.get("operations", "{}"))
        files_map = self.parse_json(request.post_data.get("map", "{}"))
        if not isinstance(operations, dict) or not _valid_map(files_map):
            raise HTTPException(
                400,
                gettext("Multipart `operations` must be an object and `map` an object of lists of paths."),
            )
        try:
            return replace_placeholders_with_files(operations, files_map, request.files)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise HTTPException(400, gettext("The multipart `map` names a missing file or path.")) from error


def _loads(data: str | bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson refuses escaped lone surrogates ("\ud800"), which the guards refuse more clearly
        # (BAD_USER_INPUT); the json module reads them, and reports every other mistake the same.
        return json.loads(data)


def _valid_map(files_map: object) -> bool:
    return isinstance(files_map, dict) and all(
        isinstance(paths, list) and all(isinstance(path, str) for path in paths)
        for paths in files_map.values()
    )


def _nesting(value: object) -> int:
    """How deeply arrays and objects nest in a decoded JSON value (iterative: any depth is safe)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_NESTING:
            break
        children = current.values() if isinstance(current, dict) else current
        pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest
