"""Text rules shared by every area: what the database can store, and required / bounded text.

PostgreSQL text holds neither NUL characters nor lone UTF-16 surrogates (which JSON can carry as
"\\ud800"); both fail inside a query otherwise.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext

from domain.errors import DomainError, InvalidInput, Required

# Characters that draw nothing: format controls (zero-width, bidi marks, soft hyphen: category
# Cf), separators and other spaces (Z*), controls (Cc), combining marks on their own (M*), and the
# Hangul fillers that fonts leave blank.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"}
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# What may not stand in a name even beside visible characters: controls (CR, LF, TAB, ESC, DEL,
# the C1 set: category Cc) and the Unicode line and paragraph separators (a name is one line).
_CONTROL_CATEGORIES = {"Cc", "Zl", "Zp"}
# Bidi embeddings, overrides and isolates reorder the text around them (spoofed names, "Trojan
# Source"); the implicit marks (LRM, RLM, ALM) are harmless and allowed.
_BIDI_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def text_storable(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_error(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> DomainError | None:
    """What is wrong with a text input (already stripped): missing while `required`, longer than
    `max_length`, or not storable. None when nothing is. `label` names the input in the messages
    and comes translated (the caller wraps it with gettext)."""
    if not value:
        return (
            Required(gettext("%(label)s is required.") % {"label": label}, field=field) if required else None
        )
    if len(value) > max_length:
        return InvalidInput(
            gettext("%(label)s must be at most %(max_length)s characters.")
            % {"label": label, "max_length": max_length},
            field=field,
        )
    return unstorable_text_error(value, field=field)


def unstorable_text_error(value: str | None, *, field: str) -> InvalidInput | None:
    """INVALID when `value` holds characters the database cannot store (see text_storable)."""
    if value and not text_storable(value):
        return InvalidInput(gettext("NUL characters and invalid Unicode are not allowed here."), field=field)
    return None


def name_error(value: str | None, *, field: str, label: str, max_length: int) -> DomainError | None:
    """What is wrong with a name people will read (of a product, store, category or person): the
    text rules, plus at least one visible character, no control character or line break, and no
    bidi embedding, override or isolate."""
    if problem := text_error(value, field=field, label=label, max_length=max_length):
        return problem
    if any(unicodedata.category(character) in _CONTROL_CATEGORIES for character in value):
        return InvalidInput(
            gettext("%(label)s may not contain control characters or line breaks.") % {"label": label},
            field=field,
        )
    if any(character in _BIDI_CONTROLS for character in value):
        return InvalidInput(
            gettext("%(label)s may not contain bidirectional control characters.") % {"label": label},
            field=field,
        )
    if not any(_visible(character) for character in value):
        return InvalidInput(
            gettext("%(label)s must contain a visible character.") % {"label": label}, field=field
        )
    return None


def _visible(character: str) -> bool:
    return character not in _FILLERS and unicodedata.category(character) not in _INVISIBLE_CATEGORIES
