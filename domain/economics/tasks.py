"""Background tasks of the economics area (thin: the work is in notifications.py)."""

from celery import shared_task

from .notifications import payout_notify


@shared_task(name="economics.payout_notify", autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def payout_mail_send(*, payout_id: int) -> None:
    payout_notify(payout_id=payout_id)
