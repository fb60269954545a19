"""Live updates across processes (the services leg: PostgreSQL + Redis): two websocket processes
(daphne, as deploy/systemd/kitanda-live.service runs it) both deliver an event published by a third
(this test's process, as a web worker or a Celery task would), and abrupt disconnects leave the
database connections where they were."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, connections
from graphql_jwt.shortcuts import get_token

from .services import database_url, eventually, free_port, running, services_leg, wait_for_port
from .test_live import MY_ORDERS, reference_order, reference_paid

websockets = pytest.importorskip("websockets.asyncio.client", reason="websockets is in requirements-dev.txt")

pytestmark = [services_leg, pytest.mark.django_db(transaction=True)]


def daphne_env() -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return env | {
        "DATABASE_URL": database_url(connection.settings_dict),  # the test database
        "JWT_SECRET_KEY": settings.GRAPHQL_JWT["JWT_SECRET_KEY"],
        "DEBUG": "1",
        "LIVE_MAX_CONNECTIONS_PER_IP": "1000",
    }


@contextmanager
def daphne(port: int, tmp_path, name: str):
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "backend.asgi:application"]
    with running(command, env=daphne_env(), log=tmp_path / f"{name}.log") as process:
        yield process
    # Its database sessions end with it (or the test database could not be dropped).
    eventually(lambda: _sessions_of_others() == 0, timeout=10)


def _sessions_of_others() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def paid_in_a_thread(order) -> None:
    try:
        reference_paid(order)
    finally:
        connections.close_all()  # this thread's own connection


async def subscriber(port: int, token: str, query: str = MY_ORDERS):
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/graphql/", subprotocols=["graphql-transport-ws"]
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "connection_ack"}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    return socket


def test_two_websocket_processes_both_deliver_an_event_published_by_a_third(tmp_path, buyer, product):
    order = reference_order(buyer, product)
    token = get_token(buyer)
    ports = [free_port(), None]
    with daphne(ports[0], tmp_path, "first") as first:
        ports[1] = free_port(ports[0] + 1)
        with daphne(ports[1], tmp_path, "second") as second:
            wait_for_port(ports[0], process=first)
            wait_for_port(ports[1], process=second)

            async def scenario():
                sockets = [await subscriber(port, token) for port in ports]
                await asyncio.sleep(0.3)  # both subscriptions joined their group
                await asyncio.to_thread(paid_in_a_thread, order)  # committed here, in a third process
                for socket in sockets:
                    message = json.loads(await asyncio.wait_for(socket.recv(), 10))
                    update = message["payload"]["data"]["myOrderUpdates"]
                    assert (update["orderNumber"], update["status"], update["paymentStatus"]) == (
                        order.order_number,
                        "CONFIRMED",
                        "COMPLETED",
                    )
                    await socket.close()

            asyncio.run(scenario())


def test_abrupt_disconnects_leave_the_database_connections_as_they_were(tmp_path, buyer):
    token = get_token(buyer)
    port = free_port()

    def backends() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    with daphne(port, tmp_path, "live") as process:
        wait_for_port(port, process=process)

        async def cut(rounds: int):
            for _ in range(rounds):  # connections with a subscription each, cut without a close frame
                sockets = [await subscriber(port, token) for _ in range(25)]
                for socket in sockets:
                    socket.transport.abort()
                await asyncio.sleep(0.5)

        asyncio.run(cut(2))  # the process's own connections (its threads'), made once
        baseline = backends()
        asyncio.run(cut(4))
        assert eventually(lambda: backends() <= baseline, timeout=10), (backends(), baseline)
