"""A throwaway PostgreSQL primary and streaming replica on loopback ports, made with PostgreSQL's own
initdb, pg_ctl and pg_basebackup (run as the postgres user when we are root). Used by
tests/test_replicas.py and bench/scale.py; everything lives in one temporary folder, removed on stop.

    with primary_and_replica(primary_port=5541, replica_port=5542) as cluster:
        cluster.url("primary"), cluster.url("replica")   # postgres://postgres@127.0.0.1:PORT/kitanda
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE = "kitanda"
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 5
hot_standby = on
max_connections = 100
shared_buffers = 64MB
# A throwaway cluster: durability is not the point.
fsync = off
full_page_writes = off
"""


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """Why a throwaway cluster cannot be made here, or None."""
    if postgres_bin() is None:
        return "PostgreSQL's initdb is not installed"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser to become the postgres user"
    return None


@dataclass
class Cluster:
    base: Path
    ports: dict[str, int]

    def url(self, node: str, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[node]}/{database}"

    def psql(self, node: str, sql: str, database: str = DATABASE) -> str:
        return _run(
            [str(postgres_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.ports[node]), "-U", "postgres"]
            + ["-d", database, "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql]
        ).strip()

    def replay(self, *, paused: bool) -> None:
        """Pause (or resume) the replica's replay of the primary's WAL: a replica that lags on purpose."""
        self.psql("replica", f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()", database="postgres")

    def stop(self, node: str) -> None:
        """Stop one node at once (a crash, as far as its clients can tell)."""
        _run(
            _as_postgres(
                [str(postgres_bin() / "pg_ctl"), "-D", str(self.base / node), "-m", "immediate", "-w", "stop"]
            )
        )

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.psql("primary", "SELECT pg_current_wal_lsn()", database="postgres")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            if self.psql("replica", replayed, database="postgres") == "t":
                return
            time.sleep(0.1)
        raise TimeoutError("the replica did not catch up")


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed: {done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def primary_and_replica(*, primary_port: int, replica_port: int):
    """Start a primary and its streaming replica; stop both and delete them after the block."""
    bin_dir = postgres_bin()
    base = Path(tempfile.mkdtemp(prefix="kitanda-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    nodes = {"primary": base / "primary", "replica": base / "replica"}
    started = []
    try:
        _run(
            _as_postgres(
                [str(bin_dir / "initdb"), "-D", str(nodes["primary"]), "-U", "postgres"]
                + ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
            )
        )
        with open(nodes["primary"] / "postgresql.conf", "a") as conf:
            conf.write(SETTINGS.format(port=primary_port, sockets=base))
        with open(nodes["primary"] / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")
        _start(bin_dir, nodes["primary"], started)
        _run(
            _as_postgres(
                [str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port)]
                + ["-U", "postgres", "-D", str(nodes["replica"]), "-R", "-X", "stream", "--no-sync"]
            )
        )
        with open(nodes["replica"] / "postgresql.conf", "a") as conf:
            conf.write(f"port = {replica_port}\n")
        _start(bin_dir, nodes["replica"], started)
        cluster = Cluster(base=base, ports={"primary": primary_port, "replica": replica_port})
        cluster.psql("primary", f"CREATE DATABASE {DATABASE}", database="postgres")
        cluster.caught_up()
        yield cluster
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)


def _start(bin_dir: Path, data: Path, started: list[Path]) -> None:
    log = data.parent / f"{data.name}.log"
    _run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"]))
    started.append(data)
