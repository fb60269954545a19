"""The background work on a real Celery worker with a Redis broker (the services leg): the order
e-mails leave through the worker once the checkout commits, a task delivered twice sends nothing
twice, the thumbnail appears once its task has run, and the periodic expiry runs there too."""

from __future__ import annotations

import io
import os
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from backend.celery import app
from domain.catalog.models import Product
from domain.catalog.services import product_create
from domain.notifications.models import NoticeKind, Notification
from domain.notifications.tasks import notifications_send
from domain.orders.fulfilment import order_cancel
from domain.orders.models import Order, OrderStatus, PaymentMethod
from domain.orders.tasks import expire_pending_orders

from .factories import make_category, make_product
from .helpers import fill_cart, place
from .services import database_url, eventually, redis_url, running, services_leg

pytestmark = [services_leg, pytest.mark.django_db(transaction=True)]

BROKER_DB = 7


@pytest.fixture
def worker(settings, tmp_path):
    """A `celery worker` on Redis database 7 (this project's tests' broker, emptied at its start) and
    the test database; this process sends to it instead of running tasks eagerly. Its e-mails are
    files in the returned folder."""
    broker = redis_url(BROKER_DB)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PAYMENT_GATEWAY": "domain.orders.payments.SimulatedGateway",
    }
    command = [sys.executable, "-m", "celery", "-A", "backend", "worker", "--pool", "solo"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--purge", "-l", "INFO"]
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    log = tmp_path / "worker.log"
    try:
        with running(command, env=env, log=log) as process:
            assert eventually(lambda: "ready" in log.read_text(), timeout=60), log.read_text()
            _switch(task_always_eager=False, broker_url=broker)
            yield outbox
            assert process.poll() is None, log.read_text()
    finally:
        _switch(**saved)


def _switch(**conf) -> None:
    """Change the app's broker settings, dropping the connections made with the old ones (an eager
    task run earlier in this process made them, to the in-memory broker)."""
    app.conf.update(conf)
    app._pool = None  # kombu keeps the pools per broker (and reuses them when switching back)
    app.amqp._producer_pool = None


def mails(outbox) -> list[str]:
    return sorted(path.read_text() for path in outbox.iterdir())


def subjects(outbox) -> list[str]:
    return sorted(
        line.removeprefix("Subject: ")
        for text in mails(outbox)
        for line in text.splitlines()
        if line.startswith("Subject: ")
    )


def test_the_worker_sends_the_order_emails_once(worker, seller, buyer):
    product = make_product(store=seller.store, name="Cadeira", price="15000.00", stock_quantity=10)
    fill_cart(buyer, (product, 2))
    (order,) = place(buyer)  # committed: the task goes to Redis, the worker sends the mails

    assert eventually(lambda: len(subjects(worker)) == 2), subjects(worker)
    assert subjects(worker) == [
        f"Kitanda: nova encomenda {order.order_number} na loja {seller.store.name}",
        f"Kitanda: recebemos a sua encomenda {order.order_number}",
    ]
    assert any("Total: 30.000,00 Kz" in text for text in mails(worker))
    assert Notification.objects.filter(order=order, sent_at__isnull=False).count() == 2

    # The broker delivers the same task again: nothing is sent twice. The cancellation's own mail,
    # queued after it on the same queue, shows that the duplicate has run.
    notifications_send.delay(
        notices=[[order.pk, NoticeKind.BUYER_PLACED], [order.pk, NoticeKind.SELLER_NEW_ORDER]]
    )
    order_cancel(actor=buyer, order_number=order.order_number)
    assert eventually(lambda: len(subjects(worker)) == 3), subjects(worker)
    assert subjects(worker)[0] == f"Kitanda: a encomenda {order.order_number} foi cancelada"
    assert len(subjects(worker)) == 3


def test_the_worker_makes_thumbnails_and_runs_the_periodic_expiry(worker, seller, buyer):
    out = io.BytesIO()
    Image.new("RGB", (800, 400), "green").save(out, "PNG")
    image = SimpleUploadedFile("pano.png", out.getvalue(), content_type="image/png")
    created = product_create(
        seller=seller,
        name="Pano",
        price=Decimal("10"),
        stock_quantity=5,
        category_id=make_category().pk,
        image=image,
    )
    assert eventually(lambda: Product.objects.get(pk=created.pk).thumbnail), "no thumbnail"
    with Product.objects.get(pk=created.pk).thumbnail.open("rb") as thumbnail:
        assert Image.open(thumbnail).size == (400, 200)

    fill_cart(buyer, (created, 1))
    (order,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=49))
    expire_pending_orders.delay()  # what beat sends every ORDER_EXPIRY_INTERVAL seconds
    assert eventually(lambda: Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED)
    assert eventually(lambda: f"Kitanda: a encomenda {order.order_number} foi cancelada" in subjects(worker))
