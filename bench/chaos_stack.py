"""The processes of bench/chaos.py: a throwaway PostgreSQL (primary + replica when the tools are
here), two redis-server processes of its own (the cache and the Celery broker), gunicorn and the
Celery units supervised as systemd would, and the faults that can be done to each."""

from __future__ import annotations

import os
import subprocess
import threading
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from bench.chaos_load import HOST, METRICS_TOKEN, WEBHOOK_SECRET
from tests.pgcluster import _as_postgres, _run, postgres_bin, primary_and_replica, unavailable
from tests.processes import free_port, stop_group, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
ATTEMPT_TIMEOUT = 20
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "chaos-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "PAYMENT_GATEWAY": "bench.chaos_gateway.ChaosGateway",
    "PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG": "0",
    "METRICS_ENABLED": "1",
    "METRICS_TOKEN": METRICS_TOKEN,
    "CHARGE_ATTEMPT_TIMEOUT": str(ATTEMPT_TIMEOUT),
    "CHARGE_ATTEMPT_SWEEP_INTERVAL": "5",
    "REFUND_RETRY_INTERVAL": "10",
    "REPLICA_RETRY_SECONDS": "3",
    "GUNICORN_TIMEOUT": "30",
    "PYTHONPATH": str(ROOT),
}


# ---------------------------------------------------------------- the stack


class Stack:
    """The processes of the run, their ports and the faults that can be done to them."""

    def __init__(self, tmp: Path, cluster, database_url: str):
        self.tmp, self.cluster = tmp, cluster
        self.ports = {"app": free_port(8600, 8699)}
        self.ports["cache"] = free_port(6400, 6449)
        self.redis: dict[str, subprocess.Popen] = {"cache": self._redis("cache")}
        self.ports["broker"] = free_port(6450, 6499)
        self.redis["broker"] = self._redis("broker")
        self.bank = tmp / "bank.jsonl"
        self.env = {
            **os.environ,
            **ENV,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://{HOST}:{self.ports['cache']}/0",
            "CELERY_BROKER_URL": f"redis://{HOST}:{self.ports['broker']}/0",
            "CHAOS_BANK": str(self.bank),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
            "GUNICORN_BIND": f"{HOST}:{self.ports['app']}",
            "GUNICORN_CONTROL_SOCKET": str(tmp / "gunicorn.ctl"),
        }
        if cluster is not None:
            self.env["DATABASE_REPLICA_URLS"] = cluster.url("replica")
        (tmp / "metrics").mkdir()
        self.app: subprocess.Popen | None = None
        self.phase = "setup"
        self.events: dict[str, list[str]] = defaultdict(list)  # what the supervisor did, per phase

    def _redis(self, name: str) -> subprocess.Popen:
        folder = self.tmp / f"redis-{name}"
        folder.mkdir(exist_ok=True)
        options = ["--appendonly", "yes", "--appendfsync", "everysec"] if name == "broker" else []
        process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.ports[name]),
                "--bind",
                HOST,
                "--save",
                "",
                "--dir",
                str(folder),
            ]
            + options,
            stdout=(self.tmp / f"redis-{name}.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.ports[name], process=process)
        return process

    def redis_kill(self, name: str) -> None:
        self.redis[name].kill()
        self.redis[name].wait(timeout=10)

    def redis_start(self, name: str) -> None:
        self.redis[name] = self._redis(name)

    def stop_redis(self) -> None:
        for process in self.redis.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    def workers(self) -> list[int]:
        """The pids of gunicorn's workers (the master's children)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if self.app is not None and int(fields[1]) == self.app.pid:
                pids.append(int(stat.parent.name))
        return pids

    def replica(self, *, running_: bool) -> None:
        if running_:
            data = self.cluster.base / "replica"
            log = self.cluster.base / "replica.log"
            _run(
                _as_postgres([str(postgres_bin() / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start"])
            )
        else:
            self.cluster.stop("replica")

    def cut_connections(self) -> int:
        """pg_terminate_backend of every connection to the app's database but this one's."""
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return len(rows)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [str(VENV / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return (done.stdout + done.stderr).strip()

    def queue_length(self) -> int | None:
        import redis

        try:
            client = redis.Redis(host=HOST, port=self.ports["broker"], socket_timeout=2)
            return client.llen("kitanda")
        except redis.RedisError:
            return None


@contextmanager
def database():
    """(a primary's URL, the cluster or None): a throwaway primary + replica when PostgreSQL's
    tools are here, else a throwaway database on the local server."""
    if reason := unavailable():
        print(f"replica phase skipped: {reason}; using a database on the local PostgreSQL server")
        import psycopg

        server = os.environ.get("BENCH_PG_URL", f"postgres://postgres@{HOST}:5432")
        name = f"kitanda_chaos_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server}/{name}", None
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    primary, replica = free_port(5560, 5579), free_port(5580, 5599)
    with primary_and_replica(primary_port=primary, replica_port=replica) as cluster:
        yield cluster.url("primary"), cluster


@contextmanager
def supervised(command: list[str], stack: Stack, *, log: Path):
    """Run `command` as systemd runs the Celery units (deploy/systemd: Restart=on-failure,
    RestartSec=5): started again 5 s after it exits with an error, each exit noted in its phase."""
    current: list[subprocess.Popen] = []
    stopping = threading.Event()
    name = f"celery {command[3]}"

    def start() -> None:
        with log.open("a") as out:
            current[:] = [
                subprocess.Popen(
                    command, cwd=ROOT, env=stack.env, stdout=out, stderr=out, start_new_session=True
                )
            ]

    def watch() -> None:
        while not stopping.wait(0.5):
            code = current[0].poll()
            if code is None:
                continue
            stack.events[stack.phase].append(f"{name} exited with {code}")
            if code == 0 or stopping.wait(5):
                return
            start()
            stack.events[stack.phase].append(f"{name} restarted")

    start()
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield
    finally:
        stopping.set()
        watcher.join()
        stop_group(current[0])
