"""What the benchmarks on a database of their own share: the database made fresh and dropped after,
and Django set up on it with the benchmark's environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def database(pg_url: str, name: str, action: str) -> None:
    """Drop the database `name` on the server `pg_url`; with action "create", make it again, empty."""
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if action == "create":
            conn.execute(f"CREATE DATABASE {name}")


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
