"""Angolan phone numbers (+244): the national number is 9 digits, mobiles start with 9 and
fixed lines with 2; written with or without the country code and with any usual separators."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-.()]")


def normalize_angolan_phone(value: str) -> str | None:
    """The 9-digit national number of an Angolan phone (+244 / 00244 prefix allowed), or None."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+244", "00244", "244"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            digits = digits[len(prefix) :]
            break
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):
        return None
    return digits


def angolan_mobile(value: str) -> str | None:
    """A mobile number: 9 digits starting with 9 (e.g. 923 456 789), as its national number."""
    number = normalize_angolan_phone(value)
    return number if number is not None and number.startswith("9") else None


def angolan_phone(value: str) -> str | None:
    """A mobile (9…) or fixed (2…) Angolan number, in international form: +244923456789."""
    number = normalize_angolan_phone(value)
    return f"+244{number}" if number is not None and number[0] in "29" else None
