"""Who the login throttle counts: the client IP is TRUSTED_PROXY_COUNT's alone, under the production
servers too, and a login's case variants that the database treats as one share one counter."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from domain.accounts.throttle import login_folded

from .conftest import contract_operation

ROOT = Path(__file__).resolve().parent.parent
WRONG = "Wrong-Pass-2026"


def readme_commands() -> dict[str, list[str]]:
    """The README's production commands, from `gunicorn` on, by the application they serve."""
    commands = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        if ".venv/bin/gunicorn " in line:
            words = shlex.split(line[line.index(".venv/bin/gunicorn") :])
            application = next(word for word in words if word.endswith(":application"))
            commands[application] = [str(Path(sys.executable).parent / "gunicorn"), *words[1:]]
    return commands


def free_port() -> int:
    for port in range(8300, 8400):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8300-8399")


@pytest.fixture(scope="module")
def server_env(tmp_path_factory) -> dict[str, str]:
    pytest.importorskip("gunicorn")
    database = tmp_path_factory.mktemp("serving") / "db.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "LOGIN_THROTTLE_LIMIT": "5",
        "LOGIN_THROTTLE_IP_LIMIT": "20",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def post_login(port: int, forwarded_for: str) -> dict:
    body = json.dumps(
        {"query": contract_operation("Login"), "variables": {"username": "nobody", "password": WRONG}}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=body,
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["data"]["tokenAuth"]


def wait_until_serving(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=15) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the worker is still starting
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start within 90 s")


@contextmanager
def readme_server(application: str, env: dict[str, str]) -> Iterator[int]:
    """The README's production command for `application`, one worker on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [*readme_commands()[application], "--bind", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(process, port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("application", ["backend.asgi:application", "backend.wsgi:application"])
def test_a_spoofed_forwarded_for_does_not_change_the_counted_ip(server_env, application):
    """The README's command on a loopback port, no proxy trusted: six failed logins, each with
    another X-Forwarded-For, still lock the login out (uvicorn's defaults would count six clients)."""
    with readme_server(application, server_env) as port:
        codes = [post_login(port, f"10.{n}.{n}.{n}")["errors"][0]["code"] for n in range(1, 7)]
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"]


def test_the_readme_serves_both_kinds_of_worker():
    commands = readme_commands()
    assert set(commands) == {"backend.asgi:application", "backend.wsgi:application"}
    for command in commands.values():
        assert re.search(r"-c gunicorn\.conf\.py", " ".join(command))
    assert "backend.workers.KitandaUvicornWorker" in commands["backend.asgi:application"]


# ---------------------------------------------------------------- one counter per login, as the database sees it

DOTTED = "\u0130BUYER"  # 'İBUYER': PostgreSQL lowers it to 'ibuyer', Python to 'i̇buyer'


@pytest.mark.django_db
def test_case_variants_the_database_treats_as_one_share_a_counter(gql, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's lower() only folds ASCII: Python's lower() stands in (and merges more)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(%s) = lower(%s)", [DOTTED, "ibuyer"])
        if not cursor.fetchone()[0]:
            pytest.skip("this database's collation does not fold 'İ' to 'i'")
    settings.TRUSTED_PROXY_COUNT = 0
    assert DOTTED.lower() != "ibuyer"  # what the counter used to key on
    assert login_folded(f" {DOTTED} ") == "ibuyer"
    for typed in [DOTTED, "ibuyer", DOTTED, "IBUYER", DOTTED]:
        result = gql.op("Login", {"username": typed, "password": WRONG})["data"]["tokenAuth"]
        assert result["errors"][0]["code"] == "INVALID_CREDENTIALS"
    result = gql.op("Login", {"username": "ibuyer", "password": WRONG})["data"]["tokenAuth"]
    assert result["errors"][0]["code"] == "RATE_LIMITED"
