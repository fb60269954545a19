"""Live updates: GraphQL subscriptions over graphql-transport-ws (graph/live.py, graph/subscriptions.py)
fed by the domain's events after commit (domain/live.py, domain/orders/live.py).

Each scenario runs the real websocket application (backend.asgi) in channels' WebsocketCommunicator,
on the channel layer of the settings (in memory, or Redis with REDIS_URL); database work inside a
scenario goes through database_sync_to_async, as the consumer's does. The tests commit for real
(transaction=True): events are published only after a commit.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from graphql_jwt.shortcuts import get_token

from backend.asgi import websocket_application
from domain import live
from domain.accounts.credentials import user_lock
from domain.orders import fulfilment
from domain.orders.models import Order, OrderStatus, PaymentMethod
from domain.orders.reference_payments import payment_confirm_reference

from .helpers import add_product, fill_cart, gid, place

pytestmark = pytest.mark.django_db(transaction=True)

MY_ORDERS = "subscription ($since: Int) { myOrderUpdates(since: $since) { seq orderNumber status fromStatus paymentStatus } }"
STORE_EVENTS = (
    "subscription ($store: ID, $since: Int) "
    "{ storeOrderEvents(storeId: $store, since: $since) { seq orderNumber status paymentStatus } }"
)
AVAILABILITY = (
    "subscription ($ids: [ID!]!) { productAvailability(ids: $ids) { productId inStock stockLeft } }"
)
QUIET = 0.3  # how long "nothing arrives" is waited for


@pytest.fixture(autouse=True)
def _fast_checks(settings):
    settings.LIVE_AUTH_CHECK_SECONDS = 0.1


def run(scenario):
    """Run an async scenario from the test's thread (its database work comes back to this thread)."""
    return async_to_sync(scenario)()


def db(function, *args, **kwargs):
    return database_sync_to_async(function)(*args, **kwargs)


class Socket:
    """One graphql-transport-ws connection."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.ids = 0

    @classmethod
    async def open(
        cls, user=None, *, payload: dict | None = None, client=("10.0.0.1", 5000), headers=(), init=True
    ) -> Socket:
        communicator = WebsocketCommunicator(
            websocket_application, "/graphql/", headers=list(headers), subprotocols=["graphql-transport-ws"]
        )
        communicator.scope["client"] = client
        connected, _ = await communicator.connect()
        assert connected
        socket = cls(communicator)
        if not init:
            return socket
        if payload is None:
            payload = {"authorization": f"Bearer {await db(get_token, user)}"} if user is not None else {}
        await communicator.send_json_to({"type": "connection_init", "payload": payload})
        return socket

    async def acked(self) -> Socket:
        assert await self.communicator.receive_json_from(timeout=3) == {"type": "connection_ack"}
        return self

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        self.ids += 1
        id_ = str(self.ids)
        message = {"id": id_, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        await self.communicator.send_json_to(message)
        await asyncio.sleep(0.05)  # the subscription joins its topics
        return id_

    async def receive(self, timeout: float = 3) -> dict:
        return await self.communicator.receive_json_from(timeout=timeout)

    async def next_data(self, id_: str | None = None) -> dict:
        message = await self.receive()
        assert message["type"] == "next", message
        assert id_ is None or message["id"] == id_
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]

    async def quiet(self) -> bool:
        return await self.communicator.receive_nothing(timeout=QUIET)

    async def closed_with(self, timeout: float = 5) -> int:
        message = await self.communicator.receive_output(timeout=timeout)
        assert message["type"] == "websocket.close", message
        return message.get("code")

    async def close(self) -> None:
        await self.communicator.disconnect()


def reference_order(buyer, product, quantity=1) -> Order:
    fill_cart(buyer, (product, quantity))
    (order,) = place(buyer, payment_method=PaymentMethod.REFERENCE)
    return order


def reference_paid(order: Order) -> None:
    payment = order.payment
    payment.refresh_from_db()
    payment_confirm_reference(
        entity=payment.reference_entity, reference_number=payment.reference_number, amount=payment.amount
    )


# ---------------------------------------------------------------- published after commit


@pytest.fixture
def published():
    """What the domain publishes, recorded instead of sent."""
    events: list[tuple[str, dict]] = []
    live.publisher_install(lambda topic, event: events.append((topic, event)))
    yield events
    from backend.live import channel_layer_publish

    live.publisher_install(channel_layer_publish)


def test_a_checkout_publishes_its_events_to_the_buyer_and_the_store_after_commit(published, buyer, product):
    published.clear()  # the product's creation
    order = reference_order(buyer, product)
    store = live.store_topic(product.store_id)
    events = list(order.events.values_list("pk", flat=True))
    assert sorted(published, key=str) == sorted(
        [
            (live.product_topic(product.pk), {"products": [product.pk]}),  # its stock moved
            (live.buyer_topic(buyer.pk), {"events": events}),
            (store, {"events": events}),
        ],
        key=str,
    )
    published.clear()
    reference_paid(order)  # the webhook's service
    (paid,) = order.events.filter(to_status=OrderStatus.CONFIRMED)
    assert sorted(published, key=str) == sorted(
        [(live.buyer_topic(buyer.pk), {"events": [paid.pk]}), (store, {"events": [paid.pk]})], key=str
    )


def test_a_change_that_rolls_back_publishes_nothing(published, buyer, seller, product):
    order = reference_order(buyer, product)
    published.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        reference_paid(order)
        fulfilment.order_cancel(actor=buyer, order_number=order.order_number)
        raise RuntimeError("the caller fails after the services")
    assert published == []
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING


def test_a_seller_changing_stock_publishes_availability_and_a_rename_does_not(published, seller, product):
    from domain.catalog import services as catalog_services

    published.clear()  # the product's creation
    catalog_services.product_update(seller=seller, product_id=product.pk, name="Telemóvel Kianda 2")
    assert published == []
    catalog_services.product_update(seller=seller, product_id=product.pk, stock_quantity=9)
    assert published == [(live.product_topic(product.pk), {"products": [product.pk]})]


# ---------------------------------------------------------------- delivery


def test_the_buyer_sees_the_reference_payment_arrive_live_and_nobody_else_does(
    buyer, other_buyer, seller, other_seller, product
):
    order = reference_order(buyer, product)

    async def scenario():
        mine = await (await Socket.open(buyer)).acked()
        theirs = await (await Socket.open(other_buyer)).acked()
        store = await (await Socket.open(seller)).acked()
        other_store = await (await Socket.open(other_seller)).acked()
        await mine.subscribe(MY_ORDERS)
        await theirs.subscribe(MY_ORDERS)
        await store.subscribe(STORE_EVENTS)
        await other_store.subscribe(STORE_EVENTS)
        await db(reference_paid, order)
        expected = {"orderNumber": order.order_number, "status": "CONFIRMED", "paymentStatus": "COMPLETED"}
        update = (await mine.next_data())["myOrderUpdates"]
        assert update | expected == update and update["fromStatus"] == "PENDING"
        assert (await store.next_data())["storeOrderEvents"] | expected == (await _same(update))
        assert await theirs.quiet() and await other_store.quiet()
        for socket in (mine, theirs, store, other_store):
            await socket.close()

    async def _same(update):
        return {key: update[key] for key in ("seq", "orderNumber", "status", "paymentStatus")}

    run(scenario)


def test_since_replays_what_was_missed_then_goes_on_live(buyer, seller, product):
    first = reference_order(buyer, product)
    (placed,) = first.events.values_list("pk", flat=True)
    reference_paid(first)
    second = reference_order(buyer, product)

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(MY_ORDERS, {"since": placed})
        replayed = [(await socket.next_data())["myOrderUpdates"] for _ in range(2)]
        assert [(u["orderNumber"], u["status"]) for u in replayed] == [
            (first.order_number, "CONFIRMED"),
            (second.order_number, "PENDING"),
        ]
        assert replayed[0]["seq"] > placed and replayed[1]["seq"] > replayed[0]["seq"]
        await db(fulfilment.order_cancel, actor=buyer, order_number=second.order_number)
        live_update = (await socket.next_data())["myOrderUpdates"]
        assert (live_update["orderNumber"], live_update["status"]) == (second.order_number, "CANCELLED")
        assert live_update["seq"] > replayed[1]["seq"]
        assert await socket.quiet()
        await socket.close()

    run(scenario)


def test_an_event_committed_after_a_later_numbered_one_is_delivered_and_replayed(buyer, seller, product):
    """Two transactions commit in another order than they wrote: nothing is skipped."""
    first, second = reference_order(buyer, product), reference_order(buyer, product)
    (low,) = first.events.values_list("pk", flat=True)
    (high,) = second.events.values_list("pk", flat=True)

    async def scenario():
        from channels.layers import get_channel_layer

        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(MY_ORDERS)
        topic = live.buyer_topic(buyer.pk)
        for pk in (high, low, high):  # the higher number's commit first; then a duplicate
            await get_channel_layer().group_send(
                topic, {"type": "live.event", "topic": topic, "event": {"events": [pk]}}
            )
        seqs = [(await socket.next_data())["myOrderUpdates"]["seq"] for _ in range(2)]
        assert seqs == [high, low] and await socket.quiet()
        # A client that saw `high` first and reconnects with it gets `low` too (written just before).
        again = await (await Socket.open(buyer)).acked()
        await again.subscribe(MY_ORDERS, {"since": high})
        assert (await again.next_data())["myOrderUpdates"]["seq"] == low
        assert await again.quiet()
        await socket.close()
        await again.close()

    run(scenario)


def test_every_event_is_checked_again_at_delivery_a_deactivated_store_receives_nothing(
    buyer, seller, product
):
    order = reference_order(buyer, product)

    async def scenario():
        socket = await (await Socket.open(seller)).acked()
        await socket.subscribe(STORE_EVENTS)
        await db(lambda: type(seller.store).objects.filter(pk=seller.store.pk).update(is_active=False))
        await db(reference_paid, order)
        assert await socket.quiet()
        await socket.close()

    run(scenario)


def test_an_admin_names_the_store_whose_events_to_follow(buyer, seller, other_seller, admin, product):
    order = reference_order(buyer, product)

    async def scenario():
        named = await (await Socket.open(admin)).acked()
        other = await (await Socket.open(admin)).acked()
        await named.subscribe(STORE_EVENTS, {"store": gid("Store", product.store_id)})
        await other.subscribe(STORE_EVENTS, {"store": gid("Store", other_seller.store.pk)})
        await db(reference_paid, order)
        assert (await named.next_data())["storeOrderEvents"]["orderNumber"] == order.order_number
        assert await other.quiet()
        await named.close()
        await other.close()

    run(scenario)


def test_product_availability_sends_the_stock_then_every_move(buyer, seller, product):
    hidden = add_product(seller, name="Escondido", price="10.00", stock=4, category=product.category)
    hidden.is_active = False
    hidden.save(update_fields=["is_active"])

    async def scenario():
        socket = await (await Socket.open()).acked()  # anonymous: a public product page
        ids = [gid("Product", product.pk), gid("Product", hidden.pk)]
        await socket.subscribe(AVAILABILITY, {"ids": ids})
        first = [(await socket.next_data())["productAvailability"] for _ in range(2)]
        assert first == [
            {"productId": ids[0], "inStock": True, "stockLeft": 3},
            {"productId": ids[1], "inStock": False, "stockLeft": 0},  # not on sale: nothing told
        ]
        await db(reference_order, buyer, product, 3)
        assert (await socket.next_data())["productAvailability"] == {
            "productId": ids[0],
            "inStock": False,
            "stockLeft": 0,
        }
        assert await socket.quiet()
        await socket.close()

    run(scenario)


def test_two_subscriptions_on_one_socket_completing_one_leaves_the_other_delivering(buyer, seller, product):
    order = reference_order(buyer, product)

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        first = await socket.subscribe(MY_ORDERS)
        second = await socket.subscribe(MY_ORDERS)
        await socket.communicator.send_json_to({"id": first, "type": "complete"})
        await asyncio.sleep(0.05)
        await db(reference_paid, order)
        assert (await socket.next_data(second))["myOrderUpdates"]["status"] == "CONFIRMED"
        assert await socket.quiet()
        await socket.close()

    run(scenario)


# ---------------------------------------------------------------- who may subscribe

ALLOWED = {
    "myOrderUpdates": {"buyer"},
    "storeOrderEvents": {"seller", "other_seller"},
    "productAvailability": {"anonymous", "buyer", "seller", "other_seller", "admin"},
}


@pytest.mark.parametrize("subscription", sorted(ALLOWED))
@pytest.mark.parametrize("role", ["anonymous", "buyer", "seller", "other_seller", "admin"], indirect=True)
def test_each_subscription_checks_the_role_like_its_query_twin(subscription, role, request, product):
    query = {
        "myOrderUpdates": MY_ORDERS,
        "storeOrderEvents": STORE_EVENTS,
        "productAvailability": AVAILABILITY,
    }
    variables = {"ids": [gid("Product", product.pk)]} if subscription == "productAvailability" else {}
    name = request.node.callspec.params["role"]

    async def scenario():
        socket = await (await Socket.open(role)).acked()
        await socket.subscribe(query[subscription], variables)
        if name in ALLOWED[subscription] and subscription != "productAvailability":
            assert await socket.quiet()  # listening: nothing to say until an event
        elif name in ALLOWED[subscription]:
            message = await socket.receive()
            assert message["type"] == "next" and "errors" not in message["payload"], message
        else:
            message = await socket.receive()
            errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            codes = [error["extensions"]["code"] for error in errors]
            # an admin names the store it follows: without one, its input is refused
            admin = "BAD_USER_INPUT" if subscription == "storeOrderEvents" else "FORBIDDEN"
            expected = {"anonymous": "UNAUTHENTICATED", "admin": admin}.get(name, "FORBIDDEN")
            assert codes == [expected], message
        await socket.close()

    run(scenario)


# ---------------------------------------------------------------- the connection's token


def test_a_bad_token_is_refused_with_4403():
    async def scenario():
        socket = await Socket.open(payload={"authorization": "Bearer not-a-token"})
        assert await socket.closed_with() == 4403

    run(scenario)


@pytest.mark.parametrize("end", ["lock", "password"])
def test_a_revoked_token_closes_the_socket_within_five_seconds(end, buyer):
    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(MY_ORDERS)
        await asyncio.sleep(0.01)  # a token issued in the same millisecond as the revocation stays valid
        if end == "lock":
            await db(user_lock, user=buyer)
        else:
            await db(
                lambda: (buyer.set_password("another secret 2026"), buyer.save(update_fields=["password"]))
            )
        assert await socket.closed_with(timeout=5) == 4403

    run(scenario)


def test_an_expired_token_closes_the_socket(settings, buyer):
    from datetime import timedelta

    settings.GRAPHQL_JWT = settings.GRAPHQL_JWT | {"JWT_EXPIRATION_DELTA": timedelta(seconds=1)}

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        assert await socket.closed_with(timeout=5) == 4403

    run(scenario)


# ---------------------------------------------------------------- bounds


def test_a_socket_that_never_sends_connection_init_is_closed_with_4408(settings):
    settings.LIVE_INIT_TIMEOUT_SECONDS = 1

    async def scenario():
        socket = await Socket.open(init=False)
        assert await socket.closed_with(timeout=3) == 4408

    run(scenario)


def test_subscriptions_per_connection_are_limited(settings, buyer):
    settings.LIVE_MAX_SUBSCRIPTIONS = 1

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(MY_ORDERS)
        second = await socket.subscribe(MY_ORDERS)
        message = await socket.receive()
        assert (message["id"], message["type"]) == (second, "error")
        assert message["payload"][0]["message"] == "Subscription limit reached"
        await socket.close()

    run(scenario)


def test_connections_per_client_address_are_limited(settings):
    settings.LIVE_MAX_CONNECTIONS_PER_IP = 2

    async def scenario():
        first = await (await Socket.open(client=("10.0.0.9", 1))).acked()
        second = await (await Socket.open(client=("10.0.0.9", 2))).acked()
        third = WebsocketCommunicator(
            websocket_application, "/graphql/", subprotocols=["graphql-transport-ws"]
        )
        third.scope["client"] = ("10.0.0.9", 3)
        assert (await third.connect())[0] is False  # refused before the handshake
        elsewhere = await (await Socket.open(client=("10.0.0.10", 1))).acked()
        await second.close()
        fourth = await (await Socket.open(client=("10.0.0.9", 4))).acked()  # a place freed
        for socket in (first, elsewhere, fourth):
            await socket.close()

    run(scenario)


def test_behind_a_trusted_proxy_the_limit_counts_the_address_it_forwarded(settings):
    """As for HTTP (backend/client_ip.py): the proxy's own address is not the client's, and an entry
    the client wrote itself (left of the proxy's) changes nothing."""
    settings.LIVE_MAX_CONNECTIONS_PER_IP = 1
    settings.TRUSTED_PROXY_COUNT = 1

    def through_proxy(forwarded: str) -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(
            websocket_application,
            "/graphql/",
            headers=[(b"x-forwarded-for", forwarded.encode())],
            subprotocols=["graphql-transport-ws"],
        )
        communicator.scope["client"] = ("127.0.0.1", 40000)  # nginx
        return communicator

    async def scenario():
        first, other = through_proxy("203.0.113.7"), through_proxy("203.0.113.8")
        assert (await first.connect())[0] and (await other.connect())[0]  # two clients, one proxy
        spoofed = through_proxy("198.51.100.1, 203.0.113.7")
        assert (await spoofed.connect())[0] is False  # still 203.0.113.7: its one place is taken
        for communicator in (first, other):
            await communicator.disconnect()

    run(scenario)


def test_a_client_that_falls_behind_is_disconnected_not_queued_without_end(settings, buyer, product):
    settings.LIVE_QUEUE_SIZE = 2
    # Publishing must outrun the subscription: in memory it does; through Redis (the services leg)
    # a publish costs about what a delivery does, so the queue might never fill.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    order = reference_order(buyer, product)
    event = order.events.get().pk

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(MY_ORDERS)
        for n in range(1, 21):  # faster than the subscription reads each one back
            await live_publish(live.buyer_topic(buyer.pk), {"events": [event + n]})
        while (message := await socket.communicator.receive_output(timeout=3))["type"] != "websocket.close":
            pass
        assert message["code"] == 1013

    async def live_publish(topic, event):
        from channels.layers import get_channel_layer

        await get_channel_layer().group_send(topic, {"type": "live.event", "topic": topic, "event": event})

    run(scenario)


def test_the_document_limits_of_queries_apply_to_subscriptions(settings, buyer):
    settings.GRAPHQL_MAX_ALIASES = 3
    aliases = " ".join(f"a{n}: seq" for n in range(4))

    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe(f"subscription {{ myOrderUpdates {{ {aliases} }} }}")
        message = await socket.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [error["extensions"]["code"] for error in errors] == ["QUERY_TOO_COMPLEX"], message
        await socket.close()

    run(scenario)


def test_queries_and_mutations_are_not_served_on_the_socket(buyer):
    async def scenario():
        socket = await (await Socket.open(buyer)).acked()
        await socket.subscribe("query { me { username } }")
        message = await socket.receive()
        assert message["type"] == "error", message
        assert [error["extensions"]["code"] for error in message["payload"]] == ["BAD_USER_INPUT"]
        await socket.close()

    run(scenario)


def test_ping_is_answered_and_messages_follow_the_handshake_language(buyer):
    async def scenario():
        socket = await (await Socket.open(headers=[(b"accept-language", b"en")])).acked()
        await socket.communicator.send_json_to({"type": "ping"})
        assert await socket.receive() == {"type": "pong"}
        await socket.subscribe(MY_ORDERS)
        message = await socket.receive()
        assert message["payload"][0]["message"] == "You must be logged in to do this."
        await socket.close()

    run(scenario)


def test_after_many_abrupt_disconnects_tasks_groups_and_counters_return_to_the_baseline(settings, buyer):
    from channels.layers import get_channel_layer

    from graph.live import CONNECTIONS_BY_IP

    settings.LIVE_MAX_CONNECTIONS_PER_IP = 1000

    async def scenario():
        layer = get_channel_layer()
        baseline, counted = len(asyncio.all_tasks()), dict(CONNECTIONS_BY_IP)
        for _ in range(4):
            sockets = [await (await Socket.open(buyer)).acked() for _ in range(25)]
            for socket in sockets:
                await socket.subscribe(MY_ORDERS)
            for socket in sockets:  # the client goes away without completing anything
                await socket.communicator.send_input({"type": "websocket.disconnect", "code": 1006})
            for socket in sockets:
                await socket.communicator.wait(timeout=3)
        for _ in range(50):  # cancelled subscriptions leave their groups (a round trip to Redis) and end
            if len(asyncio.all_tasks()) == baseline:
                break
            await asyncio.sleep(0.1)
        assert len(asyncio.all_tasks()) == baseline
        assert dict(CONNECTIONS_BY_IP) == counted
        if hasattr(layer, "groups"):  # the in-memory layer: no group keeps a channel of a gone socket
            assert not any(layer.groups.get(live.buyer_topic(buyer.pk), {}))

    run(scenario)
