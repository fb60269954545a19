"""Money: kwanza (AOA) as Decimal with two decimal places, never float; and rates in percent.

Every price and amount column holds 12 digits, two of them decimals, so MAX_AMOUNT is the largest
price, order total or payment the database can keep. The one rule of a valid amount is
amount_fault; of a valid rate, percentage. Nothing else rounds or quantizes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Hashable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("9999999999.99")


# A number as JSON or plain text writes it: ASCII digits, one point, an exponent (NaN and Infinity
# too: the callers' rules refuse them with their own words).
_DECIMAL_TEXT = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Infinity|Inf|NaN)", re.IGNORECASE
)


def decimal_from_text(value: object) -> Decimal | None:
    """The Decimal a client's number (a JSON number, or its text) writes; None for anything else,
    including what Python's Decimal forgives: spaces around it, "_" between digits, digits of other
    scripts, signalling NaN."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _DECIMAL_TEXT.fullmatch(value):
        return None
    return Decimal(value)


class AmountFault(enum.Enum):
    """Why a number is no amount of kwanza: each caller words its own message."""

    NOT_POSITIVE = "not more than zero (or not a number)"
    TOO_LARGE = "more than MAX_AMOUNT"
    NOT_CENTS = "more than two decimal places"


def amount_fault(value: Decimal) -> AmountFault | None:
    """A valid amount of kwanza is more than zero, at most MAX_AMOUNT, in whole cents: None when
    `value` is one, else the first thing wrong with it."""
    if not value.is_finite() or value <= 0:
        return AmountFault.NOT_POSITIVE
    if value > MAX_AMOUNT:
        return AmountFault.TOO_LARGE
    if not is_cents(value):
        return AmountFault.NOT_CENTS
    return None


def money_round(value: Decimal) -> Decimal:
    """To the cent, half up (as a cashier rounds)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_cents(value: Decimal) -> bool:
    """A finite amount with at most two decimal places (False, not an error, for huge ones)."""
    if not value.is_finite():
        return False
    try:
        return value == value.quantize(CENT)
    except InvalidOperation:  # more digits than the context holds: no amount of ours
        return False


def percentage(value: Decimal) -> Decimal | None:
    """A rate in percent, from 0 to 100 with two decimals at most, with exactly two (14 → 14.00);
    None when `value` is not one."""
    if not (value.is_finite() and 0 <= value <= HUNDRED and is_cents(value)):
        return None
    return value.quantize(CENT)


def kwanza(value: Decimal) -> str:
    """An amount as Angolans read it: 1.234.567,50 Kz."""
    whole, cents = f"{money_round(value):.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{'.'.join(groups) or '0'},{cents} Kz"


def split_by_largest_remainder(
    total: Decimal, weights: list[tuple[Hashable, Decimal]]
) -> dict[Hashable, Decimal]:
    """The one rule of splitting an amount (a discount) across lines: `total` (in cents) across the
    weights in proportion, by largest remainder: each share
    rounded down to the cent, the cents left over going one each to the largest remainders (ties to
    the earlier line). The shares add up to `total` exactly, and none exceeds its weight when the
    total does not exceed theirs."""
    whole = sum((weight for _, weight in weights), ZERO)
    if not weights or whole <= 0 or total <= 0:
        return {key: ZERO for key, _ in weights}
    exact = [(key, total * weight / whole) for key, weight in weights]
    shares = {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in exact}
    left = int((total - sum(shares.values(), ZERO)) / CENT)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - shares[exact[i][0]]), i))
    for i in order[:left]:
        shares[exact[i][0]] += CENT
    return shares
