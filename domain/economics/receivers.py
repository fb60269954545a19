"""What economics does when orders announce a change (domain/orders/signals.py): the commission
and IVA terms of new order lines and of their delivery fees, and the ledger's credits and reversals. Each runs inside the
order's transaction, so the ledger commits or rolls back with the order. Connected in apps.py."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings

from domain.money import ZERO

from . import ledger, rates


def order_lines_terms(*, lines, **_) -> None:
    """Each new line keeps the rates in force at checkout and what it owes at them."""
    commission_rates = rates.commission_rates_in_force(
        category_ids={line.product.category_id for line in lines}
    )
    tax_rate = rates.tax_rate_in_force()
    for line in lines:
        terms = rates.line_terms(
            price=line.price,
            quantity=line.quantity,
            commission_rate=commission_rates[line.product.category_id],
            tax_rate=tax_rate,
            discount=line.discount_amount,  # the store's own share of a coupon (domain/promotions)
        )
        for name, value in asdict(terms).items():
            setattr(line, name, value)


def orders_delivery_terms(*, orders, **_) -> None:
    """Each new order's delivery fee keeps the IVA inside it, at the rate in force, and the
    commission on it: none unless DELIVERY_FEE_COMMISSION (the fee is the store's income)."""
    tax_rate = rates.tax_rate_in_force()
    commission_rate = settings.COMMISSION_RATE if settings.DELIVERY_FEE_COMMISSION else ZERO
    for order in orders:
        order.delivery_tax_amount = rates.tax_included(total=order.delivery_fee, rate=tax_rate)
        order.delivery_commission_amount = rates.commission_of(total=order.delivery_fee, rate=commission_rate)


def orders_paid_credit(*, orders, lines=None, **_) -> None:
    # `lines`: the orders' lines when the sender has them in memory (checkout), so none is read back.
    ledger.ledger_record_payments(orders=orders, lines=lines)


def order_cancelled_reverse(*, order, refunded: bool, **_) -> None:
    if refunded:
        ledger.ledger_record_reversal(order=order)
