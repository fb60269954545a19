"""The catalogue benchmark's load: keep-alive http.client connections from Python threads, bounded
by count and by time, and the servers it measures (gunicorn, 1 worker, on loopback)."""

from __future__ import annotations

import http.client
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
# Production settings redirect plain HTTP to HTTPS; behind its proxy the app sees this header.
HEADERS = {"X-Forwarded-Proto": "https", "Host": HOST, "Accept": "application/json"}


@dataclass(frozen=True)
class Server:
    """One way of serving the project: a gunicorn command on a port, and the environment it adds."""

    name: str
    port: int
    options: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str], log: Path) -> subprocess.Popen:
        command = [GUNICORN, *self.options, "-w", "1", "-b", f"{HOST}:{self.port}", "--log-level", "warning"]
        return subprocess.Popen(
            command, cwd=ROOT, env={**env, **self.env}, stdout=log.open("w"), stderr=subprocess.STDOUT
        )


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expect: int = 200


def request(port: int, call: Call) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(call.method, call.path, body=call.body, headers=_headers(call))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _headers(call: Call) -> dict[str, str]:
    headers = {**HEADERS, **dict(call.headers)}
    if call.body:
        headers["Content-Type"] = "application/json"
    return headers


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            if request(port, Call("GET", "/health/"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not come up")


@dataclass
class Outcome:
    rate: float  # requests/s
    hits: int = 0
    misses: int = 0


def load(
    port: int,
    call: Call,
    *,
    threads: int,
    duration: float,
    limit: int,
    every: tuple[int, Callable[[], None]] | None = None,
) -> Outcome:
    """Requests/s of `call` over `threads` keep-alive connections, until `limit` requests or
    `duration` seconds. `every=(n, action)` runs `action` (a write, not counted) after each n requests.
    Counts the server's X-Cache answers (HIT/MISS)."""
    lock = threading.Lock()
    done, hits, misses = [0], [0], [0]
    failures: list[str] = []
    deadline = time.monotonic() + duration
    headers = _headers(call)

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.monotonic() < deadline and not failures:
                with lock:
                    if done[0] >= limit:
                        return
                connection.request(call.method, call.path, body=call.body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                if response.status != call.expect or b'"errors"' in payload:
                    failures.append(f"{response.status} {payload[:300]!r}")
                    return
                cache = response.getheader("X-Cache")
                with lock:
                    done[0] += 1
                    hits[0] += cache == "HIT"
                    misses[0] += cache == "MISS"
                    write = every is not None and done[0] % every[0] == 0
                if write:
                    every[1]()
        finally:
            connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(f"port {port}: failed request: {failures[0]}")
    return Outcome(done[0] / elapsed, hits[0], misses[0])
