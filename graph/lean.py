"""The lean resolver path: plain model columns and relay ids resolve without Strawberry's per-field
machinery (Info, the extension chain, strawberry-django's get_result), which a page of products
otherwise runs some 300 times.

Only where that is safe and answers the same:
- a strawberry-django field of a model type, with no resolver of its own and no field extension
  (no permission, no connection), on a concrete column that is not a file, whose GraphQL type is
  a scalar or an enum (or, for a forward foreign key, an object): `getattr(row, column)`, which loads a
  deferred column or a relation the optimizer did not join as Django does;
- the `id` of a relay Node type that keeps strawberry-django's resolve_id and strawberry's
  resolve_typename: the GlobalID's text, base64 of "<Type>:<pk>", encoded directly.

Execution here is synchronous (the GraphQL view is; under ASGI Django runs it in a thread), which
the plain getattr relies on. Schema extensions with a per-field `resolve` hook would be bypassed
on these fields: graph/schema.py's have none (a test checks it).
"""

from __future__ import annotations

import inspect
from base64 import b64encode

from django.db import models
from graphql import GraphQLEnumType, GraphQLField, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType
from strawberry import relay
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.relay.utils import resolve_model_id

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def install_lean_resolvers(schema) -> list[str]:
    """Give the eligible fields of `schema` their direct resolvers; returns them as Type.field."""
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        definition = graphql_type.extensions.get(DEFINITION)
        if definition is None or graphql_type.name in ("Query", "Mutation"):
            continue
        django = getattr(definition.origin, "__strawberry_django_definition__", None)
        model = getattr(django, "model", None)
        for name, graphql_field in graphql_type.fields.items():
            if model is not None:
                resolver = _lean_resolver(graphql_type.name, definition.origin, model, name, graphql_field)
            else:
                resolver = _lean_plain_resolver(graphql_field)
            if resolver is None:
                resolver = _lean_method(graphql_field)
            if resolver is not None:
                graphql_field.resolve = resolver
                installed.append(f"{graphql_type.name}.{name}")
    return installed


def _lean_plain_resolver(field: GraphQLField):
    """A plain Strawberry type's attribute (a connection's edges, an edge's node and cursor, a
    page's info): what Strawberry's default resolver reads, `getattr(object, python_name)`."""
    strawberry_field = field.extensions.get(DEFINITION)
    if (
        type(strawberry_field) is not StrawberryField
        or strawberry_field.base_resolver is not None
        or strawberry_field.extensions
        or strawberry_field.is_async
        or isinstance(_named(field), GraphQLEnumType)
    ):
        return None
    return _attribute(strawberry_field.python_name)


def _lean_method(field: GraphQLField):
    """A resolver method of a model type taking (self) or (self, info), without arguments or
    extensions, returning a scalar (image URLs, a display name, the caller's wishlist flag): called
    directly with graphql-core's info, whose `.context` is Strawberry's."""
    strawberry_field = field.extensions.get(DEFINITION)
    resolver = getattr(strawberry_field, "base_resolver", None)
    named = _named(field)
    if (
        resolver is None
        or strawberry_field.extensions
        or strawberry_field.arguments
        or resolver.is_async
        or not isinstance(named, GraphQLScalarType)
        or isinstance(named, GraphQLEnumType)
    ):
        return None
    function = resolver.wrapped_func
    parameters = tuple(inspect.signature(function).parameters)
    if parameters == ("self",):
        return _tagged(lambda source, info, **kwargs: function(source), needs_info=False)
    if parameters == ("self", "info"):
        return _tagged(lambda source, info, **kwargs: function(source, info), needs_info=True)
    return None


def _named(field: GraphQLField):
    return field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type


def _lean_resolver(type_name: str, origin: type, model: type[models.Model], name: str, field: GraphQLField):
    strawberry_field = field.extensions.get(DEFINITION)
    named = _named(field)
    if name == "id" and issubclass(origin, relay.Node) and named.name == "ID":
        # strawberry-django's resolve_id reads the pk's column off the row, like getattr does.
        if getattr(origin.resolve_id, "__func__", None) is not resolve_model_id:
            return None
        if "resolve_typename" in vars(origin):
            return None
        id_attr = origin.resolve_id_attr()
        return _global_id(type_name, model._meta.pk.attname if id_attr == "pk" else id_attr)
    if (
        # Only the library's own field: a subclass (e.g. graph.orders.ProductUnlessDeleted) has a
        # rule of its own in get_result that a plain getattr would skip.
        type(strawberry_field) is not StrawberryDjangoField
        or strawberry_field.base_resolver is not None
        or strawberry_field.extensions
    ):
        return None
    column = _column(model, strawberry_field.django_name or strawberry_field.python_name)
    if column is None:
        return None
    # An enum column (an order's status) too: strawberry-django's get_result reads the same value
    # with the same getattr, and the enum type serializes it either way.
    if isinstance(named, GraphQLScalarType | GraphQLEnumType) and not column.is_relation:
        return _attribute(column.attname)
    if isinstance(named, GraphQLObjectType) and (column.many_to_one or column.one_to_one):
        # A forward foreign key: the row the optimizer joined (select_related), else Django loads it.
        return _attribute(column.name)
    return None


def _column(model: type[models.Model], name: str) -> models.Field | None:
    try:
        column = model._meta.get_field(name)
    except Exception:
        return None
    if not getattr(column, "concrete", False) or isinstance(column, models.FileField):
        return None
    return column


def _tagged(resolve, *, needs_info: bool, attname: str | None = None):
    """Marks a lean resolver for graph/compiled.py: `lean_attname` (a plain getattr, inlined there),
    `lean_needs_info` (False: the resolver ignores its info, so none is built for it)."""
    resolve.lean_attname = attname
    resolve.lean_needs_info = needs_info
    return resolve


def _attribute(attname: str):
    def resolve(source, info, **kwargs):
        return getattr(source, attname)

    return _tagged(resolve, needs_info=False, attname=attname)


def _global_id(type_name: str, id_attr: str):
    prefix = f"{type_name}:"

    def resolve(source, info, **kwargs):
        return b64encode(f"{prefix}{getattr(source, id_attr)}".encode()).decode()

    return _tagged(resolve, needs_info=False)
