"""What the tests that need real services share: the skip marks of the SQLite leg (CI runs the suite
twice, with no services, then on PostgreSQL + Redis), and (from tests/processes.py) throwaway ports
and subprocesses that are always stopped."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

from .processes import ROOT, eventually, free_port, running, wait_for_port

__all__ = ["ROOT", "eventually", "free_port", "running", "wait_for_port"]


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REDIS_URL = os.environ.get("REDIS_URL", "")

services_leg = pytest.mark.skipif(
    not (ON_POSTGRES and REDIS_URL),
    reason="needs the services leg (DATABASE_URL=postgres://…, REDIS_URL=redis://…): "
    "the SQLite leg runs with no services",
)


def redis_url(db: int) -> str:
    """REDIS_URL's server with database `db` (5-9 are this project's scale-out tests')."""
    parts = urlsplit(REDIS_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for another process to reach this database (the test database included)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
