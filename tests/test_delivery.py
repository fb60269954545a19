"""Delivery: provinces and holidays as data, the address book, a store's zones, methods and pickup,
and the quote of a cart's stores (tests/test_delivery_checkout.py: the checkout that charges it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from domain.delivery import quote, services
from domain.delivery.calendar import WorkingCalendar
from domain.delivery.models import Address, DeliveryMethod, DeliveryZone, Holiday, Province, StorePickup
from domain.errors import AccessDenied, ErrorCode, NotEligible, NotFound, ValidationFailed

from .factories import make_product
from .helpers import fill_cart, gid

pytestmark = pytest.mark.django_db

D = Decimal


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def address_values(**changes) -> services.AddressValues:
    fields = {
        "recipient": "Ana Silva",
        "phone": "923 456 789",
        "province_id": province("huambo").pk,
        "municipality": "Huambo",
        "neighbourhood": "Bairro Académico",
        "street": "Rua 5 de Outubro, 12",
        "reference_point": "Junto à Escola 14",
    }
    return services.AddressValues(**(fields | changes))


def method_values(**changes) -> services.MethodValues:
    fields = {"name": "Normal", "fee": D("2500.00"), "min_days": 3, "max_days": 7}
    return services.MethodValues(**(fields | changes))


def zone_with_method(seller, *codes, name="Centro e Sul", **method) -> tuple[DeliveryZone, DeliveryMethod]:
    zone = services.delivery_zone_create(
        seller=seller, name=name, province_ids=[province(code).pk for code in codes]
    )
    return zone, services.delivery_method_create(
        seller=seller, zone_id=zone.pk, values=method_values(**method)
    )


# ---------------------------------------------------------------- places and days as data


def test_the_21_provinces_of_lei_14_24_are_seeded_in_order():
    names = list(Province.objects.values_list("name", flat=True))
    assert len(names) == 21
    assert names[:6] == ["Cabinda", "Zaire", "Uíge", "Bengo", "Luanda", "Icolo e Bengo"]
    assert {"Huambo", "Moxico Leste", "Cuando", "Cubango", "Huíla", "Cunene"} <= set(names)


def test_a_province_that_an_address_refers_to_cannot_be_deleted(buyer):
    address = services.address_create(user=buyer, values=address_values())
    with pytest.raises(ProtectedError):
        address.province.delete()


def test_the_holidays_of_2026_and_2027_hold_the_movable_ones():
    assert Holiday.objects.filter(date__year=2026).count() == 12
    assert Holiday.objects.get(date=date(2026, 2, 17)).name == "Carnaval"
    assert Holiday.objects.get(date=date(2027, 3, 26)).name == "Sexta-Feira Santa"
    assert Holiday.objects.get(date=date(2026, 11, 11)).name == "Dia da Independência Nacional"


def test_working_days_skip_weekends_and_holidays():
    # Thursday 2 April 2026: Friday is Sexta-Feira Santa, then a weekend.
    calendar = WorkingCalendar(date(2026, 4, 2))
    assert calendar.after(0) == date(2026, 4, 2)
    assert calendar.after(1) == date(2026, 4, 6)
    # A Saturday starts on Monday; Carnaval (Tuesday 17 February 2026) is no working day.
    assert WorkingCalendar(date(2026, 2, 14)).after(0) == date(2026, 2, 16)
    assert WorkingCalendar(date(2026, 2, 14)).after(1) == date(2026, 2, 18)


# ---------------------------------------------------------------- the address book (services)


def test_the_first_address_is_the_default_and_a_new_default_replaces_it(buyer):
    first = services.address_create(user=buyer, values=address_values())
    second = services.address_create(user=buyer, values=address_values(recipient="João"))
    assert (first.is_default, second.is_default) == (True, False)
    services.address_set_default(user=buyer, address_id=second.pk)
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [second]
    third = services.address_create(user=buyer, values=address_values(recipient="Rosa"), is_default=True)
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [third]
    services.address_delete(user=buyer, address_id=third.pk)
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [first]  # the oldest left


def test_an_address_keeps_its_phone_in_international_form(buyer):
    assert services.address_create(user=buyer, values=address_values()).phone == "+244923456789"


def test_every_bad_field_of_an_address_is_reported_at_once(buyer):
    with pytest.raises(ValidationFailed) as refused:
        services.address_create(
            user=buyer,
            values=address_values(recipient=" ", phone="12345", province_id=999999, neighbourhood=""),
        )
    assert sorted((e.field, e.code) for e in refused.value.details) == [
        ("neighbourhood", ErrorCode.REQUIRED),
        ("phone", ErrorCode.INVALID),
        ("province_id", ErrorCode.NOT_FOUND),
        ("recipient", ErrorCode.REQUIRED),
    ]
    assert not Address.objects.exists()


def test_another_buyers_address_is_not_found(buyer, other_buyer):
    address = services.address_create(user=buyer, values=address_values())
    with pytest.raises(NotFound):
        services.address_update(user=other_buyer, address_id=address.pk, values=address_values(recipient="X"))
    with pytest.raises(NotFound):
        services.address_delete(user=other_buyer, address_id=address.pk)
    address.refresh_from_db()
    assert address.recipient == "Ana Silva"


# ---------------------------------------------------------------- zones and methods (services)


def test_a_seller_defines_zones_and_methods_of_their_own_store(seller, other_seller):
    zone, method = zone_with_method(seller, "huambo", "bie", free_from=D("50000.00"))
    assert set(zone.provinces.values_list("code", flat=True)) == {"huambo", "bie"}
    assert (method.fee, method.min_days, method.max_days, method.free_from) == (
        D("2500.00"),
        3,
        7,
        D("50000.00"),
    )
    with pytest.raises(NotFound):
        services.delivery_method_update(
            seller=other_seller, method_id=method.pk, values=method_values(fee=D(0))
        )
    with pytest.raises(NotFound):
        services.delivery_zone_delete(seller=other_seller, zone_id=zone.pk)
    services.delivery_zone_update(
        seller=seller, zone_id=zone.pk, name="Planalto", province_ids=[province("huambo").pk]
    )
    zone.refresh_from_db()
    assert (zone.name, list(zone.provinces.values_list("code", flat=True))) == ("Planalto", ["huambo"])


def test_a_methods_rules(seller):
    zone, _ = zone_with_method(seller, "luanda")
    with pytest.raises(ValidationFailed) as refused:
        services.delivery_method_create(
            seller=seller,
            zone_id=zone.pk,
            values=method_values(name="", fee=D("-1"), min_days=5, max_days=2, free_from=D("0.001")),
        )
    assert sorted((e.field, e.code) for e in refused.value.details) == [
        ("fee", ErrorCode.INVALID),
        ("free_from", ErrorCode.INVALID),
        ("max_days", ErrorCode.INVALID),
        ("name", ErrorCode.REQUIRED),
    ]
    free = services.delivery_method_create(seller=seller, zone_id=zone.pk, values=method_values(fee=D("0")))
    assert free.fee == 0


def test_a_zone_needs_a_unique_name_and_a_province(seller):
    zone_with_method(seller, "luanda", name="Luanda")
    with pytest.raises(ValidationFailed):
        services.delivery_zone_create(seller=seller, name="", province_ids=[])
    with pytest.raises(Exception) as refused:
        services.delivery_zone_create(seller=seller, name="luanda", province_ids=[province("bengo").pk])
    assert refused.value.code == ErrorCode.UNIQUE


def test_an_unapproved_seller_sets_up_no_delivery(unapproved_seller):
    with pytest.raises(AccessDenied):
        services.delivery_zone_create(
            seller=unapproved_seller, name="X", province_ids=[province("luanda").pk]
        )


# ---------------------------------------------------------------- the quote


def test_the_quote_of_each_store_for_a_province(seller, other_seller):
    store, other = seller.store, other_seller.store
    _, normal = zone_with_method(seller, "huambo", "bie", free_from=D("50000.00"))
    express = services.delivery_method_create(
        seller=seller,
        zone_id=normal.zone_id,
        values=method_values(
            name="Expresso", fee=D("6000.00"), min_days=1, max_days=2, max_amount=D("30000")
        ),
    )
    services.delivery_method_create(
        seller=seller, zone_id=normal.zone_id, values=method_values(name="Parado", is_active=False)
    )
    zone_with_method(other_seller, "luanda", name="Luanda", fee=D("1000.00"), min_days=0, max_days=1)
    services.store_pickup_set(
        seller=other_seller,
        is_enabled=True,
        province_id=province("luanda").pk,
        municipality="Luanda",
        address="Rua da Missão 10",
        opening_hours="Seg-Sex 8h-17h",
        ready_days=1,
    )
    monday = date(2026, 3, 2)
    quotes = quote.delivery_quote(
        store_totals={store.pk: D("20000.00"), other.pk: D("5000.00")},
        province_id=province("huambo").pk,
        today=monday,
    )
    mine = quotes[store.pk].options
    assert [(o.name, o.fee, o.earliest, o.latest) for o in mine] == [
        ("Normal", D("2500.00"), date(2026, 3, 5), date(2026, 3, 11)),
        ("Expresso", D("6000.00"), date(2026, 3, 3), date(2026, 3, 4)),
    ]
    # The other store does not deliver to Huambo: pickup in Luanda only.
    assert [(o.kind, o.fee) for o in quotes[other.pk].options] == [(quote.PICKUP, D("0.00"))]
    # From the free threshold on, Normal costs nothing; above its maximum amount, Expresso is gone.
    richer = quote.delivery_quote(store_totals={store.pk: D("50000.00")}, province_id=province("huambo").pk)
    assert [(o.name, o.fee, o.regular_fee, o.free) for o in richer[store.pk].options] == [
        ("Normal", D("0.00"), D("2500.00"), True)
    ]
    assert express.pk not in [o.method_id for o in richer[store.pk].options]


def test_checkout_refuses_a_store_without_an_option_naming_it(seller, other_seller):
    zone_with_method(seller, "huambo")
    with pytest.raises(NotEligible) as refused:
        quote.delivery_choose(
            store_totals={seller.store.pk: D("1000"), other_seller.store.pk: D("1000")},
            province_id=province("huambo").pk,
            choices=[
                quote.DeliveryChoice(store_id=seller.store.pk, method_id=DeliveryMethod.objects.get().pk)
            ],
        )
    assert other_seller.store.name in refused.value.message
    assert refused.value.field == "delivery"


def test_a_choice_whose_fee_changed_is_refused_with_the_new_fee(seller):
    _, method = zone_with_method(seller, "huambo", free_from=D("10000.00"))
    totals = {seller.store.pk: D("9000.00")}
    choice = quote.DeliveryChoice(store_id=seller.store.pk, method_id=method.pk, expected_fee=D("0.00"))
    with pytest.raises(Exception) as refused:
        quote.delivery_choose(store_totals=totals, province_id=province("huambo").pk, choices=[choice])
    assert refused.value.code == ErrorCode.INVALID
    assert "2.500,00 Kz" in refused.value.message
    chosen = quote.delivery_choose(
        store_totals={seller.store.pk: D("10000.00")}, province_id=province("huambo").pk, choices=[choice]
    )
    assert chosen[seller.store.pk].fee == D("0.00")


def test_the_carts_goods_total_per_store_counts_what_can_be_bought(buyer, seller, other_seller):
    phone = make_product(store=seller.store, price="1500.00")
    hidden = make_product(store=seller.store, price="999.00", is_active=False)
    book = make_product(store=other_seller.store, price="2000.00")
    cart = fill_cart(buyer, (phone, 2), (hidden, 1), (book, 3))
    assert quote.cart_store_totals(cart_id=cart.pk) == {
        seller.store.pk: D("3000.00"),
        other_seller.store.pk: D("6000.00"),
    }


# ---------------------------------------------------------------- through the API

ADDRESS_FIELDS = (
    "id recipient phone province { name } municipality neighbourhood street referencePoint isDefault"
)
CREATE_ADDRESS = f"""mutation ($input: AddressInput!) {{
  createAddress(input: $input) {{ address {{ {ADDRESS_FIELDS} }} errors {{ field message code }} }} }}"""
MY_ADDRESSES = f"query {{ myAddresses {{ {ADDRESS_FIELDS} }} }}"
ZONE = """mutation ($input: DeliveryZoneInput!) {
  createDeliveryZone(input: $input) { zone { id name provinces { name } } errors { field code } } }"""
METHOD = """mutation ($zone: ID!, $input: DeliveryMethodInput!) {
  createDeliveryMethod(zoneId: $zone, input: $input) {
    method { id name fee minDays maxDays freeFrom } errors { field code } } }"""
MY_ZONES = "query { myDeliveryZones { name provinces { name } methods { name fee isActive } } }"
STORE_DELIVERY = """query ($store: ID!) { storeDelivery(storeId: $store) {
  zones { name provinces { code } methods { name fee } } pickup { address openingHours province { name } } } }"""


def address_input(**changes) -> dict:
    return {
        "recipient": "Ana Silva",
        "phone": "+244 923 456 789",
        "provinceId": gid(province("huambo")),
        "municipality": "Huambo",
        "neighbourhood": "Bairro Académico",
        "referencePoint": "Junto à Escola 14",
    } | changes


def test_the_address_book_through_the_api(gql, buyer, django_assert_num_queries):
    created = gql.ok(CREATE_ADDRESS, {"input": address_input()}, user=buyer)["createAddress"]
    assert created["errors"] == []
    assert created["address"] | {"id": None} == {
        "id": None,
        "recipient": "Ana Silva",
        "phone": "+244923456789",
        "province": {"name": "Huambo"},
        "municipality": "Huambo",
        "neighbourhood": "Bairro Académico",
        "street": "",
        "referencePoint": "Junto à Escola 14",
        "isDefault": True,
    }
    bad = gql.ok(
        CREATE_ADDRESS, {"input": address_input(phone="1", provinceId=gid("Province", 999999))}, user=buyer
    )
    assert sorted((e["field"], e["code"]) for e in bad["createAddress"]["errors"]) == [
        ("phone", "INVALID"),
        ("provinceId", "NOT_FOUND"),
    ]
    with django_assert_num_queries(2):  # the user, the addresses with their provinces
        assert len(gql.ok(MY_ADDRESSES, user=buyer)["myAddresses"]) == 1
    for n in range(3):
        gql.ok(
            CREATE_ADDRESS,
            {"input": address_input(recipient=f"R{n}", provinceId=gid(province("luanda")))},
            user=buyer,
        )
    with django_assert_num_queries(2):
        assert [a["recipient"] for a in gql.ok(MY_ADDRESSES, user=buyer)["myAddresses"]] == [
            "Ana Silva",
            "R0",
            "R1",
            "R2",
        ]

    second = Address.objects.get(recipient="R1")
    made_default = gql.ok(
        "mutation ($id: ID!) { setDefaultAddress(id: $id) { address { isDefault } errors { code } } }",
        {"id": gid(second)},
        user=buyer,
    )
    assert made_default["setDefaultAddress"] == {"address": {"isDefault": True}, "errors": []}
    deleted = gql.ok(
        "mutation ($id: ID!) { deleteAddress(id: $id) { deleted errors { code } } }",
        {"id": gid(second)},
        user=buyer,
    )
    assert deleted["deleteAddress"] == {"deleted": True, "errors": []}
    assert Address.objects.get(is_default=True).recipient == "Ana Silva"


def test_a_sellers_zones_through_the_api(gql, seller, other_seller, django_assert_num_queries):
    zone = gql.ok(
        ZONE,
        {"input": {"name": "Planalto", "provinceIds": [gid(province("huambo")), gid(province("bie"))]}},
        user=seller,
    )["createDeliveryZone"]
    assert (
        zone["errors"] == []
        and zone["zone"]["provinces"] == [{"name": "Bié"}, {"name": "Huambo"}]
        or zone["zone"]["provinces"] == [{"name": "Huambo"}, {"name": "Bié"}]
    )
    method = gql.ok(
        METHOD,
        {
            "zone": zone["zone"]["id"],
            "input": {"name": "Normal", "fee": "2500.00", "minDays": 3, "maxDays": 7, "freeFrom": "50000"},
        },
        user=seller,
    )["createDeliveryMethod"]
    assert method["errors"] == []
    assert method["method"] | {"id": None} == {
        "id": None,
        "name": "Normal",
        "fee": "2500.00",
        "minDays": 3,
        "maxDays": 7,
        "freeFrom": "50000.00",
    }
    refused = gql.ok(
        METHOD,
        {"zone": zone["zone"]["id"], "input": {"name": "X", "fee": "1", "minDays": 1, "maxDays": 1}},
        user=other_seller,
    )["createDeliveryMethod"]
    assert refused == {"method": None, "errors": [{"field": "zoneId", "code": "NOT_FOUND"}]}
    with django_assert_num_queries(4):  # user, zones, their provinces, their methods
        assert len(gql.ok(MY_ZONES, user=seller)["myDeliveryZones"]) == 1
    zone_with_method(seller, "luanda", name="Luanda", fee=D("1000"), min_days=0, max_days=1)
    zone_with_method(seller, "benguela", name="Litoral")
    with django_assert_num_queries(4):
        assert [z["name"] for z in gql.ok(MY_ZONES, user=seller)["myDeliveryZones"]] == [
            "Litoral",
            "Luanda",
            "Planalto",
        ]


def test_a_stores_public_delivery_shows_active_methods_and_pickup(gql, seller):
    zone_with_method(seller, "luanda", name="Luanda")
    zone_with_method(seller, "huambo", name="Parada", is_active=False)
    StorePickup.objects.create(
        store=seller.store,
        province=province("luanda"),
        municipality="Luanda",
        address="Rua 1",
        opening_hours="8h-17h",
    )
    data = gql.ok(STORE_DELIVERY, {"store": gid(seller.store)})["storeDelivery"]
    assert data == {
        "zones": [
            {
                "name": "Luanda",
                "provinces": [{"code": "luanda"}],
                "methods": [{"name": "Normal", "fee": "2500.00"}],
            }
        ],
        "pickup": {"address": "Rua 1", "openingHours": "8h-17h", "province": {"name": "Luanda"}},
    }
