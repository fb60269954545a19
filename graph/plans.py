"""The optimizer's plan, kept per document: strawberry-django plans the `only` / `select_related`
of a list by walking the selections on every request; the plan depends only on the document, the
operation, its variables (@include/@skip) and the place in the response, so it is kept under
those (the request object of graph/request.py names them) and applied again.

Where the library allows it, and no further: strawberry-django has no plan cache of its own, so
this calls its planning functions as its `optimize()` does, and keeps plans of columns and joins.

A plan with prefetches (a product's reviews, an order's items) holds querysets that the relation's
field and type build per request, and these may read the caller (Product.variants shows the owner
every variant) or anything else: such a plan is kept only when the selection proves it cannot
(`_prefetches_are_pure`): every relation selected under the list is a plain strawberry-django field
(its class's own get_queryset, no filters or ordering arguments, no extension but the connection's
paging, no optimizer hints of its own) of a type without get_queryset, and no abstract type is
selected. What is left then is a function of the document, the operation and the variables, which
the key holds. Each request applies a copy of the kept prefetches (their querysets cloned), since
applying and running a prefetch write on its queryset. A plan with annotations is computed afresh
each time, as before.
"""

from __future__ import annotations

import copy

from django.db.models import Prefetch, QuerySet
from django.db.models.manager import BaseManager
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type, is_leaf_type
from graphql.execution.collect_fields import collect_sub_fields
from strawberry import UNSET, Info, relay
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry_django import optimizer as library
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension, StrawberryDjangoField
from strawberry_django.queryset import get_queryset_config
from strawberry_django.utils.inspect import get_possible_concrete_types

PLANS: dict[tuple, library.OptimizerStore] = {}
MAX_PLANS = 512


def optimize_with_plan(qs, info, *, config, fallback):
    """`fallback(qs, info)` (the library's optimize) wherever a kept plan cannot serve."""
    raw = info._raw_info if isinstance(info, Info) else info
    graphql = getattr(raw.context, "graphql", None)
    document_key = graphql.plan_key if graphql is not None else None
    if isinstance(qs, BaseManager):
        qs = qs.all()
    if (
        document_key is None
        or not isinstance(qs, QuerySet)
        or library.is_optimized(qs)
        or qs._result_cache is not None
        or library.is_inheritance_qs(qs)
    ):
        return fallback(qs, info)
    path = tuple(key for key in raw.path.as_list() if isinstance(key, str))
    key = (document_key, path, qs.model, config.enable_only)
    single = _single_object_root(raw)
    if single:
        graphql.single_roots.add(raw.path.key)
    plan = PLANS.get(key)
    if plan is None:
        plan = _plan(qs, raw, config)
        if plan is None:
            return fallback(qs, info)
        if single:
            plan.prefetch_related = [p for p in plan.prefetch_related if not _window_paged(p)]
        keep = not plan.annotate and (not plan.prefetch_related or _prefetches_are_pure(raw))
        if not keep:
            # Not kept, but applied as computed, as the library's optimize() would after the same
            # computation: planning twice cost ProductDetail 17 % of its CPU.
            qs = plan.apply(qs, info=raw, config=config)
            get_queryset_config(qs).optimized = True
            return qs
        plan = library.OptimizerStore(
            only=list(plan.only),
            select_related=list(plan.select_related),
            prefetch_related=[_fresh(prefetch) for prefetch in plan.prefetch_related],
        )
        if len(PLANS) >= MAX_PLANS:
            PLANS.clear()
        PLANS[key] = plan
    graphql.kept_plans.add(tuple(raw.path.as_list()))
    if plan:
        store = library.OptimizerStore(
            only=list(plan.only),
            select_related=list(plan.select_related),
            prefetch_related=[_fresh(prefetch) for prefetch in plan.prefetch_related],
        )
        qs = store.apply(qs, info=raw, config=config)
        get_queryset_config(qs).optimized = True
    return qs


def _single_object_root(info) -> bool:
    """Whether the field is a root field answering one object (`product(slug:)`), not a list."""
    if info.path.prev is not None:
        return False
    return_type = info.return_type
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    if not isinstance(return_type, GraphQLObjectType):
        return False
    definition = (return_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    return isinstance(origin, type) and not issubclass(origin, relay.Connection)


def _window_paged(prefetch) -> bool:
    """A nested connection's prefetch, paged per parent by window functions (ROW_NUMBER() and
    COUNT() OVER (PARTITION BY the parent), filtered in a subquery around it): for one parent, the
    connection's own query pages it more cheaply (LIMIT, COUNT(*) OVER ()), one query as well; 42 %
    of a logged-in ProductDetail's CPU was this prefetch, most of it compiling the SQL."""
    return (
        isinstance(prefetch, Prefetch)
        and "__" not in prefetch.prefetch_through  # the object's own relation, not one further
        and prefetch.queryset is not None
        and "_strawberry_row_number" in prefetch.queryset.query.annotations
    )


def _plan(qs: QuerySet, info, config) -> library.OptimizerStore | None:
    """What the library's optimize() computes before applying it."""
    schema = info.schema._strawberry_schema
    strawberry_type = schema.get_type_by_name(get_named_type(info.return_type).name)
    if strawberry_type is None:
        return None
    store = library.OptimizerStore()
    for definition in get_possible_concrete_types(qs.model, schema, strawberry_type):
        parent_type = library._get_gql_definition(schema, definition)
        hints = library._get_model_hints(
            qs.model, schema, definition, parent_type=parent_type, info=info, config=config
        )
        if hints is not None:
            store |= hints
    return store


def _fresh(prefetch):
    """A kept prefetch for one request: the Prefetch copied and its queryset cloned, nested
    prefetches alike (Django and the library write on both when they apply and run them)."""
    if not isinstance(prefetch, Prefetch):
        return prefetch  # a lookup string
    prefetch = copy.copy(prefetch)
    if prefetch.queryset is not None:
        queryset = prefetch.queryset._chain()
        queryset._prefetch_related_lookups = tuple(_fresh(p) for p in queryset._prefetch_related_lookups)
        prefetch.queryset = queryset
    return prefetch


def _prefetches_are_pure(info) -> bool:
    """Whether every relation the selection under this list reaches builds its queryset from the
    document and the variables alone (see the module's docstring); False when in doubt."""
    schema = info.schema
    pending = [(get_named_type(info.return_type), info.field_nodes)]
    seen = 0
    while pending:
        parent, nodes = pending.pop()
        if not isinstance(parent, GraphQLObjectType) or not _plain_type(parent):
            return False  # an interface or union (its concrete types are not walked here)
        seen += 1
        if seen > 200:
            return False
        collected = collect_sub_fields(schema, info.fragments, info.variable_values, parent, nodes)
        for field_nodes in collected.values():
            field_name = field_nodes[0].name.value
            if field_name == "__typename":
                continue
            definition = parent.fields.get(field_name)
            if definition is None:
                return False
            field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if field is None:
                return False
            if not _plain_field(field):
                return False
            child = get_named_type(definition.type)
            if not is_leaf_type(child):
                pending.append((child, field_nodes))
    return True


def _plain_type(object_type: GraphQLObjectType) -> bool:
    """A type without get_queryset (which may read the caller), a connection's or edge's included."""
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None:
        return False
    return getattr(definition.origin, "get_queryset", None) is None


def _plain_field(field) -> bool:
    """A field whose part in the optimizer's plan reads nothing of the request."""
    store = getattr(field, "store", None)
    if store is not None and (store.prefetch_related or store.annotate):
        return False  # hints of its own may be callables of the request's info
    if not isinstance(field, StrawberryDjangoField):
        return True  # not a relation the optimizer prefetches (a resolver, a connection's edges)
    if type(field).get_queryset is not StrawberryDjangoField.get_queryset:
        return False  # PublicProducts, VisibleVariants: filtered for the caller
    if any(getattr(field, name, None) not in (None, UNSET) for name in ("filters", "order", "ordering")):
        return False
    # A permission extension, say, filters querysets by the user.
    return all(isinstance(extension, StrawberryDjangoConnectionExtension) for extension in field.extensions)
