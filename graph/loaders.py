"""Per-request loaders for the fields the optimizer cannot serve: those that depend on the caller
or are computed (the caller's review of a product, whether it is in the caller's wishlist).

The view serves GraphQL synchronously, and graphql-core completes each item of a list before the
next, so a loader cannot wait for a page's keys as an async DataLoader does. It needs not: the
rows of a page are fetched before its first item is completed (the page's query, and the
prefetches and joins that came with it). While an operation that may ask a loader executes
(`FetchedRows`), every instance of a loaded model that Django makes is noted, through Django's
`post_init` signal; the first item that asks loads the value of every instance noted and not
loaded yet in one query, and the others are answered from the cache. The domain models know
nothing of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from contextvars import ContextVar
from functools import cached_property
from threading import Lock
from typing import Generic, TypeVar

from django.db.models import Model
from django.db.models.signals import post_init
from django.http import HttpRequest
from strawberry.extensions import SchemaExtension
from strawberry.utils.str_converters import to_camel_case

from domain.catalog.models import Product
from domain.reviews.models import Review
from domain.reviews.selectors import review_map_for_user
from domain.wishlist.selectors import wishlist_product_ids_for_user

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# The instances made while the current operation executes, per model; None outside an execution.
_fetched: ContextVar[dict[type[Model], list[Model]] | None] = ContextVar("fetched_rows", default=None)


def _note(sender: type[Model], instance: Model, **kwargs) -> None:
    fetched = _fetched.get()
    if fetched is not None:
        fetched[sender].append(instance)


class _Noting:
    """Django's post_init is connected for the loaded models only while some execution notes
    (counted across threads): other requests, and the rest of the process, pay nothing per row."""

    def __init__(self) -> None:
        self.models: set[type[Model]] = set()
        self._executions = 0
        self._lock = Lock()

    def start(self) -> None:
        with self._lock:
            if self._executions == 0:
                for model in self.models:
                    post_init.connect(_note, sender=model, dispatch_uid=f"graph.loaders:{model._meta.label}")
            self._executions += 1

    def stop(self) -> None:
        with self._lock:
            self._executions -= 1
            if self._executions == 0:
                for model in self.models:
                    post_init.disconnect(sender=model, dispatch_uid=f"graph.loaders:{model._meta.label}")


_noting = _Noting()


def note_fetched(model: type[Model]) -> None:
    """Note the instances of `model` made during an execution that may ask one of its loaders."""
    _noting.models.add(model)


class FetchedRows(SchemaExtension):
    """The scope of the noted instances: one operation's execution, when its document names a
    field served by a loader (only then may one be asked). Outside it nothing is kept."""

    def on_execute(self):
        query = self.execution_context.query
        if query is not None and not any(field in query for field in LOADED_FIELDS):
            yield
            return
        token = _fetched.set(defaultdict(list))
        _noting.start()
        try:
            yield
        finally:
            _noting.stop()
            _fetched.reset(token)


class Loader(Generic[K, V]):
    """Loads a value per instance of `model`, with one call of `batch` for the instance asked and
    every instance of the model made since in the same execution and not loaded yet.
    `batch(keys)` returns {key: value}; a key it leaves out gets `default`."""

    def __init__(
        self, model: type[Model], batch: Callable[[list[K]], Mapping[K, V]], *, default: V | None = None
    ) -> None:
        if model not in _noting.models:
            raise TypeError(f"note_fetched({model.__name__}) first: its loader would load row by row.")
        self._model = model
        self._batch = batch
        self._default = default
        self._cache: dict[K, V | None] = {}
        self._fetched: dict | None = None
        self._seen = 0  # how many of the execution's noted instances were looked at already

    def load(self, instance: Model) -> V | None:
        cache = self._cache
        key = instance.pk
        if key not in cache:
            keys = list(dict.fromkeys([key, *self._unloaded()]))
            found = self._batch(keys)
            for k in keys:
                cache[k] = found.get(k, self._default)
        return cache[key]

    def _unloaded(self) -> Iterable[K]:
        fetched = _fetched.get()
        if fetched is not self._fetched:  # another execution: its instances are all new
            self._fetched, self._seen = fetched, 0
        if fetched is None:
            return ()
        noted = fetched[self._model]
        new, self._seen = noted[self._seen :], len(noted)
        return (k for other in new if (k := other.pk) is not None and k not in self._cache)


note_fetched(Product)


class Loaders:
    """The loaders of one request, each made on first use and named after the field it serves
    (LOADED_FIELDS). A value is kept for the whole request:
    a document that reads a product's value, changes it with a mutation and reads it again gets
    the first answer (no client operation does)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def my_review(self) -> Loader[int, Review]:
        """Product -> the caller's review of it, or None."""
        return Loader(Product, lambda ids: review_map_for_user(user=self._request.user, product_ids=ids))

    @cached_property
    def in_my_wishlist(self) -> Loader[int, bool]:
        """Product -> whether it is in the caller's wishlist."""
        return Loader(
            Product,
            lambda ids: _present(wishlist_product_ids_for_user(user=self._request.user, product_ids=ids)),
            default=False,
        )


# The fields the loaders serve, each loader named after its field: a document that names none of
# them needs no noting.
LOADED_FIELDS = tuple(
    to_camel_case(name) for name, member in vars(Loaders).items() if isinstance(member, cached_property)
)


def _present(keys: Iterable[K]) -> dict[K, bool]:
    return dict.fromkeys(keys, True)
