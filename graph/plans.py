"""The optimizer's plan, kept per document: strawberry-django plans the `only` / `select_related`
of a list by walking the selections on every request; the plan depends only on the document, the
operation, its variables (@include/@skip) and the place in the response, so it is kept under
those (the request object of graph/request.py names them) and applied again.

Where the library allows it, and no further: strawberry-django has no plan cache of its own, so
this calls its planning functions as its `optimize()` does, and keeps only plans of columns and
joins. A plan with prefetches or annotations (nested connections, counts) holds querysets and
expressions that applying may change, so it is computed afresh each time, as before.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from graphql import get_named_type
from strawberry import Info
from strawberry_django import optimizer as library
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
    plan = PLANS.get(key)
    if plan is None:
        plan = _plan(qs, raw, config)
        if plan is None:
            return fallback(qs, info)
        if plan.prefetch_related or plan.annotate:
            # Not kept, but applied as computed, as the library's optimize() would after the same
            # computation: planning twice cost ProductDetail 17 % of its CPU.
            qs = plan.apply(qs, info=raw, config=config)
            get_queryset_config(qs).optimized = True
            return qs
        if len(PLANS) >= MAX_PLANS:
            PLANS.clear()
        PLANS[key] = plan
    if plan:
        store = library.OptimizerStore(only=list(plan.only), select_related=list(plan.select_related))
        qs = store.apply(qs, info=raw, config=config)
        get_queryset_config(qs).optimized = True
    return qs


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
