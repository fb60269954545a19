"""Abusive documents: the worst time the endpoint takes over a Hypothesis-generated set of fragment
graphs (fragments spread side by side, each spreading later ones up to three times: up to 3^n
paths for whoever expands every spread), and the doubling chains of the hardening issue.

    .venv/bin/python bench/abuse.py [--examples 300] [--seed 2026]

In-process (Django's test client, the real view and schema), on a throwaway SQLite database with a
few products, response cache on. Not a test: tests/test_linear_work.py counts the work instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/abuse.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show", action="store_true", help="print the worst document")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        from django.test import Client
        from hypothesis import given, seed, settings
        from hypothesis import strategies as st

        from tests.test_linear_work import fragment_graph

        client = Client(HTTP_HOST="localhost")
        warm_ups = (
            "{ __typename }",
            "{ products(first: 1) { totalCount } categories { name } }",
            "{ nosuchfield }",
        )
        for warm_up in warm_ups:
            client.post("/graphql/", json.dumps({"query": warm_up}), content_type="application/json")

        def timed(text: str) -> tuple[float, str]:
            started = time.perf_counter()
            response = client.post("/graphql/", json.dumps({"query": text}), content_type="application/json")
            elapsed = time.perf_counter() - started
            errors = response.json().get("errors") or [{}]
            return elapsed, errors[0].get("extensions", {}).get(
                "code", "OK"
            ) if response.status_code == 200 else "HTTP"

        print("doubling chains (each fragment spreads the next twice):")
        print("| levels | bytes | paths | ms | answer |")
        print("|---|---|---|---|---|")
        for levels in (20, 22, 40, 200):
            text = fragment_graph([[0, 0]] * levels)
            elapsed, code = timed(text)
            print(f"| {levels} | {len(text)} | 2^{levels} | {elapsed * 1000:.1f} | {code} |")

        worst = {"ms": 0.0, "bytes": 0, "code": "", "text": ""}
        times: list[float] = []
        sizes: list[int] = []

        @seed(options.seed)
        @settings(max_examples=options.examples, deadline=None, database=None)
        @given(
            st.lists(st.lists(st.integers(0, 3), max_size=3), min_size=1, max_size=60),
            st.sampled_from(["__typename", "products(first: 1) { totalCount }", "categories { name }"]),
        )
        def run(spreads, leaf):
            text = fragment_graph(spreads, leaf)
            elapsed, code = timed(text)
            times.append(elapsed * 1000)
            sizes.append(len(text))
            if elapsed * 1000 > worst["ms"]:
                worst.update(ms=elapsed * 1000, bytes=len(text), code=code, text=text)

        run()
        times.sort()
        print(
            f"\n{len(sizes)} generated fragment graphs ({min(sizes)}-{max(sizes)} bytes): median "
            f"{times[len(times) // 2]:.1f} ms, 99th percentile {times[int(len(times) * 0.99)]:.1f} ms, worst "
            f"{worst['ms']:.1f} ms (for {worst['bytes']} bytes, answered {worst['code']})"
            + (f":\n{worst['text']}" if options.show else "")
        )


if __name__ == "__main__":
    main()
