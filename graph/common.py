"""Pieces every area of the API shares: the Relay connection, id decoding, media URLs, the Decimal
scalar."""

from __future__ import annotations

import dataclasses
import inspect
import re
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy
from strawberry import Info, relay
from strawberry.schema.types.base_scalars import DecimalDefinition, wrap_parser
from strawberry.types import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.utils.inspect import in_async_context
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension
from strawberry_django.optimizer import is_optimized_by_prefetching
from strawberry_django.relay import DjangoListConnection

from domain.counts import count_known
from domain.errors import NotFound
from domain.money import decimal_from_text

from . import kept_sql, sql_shapes
from .errors import UserError

# What decode_id answers for an id that is not one of the type's, by type name; each its own
# sentence, so that a translation can agree with the noun.
NO_SUCH_ID = {
    "Address": gettext_lazy("No address with this id."),
    "DeliveryMethod": gettext_lazy("No delivery method with this id."),
    "DeliveryZone": gettext_lazy("No delivery zone with this id."),
    "Province": gettext_lazy("No province with this id."),
    "Category": gettext_lazy("No category with this id."),
    "Product": gettext_lazy("No product with this id."),
    "ProductVariant": gettext_lazy("No variant with this id."),
    "Review": gettext_lazy("No review with this id."),
    "Sale": gettext_lazy("No sale with this id."),
    "Coupon": gettext_lazy("No coupon with this id."),
    "Store": gettext_lazy("No store with this id."),
    "User": gettext_lazy("No user with this id."),
}

# The library's connection: its GraphQL names are `<Node>Connection` / `<Node>Edge`, and the
# optimizer pages nested connections in SQL only for this exact class. Root lists are paged by
# PageArguments below, their totalCount bounded (CappedCount).
Connection = DjangoListConnection

# A root list's totalCount is exact up to this many; beyond it the count stops at one more.
TOTAL_COUNT_EXACT_UP_TO = 1000
TOTAL_COUNT_DESCRIPTION = (
    "Total quantity of existing nodes. Exact up to 1000; beyond that it may answer 1001, meaning "
    '"more than 1000": a list asked at the root stops counting there, so that a page costs the same '
    "however large the catalogue grows (page on with pageInfo.hasNextPage)."
)
# The schema says so on every connection's totalCount (the field is the library's, shared by all).
get_object_definition(DjangoListConnection, strict=True).get_field(
    "total_count"
).description = TOTAL_COUNT_DESCRIPTION


class CappedCount:
    """The totalCount of a root list: counted only when a client asks for it, by a query of its own
    that stops after TOTAL_COUNT_EXACT_UP_TO + 1 rows (SELECT COUNT(*) FROM (SELECT ... LIMIT
    1001)), so it costs the same at a thousand products or a million. The connection's totalCount
    reads len() of what it holds when that is not a queryset."""

    def __init__(self, nodes: QuerySet, kept_key: tuple | None = None):
        self.nodes = nodes
        self.kept_key = kept_key  # its SQL kept under this key (graph/kept_sql.py)

    def __len__(self) -> int:
        cap = TOTAL_COUNT_EXACT_UP_TO + 1
        known = count_known(self.nodes, cap)  # e.g. a search's, from the ids it read (no query)
        return known if known is not None else kept_sql.count(self.nodes, cap, self.kept_key)


class PageArguments(StrawberryDjangoConnectionExtension):
    """`first` defaults to 20, declared in the schema so that the optimizer pages nested
    connections with it too; the request guards (graph/guards.py) check the values of every page
    argument before the operation runs."""

    def apply(self, field: StrawberryField) -> None:
        self.relation_field = field
        self.own_resolver = field.base_resolver is not None  # the library then adds a default one
        super().apply(field)
        for argument in field.arguments:
            if argument.python_name == "first":
                argument.default = settings.GRAPHQL_PAGE_SIZE_DEFAULT

    def resolve(self, next_, source, info, *, first=None, last=None, before=None, after=None, **kwargs):
        if first is None and last is None:  # an explicit `first: null`
            first = settings.GRAPHQL_PAGE_SIZE_DEFAULT
        nodes = next_(source, info, **kwargs)
        if nodes is None:  # a nullable connection its resolver hides from this caller (Store.ledger)
            return None
        root = isinstance(nodes, QuerySet) and not is_optimized_by_prefetching(nodes)
        if root:
            nodes = sql_shapes.mark(nodes)
        own = root and self._plain_relation() and _of_single_root(info)
        if root and last is None and not in_async_context() and not own:
            return self.root_page(nodes, info, first=first, after=after, before=before, **kwargs)
        page = super().resolve(
            lambda *_, **__: nodes, source, info, first=first, last=last, before=before, after=after, **kwargs
        )
        if own and first and last is None and after is None and before is None and not page.edges:
            # No row from the start when rows were asked for: the count is 0, which the library
            # would ask the database for (its COUNT(*) OVER () rides on the rows, and there are
            # none). With first: 0 the page is empty whatever there is, and the library counts.
            page.nodes = []
        return page

    def _plain_relation(self) -> bool:
        """A model relation without a resolver of its own: what the optimizer prefetches."""
        return bool(getattr(self.relation_field, "is_relation", False)) and not self.own_resolver

    def root_page(self, nodes: QuerySet, info: Info, **arguments: Any) -> DjangoListConnection:
        """A root list's page, one query of `first` + 1 rows. DjangoListConnection would add
        COUNT(*) OVER () to it when totalCount is selected, which makes the database read every
        matching row to return 20 (2 s at a million products): its parent's paging (relay's
        ListConnection) instead, and totalCount counted apart, capped (CappedCount)."""
        key = kept_sql.key_for(info, nodes)
        page = super(DjangoListConnection, self.connection_type).resolve_connection(
            nodes if key is None else kept_sql.KeptPage(nodes, key),
            info=info,
            max_results=self.max_results,
            **arguments,
        )
        assert not inspect.isawaitable(page)  # a queryset outside an async context pages at once
        page.nodes = CappedCount(nodes, key)
        return page


def _of_single_root(info: Info) -> bool:
    """A relation's connection of the one object a root field answers (`product { reviews }`),
    which the optimizer left to page itself (graph/plans.py): the library's paging, its totalCount
    in the page's query (COUNT(*) OVER ()), as the prefetch counted one parent's rows. (A list a
    resolver returns, such as a store's ledger, keeps the root's paging and capped count.)"""
    parent = info.path.prev
    if parent is None or parent.prev is not None:
        return False
    request = getattr(info.context, "graphql", None)
    return request is not None and parent.key in request.single_roots


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


def decode_id(value: str, type_name: str, *, field: str) -> int:
    """The primary key behind an opaque id of the given type; NotFound when it is not one."""
    try:
        global_id = relay.GlobalID.from_id(value)
        if global_id.type_name != type_name:
            raise ValueError(value)
        return int(global_id.node_id)
    except (ValueError, TypeError) as error:
        raise NotFound(NO_SUCH_ID[type_name], field=field) from error


# A stored name the local storage turns into a URL unchanged (no quoting, no dot segments, no
# scheme): its URL is the storage's prefix and the name.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*\Z")
_PROBE = "x"


def media_url(info: Info, file: FieldFile | None) -> str | None:
    """The absolute URL of a stored file, or None when there is none. On the local storage a plain
    name's URL is a prefix worked out once per request plus the name (a page of products built 20
    through Django's url(), urljoin and build_absolute_uri: 6 % of ProductList's CPU)."""
    if not file:
        return None
    storage = file.storage
    if storage.__class__.url is FileSystemStorage.url and _PLAIN_NAME.match(file.name):
        request = info.context.request
        prefix = getattr(request, "_kitanda_media_prefix", None)
        if prefix is None:
            prefix = request._kitanda_media_prefix = _absolute_media_url(request, storage.url(_PROBE))[
                : -len(_PROBE)
            ]
        return prefix + file.name
    return _absolute_media_url(info.context.request, file.url)


def _absolute_media_url(request, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    if settings.MEDIA_BASE_URL:
        return settings.MEDIA_BASE_URL.rstrip("/") + url
    return request.build_absolute_uri(url)


@strawberry.type(name="DeletePayload")
class DeletePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    deleted: bool = False


def _decimal_parse(value: str) -> Decimal:
    parsed = decimal_from_text(value)
    if parsed is None:
        raise ValueError(value)
    return parsed


# Strawberry's Decimal, read as JSON writes numbers (domain.money.decimal_from_text): Python's
# Decimal() alone takes " 5" and "1_000". The schema's name and description stay the same.
DECIMAL_SCALAR = dataclasses.replace(
    DecimalDefinition,
    parse_value=wrap_parser(_decimal_parse, "Decimal", include_error=False, accept_non_string=True),
)
