"""Versions of the catalogue, the keys of the GraphQL response cache: a cached answer is found only
under the versions it was computed with, so a write that bumps them makes it unreachable.

- `catalog`: every write that can change what the catalogue shows (lists, categories, stores).
- `product:<id>`: one product's own writes (price, stock, visibility, text, image, reviews and
  rating, its reviewers' names: domain/reviews/receivers.py), so a sale does not flush the detail
  pages of the other products.
- `shared`: writes that change what many products' details show of other rows (a store, a
  category), so every detail depends on it as well. A detail that reaches other products (its
  store's `products`) depends on `catalog` instead (graph/response_cache.py), so a product that
  appears, goes or changes bumps `catalog` and its own version only.

Every write bumps `catalog` and what else it names, once its transaction commits
(`transaction.on_commit`): a rolled-back write bumps nothing, and a reader never caches what it
read before the commit under the version after it. Versions start from the clock (nanoseconds)
and have no TTL, so they never go backwards, even when Redis lost them; the answers they key carry
a TTL, so an eviction takes those first. A cache that is down costs a miss, never an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("kitanda.catalog")

CATALOG = "catalog:version"
SHARED = "catalog:version:shared"


def product_version_key(product_id: int) -> str:
    return f"catalog:version:product:{product_id}"


def catalog_changed(*, product_ids: Iterable[int] = (), shared: bool = False) -> None:
    """What a write changed: the products it touched (their details and every list) or, `shared`,
    what every product's detail may show. Call it inside the write's transaction."""
    keys = [CATALOG, *(product_version_key(pk) for pk in sorted(set(product_ids)))]
    if shared:
        keys.append(SHARED)
    transaction.on_commit(lambda: versions_bump(keys))


def versions_bump(keys: list[str]) -> None:
    for key in keys:
        try:
            try:
                cache.incr(key)
            except ValueError:  # never set, or lost: start again from the clock
                if not cache.add(key, time.time_ns(), timeout=None):
                    cache.incr(key)
        except Exception:  # the cache is down: its answers are unreachable with it
            logger.warning("Catalogue version %s not bumped: the cache is unavailable", key)


def versions_current(keys: list[str]) -> dict[str, int]:
    """The current value of each version, starting those never set from the clock. Raises when
    the cache is down (the caller then answers without it)."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        now = time.time_ns()
        for key in missing:
            cache.add(key, now, timeout=None)
        found.update(cache.get_many(missing))
    return {key: int(found[key]) for key in keys}
