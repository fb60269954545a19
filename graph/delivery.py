"""Delivery: provinces, the buyer's address book, each store's zones, methods and pickup, and
the options of a cart's stores for an address."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import Info, relay

from domain.accounts.models import Store as StoreModel
from domain.delivery import checkout as delivery_checkout
from domain.delivery import models, quote, selectors, services

from .common import DeletePayload, decode_id
from .errors import UserError
from .permissions import Buyer, Public, Seller, allow, mutation, query

if TYPE_CHECKING:
    from .accounts import Store


@strawberry_django.type(models.Province, name="Province")
class Province(relay.Node):
    id: relay.NodeID[int]
    name: str
    code: str = strawberry_django.field(description="A stable slug of the name (huambo, icolo-e-bengo).")
    position: int


@strawberry_django.type(models.Address, name="Address")
class Address(relay.Node):
    id: relay.NodeID[int]
    recipient: str
    phone: str = strawberry_django.field(description="In international form: +244 and 9 digits.")
    province: Province
    municipality: str
    neighbourhood: str
    street: str
    reference_point: str
    is_default: bool


@strawberry_django.type(models.DeliveryMethod, name="DeliveryMethod")
class DeliveryMethod(relay.Node):
    id: relay.NodeID[int]
    name: str
    fee: Decimal
    min_days: int = strawberry_django.field(description="Working days (Monday to Friday, not a holiday).")
    max_days: int
    free_from: Decimal | None = strawberry_django.field(
        description="Free when the store's goods in the order come to at least this much."
    )
    max_amount: Decimal | None = strawberry_django.field(
        description="Not offered when the store's goods in the order come to more than this."
    )
    is_active: bool


@strawberry_django.type(models.DeliveryZone, name="DeliveryZone")
class DeliveryZone(relay.Node):
    id: relay.NodeID[int]
    name: str
    provinces: list[Province]
    methods: list[DeliveryMethod]


@strawberry_django.type(models.StorePickup, name="StorePickup")
class StorePickup:
    is_enabled: bool
    province: Province
    municipality: str
    address: str
    opening_hours: str
    ready_days: int = strawberry_django.field(description="Working days until an order is ready to collect.")


@strawberry.enum(name="DeliveryKind")
class DeliveryKind(enum.Enum):
    DELIVERY = quote.DELIVERY
    PICKUP = quote.PICKUP


@strawberry.type(name="DeliveryOption")
class DeliveryOption:
    kind: DeliveryKind
    method_id: strawberry.ID | None = strawberry.field(description="The DeliveryMethod; null for pickup.")
    name: str
    fee: Decimal = strawberry.field(description="What checkout charges for this store's part of the cart.")
    regular_fee: Decimal = strawberry.field(
        description="The method's fee before any free-delivery threshold."
    )
    is_free: bool
    earliest_date: date
    latest_date: date
    pickup: StorePickup | None = strawberry_django.field(description="PICKUP: where and when to collect.")

    @classmethod
    def of(cls, option: quote.DeliveryOption) -> DeliveryOption:
        return cls(
            kind=DeliveryKind(option.kind),
            method_id=None
            if option.method_id is None
            else strawberry.ID(_gid("DeliveryMethod", option.method_id)),
            name=option.name,
            fee=option.fee,
            regular_fee=option.regular_fee,
            is_free=option.free,
            earliest_date=option.earliest,
            latest_date=option.latest,
            pickup=option.pickup,
        )


@strawberry.type(name="StoreDeliveryOptions")
class StoreDeliveryOptions:
    store: Annotated[Store, strawberry.lazy("graph.accounts")]
    goods_total: Decimal = strawberry.field(
        description="The store's goods in the cart that can be bought now."
    )
    options: list[DeliveryOption] = strawberry.field(
        description="Cheapest first; empty when the store neither delivers to the province nor offers pickup: "
        "the cart cannot be checked out to this address then."
    )


@strawberry.type(name="StoreDelivery")
class StoreDelivery:
    zones: list[DeliveryZone] = strawberry_django.field(
        description="The zones with an active method, each with its active methods."
    )
    pickup: StorePickup | None = strawberry_django.field()


def _gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input(name="AddressInput")
class AddressInput:
    recipient: str
    phone: str = strawberry.field(description="An Angolan number (+244), mobile or fixed.")
    province_id: strawberry.ID
    municipality: str
    neighbourhood: str
    street: str | None = strawberry.field(default=None, description="Street and number, where there is one.")
    reference_point: str | None = strawberry.field(default=None, description="e.g. “Junto à Escola 14”.")
    is_default: bool | None = strawberry.field(default=None, description="Make it the default address.")

    def values(self) -> services.AddressValues:
        return services.AddressValues(
            recipient=self.recipient,
            phone=self.phone,
            province_id=decode_id(self.province_id, "Province", field="province_id"),
            municipality=self.municipality,
            neighbourhood=self.neighbourhood,
            street=self.street,
            reference_point=self.reference_point,
        )


@strawberry.input(name="DeliveryZoneInput")
class DeliveryZoneInput:
    name: str
    province_ids: list[strawberry.ID]

    def province_pks(self) -> list[int]:
        return [decode_id(value, "Province", field="province_ids") for value in self.province_ids]


@strawberry.input(name="DeliveryMethodInput")
class DeliveryMethodInput:
    name: str
    fee: Decimal = strawberry.field(description="0 for free delivery.")
    min_days: int
    max_days: int
    free_from: Decimal | None = None
    max_amount: Decimal | None = None
    is_active: bool = True

    def values(self) -> services.MethodValues:
        return services.MethodValues(
            name=self.name,
            fee=self.fee,
            min_days=self.min_days,
            max_days=self.max_days,
            free_from=self.free_from,
            max_amount=self.max_amount,
            is_active=self.is_active,
        )


@strawberry.input(name="StorePickupInput")
class StorePickupInput:
    is_enabled: bool
    province_id: strawberry.ID
    municipality: str
    address: str
    opening_hours: str = strawberry.field(description="e.g. “Segunda a sexta, 8h às 17h; sábado, 8h às 13h”.")
    ready_days: int = 1


@strawberry.type(name="AddressPayload")
class AddressPayload:
    address: Address | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="DeliveryZonePayload")
class DeliveryZonePayload:
    zone: DeliveryZone | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="DeliveryMethodPayload")
class DeliveryMethodPayload:
    method: DeliveryMethod | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="StorePickupPayload")
class StorePickupPayload:
    pickup: StorePickup | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


# ---------------------------------------------------------------- the cart's options


def province_for_options(
    info: Info, *, address_id: strawberry.ID | None, province_id: strawberry.ID | None
) -> int | None:
    """The province a cart's options are asked for: of one of the caller's addresses, or given."""
    return selectors.province_for_quote(
        user=info.context.request.user,
        address_id=None if address_id is None else decode_id(address_id, "Address", field="address_id"),
        province_id=None if province_id is None else decode_id(province_id, "Province", field="province_id"),
    )


def store_delivery_options(*, cart_id: int, province_id: int | None) -> list[StoreDeliveryOptions]:
    """Per store of the cart, its options for the province (pickup only without one)."""
    quotes = quote.delivery_quote(
        store_totals=quote.cart_store_totals(cart_id=cart_id), province_id=province_id
    )
    stores = StoreModel.objects.in_bulk(list(quotes))
    return [
        StoreDeliveryOptions(
            store=stores[store_id],
            goods_total=store_quote.goods_total,
            options=[DeliveryOption.of(option) for option in store_quote.options],
        )
        for store_id, store_quote in quotes.items()
    ]


# ---------------------------------------------------------------- root fields


@strawberry.type
class Query:
    @strawberry_django.field(extensions=allow(Public), description="Angola's 21 provinces, in their order.")
    def provinces(self) -> list[Province]:
        return selectors.province_list()

    @strawberry_django.field(
        extensions=allow(Buyer), description="BUYER: the address book, the default first."
    )
    def my_addresses(self, info: Info) -> list[Address]:
        return selectors.address_list_for_user(user=info.context.request.user)

    @strawberry_django.field(
        extensions=allow(Seller),
        description="SELLER: every delivery zone of the seller's store, inactive methods too.",
    )
    def my_delivery_zones(self, info: Info) -> list[DeliveryZone]:
        return selectors.zone_list_for_owner(seller=info.context.request.user)

    @strawberry_django.field(
        extensions=allow(Seller), description="SELLER: the store's pickup, enabled or not."
    )
    def my_store_pickup(self, info: Info) -> StorePickup | None:
        store = selectors.store_of_seller(seller=info.context.request.user)
        return None if store is None else selectors.pickup_of_store(store_id=store.pk, enabled_only=False)

    @query(Public, description="How a store delivers: its zones with active methods, and its pickup.")
    def store_delivery(self, info: Info, store_id: strawberry.ID) -> StoreDelivery:
        pk = decode_id(store_id, "Store", field="store_id")
        return StoreDelivery(
            zones=selectors.zone_list_public(store_id=pk), pickup=selectors.pickup_of_store(store_id=pk)
        )


def _address_payload(address: models.Address) -> AddressPayload:
    return AddressPayload(address=address)


@strawberry.type
class Mutation:
    @mutation(Buyer, description="BUYER: at most 20 addresses; the first becomes the default.")
    def create_address(self, info: Info, input: AddressInput) -> AddressPayload:
        return _address_payload(
            services.address_create(
                user=info.context.request.user, values=input.values(), is_default=bool(input.is_default)
            )
        )

    @mutation(Buyer, description="BUYER: rewrites one of the buyer's addresses; orders keep their own copy.")
    def update_address(self, info: Info, id: strawberry.ID, input: AddressInput) -> AddressPayload:
        return _address_payload(
            services.address_update(
                user=info.context.request.user,
                address_id=decode_id(id, "Address", field="id"),
                values=input.values(),
                is_default=input.is_default,
            )
        )

    @mutation(Buyer, description="BUYER")
    def set_default_address(self, info: Info, id: strawberry.ID) -> AddressPayload:
        return _address_payload(
            services.address_set_default(
                user=info.context.request.user, address_id=decode_id(id, "Address", field="id")
            )
        )

    @mutation(Buyer, description="BUYER: the oldest remaining address becomes the default if this one was.")
    def delete_address(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.address_delete(
            user=info.context.request.user, address_id=decode_id(id, "Address", field="id")
        )
        return DeletePayload(deleted=True)

    @mutation(Seller, description="SELLER (approved, with a store): a zone is a name and its provinces.")
    def create_delivery_zone(self, info: Info, input: DeliveryZoneInput) -> DeliveryZonePayload:
        zone = services.delivery_zone_create(
            seller=info.context.request.user, name=input.name, province_ids=input.province_pks()
        )
        return DeliveryZonePayload(zone=selectors.zone_by_pk(pk=zone.pk))

    @mutation(Seller, description="SELLER: the zone's name and provinces, replaced.")
    def update_delivery_zone(
        self, info: Info, id: strawberry.ID, input: DeliveryZoneInput
    ) -> DeliveryZonePayload:
        zone = services.delivery_zone_update(
            seller=info.context.request.user,
            zone_id=decode_id(id, "DeliveryZone", field="id"),
            name=input.name,
            province_ids=input.province_pks(),
        )
        return DeliveryZonePayload(zone=selectors.zone_by_pk(pk=zone.pk))

    @mutation(Seller, description="SELLER: the zone and its methods; orders keep what they were charged.")
    def delete_delivery_zone(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.delivery_zone_delete(
            seller=info.context.request.user, zone_id=decode_id(id, "DeliveryZone", field="id")
        )
        return DeletePayload(deleted=True)

    @mutation(Seller, description="SELLER: at most 10 methods per zone.")
    def create_delivery_method(
        self, info: Info, zone_id: strawberry.ID, input: DeliveryMethodInput
    ) -> DeliveryMethodPayload:
        return DeliveryMethodPayload(
            method=services.delivery_method_create(
                seller=info.context.request.user,
                zone_id=decode_id(zone_id, "DeliveryZone", field="zone_id"),
                values=input.values(),
            )
        )

    @mutation(
        Seller, description="SELLER: buyers quoted the old fee are asked to confirm the new one at checkout."
    )
    def update_delivery_method(
        self, info: Info, id: strawberry.ID, input: DeliveryMethodInput
    ) -> DeliveryMethodPayload:
        return DeliveryMethodPayload(
            method=services.delivery_method_update(
                seller=info.context.request.user,
                method_id=decode_id(id, "DeliveryMethod", field="id"),
                values=input.values(),
            )
        )

    @mutation(Seller, description="SELLER")
    def delete_delivery_method(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.delivery_method_delete(
            seller=info.context.request.user, method_id=decode_id(id, "DeliveryMethod", field="id")
        )
        return DeletePayload(deleted=True)

    @mutation(Seller, description="SELLER: pickup at the store is free and needs no address.")
    def set_store_pickup(self, info: Info, input: StorePickupInput) -> StorePickupPayload:
        return StorePickupPayload(
            pickup=services.store_pickup_set(
                seller=info.context.request.user,
                is_enabled=input.is_enabled,
                province_id=decode_id(input.province_id, "Province", field="province_id"),
                municipality=input.municipality,
                address=input.address,
                opening_hours=input.opening_hours,
                ready_days=input.ready_days,
            )
        )


# ---------------------------------------------------------------- checkout and orders


@strawberry.input(name="DeliveryChoiceInput")
class DeliveryChoiceInput:
    store_id: strawberry.ID
    method_id: strawberry.ID | None = strawberry.field(
        default=None, description="A DeliveryOption's methodId."
    )
    pickup: bool | None = strawberry.field(
        default=None, description="True: pickup at the store (no methodId)."
    )
    expected_fee: Decimal | None = strawberry.field(
        default=None,
        description="The fee the buyer was shown: checkout is refused (INVALID, field delivery) when the fee "
        "is no longer this, instead of charging another.",
    )

    def choice(self) -> quote.DeliveryChoice:
        return quote.DeliveryChoice(
            store_id=decode_id(self.store_id, "Store", field="delivery"),
            method_id=None
            if self.method_id is None
            else decode_id(self.method_id, "DeliveryMethod", field="delivery"),
            pickup=bool(self.pickup),
            expected_fee=self.expected_fee,
        )


def checkout_delivery(
    *,
    address_id: strawberry.ID | None,
    address: AddressInput | None,
    province_id: strawberry.ID | None,
    delivery: list[DeliveryChoiceInput] | None,
) -> delivery_checkout.DeliveryInput | None:
    """The checkout input's delivery part, ids decoded (None when none of it was given)."""
    if address_id is None and address is None and province_id is None and not delivery:
        return None
    return delivery_checkout.DeliveryInput(
        address_id=None if address_id is None else decode_id(address_id, "Address", field="address_id"),
        address=None if address is None else address.values(),
        province_id=None if province_id is None else decode_id(province_id, "Province", field="province_id"),
        choices=tuple(choice.choice() for choice in delivery or ()),
    )


@strawberry.type(name="OrderDelivery")
class OrderDelivery:
    kind: DeliveryKind
    name: str = strawberry.field(description="The method's name as it was (or the pickup's).")
    fee: Decimal
    earliest_date: date
    latest_date: date
    province: str
    recipient: str | None
    phone: str | None
    municipality: str | None
    neighbourhood: str | None
    street: str | None
    reference_point: str | None
    pickup_address: str | None = strawberry.field(description="PICKUP: where to collect the order.")
    opening_hours: str | None


ORDER_DELIVERY_ONLY = [
    "delivery_kind",
    "delivery_name",
    "delivery_fee",
    "delivery_earliest",
    "delivery_latest",
    "delivery_address",
]


def order_delivery(order) -> OrderDelivery | None:
    """An order's delivery as chosen at checkout; None for an order placed without a choice."""
    if not order.delivery_kind:
        return None
    address = order.delivery_address or {}
    return OrderDelivery(
        kind=DeliveryKind(order.delivery_kind),
        name=order.delivery_name,
        fee=order.delivery_fee,
        earliest_date=order.delivery_earliest,
        latest_date=order.delivery_latest,
        province=address.get("province", ""),
        recipient=address.get("recipient"),
        phone=address.get("phone"),
        municipality=address.get("municipality"),
        neighbourhood=address.get("neighbourhood"),
        street=address.get("street"),
        reference_point=address.get("reference_point"),
        pickup_address=address.get("address"),
        opening_hours=address.get("opening_hours"),
    )


def cart_delivery_options(
    info: Info, *, cart_id: int, address_id: strawberry.ID | None, province_id: strawberry.ID | None
) -> list[StoreDeliveryOptions]:
    """Cart.deliveryOptions: per store of the cart, its options for the address or province."""
    return store_delivery_options(
        cart_id=cart_id,
        province_id=province_for_options(info, address_id=address_id, province_id=province_id),
    )
