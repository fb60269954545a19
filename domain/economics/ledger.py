"""The ledger's writes: the one place a store's money moves.

Entries are only ever inserted, in the transaction that causes them: a paid order credits its
sale and its delivery fee (two lines) and debits its commission (checkout for CARD and MOBILE, the webhook for REFERENCE); a paid
order that is cancelled or refunded reverses exactly what it was credited, in the transaction that
cancels it (the gateway's refund goes out after that commit, see domain/orders/refunds.py). The
(order, kind) unique constraint makes a second credit or reversal of one order fail, whatever races.
Orders announce those changes (domain/orders/signals.py; receivers.py calls this module); payouts
and an admin's adjustments (payouts.py) are recorded here too, on the store's locked row.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from domain.accounts.models import Store
from domain.money import ZERO
from domain.orders.models import Order, OrderItem

from .models import EntryKind, LedgerEntry, Payout, PlatformEntry, PlatformEntryKind


def ledger_record_payments(
    *, orders: Sequence[Order], lines: Sequence[OrderItem] | None = None
) -> list[LedgerEntry]:
    """Credit the stores of orders just paid: the sale of the goods (its IVA apart), the delivery
    fee as its own line (its IVA apart), and minus the commission of the lines (and of the fee, when
    DELIVERY_FEE_COMMISSION was on at checkout), as copied onto them at checkout. Call it in the
    transaction that marks them paid. `lines`: every line of these orders, when the caller holds
    them (checkout, which just wrote them); otherwise their sums are read."""
    if not orders:
        return []
    sums = _line_sums(orders, lines)
    entries = []
    for order in orders:
        line = sums.get(order.pk, {"commission": ZERO, "tax": ZERO})
        entries.append(
            LedgerEntry(
                store_id=order.store_id,
                kind=EntryKind.SALE,
                # A platform coupon's share is paid to the store by the platform (its expense below).
                amount=order.goods_total + order.platform_discount_amount,
                tax_amount=line["tax"],
                order=order,
            )
        )
        if order.delivery_fee > 0:
            entries.append(
                LedgerEntry(
                    store_id=order.store_id,
                    kind=EntryKind.DELIVERY,
                    amount=order.delivery_fee,
                    tax_amount=order.delivery_tax_amount,
                    order=order,
                )
            )
        entries.append(
            LedgerEntry(
                store_id=order.store_id,
                kind=EntryKind.COMMISSION,
                amount=-(line["commission"] + order.delivery_commission_amount),
                order=order,
            )
        )
    _platform_promotions_record(orders)
    return LedgerEntry.objects.bulk_create(entries)


def _line_sums(orders: Sequence[Order], lines: Sequence[OrderItem] | None) -> dict[int, dict[str, Decimal]]:
    """{order id: {"commission": ..., "tax": ...}} of the orders' lines (no entry: no line)."""
    if lines is None:
        return {
            row["order_id"]: row
            for row in OrderItem.objects.filter(order__in=[order.pk for order in orders])
            .values("order_id")
            .annotate(
                commission=Coalesce(Sum("commission_amount"), ZERO), tax=Coalesce(Sum("tax_amount"), ZERO)
            )
        }
    sums: dict[int, dict[str, Decimal]] = {}
    for line in lines:
        row = sums.setdefault(line.order.pk, {"commission": ZERO, "tax": ZERO})
        row["commission"] += line.commission_amount
        row["tax"] += line.tax_amount
    return sums


def _platform_promotions_record(orders: Sequence[Order]) -> None:
    """The platform's expense of the platform coupons on orders just paid."""
    PlatformEntry.objects.bulk_create(
        [
            PlatformEntry(
                kind=PlatformEntryKind.PROMOTION,
                amount=-order.platform_discount_amount,
                order=order,
                store_id=order.store_id,
                coupon_code=order.coupon_code,
            )
            for order in orders
            if order.platform_discount_amount > 0
        ]
    )


def _platform_promotion_reverse(order: Order) -> None:
    """A paid order cancelled or refunded: the platform's expense on it comes back, once."""
    if order.platform_discount_amount <= 0:
        return
    recorded = {
        kind: amount
        for kind, amount in PlatformEntry.objects.filter(order=order).values_list("kind", "amount")
    }
    if PlatformEntryKind.PROMOTION in recorded and PlatformEntryKind.PROMOTION_REVERSAL not in recorded:
        PlatformEntry.objects.create(
            kind=PlatformEntryKind.PROMOTION_REVERSAL,
            amount=-recorded[PlatformEntryKind.PROMOTION],
            order=order,
            store_id=order.store_id,
            coupon_code=order.coupon_code,
        )


def ledger_record_reversal(*, order: Order) -> list[LedgerEntry]:
    """A paid order cancelled or refunded: refund its sale and its delivery fee (and their IVA) and
    give back its commission, exactly as they were credited. Nothing for an order credited before
    the ledger, or reversed."""
    credited = LedgerEntry.objects.filter(order=order).aggregate(
        sale=Sum("amount", filter=Q(kind=EntryKind.SALE)),
        tax=Sum("tax_amount", filter=Q(kind=EntryKind.SALE)),
        delivery=Sum("amount", filter=Q(kind=EntryKind.DELIVERY)),
        delivery_tax=Sum("tax_amount", filter=Q(kind=EntryKind.DELIVERY)),
        commission=Sum("amount", filter=Q(kind=EntryKind.COMMISSION)),
        reversed=Count("pk", filter=Q(kind=EntryKind.REFUND)),
    )
    if credited["sale"] is None or credited["reversed"]:
        return []
    _platform_promotion_reverse(order)
    entries = [
        LedgerEntry(
            store_id=order.store_id,
            kind=EntryKind.REFUND,
            amount=-credited["sale"],
            tax_amount=-credited["tax"],
            order=order,
        ),
        LedgerEntry(
            store_id=order.store_id,
            kind=EntryKind.COMMISSION_REVERSAL,
            amount=-(credited["commission"] or Decimal(0)),
            order=order,
        ),
    ]
    if credited["delivery"]:
        entries.insert(
            1,
            LedgerEntry(
                store_id=order.store_id,
                kind=EntryKind.DELIVERY_REFUND,
                amount=-credited["delivery"],
                tax_amount=-credited["delivery_tax"],
                order=order,
            ),
        )
    return LedgerEntry.objects.bulk_create(entries)


def ledger_record_payout(*, payout: Payout) -> LedgerEntry:
    """Money sent to the store's bank leaves its available balance (in the payout's transaction)."""
    return LedgerEntry.objects.create(
        store=payout.store,
        kind=EntryKind.PAYOUT,
        amount=-payout.amount,
        payout=payout,
        note=f"bank {payout.bank_reference}",
    )


def ledger_record_adjustment(*, store: Store, amount: Decimal, note: str) -> LedgerEntry:
    """An admin's correction of the store's available balance, with why."""
    return LedgerEntry.objects.create(store=store, kind=EntryKind.ADJUSTMENT, amount=amount, note=note)
