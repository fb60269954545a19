"""What reviews do when accounts announce a change (domain/accounts/signals.py): a review shows its
author's display name, so the products a renamed author reviewed get a new catalogue version
(domain/catalog/versions.py) and no cached answer keeps the old name. Connected in apps.py."""

from __future__ import annotations

from domain.catalog.versions import catalog_changed

from .models import Review


def author_renamed_bump(*, user, **_) -> None:
    product_ids = set(Review.objects.filter(user_id=user.pk).values_list("product_id", flat=True))
    if product_ids:
        catalog_changed(product_ids=product_ids)
