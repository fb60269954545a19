"""The Makefile tells the truth: `make` alone lists every target with one line each, every target it
lists exists and does something, and `make run` finds a busy port before migrating and seeding."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def make(*args: str, env: dict | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env or os.environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def listed() -> dict[str, str]:
    done = make("help")
    assert done.returncode == 0, done.stderr
    return dict(re.findall(r"^  ([a-z][a-z-]*)\s+(\S.*)$", done.stdout, flags=re.MULTILINE))


def test_make_alone_lists_every_target_with_one_line_each():
    assert make().stdout == make("help").stdout
    targets = listed()
    rules = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.MULTILINE))
    phony = set(re.search(r"^\.PHONY:(.*)$", MAKEFILE, flags=re.MULTILINE).group(1).split())
    assert set(targets) == rules == phony
    assert {"run", "test", "lint", "bench", "locale", "client", "help"} <= set(targets)
    assert all(len(line) > 10 for line in targets.values())


@pytest.mark.parametrize("target", sorted(listed()))
def test_every_listed_target_exists_and_has_commands(target):
    """A dry run of each listed target succeeds and has something to do (no "Nothing to be done")."""
    done = make("-n", target, "--always-make")
    assert done.returncode == 0, done.stderr
    assert "Nothing to be done" not in done.stdout + done.stderr
    assert done.stdout.strip()


def test_make_run_serves_where_it_says_and_its_links_lead_there():
    dry = make("-n", "run", "PORT=8123", "HOST=127.0.0.2").stdout
    assert "runserver 127.0.0.2:8123" in dry
    assert "FRONTEND_URL=${FRONTEND_URL:-http://127.0.0.2:8123}" in dry  # e-mailed links, unless set


def test_lint_and_bench_run_real_tools():
    assert "ruff check ." in make("-n", "lint").stdout
    assert "ruff format --check ." in make("-n", "lint").stdout
    assert re.search(
        r"bench/catalog\.py --duration \d+ --rounds 1$", make("-n", "bench").stdout, re.MULTILINE
    )


def test_readme_documents_host_and_port_and_every_target():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=" in readme and "HOST=" in readme
    for target in listed():
        assert f"make {target}" in readme or target in {"help", "client-check", "format"}, target


def test_make_run_stops_on_a_busy_port_before_migrating(tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    database = tmp_path / "never.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "MAKEFLAGS"}}
    try:
        done = make("run", f"PORT={port}", env=env | {"DATABASE_URL": f"sqlite:///{database}"})
    finally:
        busy.close()
    assert done.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in done.stdout + done.stderr
    assert "make run PORT=" in done.stdout + done.stderr
    assert "migrate" not in done.stdout and not database.exists()
