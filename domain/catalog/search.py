"""Catalogue search text: case- and accent-insensitive, the same on SQLite and PostgreSQL.

Each product keeps `search_text`, its name, description and category name lowercased and
without accents ("Telemóvel Café" → "telemovel cafe"), written by the catalogue services.
A search matches the products whose search_text contains every word of the query. On
PostgreSQL a trigram GIN index (migration 0002) serves these `LIKE '%word%'` lookups.
"""

from __future__ import annotations

import unicodedata

# Words of a query beyond this are ignored: they would only narrow an already narrow result.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 50


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
