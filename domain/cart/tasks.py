"""Periodic cart job (celery beat): thin, the rule is cart_delete_idle."""

import logging

from celery import shared_task
from django.conf import settings

from .services import cart_delete_idle

logger = logging.getLogger(__name__)


@shared_task(name="cart.cleanup_old_carts")
def cleanup_old_carts(*, days: int | None = None) -> int:
    deleted = cart_delete_idle(days=days or settings.CART_IDLE_DAYS)
    logger.info("deleted %s idle anonymous cart(s)", deleted)
    return deleted
