"""Scaling out on loopback: 1 then 2 app processes behind one port, on a PostgreSQL primary + streaming
replica and Redis, driven with the storefront's mix.

    .venv/bin/python bench/scale.py [--clients 16] [--buyers 4] [--seconds 20] [--threads 4]

1. A throwaway primary and streaming replica (tests/pgcluster.py: initdb, pg_basebackup) on
   127.0.0.1:5551 and :5552; Redis on 127.0.0.1:6379, database 9 (cache, read-your-writes pins).
2. Migrates the primary and seeds 200 products in 10 stores and 4 categories (stock that never runs
   out) and the buyers.
3. Per configuration, gunicorn with the project's gunicorn.conf.py, WSGI gthread workers (1, then 2)
   on 127.0.0.1:8571, DATABASE_REPLICA_URLS pointing at the replica; nginx in front on 127.0.0.1:8570
   when it is installed (TRUSTED_PROXY_COUNT=1 then), and the clients use that one port.
4. N clients for S seconds each: anonymous shoppers browse (ProductList, 20 per page, sorted and
   filtered in turn) and open products (ProductDetail); logged-in buyers do the whole funnel: browse,
   product detail, AddToCart, Checkout (CARD, the simulated gateway). E-mails go to Django's dummy
   backend; without a broker the notification task runs in the request after its commit.
5. Prints, per configuration: requests/s, p50 and p95 per operation and overall, and how many SQL
   reads the replica and the primary served (from /metrics/, summed over the workers).
Not a test: never collected by pytest. Everything it starts is stopped, and the cluster deleted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pgcluster import primary_and_replica, unavailable  # noqa: E402
from tests.processes import running, wait_for_port  # noqa: E402

HOST, APP_PORT, FRONT_PORT = "127.0.0.1", 8571, 8570
PRIMARY_PORT, REPLICA_PORT = 5551, 5552
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
METRICS_TOKEN = "bench-metrics-token"
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-scale-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": f"{HOST},localhost",
    "SECURE_SSL_REDIRECT": "0",
    "REDIS_URL": REDIS,
    "CACHE_KEY_PREFIX": f"kitanda-bench-{os.getpid()}",
    "METRICS_ENABLED": "1",
    "METRICS_TOKEN": METRICS_TOKEN,
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "PAYMENT_GATEWAY": "domain.orders.payments.SimulatedGateway",
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG": "0",
    "LOGIN_THROTTLE_LIMIT": "1000000",
}
NGINX = """
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
worker_processes 1;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    upstream kitanda_app {{ server {host}:{app_port}; keepalive 32; }}
    server {{
        listen {host}:{front_port};
        client_max_body_size 9m;
        # As deploy/nginx/kitanda.conf: headers set from what nginx sees, never passed through.
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Request-ID $request_id;
        location / {{ proxy_pass http://kitanda_app; }}
    }}
}}
"""


# ---------------------------------------------------------------- data


def seed(buyers: int) -> tuple[list[str], list[int], list[str], list[str]]:
    """Products, categories and buyers on the primary: (product slugs, product ids, category slugs,
    buyer tokens)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from graphql_jwt.shortcuts import get_token

    from tests.factories import make_category, make_product, make_store, make_user

    call_command("migrate", verbosity=0)
    categories = [make_category(name=f"Categoria {n}") for n in range(4)]
    stores = [make_store(name=f"Loja {n}") for n in range(10)]
    products = [
        make_product(
            store=stores[n % 10],
            category=categories[n % 4],
            name=f"Produto {n:03d}",
            price=f"{500 + 37 * n}.00",
            stock_quantity=100_000_000,
        )
        for n in range(200)
    ]
    users = [make_user(username=f"bench-buyer-{n}") for n in range(buyers)]
    from django.db import connections

    connections.close_all()
    return (
        [product.slug for product in products],
        [product.pk for product in products],
        [category.slug for category in categories],
        [get_token(user) for user in users],
    )


# ---------------------------------------------------------------- clients


class Shopper:
    """One client on one keep-alive connection: anonymous browsing, or (with a token) the funnel."""

    def __init__(self, port: int, documents: dict, catalogue: tuple, token: str | None, seed_: int):
        self.port, self.documents, self.token = port, documents, token
        self.slugs, self.ids, self.categories = catalogue
        self.random = random.Random(seed_)
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.samples: list[tuple[str, float, bool]] = []

    def send(self, name: str, variables: dict) -> dict:
        body = json.dumps({"query": self.documents[name], "variables": variables})
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            self.connection.request("POST", "/graphql/", body, headers)
            response = self.connection.getresponse()
            answer = json.loads(response.read())
            ok = response.status == 200 and "errors" not in answer
        except (OSError, http.client.HTTPException, ValueError):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            answer, ok = {}, False
        self.samples.append((name, time.perf_counter() - started, ok))
        return answer

    def browse(self) -> None:
        sort = self.random.choice(["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME"])
        variables = {"first": 20, "sort": sort}
        if self.random.random() < 0.5:
            variables["category"] = self.random.choice(self.categories)
        self.send("ProductList", variables)

    def run(self, until: float) -> None:
        while time.perf_counter() < until:
            self.browse()
            pick = self.random.randrange(len(self.slugs))
            self.send("ProductDetail", {"slug": self.slugs[pick]})
            if self.token:
                self.send("AddToCart", {"productId": _gid("Product", self.ids[pick]), "quantity": 1})
                checkout = {
                    "shippingAddress": "Rua da Missão 10, Luanda",
                    "contactPhone": "+244923456789",
                    "paymentMethod": "CARD",
                    "cardNumber": "4111111111111111",
                }
                self.send("Checkout", {"input": checkout})
        self.connection.close()


def _gid(kind: str, pk: int) -> str:
    from tests.helpers import gid

    return gid(kind, pk)


def drive(port: int, clients: int, buyers: list[str], seconds: float, catalogue: tuple) -> dict:
    from graph.documents import operations

    documents = operations()
    shoppers = [
        Shopper(port, documents, catalogue, buyers[n] if n < len(buyers) else None, n) for n in range(clients)
    ]
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=shopper.run, args=(until,)) for shopper in shoppers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = [sample for shopper in shoppers for sample in shopper.samples]
    by_operation = defaultdict(list)
    for name, duration, _ in samples:
        by_operation[name].append(duration)
        by_operation["all"].append(duration)
    return {
        "elapsed": elapsed,
        "requests": len(samples),
        "failed": sum(1 for _, _, ok in samples if not ok),
        "checkouts": len(by_operation.get("Checkout", [])),
        "latency": {name: _percentiles(values) for name, values in by_operation.items()},
    }


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0] * 1000, values[0] * 1000) if values else (0.0, 0.0)
    cuts = statistics.quantiles(values, n=100)
    return statistics.median(values) * 1000, cuts[94] * 1000


# ---------------------------------------------------------------- servers


def database_reads() -> dict[str, float]:
    connection = http.client.HTTPConnection(HOST, APP_PORT, timeout=30)
    connection.request("GET", "/metrics/", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    text = connection.getresponse().read().decode()
    connection.close()
    reads: dict[str, float] = defaultdict(float)
    pattern = r'^kitanda_db_queries_total\{database="([^"]+)",kind="read"\} ([0-9.e+]+)$'
    for alias, value in re.findall(pattern, text, re.M):
        reads[alias] += float(value)
    return dict(reads)


def run_configuration(workers: int, args, env: dict, catalogue: tuple, tokens: list[str], tmp: Path) -> dict:
    metrics_dir = tmp / f"metrics-{workers}"
    metrics_dir.mkdir()
    nginx = shutil.which("nginx")
    server_env = env | {
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "GUNICORN_BIND": f"{HOST}:{APP_PORT}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(args.threads),
        "TRUSTED_PROXY_COUNT": "1" if nginx else "0",
    }
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
    gunicorn += ["-k", "backend.workers.KitandaThreadWorker", "backend.wsgi:application"]
    with running(gunicorn, env=server_env, log=tmp / f"gunicorn-{workers}.log") as app:
        wait_for_port(APP_PORT, process=app, timeout=60)
        port = APP_PORT
        front = None
        if nginx:
            (tmp / "nginx.conf").write_text(
                NGINX.format(tmp=tmp, host=HOST, app_port=APP_PORT, front_port=FRONT_PORT)
            )
            front = subprocess.Popen(
                [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            wait_for_port(FRONT_PORT, process=front)
            port = FRONT_PORT
        try:
            drive(port, min(args.clients, 4), tokens, 3, catalogue)  # warm-up: imports, connections
            before = database_reads()
            result = drive(port, args.clients, tokens, args.seconds, catalogue)
            after = database_reads()
        finally:
            if front is not None:
                front.terminate()
                front.wait(timeout=20)
    result["reads"] = {alias: after.get(alias, 0) - before.get(alias, 0) for alias in after}
    result["front"] = "nginx" if nginx else "none"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--buyers", type=int, default=4, help="how many of the clients are logged-in buyers")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, in order")
    args = parser.parse_args()
    if reason := unavailable():
        raise SystemExit(f"bench/scale.py needs a throwaway PostgreSQL cluster: {reason}")

    with primary_and_replica(primary_port=PRIMARY_PORT, replica_port=REPLICA_PORT) as cluster:
        env = {**os.environ, **ENV}
        env |= {"DATABASE_URL": cluster.url("primary"), "DATABASE_REPLICA_URLS": cluster.url("replica")}
        os.environ.update(env)
        slugs, ids, categories, tokens = seed(args.buyers)
        cluster.caught_up()
        results = {}
        with tempfile.TemporaryDirectory(prefix="kitanda-bench-") as tmp:
            for workers in (int(n) for n in args.workers.split(",")):
                results[workers] = run_configuration(
                    workers, args, env, (slugs, ids, categories), tokens, Path(tmp)
                )
        report(args, results)


def report(args, results: dict) -> None:
    anonymous = args.clients - min(args.buyers, args.clients)
    front = next(iter(results.values()))["front"]
    print(
        f"\n{args.clients} clients ({anonymous} anonymous shoppers: browse + product detail; "
        f"{min(args.buyers, args.clients)} buyers: browse, detail, add to cart, checkout), "
        f"{args.seconds:.0f} s per configuration, gthread x{args.threads} threads per worker, "
        f"front: {front}, PostgreSQL primary + 1 streaming replica, Redis\n"
    )
    header = "| app processes | req/s | p50 ms | p95 ms | checkouts/s | failed | replica reads | primary reads | replica share |"
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for workers, result in results.items():
        replica = sum(value for alias, value in result["reads"].items() if alias != "default")
        primary = result["reads"].get("default", 0)
        p50, p95 = result["latency"]["all"]
        print(
            f"| {workers} | {result['requests'] / result['elapsed']:.1f} | {p50:.0f} | {p95:.0f} | "
            f"{result['checkouts'] / result['elapsed']:.1f} | {result['failed']} | {replica:.0f} | "
            f"{primary:.0f} | {replica / max(replica + primary, 1):.0%} |"
        )
    print("\np50 / p95 per operation (ms):")
    operations = ["ProductList", "ProductDetail", "AddToCart", "Checkout"]
    print("| app processes | " + " | ".join(operations) + " |")
    print("|---|" + "---|" * len(operations))
    for workers, result in results.items():
        cells = [
            "{:.0f} / {:.0f}".format(*result["latency"][name]) if name in result["latency"] else "-"
            for name in operations
        ]
        print(f"| {workers} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
