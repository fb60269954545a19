"""A real Kitanda server for the tests that drive it from outside (node, a browser): daphne serving
backend.asgi:application, HTTP and the websockets of live updates on one loopback port in 8600-8699
(one origin, as nginx presents the WSGI workers and the websocket process in production), started
with deploy/systemd/kitanda-live.service's command line; its own database (a SQLite file, or a
PostgreSQL database of its own when the tests run on PostgreSQL), migrated and seeded with
seed_demo, stopped and dropped after. Its events reach its websockets through the channel layer:
Redis when the tests have REDIS_URL, else in memory (one process: enough, since it serves both)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8600, 8700)
WEBHOOK_SECRET = "live-test-webhook-secret"
STARTUP_SECONDS = 120  # a loaded CI machine may take long to import Django in a fresh worker


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]  # the server's environment (what a client needs to know: the webhook secret)


def daphne_command(port: int) -> list[str]:
    """The websocket server's command line from its systemd unit, on `port` of this checkout."""
    unit = (ROOT / "deploy" / "systemd" / "kitanda-live.service").read_text()
    (line,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    command = line.removeprefix("ExecStart=").replace("/srv/kitanda", str(ROOT)).split()
    command[0] = str(Path(sys.executable).parent / "daphne")  # this venv's
    command[command.index("--port") + 1] = str(port)
    return command


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@contextmanager
def _database(tmp: Path) -> Iterator[str]:
    """A database URL of the server's own: PostgreSQL beside the tests' when they run there."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp / 'live.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"kitanda_live_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer /health/ within {STARTUP_SECONDS} s")


@contextmanager
def live_server(tmp: Path) -> Iterator[LiveServer]:
    with _database(tmp) as database_url:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env |= {
            "DEBUG": "0",
            "SECRET_KEY": "live-test-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "0",
            "MEDIA_ROOT": str(tmp / "media"),
            "PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CACHE_KEY_PREFIX": f"kitanda-live-{os.getpid()}",  # apart from other runs on one Redis
            "LOG_LEVEL": "WARNING",
        }
        for command in (["migrate", "-v0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = tmp / "server.log"
        log = log_path.open("w")
        process = subprocess.Popen(
            daphne_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_serving(process, url, log_path)
            yield LiveServer(url=url, env=env)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
