"""The coupon's limit under concurrency (PostgreSQL): 50 checkouts at once with a coupon of 10
uses give exactly 10 discounted orders; the other 40 are refused and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog.models import ProductVariant
from domain.errors import DomainError, ErrorCode
from domain.orders.models import Order, PaymentMethod
from domain.promotions import coupons
from domain.promotions.models import Coupon, CouponRedemption, DiscountKind

from .factories import make_product, make_user
from .helpers import fill_cart, place, postgres_only, run_in_threads

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

D = Decimal
BUYERS = 50
USES = 10


def test_fifty_checkouts_for_a_coupon_of_ten_uses(seller, admin):
    goods = make_product(store=seller.store, name="Mel do Kwanza", price="2000.00", stock_quantity=500)
    limited = coupons.coupon_create(
        issuer=admin,
        terms=coupons.CouponTerms(code="DEZ", kind=DiscountKind.PERCENTAGE, value=D("10"), max_uses=USES),
    )
    buyers = [make_user(username=f"comprador-{i}") for i in range(BUYERS)]
    for buyer in buyers:
        cart = fill_cart(buyer, (goods, 1))
        coupons.cart_coupon_apply(cart=cart, buyer=buyer, code="dez")

    def checkout(i: int):
        return place(buyers[i], payment_method=PaymentMethod.REFERENCE)

    results = run_in_threads(BUYERS, checkout)
    placed = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if not isinstance(result, list)]
    assert len(placed) == USES, refused[:3]
    assert all(isinstance(error, DomainError) and error.code == ErrorCode.NOT_ELIGIBLE for error in refused)
    assert {str(error.message) for error in refused} == {"Este cupão já atingiu o limite de utilizações."}
    assert Coupon.objects.get(pk=limited.pk).uses == USES
    assert CouponRedemption.objects.count() == USES
    orders = Order.objects.all()
    assert orders.count() == USES
    assert {(order.total_amount, order.platform_discount_amount) for order in orders} == {
        (D("1800.00"), D("200.00"))
    }
    assert ProductVariant.objects.get(product=goods).stock_quantity == 500 - USES
    # The refused buyers keep their carts and their code, nothing taken.
    assert sum(1 for buyer in buyers if buyer.cart.items.exists()) == BUYERS - USES
