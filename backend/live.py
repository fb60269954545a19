"""The domain's live events (domain/live.py) on the channel layer (CHANNEL_LAYERS: Redis with
REDIS_URL), where the websocket processes (graph/live.py) receive them for their subscribers.

With Redis, each process publishes from one event loop of its own (a daemon thread started at the
first event), so its connections to Redis are made once, not per event. The in-memory layer (no
REDIS_URL: tests, one development process) lives on the loop of the consumers it feeds, so its
events are sent with async_to_sync, which runs them there when the caller is inside that loop's
sync_to_async (a test's scenario)."""

from __future__ import annotations

import asyncio
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from graph.live import EVENT

SEND_TIMEOUT_SECONDS = 2

_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None
_lock = threading.Lock()


def channel_layer_publish(topic: str, event: dict) -> None:
    """Called after the commit, from the thread that committed (a request, a task, a command)."""
    layer = get_channel_layer()
    message = {"type": EVENT, "topic": topic, "event": event}
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(topic, message)
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(topic, message), _publishing_loop())
    future.result(timeout=SEND_TIMEOUT_SECONDS)


def _publishing_loop() -> asyncio.AbstractEventLoop:
    """This process's publishing loop (a forked worker starts its own: threads do not survive a fork)."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid():
            _loop, _loop_pid = asyncio.new_event_loop(), os.getpid()
            threading.Thread(target=_loop.run_forever, name="kitanda-live-publish", daemon=True).start()
        return _loop
