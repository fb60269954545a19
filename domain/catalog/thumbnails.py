"""Product thumbnails, made in the background from the stored image (not in the seller's request).

A new image is saved with no thumbnail and a task is enqueued after the commit; until it has run,
the product's thumbnail is empty (the API answers thumbnailUrl: null). The task is idempotent: it
does nothing when the product has a thumbnail already, or has another image by then (that image's
own task makes its thumbnail).
"""

from __future__ import annotations

import logging

from domain.background import enqueue_after_commit
from domain.images import files_delete, image_thumbnail

from .models import Product
from .versions import catalog_changed

logger = logging.getLogger(__name__)


def product_thumbnail_after_commit(product: Product) -> None:
    """Make the thumbnail of the product's current image once the caller's transaction commits."""
    from . import tasks  # the task module imports this one

    enqueue_after_commit(tasks.product_thumbnail_make, product_id=product.pk, image=product.image.name)


def product_thumbnail_make(*, product_id: int, image: str) -> bool:
    """Store the thumbnail of `image` if it is still the product's image and has none yet; True
    when one was made. The row is changed only if neither changed meanwhile (a conditional update,
    so no lock is held while the image is processed); otherwise the new file is deleted again."""
    product = Product.objects.filter(pk=product_id).only("image", "thumbnail").first()
    if product is None or not image or product.image.name != image or product.thumbnail:
        return False
    with product.image.open("rb") as stored:
        data = stored.read()
    thumbnail = image_thumbnail(data, name=image)
    product.thumbnail.save(thumbnail.name, thumbnail, save=False)
    try:
        updated = Product.objects.filter(pk=product_id, image=image, thumbnail__in=["", None]).update(
            thumbnail=product.thumbnail.name
        )
    except BaseException:
        files_delete(product.thumbnail)
        raise
    if not updated:
        files_delete(product.thumbnail)
        return False
    catalog_changed(product_ids=[product_id])  # cached answers showed thumbnailUrl: null
    return True
