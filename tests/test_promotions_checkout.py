"""Promotions at checkout (issue 23): the coupon redeemed in the checkout's transaction, the
discount split across the lines and frozen on them, who funds it in the ledger, uses given back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from domain.delivery import services as delivery_services
from domain.delivery.checkout import DeliveryInput
from domain.delivery.models import Province
from domain.delivery.quote import DeliveryChoice
from domain.economics.models import LedgerEntry, PlatformEntry
from domain.errors import DomainError, ErrorCode
from domain.orders import fulfilment
from domain.orders.models import OrderItem, PaymentMethod
from domain.promotions import coupons, sales
from domain.promotions.models import Coupon, CouponRedemption, DiscountKind

from .factories import make_category, make_product, make_user
from .helpers import fill_cart, place, world

pytestmark = pytest.mark.django_db

D = Decimal


def coupon(issuer, code, **changes):
    kind = changes.pop("kind", DiscountKind.PERCENTAGE)
    return coupons.coupon_create(
        issuer=issuer,
        terms=coupons.CouponTerms(code=code, kind=kind, value=changes.pop("value", D("10")), **changes),
    )


def apply(buyer, code):
    cart = fill_cart(buyer)
    return coupons.cart_coupon_apply(cart=cart, buyer=buyer, code=code)


def money_of(order) -> dict:
    """The order's money as the ledgers saw it."""
    store = dict(LedgerEntry.objects.filter(order=order).values_list("kind", "amount"))
    platform = dict(PlatformEntry.objects.filter(order=order).values_list("kind", "amount"))
    commission = -store.get("commission", D(0))
    return {"store": store, "platform": platform, "commission": commission}


@pytest.fixture
def shop(seller, other_seller, admin, gateway):
    """The seller's capulana on sale (20 % off 10,000.00) and a basket; another store's book; the
    seller delivers in Luanda for 1,500.00."""
    crafts = make_category(name="Artesanato")
    capulana = make_product(
        store=seller.store, category=crafts, name="Capulana", price="10000.00", stock_quantity=50
    )
    cesto = make_product(
        store=seller.store, category=crafts, name="Cesto", price="3333.33", stock_quantity=50
    )
    livro = make_product(
        store=other_seller.store, category=crafts, name="Livro", price="2500.00", stock_quantity=50
    )
    sales.sale_schedule(
        seller=seller,
        name="Dia da Mulher",
        kind=DiscountKind.PERCENTAGE,
        value=D("20"),
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(days=1),
        product_ids=[capulana.pk],
    )
    luanda = Province.objects.get(code="luanda")
    zone = delivery_services.delivery_zone_create(seller=seller, name="Luanda", province_ids=[luanda.pk])
    method = delivery_services.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=delivery_services.MethodValues(name="Mota", fee=D("1500.00"), min_days=0, max_days=1),
    )
    return {"capulana": capulana, "cesto": cesto, "livro": livro, "luanda": luanda, "method": method}


def place_delivered(buyer, shop, seller, other_seller, **changes):
    return place(
        buyer,
        shipping_address="Rua Rainha Ginga 12, Luanda",
        delivery=DeliveryInput(
            province_id=shop["luanda"].pk,
            choices=(
                DeliveryChoice(store_id=seller.store.pk, method_id=shop["method"].pk),
                DeliveryChoice(store_id=other_seller.store.pk, pickup=True),
            ),
        )
        if changes.pop("pickup_too", False)
        else DeliveryInput(
            province_id=shop["luanda"].pk,
            choices=(DeliveryChoice(store_id=seller.store.pk, method_id=shop["method"].pk),),
        ),
        **changes,
    )


def test_an_order_with_a_seller_sale_a_platform_coupon_and_a_delivery_fee(buyer, seller, admin, shop):
    """Capulana 2 × 8,000.00 (sale; compare-at 10,000.00) + cesto 1 × 3,333.33 = 19,333.33 of goods;
    the platform's 10 % = 1,933.33, split 1,600.00 / 333.33 by largest remainder; fee 1,500.00.
    The buyer pays 17,400.00 + 1,500.00 = 18,900.00. The store is credited 19,333.33 of goods (the
    platform pays 1,933.33 of them) less 10 % commission on 19,333.33 (800.00 × 2 + 333.33 → 1,600.00 +
    333.33), and the platform records the 1,933.33 as its expense: store + commission - expense = paid."""
    coupon(admin, "KITANDA10")
    fill_cart(buyer, (shop["capulana"], 2), (shop["cesto"], 1))
    assert apply(buyer, "kitanda10").by_store == {seller.store.pk: D("1933.33")}
    (order,) = place_delivered(buyer, shop, seller, None)
    lines = list(
        OrderItem.objects.filter(order=order)
        .order_by("pk")
        .values_list(
            "product_name",
            "price",
            "quantity",
            "discount_amount",
            "platform_discount_amount",
            "commission_amount",
        )
    )
    assert lines == [
        ("Capulana", D("8000.00"), 2, D("0.00"), D("1600.00"), D("1600.00")),
        ("Cesto", D("3333.33"), 1, D("0.00"), D("333.33"), D("333.33")),
    ]
    assert (order.total_amount, order.delivery_fee, order.platform_discount_amount, order.coupon_code) == (
        D("18900.00"),
        D("1500.00"),
        D("1933.33"),
        "KITANDA10",
    )
    assert order.payment.amount == D("18900.00")
    money = money_of(order)
    assert money["store"] == {"sale": D("19333.33"), "delivery": D("1500.00"), "commission": D("-1933.33")}
    assert money["platform"] == {"promotion": D("-1933.33")}
    paid_goods = order.total_amount - order.delivery_fee
    store_goods = money["store"]["sale"] - money["commission"]
    assert store_goods + money["commission"] + money["platform"]["promotion"] == paid_goods
    assert Coupon.objects.get().uses == 1

    # A refund gives back what was paid, and reverses each ledger exactly.
    fulfilment.order_refund(actor=buyer, order_number=order.order_number)
    assert order.refunds.get().amount == D("18900.00")
    assert sum(LedgerEntry.objects.filter(order=order).values_list("amount", flat=True)) == 0
    assert sum(PlatformEntry.objects.filter(order=order).values_list("amount", flat=True)) == 0
    assert Coupon.objects.get().uses == 0  # its use given back


def test_a_store_coupon_lowers_the_sale_and_the_commission_base(buyer, seller, other_seller, shop):
    coupon(seller, "LOJA", kind=DiscountKind.AMOUNT, value=D("1000.00"))
    fill_cart(buyer, (shop["cesto"], 3), (shop["livro"], 1))
    apply(buyer, "loja")
    orders = place(buyer)
    mine = next(order for order in orders if order.store_id == seller.store.pk)
    theirs = next(order for order in orders if order.store_id == other_seller.store.pk)
    assert (mine.total_amount, mine.discount_amount, theirs.total_amount, theirs.discount_amount) == (
        D("8999.99"),
        D("1000.00"),
        D("2500.00"),
        D("0.00"),
    )
    (line,) = OrderItem.objects.filter(order=mine)
    assert (line.discount_amount, line.commission_amount) == (D("1000.00"), D("900.00"))  # 10 % of 8,999.99
    money = money_of(mine)
    assert money["store"]["sale"] == D("8999.99") and money["platform"] == {}


def test_a_coupon_used_up_refuses_the_checkout_and_changes_nothing(buyer, admin, shop):
    used = coupon(admin, "ULTIMO", max_uses=1)
    fill_cart(buyer, (shop["cesto"], 1))
    apply(buyer, "ultimo")
    Coupon.objects.filter(pk=used.pk).update(uses=1)
    before = world()
    with pytest.raises(DomainError) as refused:
        place(buyer)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_ELIGIBLE, "code")
    assert world() == before and CouponRedemption.objects.count() == 0


def test_a_replay_does_not_count_twice_and_a_cancel_gives_the_use_back_once(buyer, admin, shop):
    kept = coupon(admin, "UMAVEZ", max_uses=5)
    fill_cart(buyer, (shop["cesto"], 1))
    apply(buyer, "umavez")
    first = place(buyer, payment_method=PaymentMethod.REFERENCE, idempotency_key="k-1")
    again = place(buyer, payment_method=PaymentMethod.REFERENCE, idempotency_key="k-1")
    assert [order.pk for order in first] == [order.pk for order in again]
    kept.refresh_from_db()
    assert kept.uses == 1
    fulfilment.order_cancel(actor=buyer, order_number=first[0].order_number)
    kept.refresh_from_db()
    assert kept.uses == 0
    assert CouponRedemption.objects.get().released_at is not None


def test_an_expired_unpaid_order_gives_its_use_back(buyer, admin, shop):
    kept = coupon(admin, "EXPIRA")
    fill_cart(buyer, (shop["cesto"], 1))
    apply(buyer, "expira")
    (order,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    type(order).objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=49))
    assert fulfilment.order_expire_unpaid(hours=48).expired == [order.order_number]
    kept.refresh_from_db()
    assert kept.uses == 0


def test_uses_per_buyer_count_the_account_across_checkouts(admin, shop):
    coupon(admin, "CLIENTE", max_uses_per_buyer=1)
    ana = make_user(username="ana-promo")
    fill_cart(ana, (shop["cesto"], 1))
    apply(ana, "cliente")
    place(ana)
    fill_cart(ana, (shop["cesto"], 1))
    with pytest.raises(DomainError) as refused:
        apply(ana, "CLIENTE")
    assert refused.value.code == ErrorCode.NOT_ELIGIBLE
