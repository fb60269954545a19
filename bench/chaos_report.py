"""The books of bench/chaos.py after its fault run: the bank's (bench/chaos_gateway.py) against the
app's database, and what it prints. Run in the script's process once every server has stopped."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ZERO = Decimal("0.00")


def figures(*, stock: dict[int, int], bank: Path) -> dict:
    """Every figure the run ends with; "failures" lists the invariants that do not hold."""
    from django.db.models import Exists, OuterRef, Sum

    from bench.chaos_gateway import bank_read  # imports the domain: after django.setup()
    from domain.catalog.models import Product
    from domain.economics import selectors
    from domain.economics.models import LedgerEntry
    from domain.notifications.models import NoticeKind, Notification
    from domain.orders.models import (
        ChargeAttempt,
        ChargeAttemptStatus,
        Order,
        OrderItem,
        OrderStatus,
        Payment,
        PaymentStatus,
        Refund,
        RefundReason,
    )

    operations = bank_read(bank)
    charges = {op["tx"]: op for op in operations if op["op"] in ("charge", "reference_paid")}
    refunded = {op["tx"] for op in operations if op["op"] == "refund"}
    voided = {op["order_number"] for op in operations if op["op"] == "void"}
    returned = {tx for tx, op in charges.items() if tx in refunded or op.get("order_number") in voided}

    # A payment stands when its order is not cancelled and it was taken: the bank must hold it.
    standing = {
        payment.transaction_id: payment
        for payment in Payment.objects.select_related("order").filter(
            status=PaymentStatus.COMPLETED, transaction_id__isnull=False
        )
        if payment.order.status != OrderStatus.CANCELLED
    }
    taken = set(Payment.objects.filter(transaction_id__isnull=False).values_list("transaction_id", flat=True))
    orphans = sorted(tx for tx in charges if tx not in standing and tx not in returned)
    given_back = sorted(tx for tx in standing if tx in returned)
    missing = sorted(tx for tx in taken if tx not in charges)

    sold = defaultdict(int)
    for product_id, quantity in OrderItem.objects.exclude(order__status=OrderStatus.CANCELLED).values_list(
        "product_id", "quantity"
    ):
        sold[product_id] += quantity
    products = dict(Product.objects.values_list("pk", "stock_quantity"))
    stock_wrong = {
        pk: (products[pk], initial - sold[pk])
        for pk, initial in stock.items()
        if products[pk] != initial - sold[pk]
    }

    ledger = {}
    paid_orders = Order.objects.exclude(status=OrderStatus.CANCELLED).filter(
        payment_status=PaymentStatus.COMPLETED
    )
    for store_id in sorted(
        set(LedgerEntry.objects.values_list("store_id", flat=True))
        | set(paid_orders.values_list("store_id", flat=True))
    ):
        entries = (
            LedgerEntry.objects.filter(store_id=store_id).aggregate(total=Sum("amount"))["total"] or ZERO
        )
        balance = selectors.store_balance(store_id=store_id)
        mine = paid_orders.filter(store_id=store_id)
        owed = (mine.aggregate(total=Sum("total_amount"))["total"] or ZERO) - (
            OrderItem.objects.filter(order__in=mine).aggregate(total=Sum("commission_amount"))["total"]
            or ZERO
        )
        ledger[store_id] = (entries, balance.available + balance.pending, owed)
    ledger_wrong = {store: sums for store, sums in ledger.items() if not sums[0] == sums[1] == sums[2]}

    bank_net = sum((Decimal(op["amount"]) for tx, op in charges.items() if tx not in returned), ZERO)
    standing_total = sum((payment.amount for payment in standing.values()), ZERO)
    failures = []
    if orphans:
        failures.append(
            f"{len(orphans)} charge(s) at the bank without a standing order, a refund or a void: {orphans[:10]}"
        )
    if given_back:
        failures.append(f"{len(given_back)} charge(s) given back while their order stands: {given_back[:10]}")
    if missing:
        failures.append(f"{len(missing)} payment(s) the bank never took: {missing[:10]}")
    if stock_wrong:
        failures.append(f"stock != initial - units in standing orders: {stock_wrong}")
    if ledger_wrong:
        failures.append(
            f"ledger != balance != paid standing orders (sum, balance, owed) per store: {ledger_wrong}"
        )
    if bank_net != standing_total:
        failures.append(f"the bank's net {bank_net} != paid standing orders {standing_total}")
    return {
        "bank": {
            "card charges": sum(op["op"] == "charge" for op in operations),
            "reference payments": sum(op["op"] == "reference_paid" for op in operations),
            "refunds (distinct)": len(refunded),
            "voids (distinct order numbers)": len(voided),
            "voids of charges taken": sum(1 for op in charges.values() if op.get("order_number") in voided),
            "charges without an order, a refund or a void": len(orphans),
            "charges given back while their order stands": len(given_back),
            "net held": bank_net,
        },
        "database": {
            "orders": Order.objects.count(),
            "orders standing": Order.objects.exclude(status=OrderStatus.CANCELLED).count(),
            "orders cancelled": Order.objects.filter(status=OrderStatus.CANCELLED).count(),
            "payments standing, total": f"{len(standing)}, {standing_total}",
            "paid orders whose charge the bank lacks": len(missing),
            "refunds recorded / still pending": (
                f"{Refund.objects.count()} / {Refund.objects.filter(refunded_at__isnull=True).count()}"
            ),
            "voids owed by the sweeper or a failed charge call": Refund.objects.filter(
                reason=RefundReason.CHARGE_UNANSWERED
            ).count(),
            "orders whose placed e-mail was never sent (its task lost)": Order.objects.exclude(
                Exists(
                    Notification.objects.filter(
                        order=OuterRef("pk"), kind=NoticeKind.BUYER_PLACED, sent_at__isnull=False
                    )
                )
            ).count(),
            "charge attempts PENDING / PLACED / RETURNED": " / ".join(
                str(ChargeAttempt.objects.filter(status=status).count())
                for status in (
                    ChargeAttemptStatus.PENDING,
                    ChargeAttemptStatus.PLACED,
                    ChargeAttemptStatus.RETURNED,
                )
            ),
        },
        "stock": {pk: (products[pk], stock[pk], sold[pk]) for pk in sorted(stock)},
        "ledger": ledger,
        "failures": failures,
    }


def report(results: dict, notes: list[str], found: dict, *, replica: bool) -> bool:
    """Print the run's figures; True when an invariant failed."""
    keys = [
        "requests",
        "5xx",
        "internal errors",
        "dropped",
        "checkouts placed",
        "checkouts retried",
        "checkouts unanswered",
        "orders cancelled",
    ]
    print("\n| phase | " + " | ".join(keys) + " | refused | health | reads replica / primary | fault |")
    print("|---" * (len(keys) + 5) + "|")
    for name, result in results.items():
        counts = result["counts"]
        refused = ", ".join(
            f"{k.split(': ')[1]} {v}" for k, v in counts.items() if k.startswith("checkouts refused")
        )
        health = ", ".join(f"{k[7:]} {v}" for k, v in sorted(counts.items()) if k.startswith("health "))
        webhooks = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k.startswith("webhook"))
        reads = result["reads"]
        replica_reads = sum(v for alias, v in reads.items() if alias != "default")
        cells = [str(counts.get(key, 0)) for key in keys]
        print(
            f"| {name} | " + " | ".join(cells) + f" | {refused or '-'} | {health} | "
            f"{replica_reads:.0f} / {reads.get('default', 0):.0f} | {'; '.join(result['notes']) or '-'}"
            + (f"; {webhooks}" if webhooks else "")
            + " |"
        )
    if not replica:
        print("(no replica: the replica phase ran without its fault)")
    print("\nafter the load:")
    for note in notes:
        print(f"  {note}")
    for part in ("bank", "database"):
        print(f"\n{part}:")
        for key, value in found[part].items():
            print(f"  {key}: {value}")
    print("\nstock per product (now, initial, units in standing orders): now = initial - units?")
    for pk, (now, initial, sold) in found["stock"].items():
        print(f"  product {pk}: {now} = {initial} - {sold}: {'yes' if now == initial - sold else 'NO'}")
    print(
        "\nledger per store (entries' sum, balance available + pending, paid standing orders - commission):"
    )
    for store, (entries, balance, owed) in found["ledger"].items():
        print(
            f"  store {store}: {entries} / {balance} / {owed}: {'equal' if entries == balance == owed else 'DIFFER'}"
        )
    print()
    for failure in found["failures"]:
        print(f"FAILED: {failure}")
    if not found["failures"]:
        print("every invariant holds: 0 charges without an order or a refund, stock and ledger consistent")
    return bool(found["failures"])
