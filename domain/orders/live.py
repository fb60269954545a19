"""Live updates of orders and stock: what is published when (after the commit, domain/live.py) and
what a subscriber may read back when it delivers.

Every OrderEvent (events.py: placed, paid, each status step, a cancellation, a late payment) is
published on its buyer's and its store's topics once its transaction commits, whether it was
written by a request, a Celery task or a command. The event's primary key is its sequence number:
it grows in the order events are written, so a subscriber that reconnects passes the last one it
saw as `since` and reads what it missed from the stored events (`order_events_for_*`), then goes
on live without a gap. Transactions commit in another order than they write (two checkouts of
one store), so an event may arrive after one with a higher number: the replay also returns the
events written up to REPLAY_LAG before `since`, and subscribers skip the numbers they have.
The reads are scoped to the subscriber like the order selectors, and run again for every event
delivered: an order moved to another store, a store deactivated or a seller who lost it stops
the delivery at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import DateTimeField, ExpressionWrapper, Q, QuerySet, Subquery, Value
from django.db.models.signals import post_save

from domain import live
from domain.catalog.models import Product
from domain.catalog.selectors import product_filter_visible

from .models import OrderEvent
from .signals import orders_placed

# The most events one replay returns: a client further behind reloads its orders.
REPLAY_MAX = 200
# Longer than any transaction that writes an order event (checkout's, with its gateway call, is
# bounded by the gateway's timeouts): an event written before `since` but committed after it is
# written at most this long before it.
REPLAY_LAG = timedelta(minutes=2)
# Product fields whose change changes availability.
AVAILABILITY_FIELDS = {"stock_quantity", "is_active", "deleted_at"}


def order_events_publish(events: list[tuple[int, int, int]]) -> None:
    """Publish events (pk, buyer id, store id) of one transaction after its commit, one message
    per buyer and per store."""
    by_topic: dict[str, list[int]] = {}
    for pk, buyer_id, store_id in events:
        by_topic.setdefault(live.buyer_topic(buyer_id), []).append(pk)
        by_topic.setdefault(live.store_topic(store_id), []).append(pk)
    for topic, pks in by_topic.items():
        live.publish_after_commit(topic, {"events": sorted(pks)})


def order_event_saved(sender, instance: OrderEvent, created: bool, **kwargs) -> None:
    if created:
        order = instance.order
        order_events_publish([(instance.pk, order.buyer_id, order.store_id)])


def orders_placed_publish(sender, orders, events=None, **kwargs) -> None:
    """Checkout writes its events in bulk (no post_save): they are published from here, from the
    `events` it passes when their inserts returned their keys, else read back."""
    if events is not None and all(event.pk is not None for event in events):
        order_events_publish([(event.pk, event.order.buyer_id, event.order.store_id) for event in events])
        return
    order_events_publish(
        list(
            OrderEvent.objects.filter(order__in=orders).values_list(
                "pk", "order__buyer_id", "order__store_id"
            )
        )
    )


def product_saved(sender, instance: Product, created: bool, update_fields=None, **kwargs) -> None:
    if created or update_fields is None or AVAILABILITY_FIELDS & set(update_fields):
        live.product_availability_changed(product_ids=[instance.pk])


def receivers_connect() -> None:
    post_save.connect(order_event_saved, sender=OrderEvent, dispatch_uid="orders.live.event")
    orders_placed.connect(orders_placed_publish, dispatch_uid="orders.live.placed")
    post_save.connect(product_saved, sender=Product, dispatch_uid="orders.live.product")


# ---------------------------------------------------------------- reads of the subscribers


def order_events_for_buyer(
    *, user, since: int | None = None, pks: list[int] | None = None
) -> list[OrderEvent]:
    """The buyer's own order events after `since` (or these `pks`), oldest first."""
    return _events(OrderEvent.objects.filter(order__buyer_id=user.pk), since=since, pks=pks)


def order_events_for_store(
    *, user, store_id: int, since: int | None = None, pks: list[int] | None = None
) -> list[OrderEvent]:
    """Events of the store's orders for its seller while the store is active, or for an admin."""
    events = OrderEvent.objects.filter(order__store_id=store_id)
    if not user.is_marketplace_admin:
        events = events.filter(order__store__seller_id=user.pk, order__store__is_active=True)
    return _events(events, since=since, pks=pks)


def _events(events: QuerySet[OrderEvent], *, since: int | None, pks: list[int] | None) -> list[OrderEvent]:
    """`since`: the events after it, and those written up to REPLAY_LAG before it, which may have
    committed after it (the subscriber skips the ones it has)."""
    if pks is not None:
        events = events.filter(pk__in=pks)
    if since is not None:
        written = OrderEvent.objects.filter(pk=since).values("created_at")[:1]
        lag_start = ExpressionWrapper(Subquery(written) - Value(REPLAY_LAG), output_field=DateTimeField())
        events = events.filter(Q(pk__gt=since) | Q(created_at__gte=lag_start))
    return list(events.select_related("order").order_by("pk")[:REPLAY_MAX])


def product_availability(*, product_ids: list[int]) -> dict[int, int]:
    """Stock left of each product on sale; the others (hidden, deleted, unknown) are absent."""
    products = product_filter_visible(Product.objects.filter(pk__in=product_ids))
    return dict(products.values_list("pk", "stock_quantity"))
