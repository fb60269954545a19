"""deploy/redis/: the memory budget and eviction policy of each Redis a deployment runs, checked by
starting a real redis-server with each file (on a free loopback port) and reading its settings back."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS = shutil.which("redis-server")

EXPECTED = {
    "kitanda-cache.conf": {"maxmemory-policy": "volatile-lru", "maxmemory": str(512 * 1024 * 1024)},
    "kitanda-throttle.conf": {"maxmemory-policy": "noeviction", "maxmemory": str(64 * 1024 * 1024)},
    "kitanda-broker.conf": {"maxmemory-policy": "noeviction", "appendonly": "yes"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_every_file_is_checked():
    assert sorted(path.name for path in (ROOT / "deploy" / "redis").glob("*.conf")) == sorted(EXPECTED)


@pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_redis_runs_each_file_as_written(tmp_path, name):
    import redis

    port = free_port()
    server = subprocess.Popen(
        [REDIS, str(ROOT / "deploy" / "redis" / name), "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        for setting, value in EXPECTED[name].items():
            assert client.config_get(setting)[setting] == value
    finally:
        server.terminate()
        server.wait(timeout=20)
