"""Orders, their lines, payments and status changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from domain.orders import models

if TYPE_CHECKING:
    from .accounts import Store
    from .catalog import Product

OrderStatus = strawberry.enum(models.OrderStatus, name="OrderStatus")
PaymentStatus = strawberry.enum(models.PaymentStatus, name="PaymentStatus")
PaymentMethod = strawberry.enum(models.PaymentMethod, name="PaymentMethod")


@strawberry_django.type(models.Payment, name="Payment")
class Payment(relay.Node):
    method: PaymentMethod
    status: PaymentStatus
    amount: Decimal
    transaction_id: str | None
    reference_number: str | None = strawberry_django.field(
        description="For REFERENCE payments: the number the buyer pays at a bank or ATM; "
        "each order of a checkout has its own reference for its own amount."
    )
    reference_entity: str | None = strawberry_django.field(
        description="For REFERENCE payments: the entity number to pay at a bank or ATM."
    )
    created_at: datetime


@strawberry_django.type(models.OrderItem, name="OrderItem")
class OrderItem(relay.Node):
    product: Annotated[Product, strawberry.lazy("graph.catalog")] | None = strawberry_django.field(
        description="Null only if the product was deleted since."
    )
    product_name: str
    price: Decimal
    quantity: int

    @strawberry_django.field(only=["price", "quantity"])
    def line_total(self) -> Decimal:
        return self.line_total


@strawberry_django.type(models.Order, name="Order")
class Order(relay.Node):
    order_number: str
    status: OrderStatus
    payment_status: PaymentStatus
    total_amount: Decimal
    shipping_address: str
    contact_phone: str = strawberry_django.field(description="The recipient's phone, for delivery.")
    store: Annotated[Store, strawberry.lazy("graph.accounts")]
    items: list[OrderItem]
    payment: Payment | None
    created_at: datetime
    updated_at: datetime
