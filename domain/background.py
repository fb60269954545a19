"""Background work: a task is sent to the Celery workers only once the transaction that asked for
it commits, never for a change that rolled back.

    enqueue_after_commit(tasks.notifications_send, notices=[[order.pk, "buyer_placed"]])

Outside a transaction it is sent at once. Without a broker (CELERY_BROKER_URL unset, the embedded
default) Celery runs the task eagerly, in this process, right after the commit. The tasks are thin
(`domain/<area>/tasks.py`): the work and its idempotence live in the domain's services.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, /, **kwargs) -> None:
    """Send `task` with these (JSON) keyword arguments once the current transaction commits.
    A broker that cannot be reached is logged, and the caller's request still succeeds."""
    transaction.on_commit(lambda: _send(task, kwargs), robust=True)


def _send(task, kwargs: dict) -> None:
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:
        logger.exception("could not enqueue %s(%s)", task.name, kwargs)
        raise
