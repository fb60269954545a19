"""What the tests share: opaque ids, snapshots of everything a refused operation must not change,
a recording payment gateway, threads for races, the PostgreSQL-only mark, products made as sellers
make them, and image uploads.

Queries are counted one way: pytest-django's `django_assert_num_queries` (its context's
`captured_queries` holds the SQL when a test needs to read it).
"""

from __future__ import annotations

import io
import json
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from graphql_jwt.shortcuts import get_token
from PIL import Image
from strawberry import relay

from domain.accounts.models import Store, User
from domain.cart.models import Cart, CartItem
from domain.catalog import services as catalog_services
from domain.catalog.models import Product, ProductVariant
from domain.catalog.variants import product_totals_refresh
from domain.economics.models import LedgerEntry
from domain.orders import checkout
from domain.orders.models import Checkout, LatePayment, Order, OrderEvent, Payment, PaymentMethod, Refund
from domain.orders.payments import Charge, SimulatedGateway
from graph.documents import operations

from .factories import make_category

VALID_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
PHONE = "+244 923 456 789"
ADDRESS = "Rua Amílcar Cabral 12, Luanda"

postgres_only = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks and concurrent transactions need PostgreSQL (SQLite serialises every writer)",
)


class CacheDown:
    """A cache (Redis) that is down: every call raises, as django-redis does then."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("redis is down")

        return fail


def gid(kind, pk=None) -> str:
    """The API's opaque id: `gid(product)` or `gid("Product", pk)`."""
    if pk is None:
        kind, pk = type(kind).__name__, kind.pk
    return str(relay.GlobalID(kind, str(pk)))


class RecordingGateway(SimulatedGateway):
    """The simulated gateway, recording every call; it can decline the n-th charge, be slow to
    charge (`delay`) or to refund (`refund_delay`)."""

    calls: list[tuple] = []
    lock = threading.Lock()
    decline_charge_number: int | None = None
    delay = 0.0
    refund_delay = 0.0

    def charge(self, **kwargs) -> Charge:
        with self.lock:
            self.calls.append(("charge", kwargs["order_number"], kwargs["amount"]))
            number = sum(1 for call in self.calls if call[0] == "charge")
        time.sleep(self.delay)
        if number == self.decline_charge_number:
            return Charge(approved=False, reason="Declined by the test gateway.")
        return super().charge(**kwargs)

    def refund(self, **kwargs) -> None:
        with self.lock:
            self.calls.append(("refund", kwargs["transaction_id"], kwargs["amount"]))
        time.sleep(self.refund_delay)
        return super().refund(**kwargs)

    @classmethod
    def charges(cls) -> list[tuple]:
        return [call for call in cls.calls if call[0] == "charge"]

    @classmethod
    def refunds(cls) -> list[tuple]:
        return [call for call in cls.calls if call[0] == "refund"]


def install_recording_gateway(settings) -> type[RecordingGateway]:
    """Make the recording gateway the PAYMENT_GATEWAY, with no calls yet and no special behaviour."""
    settings.PAYMENT_GATEWAY = f"{__name__}.RecordingGateway"
    RecordingGateway.calls = []
    RecordingGateway.decline_charge_number = None
    RecordingGateway.delay = 0.0
    RecordingGateway.refund_delay = 0.0
    return RecordingGateway


def fill_cart(user, *lines: tuple[Product | ProductVariant, int]) -> Cart:
    """The user's cart with these lines: a variant, or a product's default variant."""
    cart, _ = Cart.objects.get_or_create(user=user)
    for bought, quantity in lines:
        cart_line(cart, bought, quantity)
    return cart


def cart_line(cart: Cart, bought: Product | ProductVariant, quantity: int) -> CartItem:
    """A line written directly into `cart`: of a variant, or of a product's default variant."""
    variant = bought if isinstance(bought, ProductVariant) else default_variant(bought)
    return CartItem.objects.create(
        cart=cart, product_id=variant.product_id, variant=variant, quantity=quantity
    )


def default_variant(product: Product) -> ProductVariant:
    """The one variant of a product without options."""
    return ProductVariant.objects.get(product=product, is_default=True)


def stock_set(product: Product, quantity: int) -> None:
    """Set the stock of a product without options directly (its default variant's, and the
    product's total with it)."""
    ProductVariant.objects.filter(product=product, is_default=True).update(stock_quantity=quantity)
    product_totals_refresh(product_ids=[product.pk])


def checkout_input(**changes) -> dict:
    """The Checkout mutation's input, paid by a card that is approved."""
    return {
        "shippingAddress": ADDRESS,
        "contactPhone": PHONE,
        "paymentMethod": "CARD",
        "cardNumber": VALID_CARD,
    } | changes


def place(buyer, **changes) -> list[Order]:
    """Check the buyer's cart out through the service: by an approved card unless `changes` say
    otherwise (another payment_method takes no card)."""
    method = changes.get("payment_method", PaymentMethod.CARD)
    arguments = {
        "shipping_address": ADDRESS,
        "contact_phone": PHONE,
        "payment_method": method,
        "card_number": VALID_CARD if method == PaymentMethod.CARD else None,
    }
    return checkout.checkout_place(buyer=buyer, **(arguments | changes))


def order_of(buyer, product, *, quantity=2, method=PaymentMethod.CARD, status=None) -> Order:
    """A checkout of one line; `status` then set directly, as if the seller had moved it."""
    fill_cart(buyer, (product, quantity))
    (order,) = place(buyer, payment_method=method)
    if status is not None:
        Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def codes(errors: list[dict]) -> list[tuple[str | None, str]]:
    """A payload's errors as (field, code) pairs."""
    return [(error["field"], error["code"]) for error in errors]


def accounts_state() -> tuple[list, list]:
    """Everything an account or store operation could change."""
    users = list(
        User.objects.order_by("pk").values_list("pk", "username", "email", "user_type", "is_approved_seller")
    )
    stores = list(
        Store.objects.order_by("pk").values_list(
            "pk", "seller_id", "name", "slug", "description", "is_active", "logo"
        )
    )
    return users, stores


def world() -> dict:
    """Everything a checkout may change, to show that a refused one changed nothing."""
    return {
        "stock": list(Product.objects.order_by("pk").values_list("pk", "stock_quantity")),
        "variant_stock": list(ProductVariant.objects.order_by("pk").values_list("pk", "stock_quantity")),
        "lines": list(
            CartItem.objects.order_by("pk").values_list(
                "pk", "cart_id", "product_id", "variant_id", "quantity"
            )
        ),
        "checkouts": Checkout.objects.count(),
        "orders": list(Order.objects.order_by("pk").values_list("pk", "status", "payment_status")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "status")),
        "events": OrderEvent.objects.count(),
        "late_payments": list(
            LatePayment.objects.order_by("pk").values_list("pk", "transaction_id", "refunded")
        ),
        "refunds": refunds_owed(),
        "ledger": ledger_of(),
    }


def ledger_of(store=None) -> list[tuple]:
    """The ledger (of one store, or all): (store, kind, amount, tax, order number), oldest first."""
    entries = LedgerEntry.objects.order_by("pk")
    if store is not None:
        entries = entries.filter(store=store)
    return list(entries.values_list("store_id", "kind", "amount", "tax_amount", "order__order_number"))


def refunds_owed() -> list[tuple]:
    """Every refund recorded: (transaction id, amount, reason, refunded or still pending)."""
    return [
        (transaction_id, amount, reason, refunded_at is not None)
        for transaction_id, amount, reason, refunded_at in Refund.objects.order_by("pk").values_list(
            "transaction_id", "amount", "reason", "refunded_at"
        )
    ]


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock_quantity", flat=True).get(pk=product.pk)


def run_in_threads(count: int, work) -> list:
    """Run work(i) in `count` threads started together, each on its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


# ---------------------------------------------------------------- the catalogue and uploads


def add_product(
    seller, *, name: str, price="100.00", stock=5, category=None, description="", **changes
) -> Product:
    """A product created the way sellers create them; `changes` are then written directly."""
    product = catalog_services.product_create(
        seller=seller,
        name=name,
        description=description,
        price=Decimal(str(price)),
        stock_quantity=stock,
        category_id=(category or make_category()).pk,
    )
    if changes:
        Product.objects.filter(pk=product.pk).update(**changes)
        product.refresh_from_db()
    return product


def product_input(category, **changes) -> dict:
    """A valid ProductInput, as the seller dashboard sends it, with `changes` applied."""
    return {
        "name": "Rádio",
        "price": "10.00",
        "stockQuantity": 2,
        "categoryId": gid("Category", category.pk),
        **changes,
    }


def png(size=(600, 300), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, fmt)
    return out.getvalue()


def multipart(client, operation: str, variables: dict, files: dict[str, tuple[str, bytes]], user) -> dict:
    """POST the contract's `operation` as a GraphQL multipart request (operations, map, file parts),
    as the seller dashboard does; `files` maps a variable's path (`input.image`) to (name, content)."""
    mapping, parts = {}, {}
    for index, (path, (name, content)) in enumerate(files.items()):
        mapping[str(index)] = [f"variables.{path}"]
        handle = io.BytesIO(content)
        handle.name = name
        parts[str(index)] = handle
    body = {
        "operations": json.dumps({"query": operations()[operation], "variables": variables}),
        "map": json.dumps(mapping),
        **parts,
    }
    response = client.post("/graphql/", body, HTTP_AUTHORIZATION=f"Bearer {get_token(user)}")
    assert response.status_code == 200, response.content
    return response.json()


def compiled_selects(model):
    """(a list, a context) counting the SELECTs of `model` Django really compiles inside the context:
    their compilers are appended to the list (a kept SQL is sent without one)."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    real = SQLCompiler.as_sql
    seen = []

    def as_sql(self, *args, **kwargs):
        if self.query.model is model:
            seen.append(self)
        return real(self, *args, **kwargs)

    return seen, mock.patch.object(SQLCompiler, "as_sql", as_sql)
