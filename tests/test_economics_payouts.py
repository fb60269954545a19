"""Payouts: admins pay stores out of their available balance only, under the store's lock; the
seller is e-mailed once it commits; adjustments correct a balance with a note."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from domain.economics import payouts, release, selectors
from domain.economics.models import Payout
from domain.errors import ErrorCode, InvalidInput, NotEligible, NotFound, Required, ValidationFailed
from domain.orders.models import OrderStatus

from .factories import make_product, make_seller
from .helpers import gid, ledger_of, order_of, world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def product(seller):
    return make_product(store=seller.store, name="Cadeira", price="1140.00", stock_quantity=100)


def released(buyer, product):
    """A paid order whose receipt the buyer confirmed: 2052.00 available to the store."""
    order = order_of(buyer, product, status=OrderStatus.SHIPPED)
    release.order_confirm_receipt(actor=buyer, order_number=order.order_number)
    return order


def balance(store) -> tuple:
    b = selectors.store_balance(store_id=store.pk)
    return b.available, b.pending, b.paid_out


def test_a_payout_takes_money_out_of_the_available_balance_and_emails_the_seller(
    admin, buyer, seller, product, django_capture_on_commit_callbacks
):
    released(buyer, product)
    order_of(buyer, product)  # pending: never paid out
    with django_capture_on_commit_callbacks(execute=True):
        payout = payouts.payout_record(
            admin=admin, store_id=seller.store.pk, amount=D("2000.00"), bank_reference=" BAI-778812 "
        )
    assert (payout.amount, payout.bank_reference, payout.recorded_by) == (D("2000.00"), "BAI-778812", admin)
    assert balance(seller.store) == (D("52.00"), D("2052.00"), D("2000.00"))
    assert ledger_of()[-1] == (seller.store.pk, "payout", D("-2000.00"), D("0.00"), None)
    (message,) = mail.outbox
    assert message.to == [seller.email]
    assert message.subject == "Kitanda: transferência de 2.000,00 Kz enviada"
    assert "Referência bancária: BAI-778812" in message.body
    assert f"«{seller.store.name}»" in message.body


def test_a_payout_above_the_available_balance_is_refused(
    admin, buyer, seller, product, django_capture_on_commit_callbacks
):
    released(buyer, product)
    order_of(buyer, product)
    before = world()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotEligible) as error:
        payouts.payout_record(admin=admin, store_id=seller.store.pk, amount=D("2052.01"), bank_reference="X")
    assert error.value.field == "amount"
    assert (
        str(error.value)
        == "A loja tem 2.052,00 Kz disponíveis: uma transferência não pode ser superior a esse valor."
    )
    assert (world(), Payout.objects.count(), mail.outbox) == (before, 0, [])
    payouts.payout_record(admin=admin, store_id=seller.store.pk, amount=D("2052.00"), bank_reference="X")
    assert balance(seller.store) == (D("0.00"), D("2052.00"), D("2052.00"))


@pytest.mark.parametrize(
    "amount, reference, fields",
    [
        ("0", "X", ["amount"]),
        ("-5", "X", ["amount"]),
        ("1.001", "X", ["amount"]),
        ("NaN", "X", ["amount"]),
        ("10", "  ", ["bank_reference"]),
        ("10", "x" * 65, ["bank_reference"]),
        ("0", "", ["amount", "bank_reference"]),
    ],
)
def test_payout_input_is_checked(admin, buyer, seller, product, amount, reference, fields):
    released(buyer, product)
    before = world()
    with pytest.raises((InvalidInput, Required, ValidationFailed)) as error:
        payouts.payout_record(
            admin=admin, store_id=seller.store.pk, amount=D(amount), bank_reference=reference
        )
    assert [detail.field for detail in error.value.details] == fields
    assert world() == before


def test_a_payout_to_an_unknown_store(admin):
    with pytest.raises(NotFound):
        payouts.payout_record(admin=admin, store_id=98765, amount=D("1"), bank_reference="X")


def test_adjustments_credit_and_debit_the_available_balance(buyer, seller, product):
    released(buyer, product)
    payouts.ledger_adjust(store_id=seller.store.pk, amount=D("100.00"), note="Compensação de portes")
    payouts.ledger_adjust(store_id=seller.store.pk, amount=D("-52.00"), note="Acerto")
    assert balance(seller.store) == (D("2100.00"), D("0.00"), D("0.00"))
    before = ledger_of()
    with pytest.raises(NotEligible):
        payouts.ledger_adjust(store_id=seller.store.pk, amount=D("-2100.01"), note="Demasiado")
    with pytest.raises(InvalidInput) as error:
        payouts.ledger_adjust(store_id=seller.store.pk, amount=D("0"), note="Nada")
    assert error.value.code == ErrorCode.INVALID
    with pytest.raises(Required):
        payouts.ledger_adjust(store_id=seller.store.pk, amount=D("5"), note=" ")
    assert ledger_of() == before


# ---------------------------------------------------------------- the API

RECORD = """
mutation RecordPayout($input: PayoutInput!) {
  recordPayout(input: $input) {
    payout { amount bankReference store { slug } }
    errors { field message code }
  }
}
"""

PAYOUTS = """
query Payouts($storeId: ID, $first: Int) {
  payouts(storeId: $storeId, first: $first) {
    totalCount
    edges { node { amount bankReference createdAt store { slug } } }
  }
}
"""

MY_PAYOUTS = (
    "query { myStore { balance { paidOut } payouts { totalCount edges { node { amount bankReference } } } } }"
)


def test_admins_record_and_list_payouts(gql, admin, buyer, seller, product):
    """Who may: tests/test_permissions.py."""
    released(buyer, product)
    variables = {"input": {"storeId": gid(seller.store), "amount": "1000.00", "bankReference": "BFA-1"}}
    assert gql.ok(RECORD, variables, user=admin)["recordPayout"] == {
        "payout": {"amount": "1000.00", "bankReference": "BFA-1", "store": {"slug": seller.store.slug}},
        "errors": [],
    }
    assert gql.ok(PAYOUTS, user=admin)["payouts"]["totalCount"] == 1


def test_payout_errors_come_back_in_the_payload(gql, admin, seller):
    variables = {"input": {"storeId": gid(seller.store), "amount": "1.00", "bankReference": "BFA-1"}}
    assert gql.ok(RECORD, variables, user=admin)["recordPayout"] == {
        "payout": None,
        "errors": [
            {
                "field": "amount",
                "message": "A loja tem 0,00 Kz disponíveis: uma transferência não pode ser superior a esse valor.",
                "code": "NOT_ELIGIBLE",
            }
        ],
    }
    variables["input"]["storeId"] = gid("Product", 1)
    assert gql.ok(RECORD, variables, user=admin)["recordPayout"]["errors"][0]["code"] == "NOT_FOUND"


def test_the_seller_sees_their_payouts_and_nobody_elses(gql, admin, buyer, seller, other_seller, product):
    released(buyer, product)
    payouts.payout_record(admin=admin, store_id=seller.store.pk, amount=D("500.00"), bank_reference="BAI-1")
    assert gql.ok(MY_PAYOUTS, user=seller)["myStore"] == {
        "balance": {"paidOut": "500.00"},
        "payouts": {"totalCount": 1, "edges": [{"node": {"amount": "500.00", "bankReference": "BAI-1"}}]},
    }
    assert gql.ok(MY_PAYOUTS, user=other_seller)["myStore"]["payouts"]["totalCount"] == 0
    query = "query S($slug: String!) { store(slug: $slug) { payouts { totalCount } balance { available } } }"
    for user in (other_seller, buyer, admin, None):
        assert gql.ok(query, {"slug": seller.store.slug}, user=user)["store"] == {
            "payouts": None,
            "balance": None,
        }


@pytest.mark.parametrize("first", [2, 20])
def test_payouts_query_count_does_not_grow_with_the_page(
    gql, admin, buyer, product, first, django_assert_num_queries
):
    stores = []
    for _ in range(3):
        shop = make_seller().store
        stores.append(shop)
        released(buyer, make_product(store=shop, price="1140.00"))
        for n in range(3):
            payouts.payout_record(admin=admin, store_id=shop.pk, amount=D("10.00"), bank_reference=f"B-{n}")
    with django_assert_num_queries(3):  # the caller; the page with its stores; the (capped) count
        data = gql.ok(PAYOUTS, {"first": first}, user=admin)["payouts"]
    assert (data["totalCount"], len(data["edges"])) == (9, min(first, 9))
    with django_assert_num_queries(3):
        data = gql.ok(PAYOUTS, {"first": first, "storeId": gid(stores[0])}, user=admin)["payouts"]
    assert data["totalCount"] == 3


@pytest.mark.parametrize("amount", ["1e1000", "-1e1000", "0.001", "NaN", "1e12"])
def test_amounts_no_ledger_can_hold_are_refused_on_the_amount(amount):
    """1e1000 used to escape as an internal error (found by the fuzzer): quantize overflowed."""
    from domain.economics.payouts import _amount_error

    error = _amount_error(Decimal(amount))
    assert (error.code.value, error.field) == ("INVALID", "amount")
