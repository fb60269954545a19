"""Promotions around the checkout (issue 23, item 5): the dashboards' promotion cost and uses, the
order views' discounts, and the discount in the order e-mails (Portuguese)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from domain.economics.stats import LUANDA
from domain.orders import fulfilment
from domain.promotions import coupons
from domain.promotions.models import DiscountKind

from .factories import make_product, make_user
from .helpers import fill_cart, place

pytestmark = pytest.mark.django_db

D = Decimal

STORE_STATS = (
    "query ($from: Date!, $to: Date!) { storeStats(from: $from, to: $to) { promotionCost couponUses } }"
)
PLATFORM_STATS = """query ($from: Date!, $to: Date!) {
  platformStats(from: $from, to: $to) { gmv promotionExpense couponUses } }"""
ORDER = """query ($n: String!) { order(orderNumber: $n) {
  totalAmount couponCode discountAmount platformDiscountAmount discountTotal
  items { productName lineTotal discountAmount platformDiscountAmount paidAmount } } }"""


def coupon(issuer, code, value, **terms):
    return coupons.coupon_create(
        issuer=issuer,
        terms=coupons.CouponTerms(code=code, kind=DiscountKind.PERCENTAGE, value=D(value), **terms),
    )


def bought(buyer, code, *lines, **changes):
    cart = fill_cart(buyer, *lines)
    coupons.cart_coupon_apply(cart=cart, buyer=buyer, code=code)
    return place(buyer, **changes)


@pytest.fixture
def goods(seller, other_seller, gateway):
    return {
        "capulana": make_product(store=seller.store, name="Capulana", price="10000.00", stock_quantity=50),
        "cesto": make_product(store=seller.store, name="Cesto", price="3333.33", stock_quantity=50),
        "livro": make_product(store=other_seller.store, name="Livro", price="2500.00", stock_quantity=50),
    }


def test_the_dashboards_show_promotion_cost_and_uses(gql, seller, other_seller, admin, goods):
    """The store's LOJA15 on two checkouts (one cancelled: it leaves), the platform's KITANDA10 on a
    checkout of two stores (two orders, one use)."""
    coupon(seller, "LOJA15", "15")
    coupon(admin, "KITANDA10", "10")
    ana, bento, carla = (make_user(username=name) for name in ("ana", "bento", "carla"))
    bought(ana, "loja15", (goods["capulana"], 1))  # 1500.00 off, the store's
    (cancelled,) = bought(carla, "LOJA15", (goods["cesto"], 3))  # 1499.99 off, then cancelled
    fulfilment.order_cancel(actor=carla, order_number=cancelled.order_number)
    mine, theirs = sorted(
        bought(bento, "kitanda10", (goods["cesto"], 1), (goods["livro"], 2)), key=lambda o: o.store_id
    )
    assert (mine.platform_discount_amount, theirs.platform_discount_amount) == (D("333.33"), D("500.00"))

    today = timezone.now().astimezone(LUANDA).date().isoformat()
    period = {"from": today, "to": today}
    assert gql.ok(STORE_STATS, period, user=seller)["storeStats"] == {
        "promotionCost": "1500.00",  # its own coupon's, on the order that stands
        "couponUses": 1,
    }
    assert gql.ok(STORE_STATS, period, user=other_seller)["storeStats"] == {
        "promotionCost": "0.00",  # the platform's coupon cost the other store nothing
        "couponUses": 0,
    }
    assert gql.ok(PLATFORM_STATS, period, user=admin)["platformStats"] == {
        "gmv": "16000.00",  # 8500.00 + (3333.33 - 333.33) + (5000.00 - 500.00): what buyers paid
        "promotionExpense": "833.33",
        "couponUses": 1,
    }


def test_the_order_views_show_the_discount_per_order_and_per_line(gql, seller, admin, goods):
    coupon(admin, "KITANDA10", "10")
    ana = make_user(username="ana")
    (order,) = bought(ana, "KITANDA10", (goods["capulana"], 2), (goods["cesto"], 1))
    expected = {
        "totalAmount": "21000.00",  # 23333.33 less 10 %: 2333.33, split 2000.00 / 333.33
        "couponCode": "KITANDA10",
        "discountAmount": "0.00",
        "platformDiscountAmount": "2333.33",
        "discountTotal": "2333.33",
        "items": [
            {
                "productName": "Capulana",
                "lineTotal": "20000.00",
                "discountAmount": "0.00",
                "platformDiscountAmount": "2000.00",
                "paidAmount": "18000.00",
            },
            {
                "productName": "Cesto",
                "lineTotal": "3333.33",
                "discountAmount": "0.00",
                "platformDiscountAmount": "333.33",
                "paidAmount": "3000.00",
            },
        ],
    }
    assert gql.ok(ORDER, {"n": order.order_number}, user=ana)["order"] == expected
    assert gql.ok(ORDER, {"n": order.order_number}, user=seller)["order"] == expected


def test_an_order_without_a_coupon_shows_no_discount(gql, buyer, goods):
    fill_cart(buyer, (goods["cesto"], 1))
    (order,) = place(buyer)
    shown = gql.ok(ORDER, {"n": order.order_number}, user=buyer)["order"]
    assert (shown["couponCode"], shown["discountTotal"], shown["items"][0]["paidAmount"]) == (
        "",
        "0.00",
        "3333.33",
    )


def test_the_order_emails_show_the_discount_in_portuguese(
    seller, admin, goods, django_capture_on_commit_callbacks
):
    coupon(seller, "LOJA15", "15")
    coupon(admin, "KITANDA10", "10")
    ana, bento = make_user(username="ana"), make_user(username="bento")
    with django_capture_on_commit_callbacks(execute=True):
        bought(ana, "loja15", (goods["capulana"], 1))
    to_buyer, to_seller = mail.outbox
    assert "Desconto (cupão LOJA15): -1.500,00 Kz" in to_buyer.body
    assert "Total: 8.500,00 Kz" in to_buyer.body
    assert "Desconto (cupão LOJA15): -1.500,00 Kz" in to_seller.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bought(bento, "kitanda10", (goods["capulana"], 1))
    to_buyer, to_seller = mail.outbox
    assert "Desconto (cupão KITANDA10): -1.000,00 Kz" in to_buyer.body
    assert "Total: 9.000,00 Kz" in to_buyer.body
    assert (
        "Desconto (cupão KITANDA10, pago pela Kitanda: a sua loja recebe o preço por inteiro): -1.000,00 Kz"
        in to_seller.body
    )


@pytest.mark.parametrize(
    ("mutation", "field"),
    [
        ('cancelSale(id: "U2FsZTo5OTk=")', "cancelSale"),  # Sale:999
        ('cancelSale(id: "nada")', "cancelSale"),
        ('setCouponActive(id: "nada", active: false)', "setCouponActive"),
    ],
)
def test_an_unknown_or_malformed_id_is_not_found_not_a_crash(gql, seller, mutation, field):
    answer = gql(f"mutation {{ {mutation} {{ errors {{ field code message }} }} }}", user=seller)
    (error,) = answer["data"][field]["errors"]
    assert (error["field"], error["code"]) == ("id" if "nada" in mutation else "saleId", "NOT_FOUND")
    assert error["message"]
