"""The notification task: thin, the rules are in services.py."""

from celery import shared_task

from . import services


@shared_task(
    name="notifications.send",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def notifications_send(*, notices: list[list]) -> int:
    return services.notifications_send(notices=notices)
