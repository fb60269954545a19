"""Background work: a task is sent to the Celery workers only once the transaction that asked for
it commits, never for a change that rolled back.

    enqueue_after_commit(tasks.notifications_send, notices=[[order.pk, "buyer_placed"]])

Outside a transaction it is sent at once. Without a broker (CELERY_BROKER_URL unset, the embedded
default) Celery runs the task eagerly, in this process, right after the commit;
enqueue_after_response holds it until the response has gone instead (work whose duration would
tell the client something). The tasks are thin (`domain/<area>/tasks.py`): the work and its
idempotence live in the domain's services.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, /, **kwargs) -> None:
    """Send `task` with these (JSON) keyword arguments once the current transaction commits.
    A broker that cannot be reached is logged and the task runs in this process instead (the
    tasks are idempotent; an order's e-mails must not be lost to a broker outage), and the
    caller's request still succeeds."""
    transaction.on_commit(lambda: _send(task, kwargs), robust=True)


def _send(task, kwargs: dict) -> None:
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:
        logger.exception("could not enqueue %s(%s): running it in this process", task.name, kwargs)
        task.apply(kwargs=kwargs)  # Celery's local run: a failure is logged, never raised here


# Tasks held back until the current request's response has gone (this thread's request; None outside one).
_held = threading.local()


def enqueue_after_response(task, /, **kwargs) -> None:
    """enqueue_after_commit for work whose duration would tell the client something (whether an
    address has an account). With a broker, the same; without one (tasks run eagerly, in this
    process) it runs once the response has gone, when the current thread is serving a request."""
    if not task.app.conf.task_always_eager:
        enqueue_after_commit(task, **kwargs)
        return
    transaction.on_commit(lambda: _hold_or_send(task, kwargs), robust=True)


def _hold_or_send(task, kwargs: dict) -> None:
    held = getattr(_held, "tasks", None)
    if held is None:  # no request (a command, a test calling the service), or its response has gone
        _send(task, kwargs)
    else:
        held.append((task, kwargs))


def _request_started(**_) -> None:
    _send_held()  # a previous request's, should its response never have been closed
    _held.tasks = []


def _request_finished(**_) -> None:
    _send_held()


def _send_held() -> None:
    held, _held.tasks = getattr(_held, "tasks", None) or [], None
    for task, kwargs in held:
        with contextlib.suppress(Exception):  # logged by _send; the next held task still runs
            _send(task, kwargs)


request_started.connect(_request_started, dispatch_uid="background-held-tasks-start")
request_finished.connect(_request_finished, dispatch_uid="background-held-tasks-finish")
