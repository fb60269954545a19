"""Faults at scale: a scripted fault run under load that ends by counting the money and the stock.

    .venv/bin/python bench/chaos.py [--seconds 20] [--buyers 12] [--shoppers 2]

Everything on loopback, thrown away at the end:
- a PostgreSQL primary + streaming replica made with initdb and pg_basebackup (tests/pgcluster.py);
  without them, a database on the local server (BENCH_PG_URL, postgres://postgres@127.0.0.1:5432)
  and the replica phase is skipped, saying so;
- two redis-server processes of its own on free ports, one the cache (REDIS_URL), one the Celery
  broker (CELERY_BROKER_URL, AOF as deploy/redis/kitanda-broker.conf), so they can be stopped;
- gunicorn as the README serves WSGI in production (gunicorn.conf.py, -k
  backend.workers.KitandaThreadWorker, 2 workers x 4 threads), a Celery worker and a beat with the
  sweepers shortened (CHARGE_ATTEMPT_TIMEOUT 20 s, sweeps every 5 s, refund retries every 10 s),
  each started again 5 s after it exits with an error, as deploy/systemd's Restart=on-failure does;
- the bank: bench/chaos_gateway.py (PAYMENT_GATEWAY) writes every charge, void and refund to a file,
  outside the app's database; the script writes there the reference payments it makes.

Load, per phase (--seconds each): logged-in buyers add to their carts and check out (3 in 4 by
CARD, else by REFERENCE, then the bank pays it and calls the signed webhook); 1 card order in 5 is
cancelled by its buyer (a refund through the broker); anonymous shoppers browse (replica reads).
A checkout that gets no answer or a 5xx is retried once with its idempotency key, as a client would.
Phases, one fault each, under load: baseline; a gunicorn worker killed -9 while it waits for the
gateway's answer after the bank charged (3 times); every database connection cut
(pg_terminate_backend, 3 times, the gateway answering in 0.3 s); the cache Redis killed, then
started again; the replica stopped, then started; the broker Redis killed, then started.

Then: the Celery queue drained, CHARGE_ATTEMPT_TIMEOUT waited, `manage.py void_lost_charges` and
`manage.py retry_refunds`, and it prints per phase: requests, checkouts, refusals, 5xx, masked
internal errors, dropped connections, /health/ answers, replica and primary reads; and the
invariants: charges at the bank without a standing order nor a refund or void (must be 0), paid
orders whose charge the bank lacks, money given back while its order stands, stock = initial -
units in standing orders per product, ledger = balance and ledger = paid standing orders per
store, and the bank's net = paid standing orders. Exits 1 when an invariant fails. Also printed,
not counted as invariants: orders whose "placed" e-mail never went (a task lost with the broker).
CHAOS_LOGS=<folder> keeps the servers' logs and the bank's book there. Not a test.

Its parts: bench/chaos_stack.py (the processes and their faults), bench/chaos_load.py (the load),
bench/chaos_gateway.py (the bank), bench/chaos_report.py (the books and what is printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chaos_load import Load  # noqa: E402
from bench.chaos_report import figures, report  # noqa: E402
from bench.chaos_stack import ATTEMPT_TIMEOUT, ENV, VENV, Stack, database, supervised  # noqa: E402
from tests.processes import running, wait_for_port  # noqa: E402


def seed(buyers: int) -> dict:
    """Stores, products and buyers on the primary, through the project's factories (as the other
    benchmarks do): {"tokens", "stock": {product id: initial stock}, "slugs", "ids"}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from graphql_jwt.shortcuts import get_token

    from tests.factories import make_category, make_product, make_store, make_user
    from tests.helpers import gid

    call_command("migrate", verbosity=0)
    category = make_category(name="Mercearia")
    stores = [make_store(name=f"Loja {n}") for n in range(3)]
    products = [
        make_product(store=store, category=category, price=f"{700 + 150 * n}.00", stock_quantity=100_000)
        for store in stores
        for n in range(4)
    ]
    tokens = [get_token(make_user(username=f"chaos-buyer-{n}")) for n in range(buyers)]
    connections.close_all()
    return {
        "tokens": tokens,
        "stock": {product.pk: product.stock_quantity for product in products},
        "slugs": [product.slug for product in products],
        "ids": [gid("Product", product.pk) for product in products],
    }


# ---------------------------------------------------------------- the faults


def at(start: float, when: float) -> None:
    time.sleep(max(0.0, start + when - time.monotonic()))


def kill_workers(stack: Stack, seconds: float) -> list[str]:
    """kill -9 of a gunicorn worker that the bank has just charged for, 3 times."""
    from bench.chaos_gateway import bank_read  # imports the domain: after django.setup()

    Path(f"{stack.bank}.delay").write_text("1.5")
    start, notes = time.monotonic(), []
    for n in range(1, 4):
        at(start, seconds * n / 4)
        deadline = start + seconds - 1
        while time.monotonic() < deadline:
            workers = set(stack.workers())
            recent = [
                op["pid"]
                for op in bank_read(stack.bank)[-50:]
                if op["op"] == "charge" and op["pid"] in workers and op["at"] > time.time() - 1.0
            ]
            if recent:
                os.kill(recent[-1], signal.SIGKILL)
                notes.append(f"killed worker {recent[-1]} after the bank charged")
                break
            time.sleep(0.05)
    return notes


def cut_database(stack: Stack, seconds: float) -> list[str]:
    Path(f"{stack.bank}.delay").write_text("0.3")
    start, notes = time.monotonic(), []
    for n in range(1, 4):
        at(start, seconds * n / 4)
        notes.append(f"terminated {stack.cut_connections()} connections")
    return notes


def redis_outage(name: str):
    def fault(stack: Stack, seconds: float) -> list[str]:
        start = time.monotonic()
        at(start, seconds / 3)
        stack.redis_kill(name)
        at(start, 2 * seconds / 3)
        stack.redis_start(name)
        return [f"{name} Redis killed at {seconds / 3:.0f} s, started at {2 * seconds / 3:.0f} s"]

    return fault


def stop_replica(stack: Stack, seconds: float) -> list[str]:
    if stack.cluster is None:
        return ["skipped: no replica (initdb/pg_basebackup unavailable)"]
    start = time.monotonic()
    at(start, seconds / 3)
    stack.replica(running_=False)
    at(start, 2 * seconds / 3)
    stack.replica(running_=True)
    return [f"replica stopped at {seconds / 3:.0f} s, started at {2 * seconds / 3:.0f} s"]


PHASES = [
    ("baseline", None),
    ("worker kill -9", kill_workers),
    ("database cut", cut_database),
    ("cache Redis down", redis_outage("cache")),
    ("replica down", stop_replica),
    ("broker Redis down", redis_outage("broker")),
]


def inject(fault, stack: Stack, seconds: float, notes: list[str]) -> None:
    notes.extend(fault(stack, seconds))


def run_phases(stack: Stack, load: Load, args) -> dict:
    results = {}
    for name, fault in PHASES:
        stack.phase = name
        notes: list[str] = []
        before = load.reads()
        injector = (
            threading.Thread(target=inject, args=(fault, stack, args.seconds, notes)) if fault else None
        )
        if injector:
            injector.start()
        load.run(name, args.seconds, args.buyers, args.shoppers)
        if injector:
            injector.join()
        Path(f"{stack.bank}.delay").unlink(missing_ok=True)
        after = load.reads()
        results[name] = {
            "counts": dict(load.counts[name]),
            "notes": notes + stack.events.pop(name, []),
            "reads": {alias: after.get(alias, 0) - before.get(alias, 0) for alias in after},
        }
        print(f"  {name}: {dict(load.counts[name])} {notes}", flush=True)
    return results


def settle(stack: Stack, load: Load) -> list[str]:
    """After the load: the queue drained, the attempts' timeout waited, then the sweepers."""

    def drain(limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and stack.queue_length() != 0:
            time.sleep(0.5)
        time.sleep(2)  # the last task taken is finishing

    stack.phase = "after the load"
    drain(60)
    time.sleep(max(0.0, load.last_checkout + ATTEMPT_TIMEOUT + 2 - time.monotonic()))
    notes = [f"void_lost_charges: {stack.manage('void_lost_charges')}"]
    drain(60)
    notes.append(f"retry_refunds: {stack.manage('retry_refunds')}")
    return notes + stack.events.pop(stack.phase, [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load per phase")
    parser.add_argument("--buyers", type=int, default=12)
    parser.add_argument("--shoppers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kitanda-chaos-") as folder, database() as (url, cluster):
        tmp = Path(folder)
        os.environ.update({**ENV, "DATABASE_URL": url, "CHAOS_BANK": str(tmp / "bank.jsonl")})
        data = seed(args.buyers)
        stack = Stack(tmp, cluster, url)
        try:
            with ExitStack() as processes:
                gunicorn = [str(VENV / "gunicorn"), "-c", "gunicorn.conf.py", "backend.wsgi:application"]
                gunicorn += ["-k", "backend.workers.KitandaThreadWorker", "-w", "2", "--threads", "4"]
                stack.app = processes.enter_context(
                    running(gunicorn, env=stack.env, log=tmp / "gunicorn.log")
                )
                celery = [str(VENV / "celery"), "-A", "backend"]
                worker = [*celery, "worker", "--concurrency", "2", "-l", "WARNING"]
                processes.enter_context(supervised(worker, stack, log=tmp / "worker.log"))
                beat = [*celery, "beat", "-l", "WARNING", "--schedule", str(tmp / "beat-schedule")]
                processes.enter_context(supervised(beat, stack, log=tmp / "beat.log"))
                wait_for_port(stack.ports["app"], process=stack.app, timeout=90)
                load = Load(stack.ports["app"], data)
                print(f"load: {args.buyers} buyers, {args.shoppers} shoppers, {args.seconds:.0f} s per phase")
                results = run_phases(stack, load, args)
                notes = settle(stack, load)
            # Everything stopped: nothing moves while the books are read.
            found = figures(stock=data["stock"], bank=stack.bank)
        finally:
            stack.stop_redis()
            if os.environ.get("CHAOS_LOGS"):  # a folder to keep the servers' logs and the bank's book in
                keep = Path(os.environ["CHAOS_LOGS"])
                keep.mkdir(parents=True, exist_ok=True)
                for log in [*tmp.glob("*.log"), *tmp.glob("bank.jsonl")]:
                    shutil.copy(log, keep / log.name)
        failed = report(results, notes, found, replica=cluster is not None)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
