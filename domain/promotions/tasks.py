"""Periodic promotions job (celery beat, see CELERY_BEAT_SCHEDULE in backend/settings.py): thin, the
rule is sales.sale_boundaries_apply. A backstop only: every request applies the boundaries due
before it reads (sales.sale_boundaries_catch_up), so beat is never what starts or ends a sale on a
site that is being used; it keeps the sales' states and the cached next boundary right when nobody asks."""

import logging

from celery import shared_task

from .sales import sale_boundaries_apply

logger = logging.getLogger(__name__)


@shared_task(name="promotions.apply_sale_boundaries")
def apply_sale_boundaries() -> int:
    moved = sale_boundaries_apply()
    if moved:
        logger.info("sale boundaries applied by beat: %s sale(s) started or ended", moved)
    return moved
