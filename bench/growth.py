"""A catalogue that grows: the same list shapes timed at 1k, 10k, 100k and 1M products (issue 26).

    .venv/bin/python bench/growth.py                          # 1k, 10k, 100k, 1M
    .venv/bin/python bench/growth.py --sizes 1000,100000 --runs 9 --rounds 1 --explain

PostgreSQL only. Each size has a database of its own, `<prefix>_<size>` (GROWTH_DATABASE, default
postgres://postgres@127.0.0.1:5432/kitanda_growth, its name the prefix), made when missing:
migrated, `seed_demo --products N` (the demo, then the bulk path: INSERT ... SELECT generate_series
with each product's default variant), a rating on every seventh bulk product (the demo's reviews
rate only its own 60), VACUUM ANALYZE. A later run reuses it. Each size is measured by a process of
its own (Django's settings name one database), with the response cache off, through the real
/graphql/ endpoint (Django's test Client, one process, no server), median of --runs after two
warm-up runs. The sizes are measured in turn --rounds times (1k, 10k, 100k, 1M, then again) and each
cell is the median of its rounds: on a shared machine the load then weighs on every size alike.
`--explain` prints each shape's plans (EXPLAIN of every SQL statement it ran), from the first round.
EXPLAIN_OPTIONS="(ANALYZE, BUFFERS)" in the environment runs them with those options (the times and the buffers read).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/kitanda_growth"

CARD = "fragment Card on Product { id name slug price averageRating reviewCount thumbnailUrl inStock store { name } }"
PAGE = "totalCount pageInfo { hasNextPage endCursor } edges { node { ...Card } }"


def after(offset: int) -> str:
    """The cursor of the row at `offset` (the connection's cursors are offsets)."""
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


# (label, operation of graph/operations or a document, variables, caller): every list shape.
SHAPES = [
    ("first page", "ProductList", {"first": 20}, None),
    ("search, common word", "ProductList", {"search": "cesto", "first": 20}, None),
    ("search, rare word", "ProductList", {"search": "mayombe", "first": 20}, None),
    ("search, typo", "ProductList", {"search": "sapatilhass", "first": 20}, None),
    ("search, word + typo", "ProductList", {"search": "maianga sapatilhass", "first": 20}, None),
    ("category + price", "ProductList", {"category": "moda", "minPrice": "1000", "maxPrice": "5000"}, None),
    ("sort by price", "ProductList", {"sort": "PRICE_ASC", "first": 20}, None),
    ("sort by price desc", "ProductList", {"sort": "PRICE_DESC", "first": 20}, None),
    ("sort by rating", "ProductList", {"sort": "RATING", "first": 20}, None),
    ("sort by name", "ProductList", {"sort": "NAME", "first": 20}, None),
    ("newest", "ProductList", {"sort": "NEWEST", "first": 20}, None),
    ("50th page by cursor", "ProductList", {"first": 20, "after": after(979)}, None),
    (
        "totalCount, broad search",
        "query($s: String) { products(search: $s, first: 1) { totalCount } }",
        {"s": "artigo"},
        None,
    ),
    (
        "a store's page",
        f"query($s: String!) {{ store(slug: $s) {{ products(first: 20) {{ {PAGE} }} }} }} {CARD}",
        {"s": "moda-kinaxixi"},
        None,
    ),
    ("storeProducts (seller)", "StoreProducts", {"first": 20}, "demo-seller-moda"),
]


def document(operation: str) -> str:
    if operation[0].isupper():
        from graph.documents import operation as operation_text

        return operation_text(operation)
    return operation


# ---------------------------------------------------------------- one size, in its own process


def prepare(size: int) -> None:
    """The database holds the demo and `size` products (made once), rated, analysed."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from domain.catalog.models import Product

    if Product.objects.count() != size:
        started = time.perf_counter()
        call_command("seed_demo", products=size, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"  {size:,} products made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_product SET rating_average = 1 + (id %% 400) / 100.0, rating_count = 1 + id %% 9 "
                "WHERE slug LIKE 'lote-%%' AND id %% 7 = 0",
                [],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_product")


def plan_lines(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {os.environ.get('EXPLAIN_OPTIONS', '')} {sql}")
        return [row[0] for row in cursor.fetchall()]


def timed(total: list[float], execute, sql, params, many, context):
    """An execute wrapper: adds each statement's round trip to total[0] (seconds)."""
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        total[0] += time.perf_counter() - started


def measure(size: int, runs: int, explain: bool) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from graphql_jwt.shortcuts import get_token

    from domain.accounts.models import User

    prepare(size)
    client = Client(SERVER_NAME="127.0.0.1")
    results = {}
    for label, operation, variables, username in SHAPES:
        headers = {}
        if username:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {get_token(User.objects.get(username=username))}"
        body = json.dumps({"query": document(operation), "variables": variables})

        def call(body=body, headers=headers, label=label) -> dict:
            response = client.post("/graphql/", body, content_type="application/json", **headers)
            answer = response.json()
            assert "errors" not in answer, (label, answer)
            return answer

        call(), call()  # warm: plans kept, connections open
        times, sql_times = [], []
        for _ in range(runs):
            in_sql = [0.0]
            with connection.execute_wrapper(partial(timed, in_sql)):
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            sql_times.append(in_sql[0] * 1000)
        with CaptureQueriesContext(connection) as queries:
            answer = call()
        found = next(iter(answer["data"].values()))
        found = found.get("products", found) if isinstance(found, dict) else found
        results[label] = {
            "ms": statistics.median(times),
            "sql": statistics.median(sql_times),
            "queries": len(queries.captured_queries),
            "total": (found or {}).get("totalCount"),
        }
        if explain:
            results[label]["plans"] = [
                plan_lines(query["sql"])
                for query in queries.captured_queries
                if "catalog_product" in query["sql"]
            ]
    return results


# ---------------------------------------------------------------- the table


def database_url(size: int) -> str:
    return f"{os.environ.get('GROWTH_DATABASE', DEFAULT_DATABASE)}_{size}"


def database_create(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def run_size(size: int, runs: int, explain: bool) -> dict:
    url = database_url(size)
    database_create(url)
    env = os.environ | {
        "DATABASE_URL": url,
        "GRAPHQL_RESPONSE_CACHE": "0",
        "DJANGO_SETTINGS_MODULE": "backend.settings",
    }
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--runs",
            str(runs),
            *(["--explain"] if explain else []),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(done.stderr[-3000:] if done.returncode else done.stderr)
    if done.returncode:
        raise SystemExit(f"size {size} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rounds_median(rounds: list[dict]) -> dict:
    """One size's results over its rounds: each shape's median ms, its statements and total from
    the last round (they do not vary), the plans of the first."""
    combined = {}
    for label in rounds[0]:
        cells = [one[label] for one in rounds]
        combined[label] = cells[0] | cells[-1]
        for key in ("ms", "sql"):
            combined[label][key] = statistics.median(cell[key] for cell in cells)
    return combined


def table(sizes: list[int], results: dict[int, dict]) -> list[str]:
    heads = [f"{size:,}" for size in sizes]
    lines = []
    for key, title in [
        ("ms", "median ms per request (SQL statements), median of the rounds"),
        ("sql", "of which in SQL (median ms of the statements' round trips)"),
    ]:
        lines += [
            f"{title}; last column: the largest size over the smallest",
            f"{'shape':<26}" + "".join(f"{head:>14}" for head in heads) + f"{'ratio':>8}",
        ]
        for label, *_ in SHAPES:
            cells = [results[size][label] for size in sizes]
            ratio = cells[-1][key] / cells[0][key]
            counts = (f" ({cell['queries']})" if key == "ms" else "    " for cell in cells)
            lines.append(
                f"{label:<26}"
                + "".join(f"{cell[key]:>10.1f}{count}" for cell, count in zip(cells, counts, strict=True))
                + f"{ratio:>7.2f}x"
            )
        lines.append("")
    totals = [str(results[size]["totalCount, broad search"]["total"]) for size in sizes]
    lines.append(f"{'(broad totalCount)':<26}" + "".join(f"{total:>14}" for total in totals))
    over = [
        label for label, *_ in SHAPES if results[sizes[-1]][label]["ms"] > 2 * results[sizes[0]][label]["ms"]
    ]
    lines.append(
        f"goal (each shape at {heads[-1]} within 2x of {heads[0]}): "
        + (", ".join(over) + " over" if over else "met")
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(arguments.one, arguments.runs, arguments.explain)))
        return
    sizes = [int(size) for size in arguments.sizes.split(",")]
    rounds = {size: [] for size in sizes}
    for number in range(arguments.rounds):
        for size in sizes:
            print(f"round {number + 1}: {size:,} products ...", file=sys.stderr, flush=True)
            rounds[size].append(run_size(size, arguments.runs, arguments.explain and not number))
    results = {size: rounds_median(rounds[size]) for size in sizes}
    for size in sizes:
        if arguments.explain:
            for label, result in results[size].items():
                print(f"\n== {size:,}: {label}")
                for plan in result.get("plans", []):
                    print("\n".join(plan))
    print()
    print("\n".join(table(sizes, results)))


if __name__ == "__main__":
    main()
