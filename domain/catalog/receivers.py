"""What the catalogue does when a lower app announces a change: a store's name and state show on
its products, so the catalogue's versions move (versions.py). Connected in apps.py."""

from __future__ import annotations

from .versions import catalog_changed


def store_changed_bump(*, products_affected: bool, **_) -> None:
    catalog_changed(shared=products_affected)
