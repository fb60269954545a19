"""Catalogue benchmark: requests/s of the storefront's ProductList (first: 20) through GraphQL,
against a plain Django view that returns the same JSON from one hand-written ORM query.

    .venv/bin/python bench/catalog.py [--duration 5] [--rounds 3] [--threads 4]

It creates a fresh PostgreSQL database (kitanda_bench_catalog, dropped at the end), migrates it,
seeds 1,000 products over 20 stores through the catalogue services, and serves the project the
production way on loopback, 1 worker each, DEBUG=0, REDIS_URL (bench/load.py):

- port 8401, ASGI: gunicorn + Kitanda's uvicorn worker, psycopg pool, response cache off;
- port 8402, WSGI: gunicorn gthread, 4 threads, persistent connections, response cache off;
- port 8403, WSGI as 8402 with the response cache on.

Each serves the plain view too (bench/catalog_settings.py only adds its URL). It measures, in
alternating rounds and never two at a time: the plain view and GraphQL (POST with the text) on
each server kind; the persisted query over GET uncached; a cache hit; a 304 revalidation; and a
mix of one checkout per 50 reads with its hit rate. Each figure is the median of the rounds,
with its ratio to the plain view on its best server; the SQL queries per request come from the
seeding process (Django's test client). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import HOST, ROOT, Call, Server, load, request, wait_until_up

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG = {"host": HOST, "port": 5432, "user": "postgres"}
BUYER, BUYER_PASSWORD = "bench-buyer", "bench-buyer-password-2026"
CARD = "4111 1111 1111 1111"
# The README's production WSGI command, with 4 threads.
WSGI_COMMAND = (
    "-c",
    "gunicorn.conf.py",
    "backend.wsgi:application",
    "-k",
    "backend.workers.KitandaThreadWorker",
)
WSGI_COMMAND += ("--threads", "4")
SERVERS = {
    "asgi": Server(
        "ASGI (uvicorn worker)",
        8401,
        ("-c", "gunicorn.conf.py", "backend.asgi:application", "-k", "backend.workers.KitandaUvicornWorker"),
        {"DATABASE_POOL": "1", "GRAPHQL_RESPONSE_CACHE": "0"},
    ),
    "wsgi": Server(
        "WSGI (gthread, 4 threads)",
        8402,
        WSGI_COMMAND,
        {"DATABASE_POOL": "0", "GRAPHQL_RESPONSE_CACHE": "0"},
    ),
    "cached": Server(
        "WSGI (gthread, 4 threads), response cache on",
        8403,
        WSGI_COMMAND,
        {"DATABASE_POOL": "0", "GRAPHQL_RESPONSE_CACHE": "1"},
    ),
}

STORES = 20
CATEGORIES = ["Electrónicos", "Moda", "Alimentação", "Casa", "Beleza", "Desporto", "Livros", "Brinquedos"]
WORDS = ["Kianda", "Semba", "Mussulo", "Amboim", "Malanje", "Kwanza", "Ngola", "Benguela", "Huíla", "Namibe"]
THINGS = ["Telemóvel", "Pano", "Café", "Mel", "Sandálias", "Rádio", "Cadeira", "Creme", "Bola", "Romance"]


def document(name: str) -> str:
    """An operation of graph/operations, as its canonical text (the manifest's)."""
    from graph.documents import operation

    return operation(name)


def workers_cpu(process: subprocess.Popen) -> float:
    """Seconds of CPU (user + system) the gunicorn master's workers have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


# ---------------------------------------------------------------- database and data


def bench_env(database: str, port_label: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.catalog_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
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


def queries_per_request(first: int) -> dict[str, int]:
    """SQL queries of one request of each kind, through Django's test client (after seeding)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    body = json.dumps({"query": document("ProductList"), "variables": {"first": first}})

    def count(send) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert send().status_code in (200, 304)
        return len(captured.captured_queries)

    def graphql():
        return client.post("/graphql/", body, content_type="application/json")

    with override_settings(GRAPHQL_RESPONSE_CACHE=False):
        uncached = count(graphql)
    graphql()  # fills the cache
    return {
        "plain": count(lambda: client.get(f"/bench/products/?first={first}")),
        "graphql": uncached,
        "hit": count(graphql),
    }


def seed(products: int, first: int) -> None:
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
        buyer = User(username=BUYER, email="buyer@bench.ao", first_name="Comprador", last_name="Bench")
        buyer.set_password(BUYER_PASSWORD)
        buyer.save()
        # Ratings are kept by the review services; here they are set directly, as data.
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        for offset, rating in enumerate(["3.50", "4.00", "4.50", "5.00"]):
            Product.objects.filter(pk__in=ids[offset::5]).update(
                rating_average=Decimal(rating), rating_count=1 + offset
            )
        for pk in ids[::2]:
            Product.objects.filter(pk=pk).update(thumbnail=f"products/thumbnails/bench-{pk}.webp")
        # What the mix's checkouts buy, one at a time: the newest product, always in the first page.
        Product.objects.filter(pk=ids[-1]).update(stock_quantity=1_000_000)
    # Planner statistics, as autovacuum would have gathered on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print("QUERIES " + json.dumps(queries_per_request(first)), flush=True)


# ---------------------------------------------------------------- measurements


def persisted_path(name: str, variables: dict) -> str:
    from urllib.parse import urlencode

    from graph.documents import text_sha256 as sha256

    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(document(name))}}
    query = {"operationName": name, "variables": json.dumps(variables), "extensions": json.dumps(extensions)}
    return "/graphql/?" + urlencode(query)


def graphql_post(name: str, variables: dict, token: str | None = None) -> Call:
    body = json.dumps({"query": document(name), "variables": variables, "operationName": name}).encode()
    headers = (("Authorization", f"Bearer {token}"),) if token else ()
    return Call("POST", "/graphql/", body, headers)


def checkout_once(port: int, token: str, product_id: str) -> None:
    """One buyer's checkout of one item: add to the cart, then check out (two writes)."""
    for call in (
        graphql_post("AddToCart", {"productId": product_id, "quantity": 1}, token),
        graphql_post(
            "Checkout",
            {
                "input": {
                    "shippingAddress": "Rua Amílcar Cabral 12, Luanda",
                    "contactPhone": "+244 923 456 789",
                    "paymentMethod": "CARD",
                    "cardNumber": CARD,
                }
            },
            token,
        ),
    ):
        status, _, body = request(port, call)
        answer = json.loads(body)
        if status != 200 or "errors" in answer or any(v.get("errors") for v in answer["data"].values()):
            raise SystemExit(f"checkout failed: {body[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--requests", type=int, default=50_000, help="most requests per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reads-per-checkout", type=int, default=50)
    parser.add_argument("--database", default="kitanda_bench_catalog")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="compiled operations off and on (two WSGI servers): ProductList, a logged-in ProductDetail "
        "and MyOrders against a plain view each",
    )
    args = parser.parse_args()

    if args.seed_only:  # the child process that seeds
        seed(args.products, args.first)
        return
    if args.compiled:
        compiled_before_after(args)
        return

    recreate_database(args.database)
    servers: list = []
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    try:
        print(f"seeding {args.products} products over {STORES} stores in {args.database} ...", flush=True)
        seeded = subprocess.run(
            [PYTHON, __file__, "--seed-only", "--products", str(args.products), "--first", str(args.first)],
            check=True,
            cwd=ROOT,
            env=bench_env(args.database, "seed"),
            capture_output=True,
            text=True,
        )
        queries = json.loads(seeded.stdout.split("QUERIES ", 1)[1])
        env = bench_env(args.database, "serve")  # one cache prefix: the servers share versions
        for server in SERVERS.values():
            servers.append(server.start(env, logs / f"kitanda-bench-{server.port}.log"))
        for server, process in zip(SERVERS.values(), servers, strict=True):
            wait_until_up(server.port, process)
        asgi, wsgi, cached = (SERVERS[name].port for name in ("asgi", "wsgi", "cached"))

        variables = {"first": args.first}
        plain = Call("GET", f"/bench/products/?first={args.first}")
        post = graphql_post("ProductList", variables)
        persisted = Call("GET", persisted_path("ProductList", variables))
        _, _, plain_answer = request(wsgi, plain)
        _, headers, graphql_answer = request(wsgi, post)
        if json.loads(graphql_answer) != json.loads(plain_answer):
            raise SystemExit(f"the answers differ:\n{graphql_answer[:500]!r}\n{plain_answer[:500]!r}")
        _, headers, _ = request(cached, persisted)
        revalidate = Call("GET", persisted.path, headers=(("If-None-Match", headers["ETag"]),), expect=304)
        _, _, login = request(wsgi, graphql_post("Login", {"username": BUYER, "password": BUYER_PASSWORD}))
        token = json.loads(login)["data"]["tokenAuth"]["token"]
        sold = json.loads(graphql_answer)["data"]["products"]["edges"][0]["node"]["id"]
        print(f"same JSON from both ({len(graphql_answer)} bytes, {args.first} products); warming up ...")

        measures = {
            "plain-asgi": ("plain view", "asgi", asgi, plain, None),
            "plain-wsgi": ("plain view", "wsgi", wsgi, plain, None),
            "graphql-asgi": ("GraphQL POST, uncached", "asgi", asgi, post, None),
            "graphql-wsgi": ("GraphQL POST, uncached", "wsgi", wsgi, post, None),
            "persisted-wsgi": ("persisted GET, uncached", "wsgi", wsgi, persisted, None),
            "hit": ("persisted GET, cache hit", "cached", cached, persisted, None),
            "304": ("persisted GET, 304 revalidation", "cached", cached, revalidate, None),
            "mix": (
                f"mix: 1 checkout per {args.reads_per_checkout} reads",
                "cached",
                cached,
                persisted,
                (args.reads_per_checkout, lambda: checkout_once(cached, token, sold)),
            ),
        }

        def measure(key: str, duration: float, limit: int):
            _, _, port, call, every = measures[key]
            if key == "304":  # revalidate the answer as it is now: the mix's checkouts move stock
                _, current, _ = request(cached, persisted)
                call = Call("GET", persisted.path, headers=(("If-None-Match", current["ETag"]),), expect=304)
            return load(port, call, threads=args.threads, duration=duration, limit=limit, every=every)

        for key in measures:
            measure(key, 1.5, 300)
        results: dict[str, list] = {key: [] for key in measures}
        for round_number in range(1, args.rounds + 1):
            # Alternate the order, so a drift in machine load favours no measurement.
            order = list(measures) if round_number % 2 else list(reversed(measures))
            for key in order:
                results[key].append(measure(key, args.duration, args.requests))
            line = "  ".join(f"{key} {results[key][-1].rate:.0f}" for key in measures)
            print(f"round {round_number}: {line}", flush=True)
        report(args, measures, results, queries)
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if not args.keep_database:
            recreate_database(args.database, drop_only=True)


# Compiled operations off (graphql-core) and on, each on a WSGI gthread worker as in production that
# is never recycled mid-run, the response cache off (logged-in buyers never hit it).
COMPILED_SERVERS = {
    "off": Server(
        "WSGI (gthread, 4 threads), compiled off",
        8401,
        WSGI_COMMAND,
        {
            "DATABASE_POOL": "0",
            "GRAPHQL_RESPONSE_CACHE": "0",
            "GRAPHQL_COMPILED_OPERATIONS": "0",
            "GUNICORN_MAX_REQUESTS": "0",
        },
    ),
    "on": Server(
        "WSGI (gthread, 4 threads), compiled on",
        8402,
        WSGI_COMMAND,
        {
            "DATABASE_POOL": "0",
            "GRAPHQL_RESPONSE_CACHE": "0",
            "GRAPHQL_COMPILED_OPERATIONS": "1",
            "GUNICORN_MAX_REQUESTS": "0",
        },
    ),
}


def compiled_before_after(args) -> None:
    """ProductList (anonymous), ProductDetail and MyOrders (a logged-in buyer with orders), each through
    GraphQL with compiled operations off and on, and through its plain view, interleaved."""
    recreate_database(args.database)
    servers: list = []
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    try:
        print(f"seeding {args.products} products over {STORES} stores in {args.database} ...", flush=True)
        subprocess.run(
            [PYTHON, __file__, "--seed-only", "--products", str(args.products), "--first", str(args.first)],
            check=True,
            cwd=ROOT,
            env=bench_env(args.database, "seed"),
            capture_output=True,
            text=True,
        )
        env = bench_env(args.database, "serve")
        for server in COMPILED_SERVERS.values():
            servers.append(server.start(env, logs / f"kitanda-bench-{server.port}.log"))
        for server, process in zip(COMPILED_SERVERS.values(), servers, strict=True):
            wait_until_up(server.port, process)
        off, on = COMPILED_SERVERS["off"].port, COMPILED_SERVERS["on"].port
        _, _, login = request(on, graphql_post("Login", {"username": BUYER, "password": BUYER_PASSWORD}))
        token = json.loads(login)["data"]["tokenAuth"]["token"]
        listed = json.loads(request(on, graphql_post("ProductList", {"first": args.first}))[2])
        nodes = [edge["node"] for edge in listed["data"]["products"]["edges"]]
        for node in [node for node in nodes if node["inStock"]][:8]:  # the buyer's orders: 8 checkouts
            checkout_once(on, token, node["id"])
        slug = nodes[1]["slug"]
        auth = (("Authorization", f"Bearer {token}"),)
        calls = {
            "list": (
                Call("GET", f"/bench/products/?first={args.first}"),
                graphql_post("ProductList", {"first": args.first}),
            ),
            "detail": (
                Call("GET", f"/bench/product/?slug={slug}", headers=auth),
                graphql_post("ProductDetail", {"slug": slug}, token),
            ),
            "orders": (Call("GET", "/bench/my-orders/", headers=auth), graphql_post("MyOrders", {}, token)),
        }
        for name, (plain, graphql) in calls.items():
            answers = [
                json.loads(request(port, call)[2])
                for port, call in ((on, plain), (off, graphql), (on, graphql))
            ]
            same = answers[0] == answers[1] == answers[2]
            print(f"{name}: plain view and GraphQL (off, on) answer the same JSON: {same}", flush=True)
            if not same:
                print(f"  plain:   {json.dumps(answers[0])[:600]}\n  graphql: {json.dumps(answers[2])[:600]}")
        measures = {}
        worker = {off: servers[0], on: servers[1]}
        for name, (plain, graphql) in calls.items():
            measures[f"{name}-plain"] = (on, plain)
            measures[f"{name}-off"] = (off, graphql)
            measures[f"{name}-on"] = (on, graphql)
        cpu: dict[str, list[float]] = {key: [] for key in measures}

        def measure(key: str, duration: float, limit: int):
            port, call = measures[key]
            used, started = workers_cpu(worker[port]), time.monotonic()
            outcome = load(port, call, threads=args.threads, duration=duration, limit=limit)
            answered = outcome.rate * (time.monotonic() - started)
            cpu[key].append((workers_cpu(worker[port]) - used) * 1000 / max(answered, 1))
            return outcome

        for key in measures:
            measure(key, 1.5, 300)
        results: dict[str, list] = {key: [] for key in measures}
        cpu = {key: [] for key in measures}
        for round_number in range(1, args.rounds + 1):
            order = list(measures) if round_number % 2 else list(reversed(measures))
            for key in order:
                results[key].append(measure(key, args.duration, args.requests))
            print(
                f"round {round_number}: "
                + "  ".join(f"{k} {results[k][-1].rate:.0f}/s {cpu[k][-1]:.1f}ms" for k in measures),
                flush=True,
            )
        rate = {key: statistics.median(outcome.rate for outcome in results[key]) for key in measures}
        cpu_ms = {key: statistics.median(values) for key, values in cpu.items()}
        print()
        print(
            f"Median of {args.rounds} rounds of {args.duration:.0f} s, {args.threads} client threads, 1 WSGI gthread "
            f"worker, GUNICORN_MAX_REQUESTS=0, response cache off, {args.products} products."
        )
        print()
        print("| operation | plain view req/s | compiled off req/s | ratio | compiled on req/s | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        labels = {
            "list": "ProductList (anonymous)",
            "detail": "ProductDetail (logged-in buyer)",
            "orders": "MyOrders (8 orders)",
        }
        for name, label in labels.items():
            plain, before, after = (rate[f"{name}-{kind}"] for kind in ("plain", "off", "on"))
            print(
                f"| {label} | {plain:.0f} | {before:.0f} | {before / plain:.2f} | {after:.0f} | {after / plain:.2f} |"
            )
        print()
        print(
            "The worker's CPU per request (user + system, /proc, ms; median of the rounds), which the "
            "machine's other load moves much less than req/s; ratio = plain / GraphQL:"
        )
        print()
        print("| operation | plain view ms | compiled off ms | ratio | compiled on ms | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, label in labels.items():
            plain, before, after = (cpu_ms[f"{name}-{kind}"] for kind in ("plain", "off", "on"))
            print(
                f"| {label} | {plain:.2f} | {before:.2f} | {plain / before:.2f} | {after:.2f} | {plain / after:.2f} |"
            )
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if not args.keep_database:
            recreate_database(args.database, drop_only=True)


def report(args, measures: dict, results: dict, queries: dict) -> None:
    rate = {key: statistics.median(outcome.rate for outcome in results[key]) for key in measures}
    best_plain = max(rate["plain-asgi"], rate["plain-wsgi"])
    sql = {"plain-asgi": queries["plain"], "plain-wsgi": queries["plain"], "hit": queries["hit"], "304": 0}
    print()
    print(
        f"Median of {args.rounds} rounds of {args.duration:.0f} s, 1 worker per server, {args.threads} client "
        f"threads, {args.products} products, ProductList first: {args.first}; ratio to the plain view on "
        f"its best server ({best_plain:.0f} req/s)."
    )
    print()
    print("| measurement | server | req/s | ratio | SQL queries/request |")
    print("|---|---|---:|---:|---:|")
    for key, (label, server, *_rest) in measures.items():
        queries_of = sql.get(key, queries["graphql"])
        if key == "mix":
            hits = sum(outcome.hits for outcome in results[key])
            misses = sum(outcome.misses for outcome in results[key])
            label += f" (hit rate {hits / max(hits + misses, 1):.1%})"
            queries_of = f"{queries['graphql'] * misses / max(hits + misses, 1):.2f}"
        print(
            f"| {label} | {SERVERS[server].name} | {rate[key]:.0f} | {rate[key] / best_plain:.2f} | {queries_of} |"
        )


if __name__ == "__main__":
    main()
