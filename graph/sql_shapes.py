"""A query's SQL compiled once per shape: Django compiles a queryset into SQL on every request, though
querysets built the same way with other values (another product's slug, another caller) differ
only in their parameters. `product(slug:)` and its reviews' page spent a quarter of a logged-in
ProductDetail's CPU compiling SQL that was the same each time but for the slug and the caller.

The querysets the optimizer hands to strawberry-django (graph/schema.py Optimizer.optimize: every
root field's and connection's own queryset, and the clones made from it, such as its page) are
marked (`mark`). Compiling a marked query, the compiler first compiles its WHERE clause alone,
then looks for SQL kept under the query's shape: the query's state but its WHERE (the tables, joins
and their types, columns, related rows, annotations, order, slice...) frozen into a key (`_frozen`:
expressions by their type and arguments, constants with their type, output fields by their
arguments), the WHERE's SQL with its placeholders, and the current time zone (a date function
compiles its name). On a hit it sends the kept SQL with the parameters the WHERE clause gave now,
and the parameters before and after it (the key's constants) as they were kept; on a miss Django
compiles the whole query, kept when its WHERE clause is found once in the SQL, its parameters in
their place. Never kept: a subquery outside WHERE (its SQL is its query's, which a key does not
hold), a FilteredRelation, a combined query, a lock (SELECT ... FOR UPDATE: its checks are in
as_sql), an aggregate or window in WHERE, or a value the key does not know. What Django's compiler
worked out to read the rows back (the selected columns and the models they fill) is kept with it,
as graph/kept_sql.py does.

Bounded: at most MAX_SHAPES shapes (then forgotten all at once); no SQL longer than MAX_SQL
characters, no WHERE of more than MAX_ITEMS parameters (a search's list of ids: each length would
be a shape), no text in a key longer than MAX_TEXT characters nor a sequence of more than
MAX_ITEMS. GRAPHQL_KEPT_SQL=0 turns it off with the rest of the kept SQL, and
GRAPHQL_KEPT_SQL_VERIFY (on in the tests) compiles again on each use and fails on any difference.

Private APIs (listed in the README and tests/test_private_apis.py): Query.__dict__ (the query's
state, frozen into the key), Query.get_compiler, SQLCompiler.compile on the WHERE node before
as_sql, an expression's _constructor_args, Join's identity, join_type and nullable, and the
compiler's state after as_sql that graph/kept_sql.py lists.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import F, Field, QuerySet
from django.db.models.expressions import BaseExpression
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.query import Query
from django.utils import timezone

MAX_SHAPES = 512
MAX_SQL = 16_384
# (compiler class, as_sql's arguments, frozen state, WHERE's SQL) -> _Shape
SHAPES: dict[tuple, _Shape] = {}
STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
# Django's SQL read left to right: a parameter's place (%s) or a literal percent sign (%%).
_PLACEHOLDER = re.compile(r"%[%s]")
# Query attributes that are not part of the shape: the WHERE clause (compiled each time) and caches
# of other attributes.
_CACHES = frozenset({"where", "_annotation_select_cache", "_extra_select_cache", "base_table"})


@dataclass(frozen=True)
class _Shape:
    sql: str
    state: tuple
    before: tuple  # the parameters before the WHERE clause's (its columns', its joins')
    after: tuple  # and after them (its ordering's)


def _kept(sql: str, params: tuple, where_sql: str, where_params: tuple, compiler) -> _Shape | None:
    """What to keep of a query's SQL: its parameters outside the WHERE clause are fixed by the
    shape (they are values of the expressions in its key); None when the WHERE clause is not found
    once in the SQL with its parameters where its placeholders are, or the SQL is too long."""
    if len(sql) > MAX_SQL:
        return None
    if where_sql:
        clause = f" WHERE {where_sql}"
        at = sql.find(clause)
        if at < 0 or sql.find(clause, at + 1) >= 0:
            return None
        start = sum(token == "%s" for token in _PLACEHOLDER.findall(sql, 0, at))
    else:
        start = len(params)
    end = start + len(where_params)
    if params[start:end] != where_params:
        return None
    return _Shape(sql, tuple(getattr(compiler, name) for name in STATE), params[:start], params[end:])


class _Unkeepable(Exception):
    pass


def mark(queryset: QuerySet) -> QuerySet:
    """`queryset`, its SQL (and its clones') kept per shape from now on."""
    if type(queryset.query) is Query:
        queryset.query.__class__ = ShapedQuery
    return queryset


class ShapedQuery(Query):
    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        compiler.__class__ = compiler_class(_ShapedCompilerMixin, type(compiler), "Shaped")
        return compiler


_COMPILERS: dict[tuple[type, type], type] = {}


def compiler_class(mixin: type, base: type, prefix: str) -> type:
    """`base` (a compiler class) with `mixin` before it, made once."""
    compiler = _COMPILERS.get((mixin, base))
    if compiler is None:
        compiler = _COMPILERS[mixin, base] = type(f"{prefix}{base.__name__}", (mixin, base), {})
    return compiler


class _ShapedCompilerMixin:
    def as_sql(self, with_limits=True, with_col_aliases=False):
        # A SELECT (an UPDATE's or an aggregate's query is another class, its compiler Django's).
        found = self._shape(with_limits, with_col_aliases) if settings.GRAPHQL_KEPT_SQL else None
        if found is None:
            return super().as_sql(with_limits, with_col_aliases)
        key, where_sql, where_params = found
        kept = SHAPES.get(key)
        if kept is not None and not settings.GRAPHQL_KEPT_SQL_VERIFY:
            for name, value in zip(STATE, kept.state, strict=True):
                setattr(self, name, value)
            return kept.sql, (*kept.before, *where_params, *kept.after)
        sql, params = super().as_sql(with_limits, with_col_aliases)
        fresh = _kept(sql, tuple(params), where_sql, where_params, self)
        if fresh is None:
            return sql, params
        if kept is not None and (kept.sql, kept.before, kept.after) != (fresh.sql, fresh.before, fresh.after):
            raise AssertionError(f"kept SQL differs for its shape:\n{kept}\n{fresh}")
        if len(SHAPES) >= MAX_SHAPES:
            SHAPES.clear()
        SHAPES[key] = fresh
        return sql, params

    def _shape(self, with_limits: bool, with_col_aliases: bool) -> tuple[tuple, str, tuple] | None:
        """(the key of this query's shape, its WHERE's SQL and parameters), or None when it is not
        kept."""
        query = self.query
        where = query.where
        if (
            query.combinator
            or query.select_for_update
            or where.contains_aggregate
            or where.contains_over_clause
        ):
            return None  # (a lock's checks are in as_sql: they run every time)
        try:
            state = tuple(
                (name, _frozen(value)) for name, value in query.__dict__.items() if name not in _CACHES
            )
            hash(state)
        except (_Unkeepable, TypeError):
            return None
        try:
            where_sql, where_params = self.compile(where)
        except FullResultSet:
            where_sql, where_params = "", ()
        except EmptyResultSet:
            return None
        if len(where_sql) > MAX_SQL or len(where_params) > MAX_ITEMS:
            return None  # (a long list of ids, as a search's: each length would be a shape)
        key = (
            type(self),
            self.connection.alias,
            self.elide_empty,
            with_limits,
            with_col_aliases,
            state,
            where_sql,
            # a date function without its own time zone compiles the current one's name
            settings.USE_TZ and timezone.get_current_timezone_name(),
        )
        return key, where_sql, tuple(where_params)


# Constants kept in a key with their type: True == 1 == 1.0 in Python, not in SQL.
_CONSTANTS = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID)
MAX_TEXT = 255  # a longer text (a caller's, perhaps) is not kept in a key
MAX_ITEMS = 100  # nor a longer sequence


def _frozen(value):
    """`value` as a hashable key, equal only for values that make the same SQL and parameters;
    _Unkeepable when that is not known. Django's own expression equality (`identity`) is not
    enough: it takes an unbound field by its type alone (CharField(max_length=3) == (max_length=30))
    and constants by equality (Value(True) == Value(1)), and a subquery by its model."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _Unkeepable
        return value
    if value is None or isinstance(value, type):
        return value
    if isinstance(value, _CONSTANTS):
        return (type(value), value)
    if isinstance(value, dict | list | tuple | set | frozenset) and len(value) > MAX_ITEMS:
        raise _Unkeepable
    if isinstance(value, dict):
        return ("dict", *((_frozen(name), _frozen(item)) for name, item in value.items()))
    if isinstance(value, list | tuple):
        return (type(value), *(_frozen(item) for item in value))
    if isinstance(value, set | frozenset):
        return frozenset(_frozen(item) for item in value)
    if isinstance(value, Join):
        if value.filtered_relation is not None:  # its condition holds values
            raise _Unkeepable
        # Django's Join.identity leaves out the join's type (INNER, LEFT OUTER) and nullability.
        return ("join", value.identity, value.join_type, value.nullable)
    if isinstance(value, BaseTable):
        return ("table", value.identity)
    if isinstance(value, Field):
        if hasattr(value, "model"):  # a model's column: the same field object every time
            return value
        _, path, args, kwargs = value.deconstruct()  # an output_field: by its arguments
        return ("field", path, _frozen(args), _frozen(kwargs))
    if isinstance(value, F):  # (OuterRef and ResolvedOuterRef too: their name is their SQL)
        return (type(value), value.name)
    if isinstance(value, BaseExpression):
        if isinstance(value, Query) or isinstance(getattr(value, "query", None), Query):
            raise _Unkeepable  # a subquery: its SQL is its query's, not in its arguments
        args, kwargs = value._constructor_args
        return (type(value), _frozen(args), _frozen(kwargs))
    raise _Unkeepable
