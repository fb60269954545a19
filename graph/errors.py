"""The one place where failures become GraphQL: domain errors become payload `errors`,
access failures become top-level errors with `extensions.code`, and anything else is masked."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from domain.errors import AccessDenied, DomainError, ErrorCode, Unauthenticated
from domain.text import text_storable

logger = logging.getLogger("kitanda.graph")

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
UNSTORABLE_TEXT = "Text may not contain NUL (\\u0000) characters or invalid Unicode."
RELAY_UTILS = os.path.join("strawberry", "relay", "utils.py")


@strawberry.type(name="UserError")
class UserError:
    field: str | None = strawberry.field(
        description="Input field the error is about, in the API's camelCase; "
        "null when it is about the whole request."
    )
    message: str
    code: ErrorCodeEnum


class AccessError(GraphQLError):
    """A top-level error that tells the client who may call (extensions.code)."""

    def __init__(self, message: str, code: str):
        super().__init__(message, extensions={"code": code})


def unauthenticated(message: str = "You must be logged in to do this.") -> AccessError:
    return AccessError(message, UNAUTHENTICATED)


def forbidden(message: str = "You are not allowed to do this.") -> AccessError:
    return AccessError(message, FORBIDDEN)


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def user_errors(error: DomainError) -> list[UserError]:
    return [
        UserError(field=detail.field, message=detail.message, code=detail.code) for detail in error.details
    ]


P = TypeVar("P")


def payload(payload_cls: type[P], action: Callable[[], dict[str, Any]]) -> P:
    """Run a domain action and wrap its result, or its business errors, in the payload.

    Access failures raised by the domain leave as top-level errors instead.
    """
    try:
        values = action()
    except Unauthenticated as error:
        raise unauthenticated(error.message) from error
    except AccessDenied as error:
        raise forbidden(error.message) from error
    except DomainError as error:
        return payload_cls(errors=user_errors(error))
    return payload_cls(errors=[], **values)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected exceptions as "Internal error." (code INTERNAL_SERVER_ERROR), after logging
    them with their traceback. Page arguments that Strawberry's relay code refuses while the
    optimizer pages a nested connection are the client's mistake: they pass as BAD_USER_INPUT."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error, error_message="Internal error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._public(error) for error in errors]

    def _public(self, error: GraphQLError) -> GraphQLError:
        if _is_page_argument_error(error.original_error):
            message = str(error.original_error)
            if not message.startswith("Argument '"):
                message = "Invalid page argument: a cursor (after, before) is not one this API gave."
            return GraphQLError(
                message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": BAD_USER_INPUT},
            )
        if self.should_mask_error(error):
            masked = self.anonymise_error(error)
            masked.extensions = {"code": INTERNAL_SERVER_ERROR}
            return masked
        return error


def _is_page_argument_error(original: Exception | None) -> bool:
    """A ValueError/TypeError raised by strawberry.relay.utils (first/last/after/before refused)."""
    if not isinstance(original, ValueError | TypeError):
        return False
    frame = original.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and frame.tb_frame.f_code.co_filename.endswith(RELAY_UTILS)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: validation, limits and our own GraphQL errors pass."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    logger.error("Unexpected error in %s", ".".join(map(str, error.path or [])), exc_info=original)
    return True


class RefuseUnstorableText(SchemaExtension):
    """Text the database cannot store (NUL characters, lone surrogates) is refused wherever it
    appears in the document or the variables, with a clear BAD_USER_INPUT error, instead of
    failing inside a query. Listed after ValidationCache, whose validation result it extends."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        if not text_storable(query) or "\\u0000" in query.lower() or not _storable(context.variables):
            context.pre_execution_errors = [
                *(context.pre_execution_errors or []),
                bad_input(UNSTORABLE_TEXT),
            ]
        yield


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        return text_storable(value)
    if isinstance(value, dict):
        return all(_storable(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_storable(item) for item in value)
    return True
