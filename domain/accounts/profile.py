"""The user's own profile: names and phone."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from domain.errors import InvalidInput, collect
from domain.languages import Language
from domain.phones import angolan_phone
from domain.text import name_error

from .models import User
from .services import NAME_MAX_LENGTH
from .signals import display_name_changed


def profile_update(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    language: Language | None = None,
) -> User:
    """Change names (rules of registration), phone (an Angolan number, stored as +244…; empty
    removes it) and the language of the user's e-mails; what is None stays as it is."""
    first_name = None if first_name is None else first_name.strip()
    last_name = None if last_name is None else last_name.strip()
    normalized = None if phone is None else (angolan_phone(phone) if phone.strip() else "")
    collect(
        None
        if first_name is None
        else name_error(
            first_name, field="first_name", label=gettext("First name"), max_length=NAME_MAX_LENGTH
        ),
        None
        if last_name is None
        else name_error(last_name, field="last_name", label=gettext("Last name"), max_length=NAME_MAX_LENGTH),
        InvalidInput(gettext("The phone must be an Angolan number, e.g. +244 923 456 789."), field="phone")
        if phone is not None and normalized is None
        else None,
    )
    changed = {"first_name": first_name, "last_name": last_name, "phone": normalized, "language": language}
    fields = [name for name, value in changed.items() if value is not None]
    for name in fields:
        setattr(user, name, changed[name])
    if fields:
        with transaction.atomic():
            user.save(update_fields=fields)
            if {"first_name", "last_name"} & set(fields):  # reviews show the display name
                display_name_changed.send(sender=User, user=user)
    return user
