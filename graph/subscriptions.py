"""Live updates: the root Subscription, served over websockets (graph/live.py).

Each subscription checks the caller's role like its query twin (myOrders, storeOrders, the public
catalogue), listens to the domain's topics (domain/live.py) and, for every event, reads the rows
again through the subscriber's scope (domain/orders/live.py): what the caller may no longer see
is not delivered. Order events carry `seq`, which only grows per order and per store; passing the
last one seen as `since` first replays what was stored after it, so a reconnect loses nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal

import strawberry
from channels.db import database_sync_to_async
from django.utils.translation import gettext
from strawberry import Info

from domain import live
from domain.accounts import selectors as account_selectors
from domain.errors import NotFound
from domain.orders import live as order_live
from domain.orders.models import OrderEvent

from .common import NO_SUCH_ID, decode_id
from .errors import bad_input, forbidden
from .orders import OrderStatus, PaymentStatus
from .permissions import Buyer, Public, SellerOrAdmin, allow

PRODUCTS_MAX = 50
DELIVERED_KEPT = 1000


@strawberry.type(name="OrderUpdate", description="One change of an order, as it happened.")
class OrderUpdate:
    seq: int = strawberry.field(
        description="Numbers events in the order they were written (they may arrive in another "
        "order: skip numbers already seen). Pass the last one seen as `since` when subscribing again: "
        "what was missed is replayed, with some events already seen."
    )
    order_number: str
    status: OrderStatus = strawberry.field(description="The order's status after this event.")
    from_status: OrderStatus | None = strawberry.field(description="Null for a new order.")
    payment_status: PaymentStatus = strawberry.field(description="The order's payment status now.")
    total_amount: Decimal
    at: datetime

    @classmethod
    def of(cls, event: OrderEvent) -> OrderUpdate:
        order = event.order
        return cls(
            seq=event.pk,
            order_number=order.order_number,
            status=OrderStatus(event.to_status),
            from_status=OrderStatus(event.from_status) if event.from_status else None,
            payment_status=PaymentStatus(order.payment_status),
            total_amount=order.total_amount,
            at=event.created_at,
        )


@strawberry.type(name="ProductAvailability")
class ProductAvailability:
    product_id: strawberry.ID
    in_stock: bool = strawberry.field(description="False also when the product is no longer sold.")
    stock_left: int


async def _order_updates(
    info: Info, topic: str, since: int | None, read
) -> AsyncGenerator[OrderUpdate, None]:
    """Listen first, then replay after `since`, then deliver live: `read(since=, pks=)` is the
    subscriber's scoped read, run for the replay and again for every event. Events arrive in commit
    order, which is not always `seq` order: each is delivered once, by its number."""
    delivered = Delivered()
    async with info.context.live.listening(topic) as queue:
        if since is not None:
            for event in await database_sync_to_async(read)(since=since, pks=None):
                if delivered.first_time(event.pk) and event.pk != since:
                    yield OrderUpdate.of(event)
        while True:
            message = await queue.get()
            pks = [pk for pk in message.get("events", ()) if pk not in delivered]
            if pks:
                for event in await database_sync_to_async(read)(since=None, pks=pks):
                    if delivered.first_time(event.pk):
                        yield OrderUpdate.of(event)


class Delivered:
    """The numbers of the events a subscription delivered, the last DELIVERED_KEPT of them."""

    def __init__(self) -> None:
        self.order: deque[int] = deque(maxlen=DELIVERED_KEPT)
        self.numbers: set[int] = set()

    def __contains__(self, pk: int) -> bool:
        return pk in self.numbers

    def first_time(self, pk: int) -> bool:
        if pk in self.numbers:
            return False
        if len(self.order) == self.order.maxlen:
            self.numbers.discard(self.order[0])
        self.order.append(pk)
        self.numbers.add(pk)
        return True


def _store_id(info: Info, store_id: strawberry.ID | None) -> int:
    """The store whose events the caller may follow: a seller's own, any one an admin names."""
    user = info.context.request.user
    if not user.is_marketplace_admin:
        store = account_selectors.store_of_seller(seller=user)
        if store is None or (
            store_id is not None and decode_id(store_id, "Store", field="storeId") != store.pk
        ):
            raise forbidden()
        return store.pk
    if store_id is None:
        raise bad_input(NO_SUCH_ID["Store"])
    pk = decode_id(store_id, "Store", field="storeId")
    if account_selectors.store_get(store_id=pk) is None:
        raise bad_input(NO_SUCH_ID["Store"])
    return pk


@strawberry.type
class Subscription:
    @strawberry.subscription(
        extensions=allow(Buyer), description="BUYER: changes of the buyer's own orders (status, payment)."
    )
    async def my_order_updates(
        self, info: Info, since: int | None = None
    ) -> AsyncGenerator[OrderUpdate, None]:
        user = info.context.request.user

        def read(*, since, pks):
            return order_live.order_events_for_buyer(user=user, since=since, pks=pks)

        async for update in _order_updates(info, live.buyer_topic(user.pk), since, read):
            yield update

    @strawberry.subscription(
        extensions=allow(SellerOrAdmin),
        description="SELLER: new orders, payments, cancellations and status steps of the seller's store; "
        "ADMIN: of the store named by storeId.",
    )
    async def store_order_events(
        self, info: Info, store_id: strawberry.ID | None = None, since: int | None = None
    ) -> AsyncGenerator[OrderUpdate, None]:
        user = info.context.request.user
        try:
            pk = await database_sync_to_async(_store_id)(info, store_id)
        except NotFound as error:
            raise bad_input(error.message) from error

        def read(*, since, pks):
            return order_live.order_events_for_store(user=user, store_id=pk, since=since, pks=pks)

        async for update in _order_updates(info, live.store_topic(pk), since, read):
            yield update

    @strawberry.subscription(
        extensions=allow(Public),
        description="Stock of up to 50 products (a product page): their current state first, then "
        "every change.",
    )
    async def product_availability(
        self, info: Info, ids: list[strawberry.ID]
    ) -> AsyncGenerator[ProductAvailability, None]:
        if not ids or len(ids) > PRODUCTS_MAX:
            raise bad_input(gettext("Name between 1 and %(max)s products.") % {"max": PRODUCTS_MAX})
        try:
            by_pk = {decode_id(value, "Product", field="ids"): value for value in ids}
        except NotFound as error:
            raise bad_input(error.message) from error
        read = database_sync_to_async(order_live.product_availability)
        async with info.context.live.listening(*(live.product_topic(pk) for pk in by_pk)) as queue:
            changed = list(by_pk)
            while True:
                stock = await read(product_ids=changed)
                for pk in changed:
                    left = stock.get(pk, 0)
                    yield ProductAvailability(product_id=by_pk[pk], in_stock=left > 0, stock_left=left)
                message = await queue.get()
                changed = [pk for pk in message.get("products", ()) if pk in by_pk]
