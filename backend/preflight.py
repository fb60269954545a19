"""The preflight gunicorn runs before it serves (gunicorn.conf.py's on_starting), in a process of its
own: `python -m backend.preflight`. It prints the system checks (with DEBUG off, the deploy checks'
warnings of backend/checks.py: what production lacks, each naming its variable), then refuses (exit 1)
to let gunicorn serve a database that cannot be reached or is not migrated, saying why, rather than
answer every query with INTERNAL_SERVER_ERROR."""

from __future__ import annotations

import os
import sys

import django
from django.conf import settings


def preflight() -> int:
    """Print the checks (warnings included), then refuse (1) when the database is not ready."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import DatabaseError

    from backend import checks

    try:
        call_command("check", deploy=not settings.DEBUG)
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        return 1
    database = settings.DATABASES["default"]
    where = f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}"
    try:
        missing = checks.unapplied_migrations()
    except DatabaseError as error:
        print(
            f"Kitanda is not ready: the database ({where}) cannot be reached: {error}".strip(),
            file=sys.stderr,
        )
        return 1
    if missing:
        print(
            f"Kitanda is not ready: the database ({where}) lacks {len(missing)} migrations "
            f"(from {missing[0]}), so every query would fail. Run `.venv/bin/python manage.py migrate` "
            "with the same environment first (deploy/systemd/kitanda-web.service runs it before gunicorn), "
            "then start again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    sys.exit(preflight())
