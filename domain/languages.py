"""The languages Kitanda speaks, in one list: what the API answers a request in (its
Accept-Language, negotiated by backend/locale.py over settings.LANGUAGES, which is this list) and
what a person's e-mails are written in (User.language). Portuguese (Angola) first and by default."""

from __future__ import annotations

from django.db import models
from django.utils import translation


class Language(models.TextChoices):
    PT_AO = "pt-ao", "Português (Angola)"
    EN = "en", "English"


DEFAULT_LANGUAGE = Language.PT_AO


def language_supported(code: str | None) -> Language:
    """The language of ours closest to `code` (`en-GB` is English, `pt-BR` Portuguese), else the
    default, Portuguese."""
    try:
        return Language(translation.get_supported_language_variant(code or ""))
    except (LookupError, ValueError):
        return DEFAULT_LANGUAGE
