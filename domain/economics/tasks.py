"""Background tasks of the economics area (thin: the work is in notifications.py and release.py)."""

import logging

from celery import shared_task

from .notifications import payout_notify
from .release import funds_release_due

logger = logging.getLogger(__name__)


@shared_task(name="economics.payout_notify", autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def payout_mail_send(*, payout_id: int) -> None:
    payout_notify(payout_id=payout_id)


@shared_task(name="economics.release_funds")
def release_funds(*, limit: int = 1000) -> dict:
    """Periodic (celery beat): the money of orders past their hold becomes available to their stores."""
    result = funds_release_due(limit=limit)
    if result.released or result.failed:
        logger.info("funds released for %s order(s); %s failed", len(result.released), len(result.failed))
    return {"released": result.released, "failed": result.failed}
