"""The README's worked example, end to end through the API: two paid orders of three lines each,
their commission and IVA, the refund of one, a payout, and the ledger that results."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.economics.models import CategoryCommission
from domain.economics.selectors import store_balance
from domain.orders.models import Order, OrderItem, OrderStatus

from .factories import make_category, make_product, make_user
from .helpers import fill_cart, gid, ledger_of, place

pytestmark = pytest.mark.django_db

D = Decimal


def test_two_orders_a_refund_a_payout_and_the_ledger(gql, seller, admin, gateway):
    """COMMISSION_RATE 10 %, "Livros" 12.5 %, IVA 14 %; amounts rounded half-up on each line.

    order A  1 × 1000.05  10 %    100.01  IVA 122.81      order B  2 × 1000.05  10 %    200.01  IVA 245.63
             3 ×  333.35  12.5 %  125.01  IVA 122.81               1 ×  333.35  12.5 %   41.67  IVA  40.94
             1 ×  500.25  10 %     50.03  IVA  61.43               2 ×  500.25  10 %    100.05  IVA 122.87
             2500.35              275.05  IVA 307.05               3333.95              341.73  IVA 409.44

    A is delivered and its buyer confirms receipt (released); B's buyer asks a refund; the admin
    pays out 2000.00 of A's 2225.30. The ledger sums to 225.30 = available 225.30 + pending 0.00.
    """
    books = make_category(name="Livros")
    CategoryCommission.objects.create(category=books, rate=D("12.50"))
    lamp = make_product(store=seller.store, name="Candeeiro", price="1000.05", stock_quantity=10)
    novel = make_product(
        store=seller.store, name="Romance", price="333.35", category=books, stock_quantity=10
    )
    mat = make_product(store=seller.store, name="Esteira", price="500.25", stock_quantity=10)
    ana, bento = make_user(username="ana"), make_user(username="bento")
    fill_cart(ana, (lamp, 1), (novel, 3), (mat, 1))
    (a,) = place(ana)
    fill_cart(bento, (lamp, 2), (novel, 1), (mat, 2))
    (b,) = place(bento)
    commission = {
        order.order_number: sum(
            OrderItem.objects.filter(order=order).values_list("commission_amount", flat=True)
        )
        for order in (a, b)
    }
    assert (a.total_amount, commission[a.order_number]) == (D("2500.35"), D("275.05"))
    assert (b.total_amount, commission[b.order_number]) == (D("3333.95"), D("341.73"))

    Order.objects.filter(pk=a.pk).update(status=OrderStatus.SHIPPED)
    confirm = (
        "mutation C($n: String!) { confirmReceipt(orderNumber: $n) { order { status } errors { code } } }"
    )
    assert (
        gql.ok(confirm, {"n": a.order_number}, user=ana)["confirmReceipt"]["order"]["status"] == "DELIVERED"
    )
    refund = "mutation R($n: String!) { requestRefund(orderNumber: $n) { order { status } errors { code } } }"
    assert (
        gql.ok(refund, {"n": b.order_number}, user=bento)["requestRefund"]["order"]["status"] == "CANCELLED"
    )
    pay = "mutation P($i: PayoutInput!) { recordPayout(input: $i) { payout { amount } errors { code } } }"
    variables = {"i": {"storeId": gid(seller.store), "amount": "2000.00", "bankReference": "BAI-2026-0001"}}
    assert gql.ok(pay, variables, user=admin)["recordPayout"] == {
        "payout": {"amount": "2000.00"},
        "errors": [],
    }

    rows = [(kind, amount, tax, number) for _, kind, amount, tax, number in ledger_of(seller.store)]
    assert rows == [
        ("sale", D("2500.35"), D("307.05"), a.order_number),
        ("commission", D("-275.05"), D("0.00"), a.order_number),
        ("sale", D("3333.95"), D("409.44"), b.order_number),
        ("commission", D("-341.73"), D("0.00"), b.order_number),
        ("refund", D("-3333.95"), D("-409.44"), b.order_number),
        ("commission_reversal", D("341.73"), D("0.00"), b.order_number),
        ("payout", D("-2000.00"), D("0.00"), None),
    ]
    balance = store_balance(store_id=seller.store.pk)
    assert (balance.available, balance.pending, balance.paid_out) == (D("225.30"), D("0.00"), D("2000.00"))
    assert sum(row[1] for row in rows) == balance.available + balance.pending


def test_a_delivered_order_with_a_fee_and_a_pickup_order(seller, gateway):
    """Delivery to Luanda at 1500.00 and pickup at the store (free), IVA 14 %, commission 10 % on
    goods only (DELIVERY_FEE_COMMISSION off): the fee is the store's own ledger line.

    order C  1 × 1000.05  commission 100.01  IVA 122.81   delivery 1500.00  IVA 184.21   total 2500.05
    order D  1 ×  500.25  commission  50.03  IVA  61.43   pickup      0.00               total  500.25

    Pending: 1000.05 + 1500.00 − 100.01 + 500.25 − 50.03 = 2850.26 = the ledger's sum.
    """
    from domain.delivery import services as delivery
    from domain.delivery.checkout import DeliveryInput
    from domain.delivery.models import Province
    from domain.delivery.quote import DeliveryChoice
    from domain.orders import checkout

    luanda = Province.objects.get(code="luanda")
    zone = delivery.delivery_zone_create(seller=seller, name="Luanda", province_ids=[luanda.pk])
    method = delivery.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=delivery.MethodValues(name="Entrega em Luanda", fee=D("1500.00"), min_days=1, max_days=2),
    )
    delivery.store_pickup_set(
        seller=seller,
        is_enabled=True,
        province_id=luanda.pk,
        municipality="Luanda",
        address="Rua da Missão 10",
        opening_hours="8h-17h",
    )
    lamp = make_product(store=seller.store, name="Candeeiro", price="1000.05", stock_quantity=10)
    mat = make_product(store=seller.store, name="Esteira", price="500.25", stock_quantity=10)
    carla, duarte = make_user(username="carla"), make_user(username="duarte")
    placed = []
    for buyer, product, choice, given in (
        (
            carla,
            lamp,
            DeliveryChoice(store_id=seller.store.pk, method_id=method.pk),
            {"province_id": luanda.pk},
        ),
        (duarte, mat, DeliveryChoice(store_id=seller.store.pk, pickup=True), {}),
    ):
        fill_cart(buyer, (product, 1))
        (order,) = checkout.checkout_place(
            buyer=buyer,
            shipping_address="Rua Amílcar Cabral 12" if given else "",
            contact_phone="923456789",
            payment_method="card",
            card_number="4111 1111 1111 1111",
            delivery=DeliveryInput(choices=(choice,), **given),
        )
        placed.append(order)
    c, d = placed
    assert (c.total_amount, c.delivery_fee, c.delivery_tax_amount) == (
        D("2500.05"),
        D("1500.00"),
        D("184.21"),
    )
    assert (d.total_amount, d.delivery_fee, d.delivery_kind) == (D("500.25"), D("0.00"), "pickup")
    ledger = {
        (order.pk, kind): (amount, tax)
        for order in placed
        for kind, amount, tax in order.ledger_entries.values_list("kind", "amount", "tax_amount")
    }
    assert ledger == {
        (c.pk, "sale"): (D("1000.05"), D("122.81")),
        (c.pk, "delivery"): (D("1500.00"), D("184.21")),
        (c.pk, "commission"): (D("-100.01"), D("0.00")),
        (d.pk, "sale"): (D("500.25"), D("61.43")),
        (d.pk, "commission"): (D("-50.03"), D("0.00")),
    }
    balance = store_balance(store_id=seller.store.pk)
    assert (balance.available, balance.pending) == (D("0.00"), D("2850.26"))
    assert sum(amount for amount, _ in ledger.values()) == balance.pending


def test_a_store_coupon_and_a_platform_coupon(gql, seller, admin, gateway):
    """Both kinds of discount, with the first example's rates (10 %, "Livros" 12.5 %, IVA 14 %).

    order E  the store's LOJA15 (15 %, the store funds it): 1 × 1000.05 + 3 × 333.35 = 2000.10,
             discount 300.02 split by largest remainder 150.01 / 150.01; the store's sale is what the
             buyer paid, and the commission is on it:
             1000.05 − 150.01 =  850.04  10 %    85.00  IVA 104.39
             1000.05 − 150.01 =  850.04  12.5 % 106.26  IVA 104.39
             paid 1700.08 = sale 1700.08 − commission 191.26 + commission 191.26 + platform 0.00
    order F  the platform's KITANDA10 (10 %, the platform funds it) and delivery 1500.00: the same
             goods, discount 200.01 split 100.01 / 100.00; the store's sale is the full goods, and
             its commission on them; the platform's ledger records the discount as its expense:
             1000.05  10 %    100.01  IVA 122.81
             1000.05  12.5 %  125.01  IVA 122.81
             paid 1800.09 + delivery 1500.00 = 3300.09
                = sale 2000.10 + delivery 1500.00 − commission 225.02 + commission 225.02
                  + platform expense −200.01

    E is delivered and its buyer confirms receipt (released: 1508.82); F's buyer asks a refund (every
    line of both ledgers reversed, the coupon's use given back); the admin pays out 1500.00. The
    store's ledger sums to 8.82 = available 8.82 + pending 0.00; the platform's to 0.00.
    """
    from domain.delivery import services as delivery
    from domain.delivery.checkout import DeliveryInput
    from domain.delivery.models import Province
    from domain.delivery.quote import DeliveryChoice
    from domain.economics.models import PlatformEntry
    from domain.promotions import coupons
    from domain.promotions.models import Coupon, DiscountKind

    books = make_category(name="Livros")
    CategoryCommission.objects.create(category=books, rate=D("12.50"))
    lamp = make_product(store=seller.store, name="Candeeiro", price="1000.05", stock_quantity=10)
    novel = make_product(
        store=seller.store, name="Romance", price="333.35", category=books, stock_quantity=10
    )
    luanda = Province.objects.get(code="luanda")
    zone = delivery.delivery_zone_create(seller=seller, name="Luanda", province_ids=[luanda.pk])
    method = delivery.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=delivery.MethodValues(name="Entrega em Luanda", fee=D("1500.00"), min_days=1, max_days=2),
    )
    for issuer, code, value in ((seller, "LOJA15", D("15")), (admin, "KITANDA10", D("10"))):
        coupons.coupon_create(
            issuer=issuer, terms=coupons.CouponTerms(code=code, kind=DiscountKind.PERCENTAGE, value=value)
        )
    ana, bento = make_user(username="ana"), make_user(username="bento")
    apply = "mutation A($c: String!) { applyCoupon(code: $c) { discount { amount } errors { code } } }"
    fill_cart(ana, (lamp, 1), (novel, 3))
    assert gql.ok(apply, {"c": "loja15"}, user=ana)["applyCoupon"] == {
        "discount": {"amount": "300.02"},
        "errors": [],
    }
    (e,) = place(ana)
    fill_cart(bento, (lamp, 1), (novel, 3))
    assert gql.ok(apply, {"c": "Kitanda10"}, user=bento)["applyCoupon"] == {
        "discount": {"amount": "200.01"},
        "errors": [],
    }
    (f,) = place(
        bento,
        delivery=DeliveryInput(
            province_id=luanda.pk, choices=(DeliveryChoice(store_id=seller.store.pk, method_id=method.pk),)
        ),
    )

    def lines(order):
        return list(
            OrderItem.objects.filter(order=order)
            .order_by("pk")
            .values_list(
                "price",
                "quantity",
                "discount_amount",
                "platform_discount_amount",
                "commission_amount",
                "tax_amount",
            )
        )

    def books_of(order) -> dict:
        store = dict(order.ledger_entries.values_list("kind", "amount"))
        platform = dict(PlatformEntry.objects.filter(order=order).values_list("kind", "amount"))
        return store | {f"platform {kind}": amount for kind, amount in platform.items()}

    assert lines(e) == [
        (D("1000.05"), 1, D("150.01"), D("0.00"), D("85.00"), D("104.39")),
        (D("333.35"), 3, D("150.01"), D("0.00"), D("106.26"), D("104.39")),
    ]
    assert lines(f) == [
        (D("1000.05"), 1, D("0.00"), D("100.01"), D("100.01"), D("122.81")),
        (D("333.35"), 3, D("0.00"), D("100.00"), D("125.01"), D("122.81")),
    ]
    assert (e.total_amount, f.total_amount, f.delivery_fee) == (D("1700.08"), D("3300.09"), D("1500.00"))

    assert books_of(e) == {"sale": D("1700.08"), "commission": D("-191.26")}
    assert books_of(f) == {
        "sale": D("2000.10"),
        "delivery": D("1500.00"),
        "commission": D("-225.02"),
        "platform promotion": D("-200.01"),
    }
    for order in (e, f):  # store amount + commission + platform promotion expense = what the buyer paid
        money = books_of(order)
        store_amount = money["sale"] + money.get("delivery", D(0)) + money["commission"]
        expense = money.get("platform promotion", D(0))
        assert store_amount + -money["commission"] + expense == order.total_amount

    Order.objects.filter(pk=e.pk).update(status=OrderStatus.SHIPPED)
    confirm = (
        "mutation C($n: String!) { confirmReceipt(orderNumber: $n) { order { status } errors { code } } }"
    )
    assert (
        gql.ok(confirm, {"n": e.order_number}, user=ana)["confirmReceipt"]["order"]["status"] == "DELIVERED"
    )
    refund = "mutation R($n: String!) { requestRefund(orderNumber: $n) { order { status } errors { code } } }"
    assert (
        gql.ok(refund, {"n": f.order_number}, user=bento)["requestRefund"]["order"]["status"] == "CANCELLED"
    )
    assert f.refunds.get().amount == D("3300.09")
    assert Coupon.objects.get(code_key="KITANDA10").uses == 0
    pay = "mutation P($i: PayoutInput!) { recordPayout(input: $i) { payout { amount } errors { code } } }"
    variables = {"i": {"storeId": gid(seller.store), "amount": "1500.00", "bankReference": "BAI-2026-0002"}}
    assert gql.ok(pay, variables, user=admin)["recordPayout"] == {
        "payout": {"amount": "1500.00"},
        "errors": [],
    }

    rows = [(kind, amount, number) for _, kind, amount, _, number in ledger_of(seller.store)]
    assert rows == [
        ("sale", D("1700.08"), e.order_number),
        ("commission", D("-191.26"), e.order_number),
        ("sale", D("2000.10"), f.order_number),
        ("delivery", D("1500.00"), f.order_number),
        ("commission", D("-225.02"), f.order_number),
        ("refund", D("-2000.10"), f.order_number),
        ("delivery_refund", D("-1500.00"), f.order_number),
        ("commission_reversal", D("225.02"), f.order_number),
        ("payout", D("-1500.00"), None),
    ]
    platform = list(
        PlatformEntry.objects.order_by("pk").values_list("kind", "amount", "order_id", "coupon_code")
    )
    assert platform == [
        ("promotion", D("-200.01"), f.pk, "KITANDA10"),
        ("promotion_reversal", D("200.01"), f.pk, "KITANDA10"),
    ]
    balance = store_balance(store_id=seller.store.pk)
    assert (balance.available, balance.pending, balance.paid_out) == (D("8.82"), D("0.00"), D("1500.00"))
    assert sum(row[1] for row in rows) == balance.available + balance.pending
