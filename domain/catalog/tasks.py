"""Catalogue background work: thin, the rule is in thumbnails.py."""

from celery import shared_task

from . import thumbnails


@shared_task(name="catalog.product_thumbnail", autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def product_thumbnail_make(*, product_id: int, image: str) -> bool:
    return thumbnails.product_thumbnail_make(product_id=product_id, image=image)
