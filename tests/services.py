"""What the tests that need real services share: the skip marks of the SQLite leg (CI runs the suite
twice, with no services, then on PostgreSQL + Redis), and (from tests/processes.py) throwaway ports
and subprocesses that are always stopped."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
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


def throwaway_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for api.kitanda.ao, valid one day: (cert.pem, key.pem) in `directory`."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=api.kitanda.ao",
        ]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key
