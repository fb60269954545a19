"""Checkout with delivery: a two-store cart in Huambo sees each store's options, checks out with one
method per store and is charged exactly the quoted fees; the fee is the store's own ledger line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.delivery import services
from domain.delivery.models import DeliveryMethod, Province
from domain.economics.models import LedgerEntry
from domain.orders.models import Order, Payment

from .factories import make_product
from .helpers import VALID_CARD, fill_cart, gid, world

pytestmark = pytest.mark.django_db

D = Decimal

OPTIONS = """query ($address: ID, $province: ID) { cart { subtotal deliveryOptions(addressId: $address, provinceId: $province) {
  store { name } goodsTotal options { kind methodId name fee regularFee isFree earliestDate latestDate } } } }"""
CHECKOUT = """mutation ($input: CheckoutInput!) { checkout(input: $input) {
  orders { orderNumber totalAmount deliveryFee store { name } payment { amount status }
           delivery { kind name fee earliestDate latestDate province recipient municipality pickupAddress } }
  errors { field message code } } }"""


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def method(seller, codes, name, fee, min_days, max_days, **extra) -> DeliveryMethod:
    zone = services.delivery_zone_create(
        seller=seller, name=f"Zona {name}", province_ids=[province(code).pk for code in codes]
    )
    return services.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=services.MethodValues(name=name, fee=D(fee), min_days=min_days, max_days=max_days, **extra),
    )


@pytest.fixture
def huambo_cart(buyer, seller, other_seller, gateway):
    """Two stores: the first delivers to Huambo (normal, free from 50,000, or express), the second to
    Huambo at one rate and offers pickup in Luanda. The buyer's default address is in Huambo."""
    method(seller, ["huambo", "bie"], "Normal", "3500.00", 3, 7, free_from=D("50000.00"))
    method(seller, ["huambo"], "Expresso", "8000.00", 1, 2)
    method(other_seller, ["huambo", "benguela"], "Transportadora", "4200.00", 4, 8)
    services.store_pickup_set(
        seller=other_seller,
        is_enabled=True,
        province_id=province("luanda").pk,
        municipality="Luanda",
        address="Rua da Missão 10",
        opening_hours="Seg-Sex 8h-17h",
    )
    phone = make_product(store=seller.store, price="18000.00")
    book = make_product(store=other_seller.store, price="2500.00")
    fill_cart(buyer, (phone, 2), (book, 1))
    address = services.address_create(
        user=buyer,
        values=services.AddressValues(
            recipient="Ana Silva",
            phone="923456789",
            province_id=province("huambo").pk,
            municipality="Huambo",
            neighbourhood="Cidade Alta",
            reference_point="Frente ao Largo da Independência",
        ),
    )
    return address


def test_a_buyer_in_huambo_is_charged_exactly_the_quoted_fees(
    gql, buyer, seller, other_seller, huambo_cart, gateway
):
    quoted = gql.ok(OPTIONS, {"address": gid(huambo_cart)}, user=buyer)["cart"]["deliveryOptions"]
    by_store = {row["store"]["name"]: row for row in quoted}
    mine, theirs = by_store[seller.store.name], by_store[other_seller.store.name]
    assert mine["goodsTotal"] == "36000.00" and theirs["goodsTotal"] == "2500.00"
    assert [(o["name"], o["fee"]) for o in mine["options"]] == [
        ("Normal", "3500.00"),
        ("Expresso", "8000.00"),
    ]
    assert [(o["kind"], o["name"], o["fee"]) for o in theirs["options"]] == [
        ("PICKUP", "Levantamento na loja", "0.00"),
        ("DELIVERY", "Transportadora", "4200.00"),
    ]
    express = mine["options"][1]
    carrier = theirs["options"][1]
    placed = gql.ok(
        CHECKOUT,
        {
            "input": {
                "addressId": gid(huambo_cart),
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
                "delivery": [
                    {
                        "storeId": gid(seller.store),
                        "methodId": express["methodId"],
                        "expectedFee": express["fee"],
                    },
                    {
                        "storeId": gid(other_seller.store),
                        "methodId": carrier["methodId"],
                        "expectedFee": carrier["fee"],
                    },
                ],
            }
        },
        user=buyer,
    )["checkout"]
    assert placed["errors"] == []
    orders = {order["store"]["name"]: order for order in placed["orders"]}
    assert (orders[seller.store.name]["totalAmount"], orders[seller.store.name]["deliveryFee"]) == (
        "44000.00",
        "8000.00",
    )
    assert (
        orders[other_seller.store.name]["totalAmount"],
        orders[other_seller.store.name]["deliveryFee"],
    ) == (
        "6700.00",
        "4200.00",
    )
    assert orders[seller.store.name]["delivery"] | {"earliestDate": None, "latestDate": None} == {
        "kind": "DELIVERY",
        "name": "Expresso",
        "fee": "8000.00",
        "earliestDate": None,
        "latestDate": None,
        "province": "Huambo",
        "recipient": "Ana Silva",
        "municipality": "Huambo",
        "pickupAddress": None,
    }
    assert orders[seller.store.name]["delivery"]["earliestDate"] == express["earliestDate"]
    assert orders[seller.store.name]["delivery"]["latestDate"] == express["latestDate"]
    # Charged exactly the goods plus the quoted fees, one charge per store.
    assert sorted(amount for _, _, amount in gateway.charges()) == [D("6700.00"), D("44000.00")]
    assert all(
        order["payment"] == {"amount": order["totalAmount"], "status": "COMPLETED"}
        for order in placed["orders"]
    )
    # The fee is the store's own ledger line, IVA recorded on it, no commission on it.
    order = Order.objects.get(store=seller.store)
    entries = {
        entry.kind: (entry.amount, entry.tax_amount) for entry in LedgerEntry.objects.filter(order=order)
    }
    assert entries == {
        "sale": (D("36000.00"), D("4421.05")),
        "delivery": (D("8000.00"), D("982.46")),
        "commission": (D("-3600.00"), D("0.00")),
    }


def test_the_free_threshold_follows_the_lines_checkout_locked(
    gql, buyer, seller, other_seller, huambo_cart, gateway
):
    """Quoted at 3,500 for 36,000 of goods; one more phone crosses 50,000 before checkout: the fee
    checkout recomputes is 0, and the buyer who expected 3,500 is asked to confirm, not charged."""
    normal = DeliveryMethod.objects.get(name="Normal")
    pickup_choice = {"storeId": gid(other_seller.store), "pickup": True, "expectedFee": "0.00"}
    cart_line = buyer.cart.items.get(product__store=seller.store)
    cart_line.quantity = 3
    cart_line.save()
    before = world()
    refused = gql.ok(
        CHECKOUT,
        {
            "input": {
                "addressId": gid(huambo_cart),
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
                "delivery": [
                    {"storeId": gid(seller.store), "methodId": gid(normal), "expectedFee": "3500.00"},
                    pickup_choice,
                ],
            }
        },
        user=buyer,
    )["checkout"]
    assert refused["orders"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("delivery", "INVALID")]
    assert "0,00 Kz" in refused["errors"][0]["message"]
    assert world() == before and gateway.charges() == []
    placed = gql.ok(
        CHECKOUT,
        {
            "input": {
                "addressId": gid(huambo_cart),
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
                "delivery": [
                    {"storeId": gid(seller.store), "methodId": gid(normal), "expectedFee": "0.00"},
                    pickup_choice,
                ],
            }
        },
        user=buyer,
    )["checkout"]
    assert placed["errors"] == []
    assert sorted((o["totalAmount"], o["deliveryFee"], o["delivery"]["kind"]) for o in placed["orders"]) == [
        ("2500.00", "0.00", "PICKUP"),
        ("54000.00", "0.00", "DELIVERY"),
    ]
    pickup = next(o for o in placed["orders"] if o["delivery"]["kind"] == "PICKUP")
    assert pickup["delivery"]["pickupAddress"] == "Rua da Missão 10"
    assert not LedgerEntry.objects.filter(kind="delivery").exists()  # free: no fee line


def test_a_store_without_an_option_for_the_province_is_named(
    gql, buyer, seller, other_seller, huambo_cart, gateway
):
    services.store_pickup_set(
        seller=other_seller,
        is_enabled=False,
        province_id=province("luanda").pk,
        municipality="Luanda",
        address="Rua da Missão 10",
        opening_hours="Seg-Sex 8h-17h",
    )
    before = world()
    refused = gql.ok(
        CHECKOUT,
        {
            "input": {
                "shippingAddress": "Rua do Comércio 4",
                "provinceId": gid(province("namibe")),
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
                "delivery": [
                    {"storeId": gid(seller.store), "methodId": gid(DeliveryMethod.objects.get(name="Normal"))}
                ],
            }
        },
        user=buyer,
    )["checkout"]
    codes = sorted((e["field"], e["code"]) for e in refused["errors"])
    assert codes == [("delivery", "NOT_ELIGIBLE"), ("delivery", "NOT_ELIGIBLE")]
    assert any(other_seller.store.name in e["message"] for e in refused["errors"])
    assert world() == before and not Payment.objects.exists()


def test_the_contracts_free_text_checkout_still_places_orders_without_a_fee(gql, buyer, huambo_cart, gateway):
    placed = gql.ok(
        CHECKOUT,
        {
            "input": {
                "shippingAddress": "Rua 1, Huambo",
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
            }
        },
        user=buyer,
    )["checkout"]
    assert placed["errors"] == []
    assert sorted((o["totalAmount"], o["deliveryFee"], o["delivery"]) for o in placed["orders"]) == [
        ("2500.00", "0.00", None),
        ("36000.00", "0.00", None),
    ]


def test_a_server_that_requires_a_choice_refuses_the_free_text_checkout(gql, buyer, huambo_cart, settings):
    settings.DELIVERY_CHOICE_REQUIRED = True
    refused = gql.ok(
        CHECKOUT,
        {
            "input": {
                "shippingAddress": "Rua 1, Huambo",
                "contactPhone": "923456789",
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
            }
        },
        user=buyer,
    )["checkout"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("delivery", "REQUIRED")]


def test_a_refund_returns_the_fee_and_reverses_its_ledger_line(
    buyer, seller, other_seller, huambo_cart, gateway
):
    from domain.delivery.checkout import DeliveryInput
    from domain.delivery.quote import DeliveryChoice
    from domain.orders import checkout, fulfilment

    express = DeliveryMethod.objects.get(name="Expresso")
    orders = checkout.checkout_place(
        buyer=buyer,
        shipping_address="",
        contact_phone="923456789",
        payment_method="card",
        card_number=VALID_CARD,
        delivery=DeliveryInput(
            address_id=huambo_cart.pk,
            choices=(
                DeliveryChoice(store_id=seller.store.pk, method_id=express.pk),
                DeliveryChoice(store_id=other_seller.store.pk, pickup=True),
            ),
        ),
    )
    order = next(order for order in orders if order.store_id == seller.store.pk)
    fulfilment.order_refund(actor=buyer, order_number=order.order_number)
    assert order.refunds.get().amount == D("44000.00")
    reversed_ = dict(LedgerEntry.objects.filter(order=order).values_list("kind", "amount"))
    assert reversed_["delivery_refund"] == D("-8000.00") and reversed_["refund"] == D("-36000.00")
    assert sum(LedgerEntry.objects.filter(order=order).values_list("amount", flat=True)) == 0


def test_the_sellers_dashboard_shows_orders_by_province(
    gql, buyer, seller, other_seller, huambo_cart, gateway
):
    from django.utils import timezone

    from domain.delivery.checkout import DeliveryInput
    from domain.delivery.quote import DeliveryChoice
    from domain.orders import checkout

    checkout.checkout_place(
        buyer=buyer,
        shipping_address="",
        contact_phone="923456789",
        payment_method="card",
        card_number=VALID_CARD,
        delivery=DeliveryInput(
            address_id=huambo_cart.pk,
            choices=(
                DeliveryChoice(
                    store_id=seller.store.pk, method_id=DeliveryMethod.objects.get(name="Normal").pk
                ),
                DeliveryChoice(store_id=other_seller.store.pk, pickup=True),
            ),
        ),
    )
    today = timezone.localdate().isoformat()
    stats = gql.ok(
        "query ($from: Date!, $to: Date!) { storeStats(from: $from, to: $to) {"
        " ordersByProvince { province orders revenue deliveryFees } } }",
        {"from": today, "to": today},
        user=seller,
    )["storeStats"]
    assert stats["ordersByProvince"] == [
        {"province": "Huambo", "orders": 1, "revenue": "39500.00", "deliveryFees": "3500.00"}
    ]
    theirs = gql.ok(
        "query ($from: Date!, $to: Date!) { storeStats(from: $from, to: $to) { ordersByProvince { province orders } } }",
        {"from": today, "to": today},
        user=other_seller,
    )["storeStats"]
    assert theirs["ordersByProvince"] == [{"province": "Luanda", "orders": 1}]  # pickup: the store's province
