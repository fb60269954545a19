"""The domain's live events (domain/live.py) on the channel layer (CHANNEL_LAYERS: Redis with
REDIS_URL), where the websocket processes (graph/live.py) receive them for their subscribers."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from graph.live import EVENT


def channel_layer_publish(topic: str, event: dict) -> None:
    """Called after the commit, from the thread that committed (a request, a task, a command)."""
    async_to_sync(get_channel_layer().group_send)(topic, {"type": EVENT, "topic": topic, "event": event})
