"""System checks of the build: the message catalogues are compiled (`make locale`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def catalogues_compiled(app_configs, **kwargs) -> list[Error]:
    """Without its .mo (or with one older than its .po) Django silently answers in English."""
    errors = []
    for locale_path in settings.LOCALE_PATHS:
        for po in sorted(locale_path.glob("*/LC_MESSAGES/django.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                errors.append(
                    Error(
                        f"{po.relative_to(settings.BASE_DIR)} is not compiled, or changed since.",
                        hint="Run `make locale` (part of make run and make test, and of every install).",
                        id="kitanda.E001",
                    )
                )
    return errors
