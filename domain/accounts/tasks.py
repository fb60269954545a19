"""Background tasks of the accounts area (thin: the work is in emails.py)."""

from celery import shared_task

from .emails import account_mail_deliver


@shared_task(name="accounts.mail_send", autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def account_mail_send(*, kind: str, user_id: int | None, address: str, language: str | None = None) -> bool:
    return account_mail_deliver(kind=kind, user_id=user_id, address=address, language=language)
