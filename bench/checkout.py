"""Checkout benchmark: 20 buyers checking out in parallel through the real GraphQL endpoint.

    .venv/bin/python bench/checkout.py [--buyers 20] [--rounds 10] [--workers 2]

What it does, on a fresh PostgreSQL database it creates and drops (kitanda_bench_checkout on
127.0.0.1:5432, user postgres; BENCH_PG_URL overrides the server):
1. migrates, creates 3 stores with 3 products each (stock large enough never to run out) and
   the buyers;
2. serves the project with gunicorn + uvicorn workers on 127.0.0.1:8201 (DEBUG off, psycopg pool);
3. per round, fills every buyer's cart with one product of each store (directly in the database,
   outside the timing), then all buyers send the contract's Checkout mutation (CARD, the
   simulated gateway) at the same moment; the time from the first request to the last answer
   is the round's time;
4. prints checkouts per second (all checkouts / summed round times), latencies, and the SQL
   query count of one checkout through the endpoint (in-process, same code path).
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
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import postgres

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "kitanda_bench_checkout"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
HOST, PORT = "127.0.0.1", 8201
SECRET_KEY = "bench-checkout-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

ENV = {
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "DEBUG": "0",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": f"{HOST},testserver",
    "SECURE_SSL_REDIRECT": "0",
    "PAYMENT_WEBHOOK_SECRET": "bench-webhook-secret",
    "LOG_LEVEL": "WARNING",
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


def database(action: str) -> None:
    postgres.database(PG_URL, DB_NAME, action)


def setup_django() -> None:
    postgres.setup_django(ENV)


def seed(buyers: int) -> tuple[list, list]:
    from django.core.management import call_command

    from tests.factories import make_category, make_product, make_store, make_user

    call_command("migrate", verbosity=0)
    category = make_category(name="Mercearia")
    stores = [make_store(name=f"Loja {n}") for n in range(3)]
    products = [
        make_product(store=store, category=category, price="1500.00", stock_quantity=10_000_000)
        for store in stores
        for _ in range(3)
    ]
    users = [make_user(username=f"bench-buyer-{n}") for n in range(buyers)]
    return users, products


def fill_carts(users, products, round_number: int) -> None:
    from domain.cart.models import Cart, CartItem

    # One product of each store per cart: every checkout makes three orders.
    picks = [products[store * 3 + round_number % 3] for store in range(3)]
    items = []
    for user in users:
        cart, _ = Cart.objects.get_or_create(user=user)
        items += [CartItem(cart=cart, product=product, quantity=1) for product in picks]
    CartItem.objects.bulk_create(items)


def serve(workers: int) -> subprocess.Popen:
    env = {**os.environ, **ENV, "DATABASE_POOL": "1", "DATABASE_POOL_MAX": "10"}
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "backend.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, so that stop() ends the workers too
    )


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


def stop(server: subprocess.Popen) -> None:
    """End the gunicorn master and its workers (the process group this script started)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def checkout(token: str) -> dict:
    body = json.dumps({"query": CHECKOUT, "variables": {"input": INPUT}}).encode()
    request = urllib.request.Request(
        f"http://{HOST}:{PORT}/graphql/",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def round_of_checkouts(tokens: list[str]) -> tuple[float, list[float], list[dict]]:
    barrier = threading.Barrier(len(tokens) + 1)
    latencies = [0.0] * len(tokens)
    results: list[dict] = [{}] * len(tokens)

    def buyer(i: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        results[i] = checkout(tokens[i])
        latencies[i] = time.perf_counter() - started

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, results


def query_count_of_one_checkout(user, products) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from graphql_jwt.shortcuts import get_token

    from domain.cart.models import Cart, CartItem

    cart, _ = Cart.objects.get_or_create(user=user)
    CartItem.objects.bulk_create(
        CartItem(cart=cart, product=products[store * 3], quantity=1) for store in range(3)
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {get_token(user)}")
    body = json.dumps({"query": CHECKOUT, "variables": {"input": INPUT}})
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", body, content_type="application/json")
    orders = response.json()["data"]["checkout"]["orders"]
    assert orders and len(orders) == 3, response.content
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()

    database("create")
    server = None
    try:
        setup_django()
        from django.db import connections
        from graphql_jwt.shortcuts import get_token

        users, products = seed(args.buyers + 1)
        counted_user, users = users[0], users[1:]
        tokens = [get_token(user) for user in users]
        queries = query_count_of_one_checkout(counted_user, products)
        server = serve(args.workers)
        wait_until_healthy(server)

        fill_carts(users, products, 0)
        round_of_checkouts(tokens)  # warm-up: connections, caches
        total_time, latencies, failures = 0.0, [], 0
        for number in range(1, args.rounds + 1):
            fill_carts(users, products, number)
            elapsed, round_latencies, results = round_of_checkouts(tokens)
            total_time += elapsed
            latencies += round_latencies
            failures += sum(1 for r in results if not (r.get("data") or {}).get("checkout", {}).get("orders"))
        connections.close_all()

        from domain.orders.models import Order

        checkouts = args.buyers * args.rounds
        latencies.sort()
        print(
            f"checkout benchmark: {args.buyers} parallel buyers x {args.rounds} rounds, 3-store carts (3 orders each)"
        )
        print(
            f"  served by gunicorn + {args.workers} uvicorn worker(s) on {HOST}:{PORT}, PostgreSQL {DB_NAME}"
        )
        print(
            f"  checkouts/s:            {checkouts / total_time:.1f}  ({checkouts} checkouts in {total_time:.2f} s)"
        )
        print(f"  orders/s:               {3 * checkouts / total_time:.1f}")
        print(
            f"  latency p50 / p95 / max: {statistics.median(latencies) * 1000:.0f} / "
            f"{latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} / {latencies[-1] * 1000:.0f} ms"
        )
        print(f"  failed checkouts:       {failures}")
        expected = 3 * (1 + args.buyers * (args.rounds + 1))
        print(f"  orders in the database: {Order.objects.count()} (expected {expected})")
        print(f"  SQL queries of one checkout through /graphql/: {queries} (BEGIN and COMMIT included)")
    finally:
        if server is not None:
            stop(server)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        database("drop")


if __name__ == "__main__":
    main()
