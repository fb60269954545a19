"""Per-request loaders for the fields the optimizer cannot serve: those that depend on the caller
or are computed (the caller's review of a product, whether it is in the caller's wishlist).

The view serves GraphQL synchronously, and graphql-core completes each item of a list before the
next, so a loader cannot wait for a page's keys as an async DataLoader does. It needs not: each
instance knows the other instances its query fetched (domain/peers.py), so the first item asked
loads the whole page in one query, and the others are answered from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cached_property
from operator import attrgetter
from typing import Any, Generic, TypeVar

from django.http import HttpRequest

from domain.peers import peers_of
from domain.reviews.models import Review
from domain.reviews.selectors import review_map_for_user
from domain.wishlist.selectors import wishlist_product_ids_for_user

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Loader(Generic[K, V]):
    """Loads a value per model instance, with one call of `batch` for the instance and every peer
    not loaded yet. `batch(keys)` returns {key: value}; a key it leaves out gets `default`."""

    def __init__(
        self,
        batch: Callable[[list[K]], Mapping[K, V]],
        *,
        default: V | None = None,
        key: Callable[[Any], K] = attrgetter("pk"),
    ) -> None:
        self._batch = batch
        self._default = default
        self._key = key
        self._cache: dict[K, V | None] = {}

    def load(self, instance: Any) -> V | None:
        cache = self._cache
        key = self._key(instance)
        if key not in cache:
            peers = (k for peer in peers_of(instance) if (k := self._key(peer)) not in cache)
            keys = list(dict.fromkeys([key, *peers]))
            found = self._batch(keys)
            for k in keys:
                cache[k] = found.get(k, self._default)
        return cache[key]


class Loaders:
    """The loaders of one request, each made on first use. A value is kept for the whole request:
    a document that reads a product's value, changes it with a mutation and reads it again gets
    the first answer (no client operation does)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def my_review(self) -> Loader[int, Review]:
        """Product -> the caller's review of it, or None."""
        return Loader(lambda ids: review_map_for_user(user=self._request.user, product_ids=ids))

    @cached_property
    def in_my_wishlist(self) -> Loader[int, bool]:
        """Product -> whether it is in the caller's wishlist."""
        return Loader(
            lambda ids: _present(wishlist_product_ids_for_user(user=self._request.user, product_ids=ids)),
            default=False,
        )


def _present(keys: Iterable[K]) -> dict[K, bool]:
    return dict.fromkeys(keys, True)
