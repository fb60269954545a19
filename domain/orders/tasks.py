"""Periodic order jobs (celery beat, see CELERY_BEAT_SCHEDULE in backend/settings.py): thin, the rules
are in fulfilment.py, refunds.py and attempts.py. Each is safe to run twice or side by side."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .attempts import attempts_sweep
from .fulfilment import order_expire_unpaid
from .refunds import refund_retry_pending, refund_send

logger = logging.getLogger(__name__)


@shared_task(name="orders.expire_pending_orders")
def expire_pending_orders(*, hours: int | None = None) -> dict:
    result = order_expire_unpaid(hours=hours or settings.ORDER_EXPIRY_HOURS)
    logger.info("expired %s unpaid reference order(s); %s failed", len(result.expired), len(result.failed))
    return {"expired": result.expired, "failed": result.failed}


@shared_task(name="orders.refund_send")
def refund_send_task(*, refund_id: int) -> bool:
    """One refund owed by a change that committed (refunds.refund_send_after_commit)."""
    return refund_send(refund_id=refund_id)


@shared_task(name="orders.retry_refunds")
def retry_refunds(*, limit: int = 500) -> dict:
    sent, pending = refund_retry_pending(limit=limit)
    if sent or pending:
        logger.info("refunds retried: %s refunded, %s still pending", sent, pending)
    return {"refunded": sent, "pending": pending}


@shared_task(name="orders.void_lost_charges")
def void_lost_charges(*, seconds: int | None = None) -> dict:
    """Charges whose worker died around the gateway call: voided by their order numbers."""
    result = attempts_sweep(older_than=timedelta(seconds=seconds or settings.CHARGE_ATTEMPT_TIMEOUT))
    if result.voided or result.placed:
        logger.warning("lost charges voided: %s; found placed: %s", result.voided, result.placed)
    return {"voided": result.voided, "placed": result.placed}
