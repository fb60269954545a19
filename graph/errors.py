"""The one place where failures become GraphQL: domain errors become payload `errors` (a
mutation's) or a top-level BAD_USER_INPUT (a query's), access failures become top-level errors
with `extensions.code`, and anything else is masked. The payment webhook's HTTP status of a domain
error is decided here too."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from django.utils.functional import Promise
from django.utils.translation import gettext
from graphql import GraphQLError
from strawberry import Info
from strawberry.extensions import FieldExtension, MaskErrors
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from domain.errors import AccessDenied, DomainError, ErrorCode

logger = logging.getLogger("kitanda.graph")

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"  # a document over one of the limits (size, depth, cost, ...)


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

    def __init__(self, message: str | Promise, code: str):
        super().__init__(str(message), extensions={"code": code})


# Messages are made in the request's language (backend/locale.py): a lazy text becomes a str when
# the error is built, during the request.
def unauthenticated(message: str | Promise | None = None) -> AccessError:
    return AccessError(message or gettext("You must be logged in to do this."), UNAUTHENTICATED)


def forbidden(message: str | Promise | None = None) -> AccessError:
    return AccessError(message or gettext("You are not allowed to do this."), FORBIDDEN)


def bad_input(message: str | Promise) -> GraphQLError:
    return GraphQLError(str(message), extensions={"code": BAD_USER_INPUT})


def too_complex(message: str | Promise) -> GraphQLError:
    return GraphQLError(str(message), extensions={"code": QUERY_TOO_COMPLEX})


def user_errors(error: DomainError) -> list[UserError]:
    """The payload errors of a domain error, its Python field names in the API's camelCase."""
    return [
        UserError(
            field=to_camel_case(detail.field) if detail.field else None,
            message=detail.message,
            code=detail.code,
        )
        for detail in error.details
    ]


def raise_access_error(error: DomainError) -> None:
    """The access failure the domain raises (AccessDenied) leaves as a top-level FORBIDDEN error;
    UNAUTHENTICATED is decided before any service runs (graph/permissions.py)."""
    if isinstance(error, AccessDenied):
        raise forbidden(error.message) from error


class DomainErrors(FieldExtension):
    """A mutation whose service raises a DomainError answers with its payload type holding the
    errors (`errors { field message code }`); access failures become top-level errors. The
    shape of strawberry-django's `handle_django_errors`, for Kitanda's payloads."""

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except DomainError as error:
            raise_access_error(error)
            return self.field.type(errors=user_errors(error))


class InputErrors(FieldExtension):
    """A query whose selector refuses its arguments with a DomainError (a date range too long)
    answers with a top-level BAD_USER_INPUT error: a query has no payload to hold it. Access
    failures become top-level errors as for mutations."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except DomainError as error:
            raise_access_error(error)
            raise bad_input(error.message) from error


# The HTTP status of a domain error answered outside GraphQL (the payment webhook); 400 otherwise.
HTTP_STATUS_BY_CODE = {ErrorCode.NOT_FOUND: 404, ErrorCode.NOT_ELIGIBLE: 409}


def http_status(error: DomainError) -> int:
    return HTTP_STATUS_BY_CODE.get(error.code, 400)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected exceptions as "Internal error." (code INTERNAL_SERVER_ERROR), after logging
    them with their traceback."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error)  # the message: anonymise_error

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.message = gettext("Internal error.")
        request = getattr(self.execution_context.context, "request", None)
        # The id the request's log records carry (backend.middleware), for the user to report.
        masked.extensions = {"code": INTERNAL_SERVER_ERROR, "requestId": getattr(request, "request_id", None)}
        return masked


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: validation, limits and our own GraphQL errors pass."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    logger.error("Unexpected error in %s", ".".join(map(str, error.path or [])), exc_info=original)
    return True


def log_refused(errors: list[GraphQLError]) -> None:
    """Client mistakes (refused documents, access and input errors) at INFO, by code only: their
    messages may quote the client's text. Unexpected exceptions are logged where they are masked."""
    codes = [
        (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        for error in errors
        if error.original_error is None or isinstance(error.original_error, GraphQLError)
    ]
    if codes:
        logger.info("GraphQL request refused: %s", ", ".join(sorted(set(codes))))
