"""Commission and IVA on order lines: the rates in force, and the amounts of one line.

Prices are gross of IVA (Angola's VAT). Each order line keeps the rates in force when it was
bought and its amounts, each rounded half-up to the cent on its own line (never on the order's
total): the line's IVA is the part of its total that is tax, total × rate / (100 + rate); the
commission is the platform's share of its total as the buyer paid it (IVA included).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from domain.catalog.models import Category
from domain.errors import InvalidInput, NotFound
from domain.money import HUNDRED, money_round, percentage

from .models import CategoryCommission


@dataclass(frozen=True)
class LineTerms:
    """What one order line owes: rates in percent, amounts in kwanza."""

    commission_rate: Decimal
    commission_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal


def commission_of(*, total: Decimal, rate: Decimal) -> Decimal:
    """The commission of a line total at `rate` percent, half-up to the cent."""
    return money_round(total * rate / HUNDRED)


def tax_included(*, total: Decimal, rate: Decimal) -> Decimal:
    """The IVA inside a gross line total at `rate` percent, half-up to the cent."""
    return money_round(total * rate / (HUNDRED + rate))


def line_terms(
    *,
    price: Decimal,
    quantity: int,
    commission_rate: Decimal,
    tax_rate: Decimal,
    discount: Decimal = Decimal(0),
) -> LineTerms:
    """`discount`: the store's own (seller-funded) share of a coupon's discount on the line, which
    lowers its sale and so the commission and IVA on it; a platform-funded share does not (the
    store is paid the line in full, the platform bearing the discount)."""
    total = price * quantity - discount
    return LineTerms(
        commission_rate=commission_rate,
        commission_amount=commission_of(total=total, rate=commission_rate),
        tax_rate=tax_rate,
        tax_amount=tax_included(total=total, rate=tax_rate),
    )


def commission_rates_in_force(*, category_ids: Iterable[int]) -> dict[int, Decimal]:
    """The commission rate of each category now: its override, else the platform's rate (one query)."""
    category_ids = set(category_ids)
    overrides = dict(
        CategoryCommission.objects.filter(category_id__in=category_ids).values_list("category_id", "rate")
    )
    return {category_id: overrides.get(category_id, settings.COMMISSION_RATE) for category_id in category_ids}


def tax_rate_in_force() -> Decimal:
    return settings.IVA_RATE


def category_commission_set(*, category_id: int, rate: Decimal | None) -> CategoryCommission | None:
    """An admin sets a category's commission rate (percent, 0 to 100, two decimals at most), or
    removes it with None so the platform's rate applies again. Orders placed already keep theirs."""
    if rate is not None and percentage(rate) is None:
        raise InvalidInput(
            gettext("The rate must be a percentage from 0 to 100, with at most two decimal places."),
            field="rate",
        )
    with transaction.atomic():
        if not Category.objects.filter(pk=category_id).exists():
            raise NotFound(gettext("No category with this id."), field="category_id")
        if rate is None:
            CategoryCommission.objects.filter(category_id=category_id).delete()
            return None
        commission, _ = CategoryCommission.objects.update_or_create(
            category_id=category_id, defaults={"rate": rate}
        )
    return commission
