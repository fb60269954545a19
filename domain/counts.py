"""A list's row count known before it is asked for, so that it is not counted again.

A selector that has just read a list's matching rows (e.g. the search's ids, at most 1,001 of them:
domain/catalog/search.py) knows how many there are, or that there are at least that many. It marks
the queryset it returns with `count_mark`; the API's capped totalCount (graph/common.CappedCount)
asks `count_known` first and runs no count query when the mark answers it. The mark holds the
queryset's WHERE clause and tables and stands only while they are unchanged: a queryset filtered
further, joined to more tables, sliced, made distinct or combined is counted as usual. (The optimizer's clones keep it: they copy
the query and leave its conditions as they are.)
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet


class _Count(NamedTuple):
    where: object
    tables: tuple[str, ...]
    rows: int
    exact: bool


def count_mark(rows: QuerySet, count: int, *, exact: bool) -> QuerySet:
    """`rows`, marked as holding exactly `count` rows (`exact`), or at least `count`."""
    rows.query.known_count = _Count(rows.query.where.clone(), tuple(rows.query.alias_map), count, exact)
    return rows


def count_known(rows: QuerySet, cap: int) -> int | None:
    """min(the number of `rows`, cap) when a mark tells it; None when it must be counted."""
    query = rows.query
    known = getattr(query, "known_count", None)
    if (
        known is None
        or query.is_sliced
        or query.distinct
        or query.combinator
        or tuple(query.alias_map) != known.tables  # a join more may repeat rows
        or query.where != known.where
    ):
        return None
    if known.exact:
        return min(known.rows, cap)
    return cap if known.rows >= cap else None
