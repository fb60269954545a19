"""What checkout asks of delivery (domain/orders/checkout.py calls these, keeping its own edits
small): where the orders go, the option of each store recomputed from the lines checkout locked,
and the orders' delivery columns.

Where the orders go, from the checkout's input:
- `address_id`: one of the buyer's addresses; or `address`: a new structured address (not kept in
  the book); either way the province decides the options.
- `shipping_address` with `province_id`: the free text is the street line of an address in that
  province (recipient: the buyer's name, phone: the contact phone).
- `shipping_address` alone, with no delivery choice (the contract's original input): the orders are
  placed as before, no fee, delivery arranged by the store (delivery_kind ""), unless
  DELIVERY_CHOICE_REQUIRED, which refuses it. No province is guessed from free text.
- No address at all, only pickup choices: fine, pickup needs no address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext

from domain.errors import NotFound, Required

from .models import Address, Province
from .quote import DeliveryChoice, DeliveryOption, delivery_choose
from .services import AddressValues, address_fields

ADDRESS_KEYS = (
    "recipient",
    "phone",
    "province",
    "municipality",
    "neighbourhood",
    "street",
    "reference_point",
)


@dataclass(frozen=True)
class DeliveryRequest:
    """A checkout's delivery once checked: the province (None: pickup only), the address as it
    will be copied onto the orders ({} without one), its text, and the buyer's choices."""

    province_id: int | None
    address: dict = field(default_factory=dict)
    text: str = ""
    choices: tuple[DeliveryChoice, ...] = ()


def delivery_request(
    *,
    buyer,
    shipping_address: str,
    contact_phone: str | None,
    address_id: int | None = None,
    address: AddressValues | None = None,
    province_id: int | None = None,
    choices: list[DeliveryChoice] | None = None,
) -> DeliveryRequest | None:
    """Check where a checkout's orders go (before anything is locked); None for the contract's
    original input (free text, no choice), whose delivery the stores arrange."""
    choices = tuple(choices or ())
    if address_id is None and address is None and province_id is None and not choices:
        if settings.DELIVERY_CHOICE_REQUIRED:
            raise Required(gettext("Choose how each store delivers your order."), field="delivery")
        return None
    if address_id is not None:
        saved = Address.objects.filter(user=buyer, pk=address_id).select_related("province").first()
        if saved is None:
            raise NotFound(gettext("No address with this id."), field="address_id")
        snapshot = {key: getattr(saved, key) for key in ADDRESS_KEYS}
        snapshot["province"] = saved.province.name
        return DeliveryRequest(saved.province_id, snapshot, address_text(snapshot), choices)
    if address is not None:
        fields = address_fields(address)
        snapshot = {key: fields[key] for key in ADDRESS_KEYS}
        snapshot["province"] = fields["province"].name
        return DeliveryRequest(fields["province"].pk, snapshot, address_text(snapshot), choices)
    if province_id is not None:
        province = Province.objects.filter(pk=province_id).first()
        if province is None:
            raise NotFound(gettext("No province with this id."), field="province_id")
        if not shipping_address:
            raise Required(gettext("The shipping address is required."), field="shipping_address")
        snapshot = dict.fromkeys(ADDRESS_KEYS, "") | {
            "recipient": f"{buyer.first_name} {buyer.last_name}".strip(),
            "phone": contact_phone or "",
            "province": province.name,
            "street": shipping_address,
        }
        return DeliveryRequest(province.pk, snapshot, f"{shipping_address}, {province.name}", choices)
    return DeliveryRequest(None, {}, shipping_address, choices)  # pickup only: no address needed


def address_text(snapshot: dict) -> str:
    """An address on one line, as a courier reads it: street, neighbourhood, municipality,
    province (reference point)."""
    parts = [snapshot.get(key, "") for key in ("street", "neighbourhood", "municipality", "province")]
    text = ", ".join(part for part in parts if part)
    reference = snapshot.get("reference_point", "")
    return f"{text} ({reference})" if reference else text


def delivery_options_for(
    request: DeliveryRequest | None, *, goods_totals: dict[int, Decimal]
) -> dict[int, DeliveryOption]:
    """Each store's chosen option for these goods totals, by the rule the quote follows (quote.py);
    {} for a checkout without delivery. Inside checkout's transaction the totals are those of the
    locked lines, so the fee charged is the fee of what is bought."""
    if request is None:
        return {}
    return delivery_choose(
        store_totals=goods_totals, province_id=request.province_id, choices=list(request.choices)
    )


def order_delivery_set(order, *, option: DeliveryOption | None, request: DeliveryRequest | None) -> None:
    """Copy the chosen option onto an unsaved order, whose total_amount holds its goods: the fee is
    added to it (the payment charges the total)."""
    if option is None or request is None:
        return
    order.total_amount += option.fee
    order.delivery_kind = option.kind
    order.delivery_method_id = option.method_id
    order.delivery_name = option.name
    order.delivery_fee = option.fee
    order.delivery_earliest, order.delivery_latest = option.earliest, option.latest
    if option.is_pickup:
        pickup = option.pickup
        order.province_id = pickup.province_id
        order.delivery_address = {
            "province": pickup.province.name,
            "municipality": pickup.municipality,
            "address": pickup.address,
            "opening_hours": pickup.opening_hours,
        }
        order.shipping_address = f"{pickup.address}, {pickup.municipality}, {pickup.province.name}"
    else:
        order.province_id = request.province_id
        order.delivery_address = dict(request.address)
        order.shipping_address = request.text


@dataclass(frozen=True)
class DeliveryInput:
    """A checkout's delivery input as the client sent it (ids decoded)."""

    address_id: int | None = None
    address: AddressValues | None = None
    province_id: int | None = None
    choices: tuple[DeliveryChoice, ...] = ()

    @property
    def needs_text(self) -> bool:
        """The free-text address is required unless an address or only choices (pickup) are given."""
        return self.address_id is None and self.address is None and not self.choices


def delivery_request_of(*, buyer, given: DeliveryInput | None, shipping_address: str, contact_phone: str):
    """delivery_request for checkout_place's input (None: the contract's original input)."""
    given = given or DeliveryInput()
    return delivery_request(
        buyer=buyer,
        shipping_address=shipping_address,
        contact_phone=contact_phone,
        address_id=given.address_id,
        address=given.address,
        province_id=given.province_id,
        choices=list(given.choices),
    )
