"""Account reads: users by login, pending sellers, and which stores a caller may see."""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext

from domain.errors import NotFound

from .models import PENDING_SELLER, Store, User

PENDING_SELLERS_MAX = 100


def user_list_named(*, field: Literal["username", "email"], value: str) -> QuerySet[User]:
    """The users whose username or e-mail is `value` by the rule of their unique constraints:
    lower() as the database computes it (so PostgreSQL's index serves the lookup). At most one."""
    return User.objects.alias(named=Lower(field)).filter(named=Lower(Value(value)))


def user_by_login(*, login: str) -> User | None:
    """The user a login names: an e-mail when it holds "@" (usernames never do), else a
    username; any case."""
    login = login.strip()
    if not login:
        return None
    return user_list_named(field="email" if "@" in login else "username", value=login).first()


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_list_by_pk(*, pks) -> dict[int, User]:
    """Users by primary key, in one query (the websocket process checks its sessions' users at once)."""
    return User.objects.in_bulk(set(pks))


def seller_list_pending() -> QuerySet[User]:
    """Active sellers waiting for approval, the longest-waiting first (at most 100: approving
    them brings the next ones)."""
    return User.objects.filter(PENDING_SELLER).order_by("date_joined", "id")[:PENDING_SELLERS_MAX]


def store_filter_visible(stores: QuerySet[Store], *, viewer=None) -> QuerySet[Store]:
    """The one rule of which of `stores` a caller sees. Everyone: the active ones. Its owner and
    admins, given as `viewer`: a deactivated one too. Lists the same for every caller pass no viewer."""
    if viewer is None or not viewer.is_authenticated:
        return stores.filter(is_active=True)
    if viewer.is_marketplace_admin:
        return stores
    return stores.filter(Q(is_active=True) | Q(seller_id=viewer.pk))


def store_list_active() -> QuerySet[Store]:
    """The stores the marketplace shows, by name."""
    return store_filter_visible(Store.objects.all()).order_by("name", "id")


def store_get(*, store_id: int) -> Store | None:
    return Store.objects.filter(pk=store_id).first()


def store_list_of_seller(*, seller: User) -> QuerySet[Store]:
    """The seller's own store (at most one row; none while they have no store)."""
    return Store.objects.filter(seller=seller)


def store_of_seller(*, seller: User) -> Store | None:
    return Store.objects.filter(seller=seller).first()


def store_owned(*, seller: User) -> Store:
    """The seller's own store, for a change to it: NOT_FOUND while they have none."""
    store = store_of_seller(seller=seller)
    if store is None:
        raise NotFound(gettext("You have no store yet."))
    return store


def store_visible(*, slug: str, user) -> Store | None:
    """The store with this slug if the user sees it (store_filter_visible); None otherwise."""
    return store_filter_visible(Store.objects.filter(slug=slug), viewer=user).first()
