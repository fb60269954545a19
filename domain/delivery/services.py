"""Delivery's writes: a buyer's address book, a seller's zones, methods and pickup.

Every input is checked at once (domain.errors.collect). A seller acts on their own store only:
another store's zone or method is NOT_FOUND, exactly as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from domain.accounts.models import Store
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    InvalidInput,
    NotFound,
    Required,
    collect,
)
from domain.money import MAX_AMOUNT, AmountFault, amount_fault, kwanza, money_round
from domain.phones import angolan_phone
from domain.text import name_error, text_error

from .calendar import MAX_DAYS
from .models import Address, DeliveryMethod, DeliveryZone, DeliveryZoneProvince, Province, StorePickup

ADDRESSES_MAX = 20
ZONES_MAX = 50
METHODS_PER_ZONE_MAX = 10


@dataclass(frozen=True)
class AddressValues:
    """An address as a buyer writes it, before it is checked."""

    recipient: str | None
    phone: str | None
    province_id: int | None
    municipality: str | None
    neighbourhood: str | None
    street: str | None = None
    reference_point: str | None = None


def address_fields(values: AddressValues) -> dict:
    """The address's columns once every rule holds (all failures reported at once): recipient,
    municipality and neighbourhood required, street and reference point optional, an Angolan phone
    (+244, stored in international form), a province that exists."""
    clean = {
        name: (getattr(values, name) or "").strip()
        for name in ("recipient", "municipality", "neighbourhood", "street", "reference_point")
    }
    phone = angolan_phone(values.phone or "")
    province = None if values.province_id is None else Province.objects.filter(pk=values.province_id).first()
    collect(
        name_error(clean["recipient"], field="recipient", label=gettext("The recipient"), max_length=120),
        _phone_error(values.phone, phone),
        _province_error(values.province_id, province),
        name_error(
            clean["municipality"], field="municipality", label=gettext("The municipality"), max_length=100
        ),
        name_error(
            clean["neighbourhood"], field="neighbourhood", label=gettext("The neighbourhood"), max_length=100
        ),
        text_error(
            clean["street"], field="street", label=gettext("The street"), max_length=200, required=False
        ),
        text_error(
            clean["reference_point"],
            field="reference_point",
            label=gettext("The reference point"),
            max_length=200,
            required=False,
        ),
    )
    return {**clean, "phone": phone, "province": province}


def _phone_error(value: str | None, phone: str | None) -> DomainError | None:
    if phone is not None:
        return None
    if not (value or "").strip():
        return Required(gettext("The phone is required."), field="phone")
    return InvalidInput(gettext("The phone must be an Angolan number, e.g. +244 923 456 789."), field="phone")


def _province_error(province_id: int | None, province: Province | None) -> DomainError | None:
    if province_id is None:
        return Required(gettext("The province is required."), field="province_id")
    if province is None:
        return NotFound(gettext("No province with this id."), field="province_id")
    return None


# ---------------------------------------------------------------- the address book


def address_create(*, user, values: AddressValues, is_default: bool = False) -> Address:
    """Add an address to the user's book (at most ADDRESSES_MAX); the first one is the default."""
    fields = address_fields(values)
    with transaction.atomic():
        _user_lock(user)
        count = Address.objects.filter(user=user).count()
        if count >= ADDRESSES_MAX:
            raise InvalidInput(
                gettext("An address book holds at most %(max)s addresses.") % {"max": ADDRESSES_MAX}
            )
        if is_default or count == 0:
            Address.objects.filter(user=user, is_default=True).update(is_default=False)
        return Address.objects.create(user=user, is_default=is_default or count == 0, **fields)


def address_update(
    *, user, address_id: int, values: AddressValues, is_default: bool | None = None
) -> Address:
    """Rewrite one of the user's addresses; `is_default=True` makes it the default (False is
    ignored: another address becomes the default by being made so)."""
    fields = address_fields(values)
    with transaction.atomic():
        _user_lock(user)
        address = _own_address(user, address_id)
        if is_default and not address.is_default:
            Address.objects.filter(user=user, is_default=True).update(is_default=False)
            address.is_default = True
        for name, value in fields.items():
            setattr(address, name, value)
        address.save()
        return address


def address_set_default(*, user, address_id: int) -> Address:
    with transaction.atomic():
        _user_lock(user)
        address = _own_address(user, address_id)
        if not address.is_default:
            Address.objects.filter(user=user, is_default=True).update(is_default=False)
            address.is_default = True
            address.save(update_fields=["is_default", "updated_at"])
        return address


def address_delete(*, user, address_id: int) -> None:
    """Remove an address; when it was the default, the oldest remaining one becomes the default.
    Orders keep their own copy of the address, so deleting one never changes an order."""
    with transaction.atomic():
        _user_lock(user)
        address = _own_address(user, address_id)
        address.delete()
        if address.is_default:
            oldest = Address.objects.filter(user=user).order_by("id").first()
            if oldest is not None:
                oldest.is_default = True
                oldest.save(update_fields=["is_default", "updated_at"])


def _own_address(user, address_id: int) -> Address:
    address = Address.objects.filter(pk=address_id, user=user).first()
    if address is None:  # another user's address is not found either
        raise NotFound(gettext("No address with this id."), field="id")
    return address


def _user_lock(user) -> None:
    """One writer of a user's address book at a time (the one-default rule holds under races)."""
    type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


# ---------------------------------------------------------------- a store's zones and methods


@dataclass(frozen=True)
class MethodValues:
    name: str | None
    fee: Decimal | None
    min_days: int | None
    max_days: int | None
    free_from: Decimal | None = None
    max_amount: Decimal | None = None
    is_active: bool = True


def delivery_zone_create(*, seller, name: str | None, province_ids: list[int]) -> DeliveryZone:
    """A new zone of the seller's store: a name unique in the store and at least one province."""
    store = _seller_store(seller)
    name, provinces = _zone_values(name=name, province_ids=province_ids)
    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).values_list("pk").first()
        if DeliveryZone.objects.filter(store=store).count() >= ZONES_MAX:
            raise InvalidInput(gettext("A store has at most %(max)s delivery zones.") % {"max": ZONES_MAX})
        _zone_name_free(store, name)
        zone = DeliveryZone.objects.create(store=store, name=name)
        _zone_provinces_set(zone, provinces)
    return zone


def delivery_zone_update(*, seller, zone_id: int, name: str | None, province_ids: list[int]) -> DeliveryZone:
    store = _seller_store(seller)
    name, provinces = _zone_values(name=name, province_ids=province_ids)
    with transaction.atomic():
        zone = _own_zone(store, zone_id, lock=True)
        _zone_name_free(store, name, exclude_pk=zone.pk)
        zone.name = name
        zone.save(update_fields=["name"])
        DeliveryZoneProvince.objects.filter(zone=zone).delete()
        _zone_provinces_set(zone, provinces)
    return zone


def delivery_zone_delete(*, seller, zone_id: int) -> None:
    """Remove a zone and its methods; orders keep the method's name and fee they were charged."""
    store = _seller_store(seller)
    with transaction.atomic():
        _own_zone(store, zone_id, lock=True).delete()


def delivery_method_create(*, seller, zone_id: int, values: MethodValues) -> DeliveryMethod:
    store = _seller_store(seller)
    fields = _method_fields(values)
    with transaction.atomic():
        zone = _own_zone(store, zone_id, lock=True, field="zone_id")
        if DeliveryMethod.objects.filter(zone=zone).count() >= METHODS_PER_ZONE_MAX:
            raise InvalidInput(
                gettext("A delivery zone has at most %(max)s methods.") % {"max": METHODS_PER_ZONE_MAX}
            )
        return DeliveryMethod.objects.create(zone=zone, **fields)


def delivery_method_update(*, seller, method_id: int, values: MethodValues) -> DeliveryMethod:
    """Rewrite a method. Orders placed already keep what they were charged; a buyer who was quoted
    the old fee is refused at checkout with the new one (checkout compares them)."""
    store = _seller_store(seller)
    fields = _method_fields(values)
    with transaction.atomic():
        method = _own_method(store, method_id)
        for name, value in fields.items():
            setattr(method, name, value)
        method.save()
        return method


def delivery_method_delete(*, seller, method_id: int) -> None:
    store = _seller_store(seller)
    with transaction.atomic():
        _own_method(store, method_id).delete()


def store_pickup_set(
    *,
    seller,
    is_enabled: bool,
    province_id: int | None,
    municipality: str | None,
    address: str | None,
    opening_hours: str | None,
    ready_days: int = 1,
) -> StorePickup:
    """Pickup at the seller's store: where (province, municipality, address), when (opening hours)
    and how many working days an order takes to be ready. Free; the buyer needs no address."""
    store = _seller_store(seller)
    municipality, address, opening_hours = (
        (value or "").strip() for value in (municipality, address, opening_hours)
    )
    province = None if province_id is None else Province.objects.filter(pk=province_id).first()
    collect(
        _province_error(province_id, province),
        name_error(municipality, field="municipality", label=gettext("The municipality"), max_length=100),
        name_error(address, field="address", label=gettext("The pickup address"), max_length=200),
        text_error(opening_hours, field="opening_hours", label=gettext("The opening hours"), max_length=200),
        _days_error(ready_days, field="ready_days"),
    )
    pickup, _ = StorePickup.objects.update_or_create(
        store=store,
        defaults={
            "is_enabled": is_enabled,
            "province": province,
            "municipality": municipality,
            "address": address,
            "opening_hours": opening_hours,
            "ready_days": ready_days,
        },
    )
    return pickup


def _seller_store(seller) -> Store:
    if not seller.can_sell:
        raise AccessDenied(gettext("Only sellers approved by an admin can set up delivery."))
    store = Store.objects.filter(seller_id=seller.pk).first()
    if store is None:
        raise BusinessForbidden(gettext("Create your store before setting up its delivery."))
    return store


def _own_zone(store: Store, zone_id: int, *, lock: bool = False, field: str = "id") -> DeliveryZone:
    zones = DeliveryZone.objects.select_for_update() if lock else DeliveryZone.objects
    zone = zones.filter(pk=zone_id, store=store).first()
    if zone is None:
        raise NotFound(gettext("No delivery zone with this id."), field=field)
    return zone


def _own_method(store: Store, method_id: int) -> DeliveryMethod:
    method = DeliveryMethod.objects.select_for_update().filter(pk=method_id, zone__store=store).first()
    if method is None:
        raise NotFound(gettext("No delivery method with this id."), field="id")
    return method


def _zone_values(*, name: str | None, province_ids: list[int]) -> tuple[str, list[Province]]:
    name = (name or "").strip()
    wanted = set(province_ids or [])
    provinces = list(Province.objects.filter(pk__in=wanted)) if wanted else []
    missing = None
    if not wanted:
        missing = Required(gettext("Choose at least one province."), field="province_ids")
    elif len(provinces) != len(wanted):
        missing = NotFound(gettext("No province with this id."), field="province_ids")
    collect(name_error(name, field="name", label=gettext("The zone's name"), max_length=80), missing)
    return name, provinces


def _zone_name_free(store: Store, name: str, *, exclude_pk: int | None = None) -> None:
    taken = DeliveryZone.objects.filter(store=store, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise AlreadyExists(gettext("Your store already has a delivery zone with this name."), field="name")


def _zone_provinces_set(zone: DeliveryZone, provinces: list[Province]) -> None:
    DeliveryZoneProvince.objects.bulk_create(
        [
            DeliveryZoneProvince(zone=zone, province=province)
            for province in sorted(provinces, key=lambda p: p.pk)
        ]
    )


def _method_fields(values: MethodValues) -> dict:
    name = (values.name or "").strip()
    collect(
        name_error(name, field="name", label=gettext("The method's name"), max_length=80),
        _fee_error(values.fee),
        _days_error(values.min_days, field="min_days"),
        _days_error(values.max_days, field="max_days"),
        _days_order_error(values.min_days, values.max_days),
        _optional_amount_error(values.free_from, field="free_from"),
        _optional_amount_error(values.max_amount, field="max_amount"),
    )
    return {
        "name": name,
        # Whole cents already: written with two decimals, as the column gives them back.
        "fee": money_round(values.fee),
        "min_days": values.min_days,
        "max_days": values.max_days,
        "free_from": None if values.free_from is None else money_round(values.free_from),
        "max_amount": None if values.max_amount is None else money_round(values.max_amount),
        "is_active": bool(values.is_active),
    }


def _fee_error(fee: Decimal | None) -> DomainError | None:
    if fee is None:
        return Required(gettext("The fee is required."), field="fee")
    if fee.is_finite() and fee == 0:  # free delivery: the one amount amount_fault refuses that a fee may be
        return None
    if amount_fault(fee) is not None:
        return InvalidInput(
            gettext("The fee must be from 0 to %(max)s, in whole cents.") % {"max": kwanza(MAX_AMOUNT)},
            field="fee",
        )
    return None


def _days_error(days: int | None, *, field: str) -> DomainError | None:
    if days is None:
        return Required(gettext("The number of days is required."), field=field)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        return InvalidInput(
            gettext("The number of days must be a whole number from 0 to %(max)s.") % {"max": MAX_DAYS},
            field=field,
        )
    return None


def _days_order_error(min_days: int | None, max_days: int | None) -> DomainError | None:
    if isinstance(min_days, int) and isinstance(max_days, int) and max_days < min_days:
        return InvalidInput(
            gettext("The maximum days cannot be fewer than the minimum days."), field="max_days"
        )
    return None


def _optional_amount_error(value: Decimal | None, *, field: str) -> DomainError | None:
    if value is None:
        return None
    fault = amount_fault(value)
    if fault is None:
        return None
    if fault is AmountFault.NOT_CENTS:
        return InvalidInput(gettext("An amount can have at most two decimal places."), field=field)
    return InvalidInput(
        gettext("The amount must be greater than 0 and at most %(max)s.") % {"max": kwanza(MAX_AMOUNT)},
        field=field,
    )
