"""Catalogue benchmark: requests/s of the contract's ProductList (first: 20) through GraphQL,
against a plain Django view that returns the same JSON from one hand-written ORM query.

    .venv/bin/python bench/catalog.py [--duration 8] [--rounds 3] [--threads 4]

It creates a fresh PostgreSQL database (kitanda_bench_catalog, dropped at the end), migrates it,
seeds 1,000 products over 20 stores through the catalogue services, and serves the project the
production way on loopback: gunicorn + uvicorn worker, 1 worker each, DEBUG=0, a SECRET_KEY,
DATABASE_POOL=1, REDIS_URL. Port 8101 answers GraphQL, port 8102 the plain view (both run the
same settings, bench/catalog_settings.py, which only adds the plain view's URL). The load comes
from Python threads over keep-alive http.client connections, bounded by count and by time; the
two endpoints are measured in alternating rounds, never at the same time. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
GRAPHQL_PORT, PLAIN_PORT = 8101, 8102
PG = {"host": HOST, "port": 5432, "user": "postgres"}
# Production settings redirect plain HTTP to HTTPS; behind its proxy the app sees this header.
HEADERS = {"X-Forwarded-Proto": "https", "Host": HOST}

STORES = 20
CATEGORIES = ["Electrónicos", "Moda", "Alimentação", "Casa", "Beleza", "Desporto", "Livros", "Brinquedos"]
WORDS = ["Kianda", "Semba", "Mussulo", "Amboim", "Malanje", "Kwanza", "Ngola", "Benguela", "Huíla", "Namibe"]
THINGS = ["Telemóvel", "Pano", "Café", "Mel", "Sandálias", "Rádio", "Cadeira", "Creme", "Bola", "Romance"]


def product_list_document() -> str:
    """The storefront's ProductList operation (graph/operations) with its ProductCard fragment."""
    sys.path.insert(0, str(ROOT))
    from graph.documents import operation

    return operation("ProductList")


# ---------------------------------------------------------------- database and data


def bench_env(database: str, port_label: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.catalog_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        "DATABASE_POOL": "1",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": f"kitanda-bench-{os.getpid()}-{port_label}",
        "LOG_LEVEL": "WARNING",
        # The load generator plays the TLS-terminating proxy (X-Forwarded-Proto: https).
        "TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
    }


def recreate_database(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(products: int) -> None:
    """Runs in a child process with the bench environment: migrate, then seed through the services."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from domain.accounts.models import Store, User, UserType
    from domain.catalog import services
    from domain.catalog.models import Product

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        sellers = []
        for n in range(STORES):
            seller = User(
                username=f"bench-seller-{n}",
                email=f"seller{n}@bench.ao",
                first_name="Vendedor",
                last_name=f"N{n}",
                user_type=UserType.SELLER,
                is_approved_seller=True,
            )
            seller.set_unusable_password()
            seller.save()
            Store.objects.create(seller=seller, name=f"Loja {WORDS[n % 10]} {n}", slug=f"loja-{n}")
            sellers.append(seller)
        categories = [services.category_create(name=name) for name in CATEGORIES]
        for n in range(products):
            services.product_create(
                seller=sellers[n % STORES],
                name=f"{THINGS[n % 10]} {WORDS[(n // 10) % 10]} {n}",
                description=f"Produto de demonstração número {n}, feito em Angola.",
                price=Decimal(500 + (n * 37) % 20000) + Decimal("0.50") * (n % 2),
                stock_quantity=n % 7,
                category_id=categories[n % len(categories)].pk,
            )
        # Ratings are kept by the review services; here they are set directly, as data.
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        for offset, rating in enumerate(["3.50", "4.00", "4.50", "5.00"]):
            Product.objects.filter(pk__in=ids[offset::5]).update(
                rating_average=Decimal(rating), rating_count=1 + offset
            )
        for pk in ids[::2]:
            Product.objects.filter(pk=pk).update(thumbnail=f"products/thumbnails/bench-{pk}.webp")
    # Planner statistics, as autovacuum would have gathered on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------- servers and load


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        GUNICORN,
        "backend.asgi:application",
        "-k",
        "uvicorn_worker.UvicornWorker",
        "-w",
        "1",
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def request(port: int, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {**HEADERS, "Content-Type": "application/json"} if body else HEADERS
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            status, _ = request(port, "GET", "/health/", None)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not come up")


def load(
    port: int, method: str, path: str, body: bytes | None, *, threads: int, duration: float, limit: int
) -> float:
    """Requests/s over `threads` keep-alive connections, until `limit` requests or `duration` seconds."""
    lock = threading.Lock()
    done = [0]
    failures: list[str] = []
    deadline = time.monotonic() + duration
    headers = {**HEADERS, "Content-Type": "application/json"} if body else HEADERS

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if done[0] >= limit:
                        return
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                if response.status != 200 or b'"errors"' in payload:
                    failures.append(f"{response.status} {payload[:200]!r}")
                    return
                with lock:
                    done[0] += 1
        finally:
            connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(f"port {port}: failed request: {failures[0]}")
    return done[0] / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--requests", type=int, default=20_000, help="most requests per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database", default="kitanda_bench_catalog")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed_only:  # the child process that seeds
        seed(args.products)
        return

    recreate_database(args.database)
    servers: list[subprocess.Popen] = []
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    try:
        print(f"seeding {args.products} products over {STORES} stores in {args.database} ...", flush=True)
        subprocess.run(
            [PYTHON, __file__, "--seed-only", "--products", str(args.products)],
            check=True,
            cwd=ROOT,
            env=bench_env(args.database, "seed"),
        )
        for port in (GRAPHQL_PORT, PLAIN_PORT):
            servers.append(
                start_server(port, bench_env(args.database, str(port)), logs / f"kitanda-bench-{port}.log")
            )
        for port, server in zip((GRAPHQL_PORT, PLAIN_PORT), servers, strict=True):
            wait_until_up(port, server)

        graphql_body = json.dumps(
            {
                "query": product_list_document(),
                "variables": {"first": args.first},
                "operationName": "ProductList",
            }
        ).encode()
        plain_path = f"/bench/products/?first={args.first}"
        status, graphql_answer = request(GRAPHQL_PORT, "POST", "/graphql/", graphql_body)
        plain_status, plain_answer = request(PLAIN_PORT, "GET", plain_path, None)
        if (status, plain_status) != (200, 200) or json.loads(graphql_answer) != json.loads(plain_answer):
            raise SystemExit(f"the two answers differ:\n{graphql_answer[:500]!r}\n{plain_answer[:500]!r}")
        print(f"same JSON from both ({len(graphql_answer)} bytes, {args.first} products); warming up ...")
        load(GRAPHQL_PORT, "POST", "/graphql/", graphql_body, threads=args.threads, duration=2, limit=500)
        load(PLAIN_PORT, "GET", plain_path, None, threads=args.threads, duration=2, limit=500)

        graphql_rates, plain_rates = [], []
        for round_number in range(1, args.rounds + 1):
            measure = {
                "graphql": lambda: load(
                    GRAPHQL_PORT,
                    "POST",
                    "/graphql/",
                    graphql_body,
                    threads=args.threads,
                    duration=args.duration,
                    limit=args.requests,
                ),
                "plain": lambda: load(
                    PLAIN_PORT,
                    "GET",
                    plain_path,
                    None,
                    threads=args.threads,
                    duration=args.duration,
                    limit=args.requests,
                ),
            }
            # Alternate which goes first, so a drift in machine load does not favour one side.
            order = ["plain", "graphql"] if round_number % 2 else ["graphql", "plain"]
            rates = {name: measure[name]() for name in order}
            graphql_rates.append(rates["graphql"])
            plain_rates.append(rates["plain"])
            print(
                f"round {round_number}: plain view {rates['plain']:7.1f} req/s   "
                f"GraphQL ProductList {rates['graphql']:7.1f} req/s   ratio {rates['graphql'] / rates['plain']:.2f}",
                flush=True,
            )
        graphql_median, plain_median = statistics.median(graphql_rates), statistics.median(plain_rates)
        print(
            f"median: plain view {plain_median:.1f} req/s, GraphQL {graphql_median:.1f} req/s, "
            f"ratio {graphql_median / plain_median:.2f} (goal >= 0.6); "
            f"1 worker each, {args.threads} client threads, {args.products} products, first: {args.first}"
        )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep_database:
            recreate_database(args.database, drop_only=True)


if __name__ == "__main__":
    main()
