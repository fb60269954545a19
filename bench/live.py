"""Live updates benchmark: idle subscribers, abrupt disconnects, and commit-to-client latency.

    .venv/bin/python bench/live.py [--idle 1000] [--buyers 20] [--seconds 10] [--threads 4]

On a fresh PostgreSQL database it creates and drops (kitanda_bench_live on 127.0.0.1:5432, user
postgres; BENCH_PG_URL overrides the server) and Redis database 8 (BENCH_REDIS_URL):
1. one websocket process, daphne as deploy/systemd/kitanda-live.service runs it, on 127.0.0.1:8211;
2. `--idle` buyers' sockets, each with a myOrderUpdates subscription, held open: the process's
   memory (RSS) before and after, per connection, and its CPU while they idle;
3. the same sockets cut without a close frame: the process's memory and database sessions after;
4. `--buyers` subscribers while `--threads` threads of this process check carts out (CARD, the
   simulated gateway, through the domain's service, as a web worker does) for `--seconds`: the
   time from each checkout's commit to its first update at the client, p50/p95/max.
Not a test: it is never collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.postgres import database, setup_django  # noqa: E402
from tests.processes import running, wait_for_port  # noqa: E402

DB_NAME = "kitanda_bench_live"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
PORT = 8211
ENV = {
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "REDIS_URL": REDIS_URL,
    "DEBUG": "1",
    "SECRET_KEY": "bench-live-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LIVE_MAX_CONNECTIONS_PER_IP": "100000",
}
MY_ORDERS = "subscription { myOrderUpdates { seq orderNumber status } }"


def seed(buyers: int):
    from django.core.management import call_command

    from tests.factories import make_category, make_product, make_store, make_user

    call_command("migrate", verbosity=0)
    category = make_category(name="Mercearia")
    product = make_product(
        store=make_store(name="Loja"), category=category, price="1500.00", stock_quantity=10**7
    )
    return [make_user(username=f"bench-live-{n}") for n in range(buyers)], product


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_sessions() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


async def subscribe(token: str):
    from websockets.asyncio.client import connect

    socket = await connect(f"ws://127.0.0.1:{PORT}/graphql/", subprotocols=["graphql-transport-ws"])
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    await asyncio.wait_for(socket.recv(), 30)  # connection_ack
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": MY_ORDERS}}))
    return socket


async def idle_and_cut(pid: int, tokens: list[str], count: int) -> dict:
    before = rss_kb(pid)
    sessions_before = await asyncio.to_thread(database_sessions)
    sockets = []
    for n in range(count):
        sockets.append(await subscribe(tokens[n % len(tokens)]))
    await asyncio.sleep(3)
    held = rss_kb(pid)
    cpu = cpu_seconds(pid)
    await asyncio.sleep(10)
    idle_cpu = (cpu_seconds(pid) - cpu) / 10
    for socket in sockets:
        socket.transport.abort()
    await asyncio.sleep(5)
    return {
        "rss_before": before,
        "rss_held": held,
        "rss_after": rss_kb(pid),
        "idle_cpu": idle_cpu,
        "sessions_before": sessions_before,
        "sessions_after": await asyncio.to_thread(database_sessions),
    }


def checkout_load(users, product, seconds: float, threads: int, committed: dict[str, float]) -> int:
    from django.db import connections, transaction

    from domain.cart.models import Cart, CartItem
    from tests.helpers import place

    stop = time.monotonic() + seconds
    done = [0]

    def buyer(thread: int) -> None:
        mine = users[thread::threads]
        n = 0
        while time.monotonic() < stop:
            user = mine[n % len(mine)]
            cart, _ = Cart.objects.get_or_create(user=user)
            CartItem.objects.create(cart=cart, product=product, quantity=1)
            stamp = []
            with transaction.atomic():  # checkout's own transaction nests in it: this commit is checkout's
                transaction.on_commit(lambda stamp=stamp: stamp.append(time.time()))  # first of its callbacks
                (order,) = place(user)
            committed[order.order_number] = stamp[0]
            n += 1
            done[0] += 1
        connections.close_all()

    workers = [threading.Thread(target=buyer, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return done[0]


async def latency(users, tokens, product, seconds: float, threads: int) -> tuple[list[float], int]:
    committed: dict[str, float] = {}
    received: dict[str, float] = {}
    sockets = [await subscribe(token) for token in tokens]

    async def listen(socket):
        async for raw in socket:
            message = json.loads(raw)
            if message.get("type") == "next":
                number = message["payload"]["data"]["myOrderUpdates"]["orderNumber"]
                received.setdefault(number, time.time())

    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    await asyncio.sleep(1)
    count = await asyncio.to_thread(checkout_load, users, product, seconds, threads, committed)
    await asyncio.sleep(2)
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    return [received[n] - committed[n] for n in committed if n in received], count


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    database(PG_URL, DB_NAME, "create")
    try:
        setup_django(ENV)
        from django.db import connections
        from graphql_jwt.shortcuts import get_token

        users, product = seed(args.buyers)
        tokens = [get_token(user) for user in users]
        connections.close_all()
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(PORT)]
        command += ["--ping-interval", "20", "--ping-timeout", "30", "backend.asgi:application"]
        with running(command, env={**os.environ, **ENV}) as daphne:
            wait_for_port(PORT, process=daphne)
            idle = asyncio.run(idle_and_cut(daphne.pid, tokens, args.idle))
            again = asyncio.run(idle_and_cut(daphne.pid, tokens, args.idle))  # memory held, or growing?
            delays, checkouts = asyncio.run(latency(users, tokens, product, args.seconds, args.threads))
            connections.close_all()
        print(
            f"live updates benchmark: one daphne process on 127.0.0.1:{PORT}, PostgreSQL {DB_NAME}, Redis {REDIS_URL}"
        )
        per = (idle["rss_held"] - idle["rss_before"]) / args.idle
        print(
            f"  {args.idle} idle subscribers: RSS {idle['rss_before'] / 1024:.1f} MB -> {idle['rss_held'] / 1024:.1f} MB"
            f" ({per:.1f} KB per connection), CPU while idle {idle['idle_cpu'] * 100:.1f}% of a core"
        )
        print(
            f"  after cutting them all: RSS {idle['rss_after'] / 1024:.1f} MB, database sessions "
            f"{idle['sessions_before']} before -> {idle['sessions_after']} after; after a second round of "
            f"{args.idle} opened and cut: RSS {again['rss_after'] / 1024:.1f} MB, database sessions {again['sessions_after']}"
        )
        print(
            f"  commit-to-client latency under {args.threads} checkout threads for {args.seconds:.0f} s "
            f"({checkouts} checkouts, {len(delays)} delivered to {args.buyers} subscribers):"
        )
        if delays:
            ms = [d * 1000 for d in delays]
            print(
                f"    p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
                f"max {max(ms):.1f} ms, mean {statistics.mean(ms):.1f} ms"
            )
    finally:
        from django.db import connections

        connections.close_all()
        database(PG_URL, DB_NAME, "drop")


if __name__ == "__main__":
    main()
