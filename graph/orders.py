"""Checkout, orders, their lines and payments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.fields.field import StrawberryDjangoField

from domain.catalog import selectors as catalog_selectors
from domain.orders import checkout, fulfilment, models, selectors

from .catalog import SelectedOption
from .common import Connection, connection
from .delivery import ORDER_DELIVERY_ONLY, checkout_delivery, order_delivery
from .errors import UserError
from .permissions import Buyer, LoggedIn, Public, Seller, SellerOrAdmin, allow, mutation

if TYPE_CHECKING:
    from .accounts import Store
    from .catalog import Product, ProductVariant
    from .delivery import AddressInput, DeliveryChoiceInput, OrderDelivery

OrderStatus = strawberry.enum(models.OrderStatus, name="OrderStatus")
PaymentStatus = strawberry.enum(models.PaymentStatus, name="PaymentStatus")
PaymentMethod = strawberry.enum(models.PaymentMethod, name="PaymentMethod")


@strawberry_django.type(models.Payment, name="Payment")
class Payment(relay.Node):
    id: relay.NodeID[int]
    method: PaymentMethod
    status: PaymentStatus
    amount: Decimal
    transaction_id: str | None
    reference_number: str | None = strawberry_django.field(
        description="For REFERENCE payments: the number the buyer pays at a bank or ATM; "
        "each order of a checkout has its own reference for its own amount."
    )
    # Beyond the contract (additions are allowed): without the entity a reference cannot be paid.
    reference_entity: str | None = strawberry_django.field(
        description="For REFERENCE payments: the entity number to pay at a bank or ATM, "
        "together with referenceNumber."
    )
    created_at: datetime


class ProductUnlessDeleted(StrawberryDjangoField):
    """An order line's product, null once the product is deleted (the contract's rule; the
    catalogue's selectors decide)."""

    def get_result(self, source, info, args, kwargs):
        return catalog_selectors.product_unless_deleted(super().get_result(source, info, args, kwargs))


@strawberry_django.type(models.OrderItem, name="OrderItem")
class OrderItem(relay.Node):
    id: relay.NodeID[int]
    product: Annotated[Product, strawberry.lazy("graph.catalog")] | None = strawberry_django.field(
        field_cls=ProductUnlessDeleted,
        only=["product__deleted_at"],
        description="Null only if the product was deleted since.",
    )
    variant: Annotated[ProductVariant, strawberry.lazy("graph.catalog")] | None = strawberry_django.field(
        description="The variant bought; null only if it was deleted since (variantName, sku and options "
        "keep what it was)."
    )
    product_name: str = strawberry_django.field(
        description="Snapshots taken at checkout: later changes to the product do not touch them."
    )
    variant_name: str = strawberry_django.field(
        description='The variant\'s name at checkout ("40 / Preto"); empty for a product without options.'
    )
    sku: str = strawberry_django.field(description="The variant's SKU at checkout; empty when it had none.")
    price: Decimal
    quantity: int
    tax_rate: Decimal | None = strawberry_django.field(
        description="IVA in percent, as in force at checkout (prices include it); null on lines bought "
        "before it was recorded."
    )
    tax_amount: Decimal | None = strawberry_django.field(
        description="The IVA included in lineTotal, rounded half-up to the cent on this line."
    )

    @strawberry_django.field(only=["price", "quantity"])
    def line_total(self) -> Decimal:
        return self.line_total

    discount_amount: Decimal = strawberry_django.field(
        description="The line's share of a store coupon's discount (the store funds it), frozen at checkout."
    )
    platform_discount_amount: Decimal = strawberry_django.field(
        description="The line's share of a platform coupon's discount (the platform funds it), frozen at "
        "checkout."
    )

    @strawberry_django.field(
        only=["price", "quantity", "discount_amount", "platform_discount_amount"],
        description="What the buyer paid for the line: lineTotal less its shares of the discount; a refund "
        "gives back at most this.",
    )
    def paid_amount(self) -> Decimal:
        return self.paid_amount

    @strawberry_django.field(
        only=["options"],
        description="The variant's value of each option group at checkout, in the groups' order; empty for a "
        "product without options.",
    )
    def options(self) -> list[SelectedOption]:
        return [SelectedOption(name=option["name"], value=option["value"]) for option in self.options]


@strawberry_django.type(models.Order, name="Order")
class Order(relay.Node):
    id: relay.NodeID[int]
    order_number: str
    status: OrderStatus
    payment_status: PaymentStatus
    total_amount: Decimal
    shipping_address: str
    contact_phone: str = strawberry_django.field(description="The recipient's phone, for delivery.")
    store: Annotated[Store, strawberry.lazy("graph.accounts")] = strawberry_django.field(
        description="The one store that sells every item of this order: checkout splits a cart by store."
    )
    items: list[OrderItem]
    payment: Payment | None
    delivery_fee: Decimal = strawberry_django.field(description="Inside totalAmount; 0 without delivery.")
    coupon_code: str = strawberry_django.field(
        description="The coupon applied at checkout, as typed; empty without one."
    )
    discount_amount: Decimal = strawberry_django.field(
        description="The store coupon's discount on this order (the store funds it): its lines' shares."
    )
    platform_discount_amount: Decimal = strawberry_django.field(
        description="The platform coupon's discount on this order (the platform funds it)."
    )

    @strawberry_django.field(
        only=["discount_amount", "platform_discount_amount"],
        description="Every discount on this order, already taken off totalAmount.",
    )
    def discount_total(self) -> Decimal:
        return self.discount_amount + self.platform_discount_amount

    @strawberry_django.field(
        only=ORDER_DELIVERY_ONLY, description="Null for an order placed without a choice."
    )
    def delivery(self) -> Annotated[OrderDelivery, strawberry.lazy("graph.delivery")] | None:
        return order_delivery(self)

    created_at: datetime
    updated_at: datetime


@strawberry.input(name="CheckoutInput")
class CheckoutInput:
    shipping_address: str | None = strawberry.field(
        default=None,
        description="Free text. With provinceId: the street line of an address in that province. Alone, "
        "with no delivery choice: the orders are placed without a fee, their delivery arranged by each store "
        "(refused when the server requires a choice). Ignored with addressId or address.",
    )
    contact_phone: str = strawberry.field(
        description="The recipient's phone (an Angolan number), for delivery."
    )
    payment_method: PaymentMethod
    card_number: str | None = strawberry.field(
        default=None,
        description="CARD: the card number (the simulated gateway declines numbers ending in 0002).",
    )
    phone_number: str | None = strawberry.field(
        default=None,
        description="MOBILE: the phone number to charge (the simulated gateway declines 900000000).",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A client-chosen key: repeating a checkout with the same key returns the first "
        "result instead of charging twice.",
    )
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the buyer's addresses."
    )
    address: Annotated[AddressInput, strawberry.lazy("graph.delivery")] | None = strawberry.field(
        default=None, description="A new address for this checkout (not kept in the address book)."
    )
    province_id: strawberry.ID | None = strawberry.field(
        default=None, description="With shippingAddress: the province it is in."
    )
    delivery: list[Annotated[DeliveryChoiceInput, strawberry.lazy("graph.delivery")]] | None = (
        strawberry.field(
            default=None,
            description="One choice per store in the cart (Cart.deliveryOptions): its fee is recomputed and added "
            "to that store's order.",
        )
    )


@strawberry.type(name="CheckoutPayload")
class CheckoutPayload:
    orders: list[Order] | None = strawberry_django.field(
        default=None, description="One order per store in the cart, all paid and committed together, or none."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="OrderPayload")
class OrderPayload:
    order: Order | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


def _order_change(info: Info, action, **values) -> OrderPayload:
    """Run an order service as the caller and answer with the order."""
    order = action(actor=info.context.request.user, **values)
    # A queryset, so that the optimizer loads the store, lines, products and payment at once.
    return OrderPayload(order=selectors.order_list_by_pk(pks=[order.pk]))


def _status(status: models.OrderStatus | None) -> str | None:
    return None if status is None else status.value


@strawberry.type
class Query:
    @connection(Connection[Order], extensions=allow(Buyer))
    def my_orders(self, info: Info, status: OrderStatus | None = None) -> QuerySet[models.Order]:
        """BUYER: the buyer's own orders, newest first."""
        return selectors.order_list_for_buyer(user=info.context.request.user, status=_status(status))

    @strawberry_django.field(
        # Public: an anonymous caller gets null like anyone else who may not see the order.
        extensions=allow(Public),
        description="Visible to the buyer who placed it, the seller of its store, and admins; "
        "null for anyone else.",
    )
    def order(self, info: Info, order_number: str) -> Order | None:
        return selectors.order_by_number(user=info.context.request.user, order_number=order_number)

    @connection(
        Connection[Order], extensions=allow(Seller), description="SELLER: orders of the seller's own store."
    )
    def store_orders(self, info: Info, status: OrderStatus | None = None) -> QuerySet[models.Order]:
        return selectors.order_list_for_store(seller=info.context.request.user, status=_status(status))


@strawberry.type
class Mutation:
    @mutation(Buyer, description="BUYER")
    def checkout(self, info: Info, input: CheckoutInput) -> CheckoutPayload:
        orders = checkout.checkout_place(
            buyer=info.context.request.user,
            shipping_address=input.shipping_address or "",
            contact_phone=input.contact_phone,
            payment_method=input.payment_method.value,
            card_number=input.card_number,
            phone_number=input.phone_number,
            idempotency_key=input.idempotency_key,
            delivery=checkout_delivery(
                address_id=input.address_id,
                address=input.address,
                province_id=input.province_id,
                delivery=input.delivery,
            ),
        )
        # Querysets, so that the optimizer loads stores, lines, products and payments at once.
        return CheckoutPayload(orders=selectors.order_list_by_pk(pks=[order.pk for order in orders]))

    @mutation(
        LoggedIn,
        description="The order's buyer, while PENDING or CONFIRMED; or its store's seller; or an ADMIN. "
        "Restocks and refunds.",
    )
    def cancel_order(self, info: Info, order_number: str) -> OrderPayload:
        return _order_change(info, fulfilment.order_cancel, order_number=order_number)

    @mutation(
        Buyer,
        description="The order's buyer, while CONFIRMED, PROCESSING or SHIPPED: the payment is refunded, "
        "the order cancelled, the stock returned.",
    )
    def request_refund(self, info: Info, order_number: str) -> OrderPayload:
        return _order_change(info, fulfilment.order_refund, order_number=order_number)

    @mutation(
        SellerOrAdmin,
        description="The order's store's seller (or an ADMIN): CONFIRMED -> PROCESSING -> SHIPPED -> "
        "DELIVERED, one step at a time.",
    )
    def update_order_status(self, info: Info, order_number: str, status: OrderStatus) -> OrderPayload:
        return _order_change(
            info, fulfilment.order_update_status, order_number=order_number, status=status.value
        )
