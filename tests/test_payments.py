"""Payments: the simulated gateway's rules, payment details, and the signed webhook that confirms references."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from domain.orders import payments
from domain.orders.fulfilment import order_cancel, order_refund
from domain.orders.models import LatePayment, Order, OrderEvent, Payment, PaymentMethod
from domain.phones import angolan_mobile, angolan_phone

from .factories import make_product, make_user
from .helpers import (
    fill_cart,
    install_recording_gateway,
    place,
    postgres_only,
    run_in_threads,
    stock_of,
    world,
)

pytestmark = pytest.mark.django_db


URL = "/payments/webhook/"
SECRET = "test-webhook-secret"


# ---------------------------------------------------------------- payment details


@pytest.mark.parametrize(
    "number, valid",
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("4000000000000002", True),
        ("5555555555554444", True),
        ("4111111111111112", False),
        ("411111111111", False),
        ("41111111111111111111", False),
        ("4111 1111 1111 111a", False),
        ("", False),
        ("٤١١١١١١١١١١١١١١١", False),
    ],
)
def test_card_numbers_pass_the_luhn_check(number, valid):
    assert payments.card_number_valid(number) is valid


@pytest.mark.parametrize(
    "value, phone, mobile",
    [
        ("923456789", "+244923456789", "923456789"),
        ("+244 923 456 789", "+244923456789", "923456789"),
        ("00244923456789", "+244923456789", "923456789"),
        ("244-923-456-789", "+244923456789", "923456789"),
        ("(222) 123 456", "+244222123456", None),
        ("823456789", None, None),
        ("92345678", None, None),
        ("9234567890", None, None),
        ("+351912345678", None, None),
        ("nine", None, None),
    ],
)
def test_angolan_phone_numbers(value, phone, mobile):
    assert angolan_phone(value) == phone
    assert angolan_mobile(value) == mobile


def test_the_simulated_gateway_is_deterministic(settings):
    settings.PAYMENT_REFERENCE_ENTITY = "99999"
    simulated = payments.gateway()
    assert isinstance(simulated, payments.SimulatedGateway)
    amount = Decimal("10.00")
    assert simulated.charge(
        method=PaymentMethod.CARD, amount=amount, order_number="KT-1", card_number="4111 1111 1111 1111"
    ) == payments.Charge(approved=True, transaction_id="SIM-KT-1")
    assert not simulated.charge(
        method=PaymentMethod.CARD, amount=amount, order_number="KT-1", card_number="4000 0000 0000 0002"
    ).approved
    assert simulated.charge(
        method=PaymentMethod.MOBILE, amount=amount, order_number="KT-2", phone_number="923000000"
    ).approved
    assert not simulated.charge(
        method=PaymentMethod.MOBILE, amount=amount, order_number="KT-2", phone_number="+244 900 000 000"
    ).approved
    assert not simulated.charge(method=PaymentMethod.REFERENCE, amount=amount, order_number="KT-3").approved
    reference = simulated.issue_reference(order_id=42, order_number="KT-4", amount=amount)
    assert reference == payments.Reference(entity="99999", number="000000422")
    assert payments.luhn_valid(reference.number)
    assert simulated.refund(transaction_id="SIM-KT-1", amount=amount) is None


def test_the_gateway_class_comes_from_the_setting(settings):
    settings.PAYMENT_GATEWAY = "tests.helpers.RecordingGateway"
    assert type(payments.gateway()).__name__ == "RecordingGateway"


# ---------------------------------------------------------------- webhook


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.PAYMENT_WEBHOOK_SECRET = SECRET


@pytest.fixture
def pending(buyer):
    """A REFERENCE order waiting for its payment."""
    fill_cart(buyer, (make_product(name="Geleira", price="85000.00", stock_quantity=4), 1))
    (order,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    return order


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def paid(order: Order, **changes) -> bytes:
    payment = Payment.objects.get(order=order)
    message = {
        "event": "payment.completed",
        "entity": payment.reference_entity,
        "referenceNumber": payment.reference_number,
        "amount": str(payment.amount),
        "transactionId": "BANK-0001",
    }
    return json.dumps(message | changes).encode()


def post(client, body: bytes, signature: str | None = "auto", **headers):
    if signature == "auto":
        signature = sign(body)
    if signature is not None:
        headers["HTTP_X_KITANDA_SIGNATURE"] = signature
    return client.post(URL, body, content_type="application/json", **headers)


def test_a_signed_payment_confirms_the_order(client, pending):
    response = post(client, paid(pending))
    assert response.status_code == 200
    assert response.json() == {"status": "confirmed", "orderNumber": pending.order_number, "replayed": False}
    pending.refresh_from_db()
    payment = Payment.objects.get(order=pending)
    assert (pending.status, pending.payment_status) == ("confirmed", "completed")
    assert (payment.status, payment.transaction_id) == ("completed", "BANK-0001")
    assert list(
        OrderEvent.objects.filter(order=pending).values_list("actor", "from_status", "to_status")
    ) == [
        (pending.buyer_id, "", "pending"),
        (None, "pending", "confirmed"),
    ]


def test_a_replay_changes_nothing(client, pending):
    body = paid(pending)
    assert post(client, body).status_code == 200
    before = world()
    for _ in range(2):
        response = post(client, body)
        assert response.status_code == 200
        assert response.json()["replayed"] is True
    assert world() == before


def test_the_prefixed_signature_form_and_no_transaction_id(client, pending):
    body = paid(pending, transactionId=None)
    assert post(client, body, signature="sha256=" + sign(body)).status_code == 200
    payment = Payment.objects.get(order=pending)
    assert payment.transaction_id == f"REF-{payment.reference_entity}-{payment.reference_number}"


@pytest.mark.parametrize(
    "signature",
    [
        lambda body: None,
        lambda body: "",
        lambda body: "not-hex",
        lambda body: "0" * 64,
        lambda body: sign(b"another body"),
        lambda body: sign(body, secret="wrong"),
        lambda body: sign(body).upper() + "0",
        lambda body: "sha256=",
        lambda body: "ção" * 20,
    ],
    ids=[
        "missing",
        "empty",
        "garbage",
        "zeros",
        "other-body",
        "other-secret",
        "longer",
        "prefix-only",
        "non-ascii",
    ],
)
def test_a_bad_signature_is_403_and_changes_nothing(client, pending, signature):
    body = paid(pending)
    before = world()
    response = post(client, body, signature=signature(body))
    assert response.status_code == 403
    assert world() == before


def test_without_a_configured_secret_every_call_is_refused(client, pending, settings):
    settings.PAYMENT_WEBHOOK_SECRET = ""
    body = paid(pending)
    before = world()
    assert post(client, body, signature=hmac.new(b"", body, hashlib.sha256).hexdigest()).status_code == 403
    assert world() == before


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        (b"[1, 2, 3]", 400),
        (b"[" * 100000, 400),
        (b'{"event": "payment.completed"}', 400),
        (b'{"event": "payment.completed", "entity": 1, "referenceNumber": [], "amount": true}', 400),
        (b'{"event": "payment.refunded"}', 200),
    ],
    ids=["text", "bytes", "list", "deep", "empty", "types", "other-event"],
)
def test_garbage_with_a_good_signature_is_refused_without_a_500(client, pending, body, status):
    before = world()
    response = post(client, body)
    assert response.status_code == status
    assert world() == before


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"amount": "84999.99"}, 400),
        ({"amount": "85000.001"}, 400),
        ({"amount": "NaN"}, 400),
        ({"amount": "-85000.00"}, 400),
        ({"referenceNumber": "999999999"}, 404),
        ({"referenceNumber": "x\u0000y"}, 400),
        ({"entity": "00000"}, 404),
        ({"transactionId": "t" * 65}, 400),
    ],
)
def test_a_payment_that_does_not_match_is_refused(client, pending, changes, status):
    before = world()
    assert post(client, paid(pending, **changes)).status_code == status
    assert world() == before


def test_numbers_for_the_amount_are_accepted(client, pending):
    assert post(client, paid(pending, amount=85000)).status_code == 200


def test_a_used_transaction_id_is_refused(client, pending, buyer):
    fill_cart(buyer, (make_product(stock_quantity=1), 1))
    (other,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    assert post(client, paid(pending)).status_code == 200
    before = world()
    assert post(client, paid(other)).status_code == 400
    assert world() == before


def expire(order: Order) -> None:
    """Run expire_pending_orders on `order`, as if its reference had been waiting for 49 hours."""
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=49))
    call_command("expire_pending_orders", stdout=StringIO())


def late_payments() -> list[tuple]:
    return list(LatePayment.objects.values_list("order_id", "transaction_id", "amount", "refunded"))


def notes(order: Order) -> list[tuple]:
    return list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status", "note"))


@pytest.mark.parametrize("cancelled_by", ["expiry", "buyer"])
def test_a_payment_after_cancellation_is_recorded_refunded_and_answered_409(
    client, pending, buyer, gateway, caplog, cancelled_by
):
    if cancelled_by == "expiry":
        expire(pending)
    else:
        order_cancel(actor=buyer, order_number=pending.order_number)
    assert stock_of(pending.items.get().product) == 4
    history = notes(pending)

    with caplog.at_level(logging.ERROR, logger="domain.orders.reference_payments"):
        response = post(client, paid(pending))
    assert response.status_code == 409
    assert response.json() == {
        "error": "A encomenda está no estado CANCELLED: já não pode ser paga. O pagamento ficou registado e será reembolsado."
    }
    # The order stays cancelled with its stock back; the money is recorded, noted and given back.
    pending.refresh_from_db()
    assert (pending.status, pending.payment_status, Payment.objects.get(order=pending).status) == (
        "cancelled",
        "failed",
        "failed",
    )
    assert stock_of(pending.items.get().product) == 4
    assert late_payments() == [(pending.pk, "BANK-0001", Decimal("85000.00"), True)]
    assert gateway.refunds() == [("refund", "BANK-0001", Decimal("85000.00"))]
    assert notes(pending) == history + [
        (
            "cancelled",
            "cancelled",
            "payment reference paid after cancellation: 85000.00, transaction BANK-0001; refunding it",
        )
    ]
    logged = [r for r in caplog.records if r.name == "domain.orders.reference_payments"]
    assert [r.levelname for r in logged] == ["ERROR"]
    assert "BANK-0001" in logged[0].getMessage()


def test_a_replayed_late_payment_is_refunded_once(client, pending, gateway):
    expire(pending)
    body = paid(pending, amount=85000)  # a number: recorded as 85000.00 all the same
    assert post(client, body).status_code == 409
    before = world()
    for _ in range(2):
        response = post(client, body)
        assert response.status_code == 409
        assert response.json()["error"].endswith("Este pagamento já foi reembolsado.")
    assert world() == before
    assert gateway.refunds() == [("refund", "BANK-0001", Decimal("85000.00"))]


def test_a_reference_paid_twice_is_confirmed_once_and_the_second_payment_refunded(client, pending, gateway):
    assert post(client, paid(pending)).status_code == 200
    second = paid(pending, transactionId="BANK-0002")
    before = Order.objects.filter(pk=pending.pk).values_list("status", "payment_status").get()
    response = post(client, second)
    assert response.status_code == 409
    assert (
        response.json()["error"]
        == "Esta referência já foi paga. O pagamento ficou registado e será reembolsado."
    )
    assert Order.objects.filter(pk=pending.pk).values_list("status", "payment_status").get() == before
    late = LatePayment.objects.get()
    assert (late.order_id, late.transaction_id, late.refunded) == (pending.pk, "BANK-0002", True)
    assert OrderEvent.objects.filter(
        order=pending, note__startswith="payment reference paid a second time"
    ).exists()
    assert post(client, second).status_code == 409  # a replay refunds nothing again
    assert gateway.refunds() == [("refund", "BANK-0002", pending.payment.amount)]


def test_a_late_payment_whose_refund_fails_is_retried_by_the_replay(client, pending, gateway, monkeypatch):
    expire(pending)

    def refuse(self, **kwargs):
        raise payments.RefundFailed("gateway down")

    with monkeypatch.context() as patch:
        patch.setattr(gateway, "refund", refuse)
        response = post(client, paid(pending))
        assert response.status_code == 409
        assert response.json()["error"].endswith("O pagamento ficou registado e será reembolsado.")
        assert late_payments() == [(pending.pk, "BANK-0001", Decimal("85000.00"), False)]
        before = world()
        replay = post(client, paid(pending))  # the refund is tried again, and fails again
        assert replay.json()["error"].endswith("Este pagamento já tinha sido registado e será reembolsado.")
        assert world() == before
    assert post(client, paid(pending)).status_code == 409  # the gateway is back: the replay refunds
    assert late_payments() == [(pending.pk, "BANK-0001", Decimal("85000.00"), True)]
    assert gateway.refunds() == [("refund", "BANK-0001", Decimal("85000.00"))]
    assert [note for *_, note in notes(pending)][-1:] == [
        "payment reference paid after cancellation: 85000.00, transaction BANK-0001; refunding it",
    ]
    assert post(client, paid(pending)).status_code == 409
    assert len(gateway.refunds()) == 1


def test_a_late_payment_never_refunds_another_orders_transaction(client, pending, buyer, gateway):
    fill_cart(buyer, (make_product(stock_quantity=1), 1))
    (other,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    assert post(client, paid(other)).status_code == 200  # BANK-0001 is the other order's payment
    expire(pending)
    before = world()
    response = post(client, paid(pending))
    assert response.status_code == 400
    assert response.json() == {"error": "Este id de transacção já foi usado."}
    assert world() == before
    assert gateway.refunds() == []


def test_a_late_payments_transaction_cannot_confirm_another_order(client, pending, buyer, gateway):
    fill_cart(buyer, (make_product(stock_quantity=1), 1))
    (other,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    expire(pending)
    assert post(client, paid(pending)).status_code == 409
    before = world()
    assert post(client, paid(other)).status_code == 400
    assert world() == before


@pytest.mark.parametrize("amount", ["85000.001", "1E+20", "99999999999.99"])
def test_a_late_payment_with_an_impossible_amount_is_refused(client, pending, gateway, amount):
    expire(pending)
    before = world()
    response = post(client, paid(pending, amount=amount))
    assert response.status_code == 400
    assert world() == before
    assert gateway.refunds() == []


def test_only_post_and_no_csrf_token_needed(pending):
    client = Client(enforce_csrf_checks=True)
    assert client.get(URL).status_code == 405
    assert post(client, paid(pending)).status_code == 200


def test_a_paid_reference_can_be_refunded_with_the_banks_transaction(
    client, pending, buyer, gateway, django_capture_on_commit_callbacks
):
    post(client, paid(pending))
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(actor=buyer, order_number=pending.order_number)
    assert gateway.refunds() == [("refund", "BANK-0001", Decimal("85000.00"))]
    assert Payment.objects.get(order=pending).status == "refunded"
    # The gateway repeating the notification of that (already refunded) payment changes nothing.
    before = world()
    assert post(client, paid(pending)).status_code == 409
    assert world() == before
    assert len(gateway.refunds()) == 1


# ---------------------------------------------------------------- races (PostgreSQL)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("head_start", ["none", "webhook", "expiry"])
def test_a_confirmation_racing_the_expiry_leaves_a_consistent_order(settings, head_start):
    """Whichever takes the order's lock first wins: paid and CONFIRMED with the stock still taken,
    or CANCELLED with the stock back and the late payment refunded. The head start makes each
    ending very likely once; the assertions hold for either."""
    gateway = install_recording_gateway(settings)
    buyer = make_user(username="racer")
    product = make_product(name="Geleira", price="85000.00", stock_quantity=4)
    fill_cart(buyer, (product, 1))
    (order,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=49))
    body = paid(order)
    waits = {"none": (0, 0), "webhook": (0, 0.1), "expiry": (0.1, 0)}[head_start]

    def work(i: int):
        time.sleep(waits[i])
        if i == 0:
            return post(Client(), body)
        out = StringIO()
        call_command("expire_pending_orders", stdout=out)
        return out.getvalue()

    response, expired = run_in_threads(2, work)
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    if order.status == "confirmed":
        assert (order.payment_status, payment.status, payment.transaction_id) == (
            "completed",
            "completed",
            "BANK-0001",
        )
        assert response.status_code == 200
        assert expired.startswith("Cancelled 0 ")
        assert stock_of(product) == 3
        assert gateway.refunds() == []
        assert late_payments() == []
        assert [to for _, to, _ in notes(order)] == ["pending", "confirmed"]
    else:
        assert (order.status, order.payment_status, payment.status) == ("cancelled", "failed", "failed")
        assert response.status_code == 409
        assert expired.startswith("Cancelled 1 ")
        assert stock_of(product) == 4
        assert gateway.refunds() == [("refund", "BANK-0001", Decimal("85000.00"))]
        assert late_payments() == [(order.pk, "BANK-0001", Decimal("85000.00"), True)]
        assert [to for _, to, _ in notes(order)] == ["pending", "cancelled", "cancelled"]
