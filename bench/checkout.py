"""Checkout under load: buyers checking out in parallel through the real GraphQL endpoint, served as
in production (gunicorn with gunicorn.conf.py: gthread workers, DEBUG off, PostgreSQL).

    .venv/bin/python bench/checkout.py [--buyers 20] [--rounds 5] [--workers 2,4] [--stores 1,3,9]
                                       [--broker both|off|on] [--hot-buyers 50]

On a fresh PostgreSQL database it creates and drops (kitanda_bench_checkout on 127.0.0.1:5432,
user postgres; BENCH_PG_URL overrides the server):
1. migrates, creates 9 stores with 3 products each (stock large enough never to run out), one
   "hot" product with exactly `--hot-buyers` units, and the buyers;
2. for each worker count and broker setting, serves the project with gunicorn on 127.0.0.1:8201.
   Broker "off": no CELERY_BROKER_URL, so the order e-mails' task runs in the request's process
   after the commit (the embedded default). Broker "on": Redis db 9 on 127.0.0.1:6379 is the broker
   and a Celery worker (2 processes, as deploy/systemd/kitanda-worker.service) consumes it, as in
   production;
3. per cart size (one product of each of 1, 3 or 9 stores) and round, fills every buyer's cart
   directly in the database (outside the timing), then all buyers send the contract's Checkout
   mutation (CARD, the simulated gateway) at the same moment; a round's time runs from the first
   request to the last answer;
4. the hot product: `--hot-buyers` buyers each buy one unit of the one product at the same moment
   (every checkout waits for the same row lock); pg_stat_activity is sampled every 5 ms for
   backends waiting on a lock, which gives the lock waits (sampled backend-seconds);
5. prints, per configuration: checkouts/s, p50/p95 latency, the server's CPU per checkout (its
   processes' user+system time over the run), failures; and the SQL statements of one checkout
   through the endpoint per cart size (in-process, same code path; BEGIN/COMMIT included).
Not a test: it is never collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import postgres

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "kitanda_bench_checkout"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
HOST, PORT = "127.0.0.1", 8201
SECRET_KEY = "bench-checkout-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
STORES = 9
LOG = Path(os.environ.get("BENCH_LOG", "/tmp/kitanda-bench-checkout.log"))
PRODUCTS_PER_STORE = 3

ENV = {
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "DEBUG": "0",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": f"{HOST},testserver",
    "SECURE_SSL_REDIRECT": "0",
    "PAYMENT_WEBHOOK_SECRET": "bench-webhook-secret",
    "LOG_LEVEL": "WARNING",
    # The e-mails are rendered as in production, then dropped (no SMTP server to wait for).
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}

CHECKOUT = """
mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    orders { id orderNumber status paymentStatus totalAmount store { name slug }
             items { id productName price quantity lineTotal product { slug } }
             payment { id method status amount transactionId referenceNumber createdAt } }
    errors { field message code }
  }
}
"""
INPUT = {
    "shippingAddress": "Rua da Missão 10, Luanda",
    "contactPhone": "+244 923 456 789",
    "paymentMethod": "CARD",
    "cardNumber": "4111 1111 1111 1111",
}


def setup_django() -> None:
    postgres.setup_django(ENV)


def seed(buyers: int, hot_units: int):
    from django.core.management import call_command

    from tests.factories import make_category, make_product, make_store, make_user

    call_command("migrate", verbosity=0)
    category = make_category(name="Mercearia")
    stores = [make_store(name=f"Loja {n}") for n in range(STORES)]
    products = [
        [
            make_product(store=store, category=category, price="1500.00", stock_quantity=10_000_000)
            for _ in range(PRODUCTS_PER_STORE)
        ]
        for store in stores
    ]
    hot = make_product(store=stores[0], category=category, price="990.00", stock_quantity=hot_units)
    users = [make_user(username=f"bench-buyer-{n}") for n in range(buyers)]
    return users, products, hot


def fill_carts(users, picks) -> None:
    """Each user's cart holds one unit of each product of `picks` (their default variants)."""
    from domain.cart.models import Cart, CartItem
    from domain.catalog.models import ProductVariant

    variants = {v.product_id: v for v in ProductVariant.objects.filter(product__in=picks, is_default=True)}
    items = []
    for user in users:
        cart, _ = Cart.objects.get_or_create(user=user)
        CartItem.objects.filter(cart=cart).delete()
        items += [
            CartItem(cart=cart, product=product, variant=variants[product.pk], quantity=1)
            for product in picks
        ]
    CartItem.objects.bulk_create(items)


def picks_for(products, stores: int, round_number: int):
    return [products[store][round_number % PRODUCTS_PER_STORE] for store in range(stores)]


def serve(workers: int, broker: bool) -> list[subprocess.Popen]:
    env = {**os.environ, **ENV, "GUNICORN_MAX_REQUESTS": "0", "WEB_CONCURRENCY": str(workers)}
    if broker:
        env["CELERY_BROKER_URL"] = BROKER_URL
    processes = [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "-b", f"{HOST}:{PORT}"],
            cwd=ROOT,
            env=env,
            start_new_session=True,  # its own process group, so that stop() ends the workers too
            stderr=LOG.open("a"),  # the access log, as in production, kept out of the table
        )
    ]
    if broker:
        processes.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/celery"),
                    "-A",
                    "backend",
                    "worker",
                    "--concurrency",
                    "2",
                    "-l",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=LOG.open("a"),
            )
        )
    return processes


def wait_until_healthy(server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/health/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not become healthy")


def stop(process: subprocess.Popen) -> None:
    """End a process and its group (the group this script started)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def group_cpu_seconds(leader: subprocess.Popen) -> float:
    """User + system CPU of every live process in the leader's process group (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader.pid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def checkout(token: str) -> dict:
    body = json.dumps({"query": CHECKOUT, "variables": {"input": INPUT}}).encode()
    request = urllib.request.Request(
        f"http://{HOST}:{PORT}/graphql/",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def round_of_checkouts(tokens: list[str]) -> tuple[float, list[float], list[dict]]:
    barrier = threading.Barrier(len(tokens) + 1)
    latencies = [0.0] * len(tokens)
    results: list[dict] = [{}] * len(tokens)

    def buyer(i: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            results[i] = checkout(tokens[i])
        except OSError as error:
            results[i] = {"error": str(error)}
        latencies[i] = time.perf_counter() - started

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, results


def placed(result: dict) -> bool:
    return bool(((result.get("data") or {}).get("checkout") or {}).get("orders"))


class LockWaits:
    """Samples pg_stat_activity for backends of the benchmark's database waiting on a lock."""

    INTERVAL = 0.005

    def __init__(self) -> None:
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG_URL}/{DB_NAME}", autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    (DB_NAME,),
                ).fetchone()
                self.samples += row[0]
                time.sleep(self.INTERVAL)

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return self.samples * self.INTERVAL


def query_count_of_one_checkout(user, picks) -> str:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from graphql_jwt.shortcuts import get_token

    fill_carts([user], picks)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {get_token(user)}")
    body = json.dumps({"query": CHECKOUT, "variables": {"input": INPUT}})
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", body, content_type="application/json")
    assert len(response.json()["data"]["checkout"]["orders"]) == len(picks), response.content
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    statements = [query["sql"] for query in queries.captured_queries]
    if os.environ.get("BENCH_PRINT_SQL"):
        print("\n".join(sql[:160] for sql in statements))
    return f"{len(statements)} ({sum(not sql.upper().startswith(control) for sql in statements)})"


def measure(args, workers: int, broker: bool, all_tokens, all_users, products, hot) -> list[str]:
    tokens, users = all_tokens[: args.buyers], all_users[: args.buyers]
    processes = serve(workers, broker)
    lines = []
    try:
        wait_until_healthy(processes[0])
        fill_carts(users, picks_for(products, 3, 0))
        round_of_checkouts(tokens)  # warm-up: connections, caches
        for stores in args.stores:
            total_time, latencies, failures = 0.0, [], 0
            cpu_before = group_cpu_seconds(processes[0])
            for number in range(1, args.rounds + 1):
                fill_carts(users, picks_for(products, stores, number))
                elapsed, round_latencies, results = round_of_checkouts(tokens)
                total_time += elapsed
                latencies += round_latencies
                failures += sum(1 for result in results if not placed(result))
            cpu = group_cpu_seconds(processes[0]) - cpu_before
            checkouts = len(tokens) * args.rounds
            latencies.sort()
            lines.append(
                f"| {workers} | {'on' if broker else 'off'} | {stores} | {checkouts / total_time:6.1f} "
                f"| {statistics.median(latencies) * 1000:5.0f} | {latencies[int(0.95 * (len(latencies) - 1))] * 1000:5.0f} "
                f"| {cpu / checkouts * 1000:5.1f} | {failures} |"
            )
            print(lines[-1], flush=True)
        hot_tokens = all_tokens[: args.hot_buyers]
        if not hot_tokens:  # --hot-buyers 0: no hot product
            return lines
        from domain.catalog.models import ProductVariant

        ProductVariant.objects.filter(product=hot).update(stock_quantity=len(hot_tokens))
        fill_carts(all_users[: len(hot_tokens)], [hot])
        with LockWaits() as waits:
            elapsed, hot_latencies, results = round_of_checkouts(hot_tokens)
        hot_latencies.sort()
        lines.append(
            f"| {workers} | {'on' if broker else 'off'} | hot product | {len(hot_tokens)} buyers in {elapsed:.2f} s, "
            f"{sum(map(placed, results))} placed, p95 {hot_latencies[int(0.95 * (len(hot_latencies) - 1))] * 1000:.0f} ms, "
            f"lock waits {waits.seconds:.2f} backend-s |"
        )
        print(lines[-1], flush=True)
    finally:
        for process in reversed(processes):
            stop(process)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts (default 2,4)")
    parser.add_argument("--stores", default="1,3,9", help="stores per cart (default 1,3,9)")
    parser.add_argument("--broker", choices=["both", "off", "on"], default="both")
    parser.add_argument("--hot-buyers", type=int, default=50)
    args = parser.parse_args()
    args.stores = [int(n) for n in args.stores.split(",")]
    brokers = {"both": [False, True], "off": [False], "on": [True]}[args.broker]

    postgres.database(PG_URL, DB_NAME, "create")
    try:
        setup_django()
        from django.db import connections
        from graphql_jwt.shortcuts import get_token

        buyers = max(args.buyers, args.hot_buyers)
        users, products, hot = seed(buyers + 1, args.hot_buyers)
        counted_user, users = users[0], users[1:]
        query_count_of_one_checkout(counted_user, picks_for(products, 1, 0))  # once-only reads
        queries = {
            stores: query_count_of_one_checkout(counted_user, picks_for(products, stores, 0))
            for stores in args.stores
        }
        tokens = [get_token(user) for user in users]
        connections.close_all()
        print(f"checkout under load: {args.buyers} parallel buyers x {args.rounds} rounds per cart size")
        print(
            "SQL statements of one checkout through /graphql/, BEGIN, COMMIT and savepoints included "
            "(and without them): "
            + ", ".join(f"{stores} store(s) {count}" for stores, count in queries.items())
        )
        print(
            "| workers | broker | stores | checkouts/s | p50 ms | p95 ms | server CPU ms/checkout | failed |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for workers in [int(n) for n in args.workers.split(",")]:
            for broker in brokers:
                measure(args, workers, broker, tokens, users, products, hot)
                connections.close_all()
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        postgres.database(PG_URL, DB_NAME, "drop")


if __name__ == "__main__":
    main()
