"""Commission and IVA on order lines: rates in force copied at checkout, amounts rounded half-up on
each line, category overrides managed by admins, history never rewritten."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.economics import rates
from domain.economics.models import CategoryCommission
from domain.errors import ErrorCode, InvalidInput, NotFound
from domain.orders.models import OrderItem

from .factories import make_category, make_product
from .helpers import fill_cart, gid, place
from .test_foundation import run_settings

pytestmark = pytest.mark.django_db


def lines_of(order) -> list[tuple]:
    return list(
        OrderItem.objects.filter(order=order)
        .order_by("pk")
        .values_list("price", "quantity", "commission_rate", "commission_amount", "tax_rate", "tax_amount")
    )


def test_worked_example_commission_and_iva_are_rounded_half_up_on_each_line(buyer, seller):
    """One order, three lines; the platform rate is 10 %, "Livros" has its own 12.5 %, IVA 14 %.

    line          total     commission                      IVA inside the total
    1 × 1000.05   1000.05   10 %   of it = 100.005   → 100.01   × 14/114 = 122.8131… → 122.81
    3 × 333.35    1000.05   12.5 % of it = 125.00625 → 125.01   × 14/114 = 122.8131… → 122.81
    1 × 500.25     500.25   10 %   of it =  50.025   →  50.03   × 14/114 =  61.4342… →  61.43
                  2500.35                              275.05                          307.05
    Rounded once on the order's total instead, the two 10 % lines would owe 150.03, not 150.04.
    """
    books = make_category(name="Livros")
    CategoryCommission.objects.create(category=books, rate=Decimal("12.50"))
    fill_cart(
        buyer,
        (make_product(store=seller.store, price="1000.05"), 1),
        (make_product(store=seller.store, price="333.35", category=books), 3),
        (make_product(store=seller.store, price="500.25"), 1),
    )
    (order,) = place(buyer)
    assert order.total_amount == Decimal("2500.35")
    assert lines_of(order) == [
        (Decimal("1000.05"), 1, Decimal("10.00"), Decimal("100.01"), Decimal("14.00"), Decimal("122.81")),
        (Decimal("333.35"), 3, Decimal("12.50"), Decimal("125.01"), Decimal("14.00"), Decimal("122.81")),
        (Decimal("500.25"), 1, Decimal("10.00"), Decimal("50.03"), Decimal("14.00"), Decimal("61.43")),
    ]
    assert sum(line[3] for line in lines_of(order)) == Decimal("275.05")
    assert rates.commission_of(total=Decimal("1500.30"), rate=Decimal("10")) == Decimal("150.03")


@pytest.mark.parametrize(
    "total, rate, commission",
    [("0.05", "10", "0.01"), ("0.04", "10", "0.00"), ("0.15", "10", "0.02"), ("0.25", "10", "0.03")],
)
def test_commission_rounds_half_up_never_to_even(total, rate, commission):
    assert rates.commission_of(total=Decimal(total), rate=Decimal(rate)) == Decimal(commission)


def test_a_rate_change_leaves_old_orders_alone(buyer, seller, settings):
    category = make_category()
    product = make_product(store=seller.store, category=category, price="2000.00", stock_quantity=10)
    fill_cart(buyer, (product, 1))
    (old,) = place(buyer)
    before = lines_of(old)
    assert before == [
        (Decimal("2000.00"), 1, Decimal("10.00"), Decimal("200.00"), Decimal("14.00"), Decimal("245.61"))
    ]

    rates.category_commission_set(category_id=category.pk, rate=Decimal("15"))
    settings.IVA_RATE = Decimal("7.00")
    fill_cart(buyer, (product, 1))
    (new,) = place(buyer)
    assert lines_of(new) == [
        (Decimal("2000.00"), 1, Decimal("15.00"), Decimal("300.00"), Decimal("7.00"), Decimal("130.84"))
    ]
    assert lines_of(old) == before

    settings.COMMISSION_RATE = Decimal("5.00")
    rates.category_commission_set(category_id=category.pk, rate=None)
    assert rates.commission_rates_in_force(category_ids=[category.pk]) == {category.pk: Decimal("5.00")}
    assert lines_of(old) == before


@pytest.mark.parametrize("rate", ["-1", "100.01", "12.345", "NaN", "Infinity"])
def test_a_commission_rate_is_a_percentage_with_two_decimals(rate):
    category = make_category()
    with pytest.raises(InvalidInput) as error:
        rates.category_commission_set(category_id=category.pk, rate=Decimal(rate))
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID, "rate")
    assert not CategoryCommission.objects.exists()


def test_an_unknown_category_has_no_rate():
    with pytest.raises(NotFound):
        rates.category_commission_set(category_id=987654, rate=Decimal("5"))
    assert not CategoryCommission.objects.exists()


SET = """
mutation SetRate($categoryId: ID!, $rate: Decimal) {
  setCategoryCommission(categoryId: $categoryId, rate: $rate) {
    category { slug } rate errors { field message code }
  }
}
"""


def test_admins_set_and_reset_category_rates(gql, admin):
    """Who may set them: tests/test_permissions.py."""
    category = make_category(slug="livros")
    assert gql.ok(SET, {"categoryId": gid(category), "rate": "12.50"}, user=admin)[
        "setCategoryCommission"
    ] == {
        "category": {"slug": "livros"},
        "rate": "12.50",
        "errors": [],
    }
    assert gql.ok(SET, {"categoryId": gid(category)}, user=admin)["setCategoryCommission"]["rate"] == "10.00"
    assert not CategoryCommission.objects.exists()


def test_a_bad_rate_comes_back_in_the_payload(gql, admin):
    result = gql.ok(SET, {"categoryId": gid(make_category()), "rate": "101"}, user=admin)
    assert result["setCategoryCommission"]["errors"] == [
        {
            "field": "rate",
            "message": "A taxa é uma percentagem de 0 a 100, com no máximo duas casas decimais.",
            "code": "INVALID",
        }
    ]


def test_order_lines_show_their_iva(gql, buyer, seller):
    fill_cart(buyer, (make_product(store=seller.store, price="1140.00"), 2))
    (order,) = place(buyer)
    query = "query O($n: String!) { order(orderNumber: $n) { items { lineTotal taxRate taxAmount } } }"
    assert gql.ok(query, {"n": order.order_number}, user=buyer)["order"]["items"] == [
        {"lineTotal": "2280.00", "taxRate": "14.00", "taxAmount": "280.00"}
    ]


@pytest.mark.parametrize("value", ["101", "-2", "ten", "12.345"])
def test_a_bad_rate_setting_refuses_to_start(value):
    result = run_settings({"IVA_RATE": value}, "print(settings.IVA_RATE)")
    assert result.returncode != 0
    assert "IVA_RATE must be a percentage" in result.stderr


def test_rate_settings_come_from_the_environment():
    result = run_settings(
        {"IVA_RATE": "7", "COMMISSION_RATE": "12.5"}, "print(settings.IVA_RATE, settings.COMMISSION_RATE)"
    )
    assert result.stdout.split() == ["7.00", "12.50"]
