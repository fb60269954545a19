"""A root list's SQL, compiled once per document, operation and variables: Django compiles a
queryset into SQL on every request (the page of ProductList and its capped count: 15 % of the
request's CPU), though the SQL is the same whenever the queryset is built from the same arguments.

Kept only where that is so, and only for the two queries of a root list's page (graph/common.py):
- the list's resolver declares that its queryset is a function of its arguments alone
  (`arguments_decide`, e.g. `products` without a search: a search reads the ids it matches first,
  so its SQL holds them);
- the optimizer's plan for the list is a kept one (graph/plans.py), a function of the document;
- the request has a plan key (graph/request.py: the document's hash, the operation and the
  coerced variables, which decide every argument).
The SQL is then kept under that key and the list's place in the response (not the database alias:
the primary and its replicas are one engine), with what Django's compiler worked out to read the
rows back (the selected columns and the models they fill); a later request with the same key builds
its queryset as before (the resolver, its permission and the optimizer run) but sends the kept SQL.
GRAPHQL_KEPT_SQL=0 turns it off; GRAPHQL_KEPT_SQL_VERIFY (on in the tests) compiles again on each
use and fails on any difference.

Private APIs (listed in the README and tests/test_private_apis.py): SQLCompiler's state after
as_sql (select, klass_info, annotation_col_map, col_count, has_extra_select), which ModelIterable
and results_iter read, and Query.get_compiler / clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.query import Query

from .sql_shapes import STATE as _STATE
from .sql_shapes import ShapedQuery, compiler_class

MAX_KEPT = 512
# (plan key, path, "page" | "count") -> Kept
KEPT: dict[tuple, Kept] = {}
_PLAIN_QUERIES = (Query, ShapedQuery)


@dataclass(frozen=True)
class Kept:
    sql: str
    params: tuple
    state: tuple = ()  # the compiler's attributes named by _STATE, for a page


def arguments_decide(info: Any) -> None:
    """Said by a root list's resolver: the queryset it returns is a function of its arguments alone
    (nothing of the caller, the clock or the database's contents is in its SQL)."""
    request = getattr(info.context, "graphql", None)
    if request is not None:
        request.pure_lists.add(_path(info))


def key_for(info: Any, nodes: QuerySet) -> tuple | None:
    """The key of a root list's SQL for this request, or None when it may not be kept."""
    if not settings.GRAPHQL_KEPT_SQL:
        return None
    request = getattr(info.context, "graphql", None)
    if request is None:
        return None
    path = _path(info)
    if path not in request.pure_lists or path not in request.kept_plans:
        return None
    plan_key = request.plan_key
    if plan_key is None:
        return None
    return (plan_key, path)


def _path(info: Any) -> tuple:
    return tuple(info.path.as_list())


class KeptPage:
    """A root list's queryset as the connection pages it: its slice, the page, runs the kept SQL."""

    def __init__(self, nodes: QuerySet, key: tuple):
        self.nodes = nodes
        self.key = (*key, "page")

    def __getitem__(self, k):
        page = self.nodes[k]
        if isinstance(page, QuerySet) and page._result_cache is None and type(page.query) in _PLAIN_QUERIES:
            page.query.__class__ = _KeptQuery
            page.query.kept_key = self.key
        return page


def count(nodes: QuerySet, cap: int, key: tuple | None) -> int:
    """How many rows `nodes` has, counting at most `cap`: SELECT COUNT(*) FROM (the rows, LIMIT cap),
    its SQL kept under `key` (Django's count() where there is none)."""
    if key is None:
        return nodes.order_by()[:cap].count()
    full = (*key, "count")
    kept = KEPT.get(full)
    db = nodes.db  # asked once: the router decides (and counts) a read here
    if kept is None or settings.GRAPHQL_KEPT_SQL_VERIFY:
        rows = nodes.order_by().values("pk")[:cap]
        try:
            sql, params = rows.query.get_compiler(using=db).as_sql()
        except EmptyResultSet:
            return 0
        fresh = Kept(f"SELECT COUNT(*) FROM ({sql}) kept_count", tuple(params))
        if kept is not None and kept != fresh:
            raise AssertionError(f"kept SQL differs for {full!r}:\n{kept}\n{fresh}")
        kept = fresh
        _keep(full, kept)
    with connections[db].cursor() as cursor:
        cursor.execute(kept.sql, kept.params)
        return int(cursor.fetchone()[0])


def _keep(key: tuple, kept: Kept) -> None:
    if len(KEPT) >= MAX_KEPT:
        KEPT.clear()
    KEPT[key] = kept


class _KeptQuery(ShapedQuery):
    """The page's query: its compiler keeps its SQL or sends the kept one. A clone (a count, a
    further filter) keeps its SQL per shape only (graph/sql_shapes.py)."""

    kept_key: tuple

    def clone(self):
        clone = super().clone()
        clone.__class__ = ShapedQuery
        clone.__dict__.pop("kept_key", None)
        return clone

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        compiler.__class__ = compiler_class(_KeptCompilerMixin, type(compiler), "Kept")
        compiler.kept_key = self.kept_key
        return compiler


class _KeptCompilerMixin:
    kept_key: tuple

    def as_sql(self, with_limits=True, with_col_aliases=False):
        if not with_limits or with_col_aliases:  # as a subquery: not the page's own SQL
            return super().as_sql(with_limits, with_col_aliases)
        kept = KEPT.get(self.kept_key)
        if kept is not None and not settings.GRAPHQL_KEPT_SQL_VERIFY:
            for name, value in zip(_STATE, kept.state, strict=True):
                setattr(self, name, value)
            return kept.sql, kept.params
        sql, params = super().as_sql(with_limits, with_col_aliases)
        fresh = Kept(sql, tuple(params), tuple(getattr(self, name) for name in _STATE))
        if kept is not None and (kept.sql, kept.params) != (fresh.sql, fresh.params):
            raise AssertionError(f"kept SQL differs for {self.kept_key!r}:\n{kept}\n{fresh}")
        _keep(self.kept_key, fresh)
        return sql, params
