"""Order e-mails: asked for inside the transaction that changes the order, sent by a background
task once it commits (domain/background.py), each (order, kind) at most once.

    notify_after_commit([(order.pk, NoticeKind.BUYER_PLACED), (order.pk, NoticeKind.SELLER_NEW_ORDER)])

A checkout of nine stores asks for its eighteen e-mails in one task, which reads and marks them in a
constant number of queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from domain.background import enqueue_after_response
from domain.orders.models import Order

from .messages import message_for
from .models import NoticeKind, Notification

logger = logging.getLogger(__name__)


def notify_after_commit(notices: Iterable[tuple[int, str]]) -> None:
    """Send these (order id, NoticeKind) e-mails once the caller's transaction commits: with a broker
    the task is enqueued then; without one it runs in this process once the response has gone, so
    that no request waits for its e-mails to be rendered and sent."""
    from . import tasks  # the task module imports this one

    notices = [[int(order_id), str(NoticeKind(kind))] for order_id, kind in notices]
    if notices:
        enqueue_after_response(tasks.notifications_send, notices=notices)


# What each kind's message reads besides the order, its buyer, store and payment (messages.py).
_READS = {
    NoticeKind.BUYER_PLACED: ("items",),
    NoticeKind.SELLER_NEW_ORDER: ("items",),
    NoticeKind.BUYER_CANCELLED: ("events",),
}


def _reads_of(kinds) -> list[str]:
    """The relations to prefetch for messages of these kinds (a checkout's mails read no events)."""
    return sorted({name for kind in kinds for name in _READS.get(kind, ())})


def notifications_send(*, notices: list[list]) -> int:
    """Send the e-mails of these (order id, kind) pairs that were not sent yet; returns how many went.

    Each one is claimed (a row per order and kind), then sent and marked under the row's lock in one
    transaction, so a repeated or concurrent run finds it sent. If the mail server fails, the ones
    sent before it are marked and the error is raised, so the task's retry sends only the rest.
    """
    wanted = {(int(order_id), NoticeKind(kind)) for order_id, kind in notices}
    if not wanted:
        return 0
    pairs = Q()
    for order_id, kind in wanted:
        pairs |= Q(order_id=order_id, kind=kind)
    sent, failure = [], None
    with transaction.atomic():
        # Claimed in the send's own transaction: a concurrent run's claim of the same rows waits for
        # this one to commit, then finds them sent.
        Notification.objects.bulk_create(
            [Notification(order_id=order_id, kind=kind) for order_id, kind in sorted(wanted)],
            ignore_conflicts=True,
        )
        pending = list(
            Notification.objects.select_for_update().filter(pairs, sent_at__isnull=True).order_by("pk")
        )
        orders = Order.objects.select_related("buyer", "store__seller", "payment").prefetch_related(
            *_reads_of({note.kind for note in pending})
        )
        orders = orders.in_bulk({note.order_id for note in pending})
        connection = get_connection(fail_silently=False)
        for note in pending:
            message = message_for(orders[note.order_id], note.kind)
            try:
                if message is not None:
                    EmailMessage(message.subject, message.body, to=[message.to], connection=connection).send()
            except Exception as error:
                logger.exception("e-mail %s of order %s failed: retried later", note.kind, note.order_id)
                failure = error
                break
            note.recipient = message.to if message is not None else ""
            sent.append(note)
        now = timezone.now()
        for note in sent:
            note.sent_at = now
        Notification.objects.bulk_update(sent, ["recipient", "sent_at"])
    if failure is not None:
        raise failure
    return sum(1 for note in sent if note.recipient)
