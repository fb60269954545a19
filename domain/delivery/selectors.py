"""Delivery's reads: provinces, a user's address book, a store's zones (all of them for its owner,
the active methods for everyone) and its pickup."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext

from domain.accounts.models import Store
from domain.errors import NotFound

from .models import Address, DeliveryMethod, DeliveryZone, Province, StorePickup


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("position", "name")


def address_list_for_user(*, user) -> QuerySet[Address]:
    """The user's address book, the default first."""
    return Address.objects.filter(user=user).order_by("-is_default", "id")


def address_for_user(*, user, address_id: int) -> Address | None:
    return Address.objects.filter(user=user, pk=address_id).select_related("province").first()


def store_of_seller(*, seller) -> Store | None:
    return Store.objects.filter(seller_id=seller.pk).first()


def zone_list_for_owner(*, seller) -> QuerySet[DeliveryZone]:
    """Every zone of the seller's store, with every method (active or not)."""
    return DeliveryZone.objects.filter(store__seller_id=seller.pk).order_by("name", "id")


def zone_list_public(*, store_id: int) -> QuerySet[DeliveryZone]:
    """A store's zones that have an active method, each with its active methods only (what a buyer
    can choose from), for a store that is open."""
    active = DeliveryMethod.objects.filter(is_active=True).order_by("fee", "min_days", "id")
    return (
        DeliveryZone.objects.filter(store_id=store_id, store__is_active=True, methods__is_active=True)
        .distinct()
        .order_by("name", "id")
        .prefetch_related(Prefetch("methods", queryset=active))
    )


def pickup_of_store(*, store_id: int, enabled_only: bool = True) -> StorePickup | None:
    pickups = StorePickup.objects.filter(store_id=store_id).select_related("province")
    if enabled_only:
        pickups = pickups.filter(is_enabled=True)
    return pickups.first()


def zone_by_pk(*, pk: int) -> QuerySet[DeliveryZone]:
    """A zone a service just wrote, as a queryset (so the API can optimise it)."""
    return DeliveryZone.objects.filter(pk=pk)


def province_for_quote(*, user, address_id: int | None, province_id: int | None) -> int | None:
    """The province a cart's options are asked for: that of one of the user's addresses, or the
    one given; None when neither is (pickup only then). NOT_FOUND for anything else."""
    if address_id is not None:
        address = None
        if user is not None and user.is_authenticated:
            address = Address.objects.filter(user=user, pk=address_id).only("province_id").first()
        if address is None:
            raise NotFound(gettext("No address with this id."), field="address_id")
        return address.province_id
    if province_id is not None and not Province.objects.filter(pk=province_id).exists():
        raise NotFound(gettext("No province with this id."), field="province_id")
    return province_id
