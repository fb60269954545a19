"""Live updates: what the domain announces to subscribed clients, once the change commits.

    publish_after_commit(buyer_topic(order.buyer_id), {"events": [event.pk]})

The domain names topics and sends small events (ids, never data: the subscriber reads the rows
again, checking who may see them, when it delivers). A change that rolls back publishes nothing.
The transport is not the domain's: backend/ installs a publisher (the channel layer, Redis in
production) with `publisher_install`; until then events are kept in `PUBLISHED`, the last few, for
a process without websockets (a test, a command run alone). A publisher that fails is logged and
the change it follows stays committed: a client that missed an event replays it (`since:`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger("kitanda.live")

Publisher = Callable[[str, dict], None]

# What was published while no transport is installed (topic, event): the last 1,000.
PUBLISHED: deque[tuple[str, dict]] = deque(maxlen=1000)


def _keep(topic: str, event: dict) -> None:
    PUBLISHED.append((topic, event))


_publisher: Publisher = _keep


def publisher_install(publisher: Publisher | None) -> None:
    """The transport of every later publication (None: back to keeping them in PUBLISHED)."""
    global _publisher
    _publisher = publisher or _keep


def buyer_topic(user_id: int) -> str:
    """The events of a buyer's orders."""
    return f"live.buyer.{user_id}"


def store_topic(store_id: int) -> str:
    """The events of a store's orders."""
    return f"live.store.{store_id}"


def product_topic(product_id: int) -> str:
    """A product's availability (stock, on sale)."""
    return f"live.product.{product_id}"


def publish_after_commit(topic: str, event: dict) -> None:
    """Send `event` (JSON-able) on `topic` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish_now(topic, event))


def publish_now(topic: str, event: dict) -> None:
    try:
        _publisher(topic, event)
    except Exception:  # the change is committed; subscribers catch up by replay
        logger.exception("live event on %s not published", topic)


def product_availability_changed(*, product_ids: Iterable[int]) -> None:
    """Products whose stock or sale changed (inside the write's transaction)."""
    for product_id in sorted(set(product_ids)):
        publish_after_commit(product_topic(product_id), {"products": [product_id]})
