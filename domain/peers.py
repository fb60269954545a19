"""Peers: each model instance fetched by a query knows the instances fetched with it.

A per-request loader (graph/loaders.py) answers a computed field for a whole page with one query:
the first instance of the page that asks loads the values of all its peers at once. It cannot wait
for the page's later items instead, because the GraphQL execution is synchronous and completes
each item of a list before the next; but the query that fetched the page fetched them already.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable


class Peers(list):
    """The instances one query fetched. Pickled or copied with an instance, it comes back empty:
    a cached or copied instance does not drag its whole page along."""

    __slots__ = ()

    def __reduce__(self):
        return Peers, ()


def peers_of(instance: Model) -> list[Model]:
    """The instances fetched by the query that fetched this one; itself alone when unknown."""
    return getattr(instance, "_peers", None) or [instance]


class PeersQuerySet(QuerySet):
    """Each model instance it fetches gets `_peers`, and so do the instances of models that use it
    that its `select_related` brought along (the products of a page of wishlist items are peers).

    Use it as a model's default manager (`objects = PeersQuerySet.as_manager()`): related managers
    and strawberry-django's prefetches (with `prefetch_custom_queryset`) start from it, so the
    products prefetched for a page of stores are peers across all the stores. The cost is one
    attribute per row."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and self._iterable_class is ModelIterable:
            _share(Peers(self._result_cache), self.model, self.query.select_related, own=True)


def _share(instances: Peers, model: type[Model], select_related: dict | bool, *, own: bool) -> None:
    if own:
        for instance in instances:
            instance._peers = instances
    if not isinstance(select_related, dict):  # False, or True (every relation, unnamed): stop here
        return
    for name, deeper in select_related.items():
        related_model = _related_model(model, name)
        if related_model is None or not _reaches_peers(related_model, deeper):
            continue  # no work per row for relations such as a product's store and category
        related = Peers(
            obj for instance in instances if (obj := instance._state.fields_cache.get(name)) is not None
        )
        if related:
            _share(related, related_model, deeper, own=_uses_peers(related_model))


def _uses_peers(model: type[Model]) -> bool:
    return issubclass(model._default_manager._queryset_class, PeersQuerySet)


def _related_model(model: type[Model], name: str) -> type[Model] | None:
    try:
        return model._meta.get_field(name).related_model
    except FieldDoesNotExist:
        return None


def _reaches_peers(model: type[Model], select_related: dict | bool) -> bool:
    """Whether this model, or one its `select_related` reaches, uses peers (from metadata alone)."""
    if _uses_peers(model):
        return True
    return isinstance(select_related, dict) and any(
        (related := _related_model(model, name)) is not None and _reaches_peers(related, deeper)
        for name, deeper in select_related.items()
    )
