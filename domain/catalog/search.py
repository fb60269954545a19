"""Catalogue search: case- and accent-insensitive, every word of the query must match.

Each product keeps `search_text`, its name, description and category name lowercased and
without accents ("Telemóvel Café" → "telemovel cafe"), written by the catalogue services.

A word matches a product (`search_condition`) when its search_text contains it, on every database.
On PostgreSQL also, each served by an index (catalog 0002 and 0007):
- full text in Portuguese (the `kitanda_pt` configuration: unaccent, then Portuguese stemming and
  stop words): "sapatos" finds "sapato", "camisas" finds "camisa"; the tsvector of search_text is
  the column search_vector, kept by the database, with its GIN index;
- typos, by trigram similarity, for a word of TYPO_MIN_LETTERS letters or more that no product
  holds as written: it matches a word of the text at pg_trgm's strict word similarity of 0.5 or
  more (its default threshold, the `<<%` operator): "sapatoss" finds "sapatos", "electronicos"
  does not find "electrodomesticos" (0.48); served by the trigram GIN index of search_text, the one
  `LIKE '%word%'` uses too.
Words with digits or signs ("100%", "nº 12") are matched as written only, never as a typo.
"""

from __future__ import annotations

import unicodedata

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value

from domain.counts import count_mark

# Words of a query beyond this are ignored: they would only narrow an already narrow result.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 50
# A word this long or longer, of letters only, also matches its typos (PostgreSQL).
TYPO_MIN_LETTERS = 4
# A search matching at most this many products is paged from their ids (PostgreSQL).
RARE_MATCHES = 1000
# The catalogue's text search configuration (catalog 0007).
TEXT_SEARCH_CONFIG = "kitanda_pt"


def search_normalize(text: str) -> str:
    """Lowercase, accents removed, whitespace collapsed: "  Água  FRESCA" → "agua fresca"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def search_text_for(*, name: str, description: str, category_name: str) -> str:
    return search_normalize(f"{name} {description} {category_name}")


def search_words(query: str) -> list[str]:
    """The words a query must all match (at most MAX_QUERY_WORDS, each cut to MAX_WORD_LENGTH)."""
    words = dict.fromkeys(word[:MAX_WORD_LENGTH] for word in search_normalize(query).split())
    return list(words)[:MAX_QUERY_WORDS]


class _SearchVector(Func):
    """The product's search_vector column (catalog 0007, PostgreSQL only; the models do not name it)."""

    template = '"catalog_product"."search_vector"'
    output_field = TextField()

    def __init__(self):
        super().__init__()


class _TextQuery(Func):
    template = f"plainto_tsquery('{TEXT_SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    output_field = TextField()


class _Operator(Func):
    """`left <operator> right`, a condition."""

    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, left, operator: str, right):
        super().__init__(left, right)
        self.arg_joiner = f" {operator} "


def _exact(word: str, vendor: str) -> Q:
    """The word as written (contained in search_text) or, on PostgreSQL, as a Portuguese word."""
    matches = Q(search_text__contains=word)
    if vendor == "postgresql":
        matches |= Q(_Operator(_SearchVector(), "@@", _TextQuery(Value(word))))
    return matches


def search_filter(products: QuerySet, query: str) -> QuerySet:
    """`products` that every word of `query` matches (see the module); all of them for a query
    without words. Apply it last (its first query reads the ids of `products` as they are).

    On PostgreSQL, one query first asks for the ids of at most RARE_MATCHES + 1 matches. A search
    with no more than RARE_MATCHES gets them as its condition (`id IN (...)`): the planner then
    knows how few rows match and sorts those few, where it misjudged a rare word and walked the
    whole order index testing each row. A commoner search keeps the word conditions: walking the
    order index finds a page of them in a few hundred rows. A word that no product holds as written
    is taken for a typo and matched by trigram similarity instead (asked apart: in the page's own
    condition the similarity test costs ~25 µs a row wherever a list walks its order index)."""
    words = search_words(query)
    if not words:
        return products
    if connection.vendor != "postgresql":
        return products.filter(_all_words(words, typos=set()))
    condition = _all_words(words, typos=set())
    ids = _first_ids(products, condition)
    if not ids:  # nothing as written: the words that no product holds are typos
        typos = _typos(products, words)
        if typos:
            condition = _all_words(words, typos=typos)
            ids = _first_ids(products, condition)
    # The ids tell how many match (or that more than RARE_MATCHES do): the list's capped
    # totalCount is then answered without counting them again (domain/counts.py).
    if len(ids) <= RARE_MATCHES:
        return count_mark(products.filter(pk__in=ids), len(ids), exact=True)
    return count_mark(products.filter(condition), len(ids), exact=False)


def _typos(products: QuerySet, words: list[str]) -> set[str]:
    """The words of a search that matched nothing as written which no product holds as written and
    which may be typos (TYPO_MIN_LETTERS letters or more, letters only). A one-word search's word is
    one already: no query. Each word of a longer one is asked for apart, as the first ids of its
    matches, not with LIMIT 1: the planner guesses a word missing from its statistics at up to 0.5 %
    of the catalogue, so to find one such row it reads the table from the start (the whole table,
    a second at a million products, when the word is misspelt); for a thousand it asks the word's
    indexes."""
    candidates = [word for word in words if len(word) >= TYPO_MIN_LETTERS and word.isalpha()]
    if len(words) == 1:
        return set(candidates)
    return {word for word in candidates if not _first_ids(products, _exact(word))}


def _first_ids(products: QuerySet, condition: Q) -> list[int]:
    return list(products.filter(condition).order_by().values_list("pk", flat=True)[: RARE_MATCHES + 1])


def _all_words(words: list[str], *, typos: set[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= _typo(word) if word in typos else _exact(word)
    return condition


def _exact(word: str) -> Q:
    """The word as written (contained in search_text) or, on PostgreSQL, as a Portuguese word."""
    matches = Q(search_text__contains=word)
    if connection.vendor == "postgresql":
        matches |= Q(_Operator(_SearchVector(), "@@", _TextQuery(Value(word))))
    return matches


def _typo(word: str) -> Q:
    # `<<%%`: `%%` is a literal % once the query's parameters are filled in
    return Q(_Operator(Value(word), "<<%%", F("search_text")))
