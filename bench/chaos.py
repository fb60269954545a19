"""Faults at scale: a scripted fault run under load that ends by counting the money and the stock.

    .venv/bin/python bench/chaos.py [--seconds 20] [--buyers 12] [--shoppers 2]

Everything on loopback, thrown away at the end:
- a PostgreSQL primary + streaming replica made with initdb and pg_basebackup (tests/pgcluster.py);
  without them, a database on the local server (BENCH_PG_URL, postgres://postgres@127.0.0.1:5432)
  and the replica phase is skipped, saying so;
- two redis-server processes of its own on free ports, one the cache (REDIS_URL), one the Celery
  broker (CELERY_BROKER_URL, AOF as deploy/redis/kitanda-broker.conf), so they can be stopped;
- gunicorn as the README serves WSGI in production (gunicorn.conf.py, -k
  backend.workers.KitandaThreadWorker, 2 workers x 4 threads), a Celery worker and a beat with the
  sweepers shortened (CHARGE_ATTEMPT_TIMEOUT 20 s, sweeps every 5 s, refund retries every 10 s);
- the bank: bench/chaos_gateway.py (PAYMENT_GATEWAY) writes every charge, void and refund to a file,
  outside the app's database; the script writes there the reference payments it makes.

Load, per phase (--seconds each): logged-in buyers add to their carts and check out (3 in 4 by
CARD, else by REFERENCE, then the bank pays it and calls the signed webhook); 1 card order in 5 is
cancelled by its buyer (a refund through the broker); anonymous shoppers browse (replica reads).
A checkout that gets no answer or a 5xx is retried once with its idempotency key, as a client would.
Phases, one fault each, under load: baseline; a gunicorn worker killed -9 while it waits for the
gateway's answer after the bank charged (3 times); every database connection cut
(pg_terminate_backend, 3 times, the gateway answering in 0.3 s); the cache Redis killed, then
started again; the replica stopped, then started; the broker Redis killed, then started.

Then: the Celery queue drained, CHARGE_ATTEMPT_TIMEOUT waited, `manage.py void_lost_charges` and
`manage.py retry_refunds`, and it prints per phase: requests, checkouts, refusals, 5xx, masked
internal errors, dropped connections, /health/ answers, replica and primary reads; and the
invariants: charges at the bank without a standing order nor a refund or void (must be 0), paid
orders whose charge the bank lacks, money given back while its order stands, stock = initial -
units in standing orders per product, ledger = balance and ledger = paid standing orders per
store, and the bank's net = paid standing orders. Exits 1 when an invariant fails. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chaos_load import HOST, METRICS_TOKEN, WEBHOOK_SECRET, Load  # noqa: E402
from bench.chaos_report import figures, report  # noqa: E402
from tests.pgcluster import _as_postgres, _run, postgres_bin, primary_and_replica, unavailable  # noqa: E402
from tests.processes import free_port, running, wait_for_port  # noqa: E402

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


def seed(buyers: int) -> dict:
    """Stores, products and buyers on the primary, through the project's factories (as the other
    benchmarks do): {"tokens", "stock": {product id: initial stock}, "slugs", "ids"}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from graphql_jwt.shortcuts import get_token

    from tests.factories import make_category, make_product, make_store, make_user
    from tests.helpers import gid

    call_command("migrate", verbosity=0)
    category = make_category(name="Mercearia")
    stores = [make_store(name=f"Loja {n}") for n in range(3)]
    products = [
        make_product(store=store, category=category, price=f"{700 + 150 * n}.00", stock_quantity=100_000)
        for store in stores
        for n in range(4)
    ]
    tokens = [get_token(make_user(username=f"chaos-buyer-{n}")) for n in range(buyers)]
    connections.close_all()
    return {
        "tokens": tokens,
        "stock": {product.pk: product.stock_quantity for product in products},
        "slugs": [product.slug for product in products],
        "ids": [gid("Product", product.pk) for product in products],
    }


# ---------------------------------------------------------------- the faults


def at(start: float, when: float) -> None:
    time.sleep(max(0.0, start + when - time.monotonic()))


def kill_workers(stack: Stack, seconds: float) -> list[str]:
    """kill -9 of a gunicorn worker that the bank has just charged for, 3 times."""
    from bench.chaos_gateway import bank_read  # imports the domain: after django.setup()

    Path(f"{stack.bank}.delay").write_text("1.5")
    start, notes = time.monotonic(), []
    for n in range(1, 4):
        at(start, seconds * n / 4)
        deadline = start + seconds - 1
        while time.monotonic() < deadline:
            workers = set(stack.workers())
            recent = [
                op["pid"]
                for op in bank_read(stack.bank)[-50:]
                if op["op"] == "charge" and op["pid"] in workers and op["at"] > time.time() - 1.0
            ]
            if recent:
                os.kill(recent[-1], signal.SIGKILL)
                notes.append(f"killed worker {recent[-1]} after the bank charged")
                break
            time.sleep(0.05)
    return notes


def cut_database(stack: Stack, seconds: float) -> list[str]:
    Path(f"{stack.bank}.delay").write_text("0.3")
    start, notes = time.monotonic(), []
    for n in range(1, 4):
        at(start, seconds * n / 4)
        notes.append(f"terminated {stack.cut_connections()} connections")
    return notes


def redis_outage(name: str):
    def fault(stack: Stack, seconds: float) -> list[str]:
        start = time.monotonic()
        at(start, seconds / 3)
        stack.redis_kill(name)
        at(start, 2 * seconds / 3)
        stack.redis_start(name)
        return [f"{name} Redis killed at {seconds / 3:.0f} s, started at {2 * seconds / 3:.0f} s"]

    return fault


def stop_replica(stack: Stack, seconds: float) -> list[str]:
    if stack.cluster is None:
        return ["skipped: no replica (initdb/pg_basebackup unavailable)"]
    start = time.monotonic()
    at(start, seconds / 3)
    stack.replica(running_=False)
    at(start, 2 * seconds / 3)
    stack.replica(running_=True)
    return [f"replica stopped at {seconds / 3:.0f} s, started at {2 * seconds / 3:.0f} s"]


PHASES = [
    ("baseline", None),
    ("worker kill -9", kill_workers),
    ("database cut", cut_database),
    ("cache Redis down", redis_outage("cache")),
    ("replica down", stop_replica),
    ("broker Redis down", redis_outage("broker")),
]


def inject(fault, stack: Stack, seconds: float, notes: list[str]) -> None:
    notes.extend(fault(stack, seconds))


def run_phases(stack: Stack, load: Load, args) -> dict:
    results = {}
    for name, fault in PHASES:
        notes: list[str] = []
        before = load.reads()
        injector = (
            threading.Thread(target=inject, args=(fault, stack, args.seconds, notes)) if fault else None
        )
        if injector:
            injector.start()
        load.run(name, args.seconds, args.buyers, args.shoppers)
        if injector:
            injector.join()
        Path(f"{stack.bank}.delay").unlink(missing_ok=True)
        after = load.reads()
        results[name] = {
            "counts": dict(load.counts[name]),
            "notes": notes,
            "reads": {alias: after.get(alias, 0) - before.get(alias, 0) for alias in after},
        }
        print(f"  {name}: {dict(load.counts[name])} {notes}", flush=True)
    return results


def settle(stack: Stack, load: Load) -> list[str]:
    """After the load: the queue drained, the attempts' timeout waited, then the sweepers."""

    def drain(limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and stack.queue_length() != 0:
            time.sleep(0.5)
        time.sleep(2)  # the last task taken is finishing

    drain(60)
    time.sleep(max(0.0, load.last_checkout + ATTEMPT_TIMEOUT + 2 - time.monotonic()))
    notes = [f"void_lost_charges: {stack.manage('void_lost_charges')}"]
    drain(60)
    notes.append(f"retry_refunds: {stack.manage('retry_refunds')}")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load per phase")
    parser.add_argument("--buyers", type=int, default=12)
    parser.add_argument("--shoppers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kitanda-chaos-") as folder, database() as (url, cluster):
        tmp = Path(folder)
        os.environ.update({**ENV, "DATABASE_URL": url, "CHAOS_BANK": str(tmp / "bank.jsonl")})
        data = seed(args.buyers)
        stack = Stack(tmp, cluster, url)
        try:
            with ExitStack() as processes:
                gunicorn = [str(VENV / "gunicorn"), "-c", "gunicorn.conf.py", "backend.wsgi:application"]
                gunicorn += ["-k", "backend.workers.KitandaThreadWorker", "-w", "2", "--threads", "4"]
                stack.app = processes.enter_context(
                    running(gunicorn, env=stack.env, log=tmp / "gunicorn.log")
                )
                celery = [str(VENV / "celery"), "-A", "backend"]
                worker = [*celery, "worker", "--concurrency", "2", "-l", "WARNING"]
                processes.enter_context(running(worker, env=stack.env, log=tmp / "worker.log"))
                beat = [*celery, "beat", "-l", "WARNING", "--schedule", str(tmp / "beat-schedule")]
                processes.enter_context(running(beat, env=stack.env, log=tmp / "beat.log"))
                wait_for_port(stack.ports["app"], process=stack.app, timeout=90)
                load = Load(stack.ports["app"], data)
                print(f"load: {args.buyers} buyers, {args.shoppers} shoppers, {args.seconds:.0f} s per phase")
                results = run_phases(stack, load, args)
                notes = settle(stack, load)
            # Everything stopped: nothing moves while the books are read.
            found = figures(stock=data["stock"], bank=stack.bank)
        finally:
            stack.stop_redis()
            if os.environ.get("CHAOS_LOGS"):  # a folder to keep the servers' logs and the bank's book in
                keep = Path(os.environ["CHAOS_LOGS"])
                keep.mkdir(parents=True, exist_ok=True)
                for log in [*tmp.glob("*.log"), *tmp.glob("bank.jsonl")]:
                    shutil.copy(log, keep / log.name)
        failed = report(results, notes, found, replica=cluster is not None)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
