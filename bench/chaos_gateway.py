"""The bank of bench/chaos.py: a simulated gateway that writes down every charge, void and refund
outside the app's database, so that the fault run can count the money at the bank.

    PAYMENT_GATEWAY=bench.chaos_gateway.ChaosGateway CHAOS_BANK=/tmp/…/bank.jsonl

Every process (gunicorn workers, the Celery worker, a management command) appends one JSON line per
operation to the CHAOS_BANK file under an exclusive lock: {"op": "charge" | "void" | "refund" |
"reference_paid", ...}. A charge is written before the gateway answers, and then the gateway waits
as many seconds as the file CHAOS_BANK + ".delay" says (none when it is absent): a worker killed
during that wait leaves a charge at the bank and no answer, as a real provider would.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from decimal import Decimal
from pathlib import Path

from domain.orders.payments import Charge, SimulatedGateway


def bank_path() -> Path:
    return Path(os.environ["CHAOS_BANK"])


def bank_write(op: str, **fields) -> None:
    """Append one operation to the bank's book (an exclusive lock: many processes write it)."""
    line = json.dumps({"op": op, "at": time.time(), "pid": os.getpid(), **fields}, default=str) + "\n"
    with bank_path().open("a") as book:
        fcntl.flock(book, fcntl.LOCK_EX)
        try:
            book.write(line)
            book.flush()
        finally:
            fcntl.flock(book, fcntl.LOCK_UN)


def bank_read(path: Path) -> list[dict]:
    """Every operation on the book, oldest first (a line cut by a kill mid-write is skipped)."""
    if not path.exists():
        return []
    operations = []
    for line in path.read_text().splitlines():
        try:
            operations.append(json.loads(line))
        except ValueError:
            continue
    return operations


def charge_delay() -> float:
    try:
        return float(Path(f"{bank_path()}.delay").read_text())
    except (OSError, ValueError):
        return 0.0


class ChaosGateway(SimulatedGateway):
    """SimulatedGateway's answers, with the bank's book kept and an optional wait after charging."""

    def charge(self, *, method, amount, order_number, card_number=None, phone_number=None) -> Charge:
        result = super().charge(
            method=method,
            amount=amount,
            order_number=order_number,
            card_number=card_number,
            phone_number=phone_number,
        )
        if result.approved:
            bank_write(
                "charge", order_number=order_number, tx=result.transaction_id, amount=str(Decimal(amount))
            )
            delay = charge_delay()
            if delay:
                time.sleep(delay)  # the money has moved; the answer is on its way
        return result

    def refund(self, *, transaction_id, amount) -> None:
        bank_write("refund", tx=transaction_id, amount=str(Decimal(amount)))

    def void(self, *, order_number, amount) -> None:
        bank_write("void", order_number=order_number, amount=str(Decimal(amount)))
