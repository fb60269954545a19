"""Background work: the order e-mails (each sent once, after the commit, in Portuguese with the order
number and kwanza totals), the thumbnail task, and the periodic jobs. Without a broker the tasks run
eagerly in-process after the commit; tests/test_worker.py runs them on a real worker."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from backend.celery import app
from domain.cart.models import Cart, new_cart_code
from domain.cart.tasks import cleanup_old_carts
from domain.catalog import services as catalog_services
from domain.catalog.models import Product
from domain.catalog.thumbnails import product_thumbnail_make
from domain.money import kwanza
from domain.notifications.models import NoticeKind, Notification
from domain.notifications.services import notifications_send
from domain.orders import fulfilment
from domain.orders.models import Order, PaymentMethod, Refund
from domain.orders.reference_payments import payment_confirm_reference
from domain.orders.tasks import expire_pending_orders, retry_refunds

from .factories import make_category, make_product
from .helpers import fill_cart, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(seller):
    return make_product(store=seller.store, name="Café do Amboim", price="1750.50", stock_quantity=10)


def checkout(buyer, product, django_capture_on_commit_callbacks, **changes) -> Order:
    fill_cart(buyer, (product, 2))
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(buyer, **changes)
    return order


def sent() -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mail.outbox]


def test_kwanza_amounts_read_as_in_angola():
    assert kwanza(Decimal("3501")) == "3.501,00 Kz"
    assert kwanza(Decimal("1234567.5")) == "1.234.567,50 Kz"
    assert kwanza(Decimal("0.1")) == "0,10 Kz"
    assert kwanza(Decimal("999")) == "999,00 Kz"


def test_a_paid_checkout_mails_the_buyer_and_the_seller_once_committed(
    buyer, seller, product, gateway, django_capture_on_commit_callbacks
):
    fill_cart(buyer, (product, 2))
    with django_capture_on_commit_callbacks() as after_commit:
        (order,) = place(buyer)
    assert mail.outbox == []  # nothing before the commit
    for callback in after_commit:
        callback()

    assert sent() == [
        (buyer.email, f"Kitanda: recebemos a sua encomenda {order.order_number}"),
        (seller.email, f"Kitanda: nova encomenda {order.order_number} na loja {seller.store.name}"),
    ]
    to_buyer, to_seller = mail.outbox
    assert "2 × Café do Amboim: 3.501,00 Kz" in to_buyer.body
    assert "Total: 3.501,00 Kz" in to_buyer.body
    assert "Pagamento por cartão: aprovado (3.501,00 Kz)." in to_buyer.body
    assert to_buyer.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert "Já está paga" in to_seller.body
    assert set(Notification.objects.values_list("kind", "recipient")) == {
        (NoticeKind.BUYER_PLACED, buyer.email),
        (NoticeKind.SELLER_NEW_ORDER, seller.email),
    }


def test_a_checkout_that_rolls_back_mails_nobody(buyer, product, gateway, django_capture_on_commit_callbacks):
    fill_cart(buyer, (product, 2))
    gateway.decline_charge_number = 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="Declined"):
        place(buyer)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_a_retried_task_sends_nothing_twice(buyer, product, gateway, django_capture_on_commit_callbacks):
    order = checkout(buyer, product, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    notices = [[order.pk, NoticeKind.BUYER_PLACED], [order.pk, NoticeKind.SELLER_NEW_ORDER]]
    assert notifications_send(notices=notices) == 0
    assert app.tasks["notifications.send"].apply(kwargs={"notices": notices}).get() == 0
    assert len(mail.outbox) == 2


def test_a_mail_server_failure_sends_only_the_rest_on_retry(
    buyer, seller, product, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    fill_cart(buyer, (product, 2))
    with django_capture_on_commit_callbacks():  # the e-mails are not sent here
        (order,) = place(buyer)
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def second_fails(self, messages):
        if len(mail.outbox) == 1:
            raise ConnectionError("SMTP server down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", second_fails)
    notices = [[order.pk, NoticeKind.BUYER_PLACED], [order.pk, NoticeKind.SELLER_NEW_ORDER]]
    with pytest.raises(ConnectionError):
        notifications_send(notices=notices)
    assert sent() == [(buyer.email, f"Kitanda: recebemos a sua encomenda {order.order_number}")]

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert notifications_send(notices=notices) == 1
    assert [to for to, _ in sent()] == [buyer.email, seller.email]


def test_a_reference_order_mails_its_reference_then_the_payment(
    buyer, seller, product, gateway, django_capture_on_commit_callbacks
):
    order = checkout(
        buyer,
        product,
        django_capture_on_commit_callbacks,
        payment_method=PaymentMethod.REFERENCE,
    )
    payment = order.payment
    placed = mail.outbox[0].body
    assert (
        f"Entidade: {payment.reference_entity}" in placed
        and f"Referência: {payment.reference_number}" in placed
    )
    assert "Montante: 3.501,00 Kz" in placed
    assert "Aguarda o pagamento" in mail.outbox[1].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm_reference(
            entity=payment.reference_entity, reference_number=payment.reference_number, amount=payment.amount
        )
    with django_capture_on_commit_callbacks(execute=True):  # the gateway's replay: no second e-mail
        payment_confirm_reference(
            entity=payment.reference_entity, reference_number=payment.reference_number, amount=payment.amount
        )
    assert sent() == [
        (buyer.email, f"Kitanda: pagamento confirmado da encomenda {order.order_number}"),
        (seller.email, f"Kitanda: a encomenda {order.order_number} foi paga"),
    ]
    assert "3.501,00 Kz" in mail.outbox[0].body


def test_shipping_and_cancelling_mail_the_buyer(
    buyer, seller, product, gateway, django_capture_on_commit_callbacks
):
    shipped = checkout(buyer, product, django_capture_on_commit_callbacks)
    cancelled = checkout(buyer, product, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("processing", "shipped", "delivered"):
            fulfilment.order_update_status(actor=seller, order_number=shipped.order_number, status=status)
        fulfilment.order_cancel(actor=buyer, order_number=cancelled.order_number)
    assert sent() == [
        (buyer.email, f"Kitanda: a encomenda {shipped.order_number} foi enviada"),
        (buyer.email, f"Kitanda: a encomenda {cancelled.order_number} foi cancelada"),
    ]
    assert "O reembolso de 3.501,00 Kz foi pedido" in mail.outbox[1].body


# ---------------------------------------------------------------- the periodic jobs


def test_the_beat_schedule_comes_from_the_settings():
    schedule = app.conf.beat_schedule
    assert schedule["expire-pending-orders"] == {
        "task": "orders.expire_pending_orders",
        "schedule": float(django_settings.ORDER_EXPIRY_INTERVAL),
    }
    assert schedule["cleanup-old-carts"]["schedule"] == float(django_settings.CART_CLEANUP_INTERVAL)
    assert schedule["retry-refunds"]["schedule"] == float(django_settings.REFUND_RETRY_INTERVAL)
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery's tasks modules
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)


def test_expiry_runs_as_a_task_and_mails_the_buyer(
    buyer, product, gateway, settings, django_capture_on_commit_callbacks
):
    order = checkout(
        buyer,
        product,
        django_capture_on_commit_callbacks,
        payment_method=PaymentMethod.REFERENCE,
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=49))
    mail.outbox.clear()
    settings.ORDER_EXPIRY_HOURS = 48
    with django_capture_on_commit_callbacks(execute=True):
        result = expire_pending_orders.delay().get()
    assert result == {"expired": [order.order_number], "failed": []}
    assert sent() == [(buyer.email, f"Kitanda: a encomenda {order.order_number} foi cancelada")]
    assert "O prazo para pagar a referência terminou." in mail.outbox[0].body


def test_refunds_are_retried_by_a_task(
    buyer, product, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    order = checkout(buyer, product, django_capture_on_commit_callbacks)
    monkeypatch.setattr(gateway, "refund", lambda self, **kwargs: (_ for _ in ()).throw(TimeoutError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
    assert Refund.objects.get().refunded_at is None
    monkeypatch.undo()
    assert retry_refunds.delay().get() == {"refunded": 1, "pending": 0}
    assert retry_refunds.delay().get() == {"refunded": 0, "pending": 0}


def test_idle_carts_are_cleaned_by_a_task(settings):
    old = Cart.objects.create(cart_code=new_cart_code())
    Cart.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    fresh = Cart.objects.create(cart_code=new_cart_code())
    settings.CART_IDLE_DAYS = 30
    assert cleanup_old_carts.delay().get() == 1
    assert list(Cart.objects.values_list("pk", flat=True)) == [fresh.pk]


# ---------------------------------------------------------------- thumbnails


def png(size=(800, 400)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    return SimpleUploadedFile("foto.png", out.getvalue(), content_type="image/png")


def test_the_thumbnail_is_made_after_the_commit_once(seller, django_capture_on_commit_callbacks):
    category = make_category()
    with django_capture_on_commit_callbacks() as after_commit:
        product = catalog_services.product_create(
            seller=seller,
            name="Pano",
            price=Decimal("10"),
            stock_quantity=1,
            category_id=category.pk,
            image=png(),
        )
    assert not Product.objects.get(pk=product.pk).thumbnail  # not before the task has run
    for callback in after_commit:
        callback()
    stored = Product.objects.get(pk=product.pk)
    with stored.thumbnail.open("rb") as thumbnail:
        assert Image.open(thumbnail).size == (400, 200)
    # Idempotent: run again, it keeps the thumbnail it made and writes no other file.
    assert product_thumbnail_make(product_id=product.pk, image=stored.image.name) is False
    assert Product.objects.get(pk=product.pk).thumbnail.name == stored.thumbnail.name


def test_a_thumbnail_task_for_a_replaced_image_does_nothing(seller, django_capture_on_commit_callbacks):
    category = make_category()
    with django_capture_on_commit_callbacks(execute=True):
        product = catalog_services.product_create(
            seller=seller,
            name="Pano",
            price=Decimal("10"),
            stock_quantity=1,
            category_id=category.pk,
            image=png(),
        )
    first = Product.objects.get(pk=product.pk)
    with django_capture_on_commit_callbacks():  # the new image's own task is not run
        catalog_services.product_update(seller=seller, product_id=product.pk, image=png((200, 200)))
    assert product_thumbnail_make(product_id=product.pk, image=first.image.name) is False
    assert not Product.objects.get(pk=product.pk).thumbnail


def test_with_the_broker_down_the_order_e_mails_are_sent_from_the_process(
    buyer, seller, product, gateway, django_capture_on_commit_callbacks, monkeypatch
):
    """A broker outage must not lose an order's e-mails: the task runs in this process instead."""
    from domain.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker cannot be reached")

    monkeypatch.setattr(tasks.notifications_send, "apply_async", broker_down)
    order = checkout(buyer, product, django_capture_on_commit_callbacks)
    assert sent() == [
        (buyer.email, f"Kitanda: recebemos a sua encomenda {order.order_number}"),
        (seller.email, f"Kitanda: nova encomenda {order.order_number} na loja {seller.store.name}"),
    ]
