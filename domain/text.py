"""Text rules shared by every area: what the database can store, and required / bounded text.

PostgreSQL text holds neither NUL characters nor lone UTF-16 surrogates (which JSON can carry as
"\\ud800"); both fail inside a query otherwise.
"""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput, Required


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
    `max_length`, or not storable. None when nothing is."""
    if not value:
        return Required(f"{label} is required.", field=field) if required else None
    if len(value) > max_length:
        return InvalidInput(f"{label} must be at most {max_length} characters.", field=field)
    return unstorable_text_error(value, field=field)


def unstorable_text_error(value: str | None, *, field: str) -> InvalidInput | None:
    """INVALID when `value` holds characters the database cannot store (see text_storable)."""
    if value and not text_storable(value):
        return InvalidInput("NUL characters and invalid Unicode are not allowed here.", field=field)
    return None
