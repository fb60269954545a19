"""Money: kwanza (AOA) as Decimal with two decimal places, never float.

Every price and amount column holds 12 digits, two of them decimals, so MAX_AMOUNT is the largest
price, order total or payment the database can keep.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")


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
