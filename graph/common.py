"""Pieces every area of the API shares: the Relay connection, id decoding, media URLs."""

from __future__ import annotations

from typing import Any

import strawberry
import strawberry_django
from django.conf import settings
from django.db.models.fields.files import FieldFile
from strawberry import Info, relay
from strawberry.relay.utils import from_base64
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension
from strawberry_django.relay import DjangoListConnection

from domain.errors import NotFound

from .errors import UserError, bad_input

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# The library's connection, unchanged: its GraphQL names are `<Node>Connection` / `<Node>Edge`, and the
# optimizer pages nested connections in SQL only for this exact class.
Connection = DjangoListConnection


class PageArguments(StrawberryDjangoConnectionExtension):
    """`first` defaults to 20 (declared in the schema, so the optimizer pages nested connections
    with it too) and must be 0..100; a malformed cursor is refused with a clear error."""

    def apply(self, field: StrawberryField) -> None:
        super().apply(field)
        for argument in field.arguments:
            if argument.python_name == "first":
                argument.default = DEFAULT_PAGE_SIZE

    def resolve(self, next_, source, info, *, before=None, after=None, first=None, last=None, **kwargs):
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise bad_input(f"Argument '{name}' must be between 0 and {MAX_PAGE_SIZE}.")
        for name, cursor in (("after", after), ("before", before)):
            if cursor is not None and not _valid_cursor(cursor):
                raise bad_input(f"Argument '{name}' is not a valid cursor.")
        return super().resolve(
            next_, source, info, before=before, after=after, first=first, last=last, **kwargs
        )


def connection(graphql_type: Any = None, **options: Any) -> Any:
    """`strawberry_django.connection` with Kitanda's page arguments: use it for every list."""
    field = strawberry_django.connection(graphql_type, **options)
    field.extensions = [
        PageArguments(max_results=extension.max_results)
        if type(extension) is StrawberryDjangoConnectionExtension
        else extension
        for extension in field.extensions
    ]
    return field


def _valid_cursor(cursor: str) -> bool:
    try:
        prefix, offset = from_base64(cursor)
        return prefix == relay.types.PREFIX and int(offset) >= 0
    except (ValueError, TypeError):
        return False


def decode_id(value: str, type_name: str, *, field: str) -> int:
    """The primary key behind an opaque id of the given type; NotFound when it is not one."""
    try:
        global_id = relay.GlobalID.from_id(value)
        if global_id.type_name != type_name:
            raise ValueError(value)
        return int(global_id.node_id)
    except (ValueError, TypeError) as error:
        raise NotFound(f"No {type_name.lower()} with this id.", field=field) from error


def media_url(info: Info, file: FieldFile | None) -> str | None:
    """The absolute URL of a stored file, or None when there is none."""
    if not file:
        return None
    url = file.url
    if url.startswith(("http://", "https://")):
        return url
    if settings.MEDIA_BASE_URL:
        return settings.MEDIA_BASE_URL.rstrip("/") + url
    return info.context.request.build_absolute_uri(url)


@strawberry.type(name="DeletePayload")
class DeletePayload:
    errors: list[UserError]
    deleted: bool = False
