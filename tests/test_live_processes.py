"""Live updates across processes (the services leg: PostgreSQL + Redis): two websocket processes
(daphne, as deploy/systemd/kitanda-live.service runs it) both deliver an event published by a third
(this test's process, as a web worker or a Celery task would), and abrupt disconnects leave the
database connections where they were."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import ssl
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, connections
from graphql_jwt.shortcuts import get_token

from .live import daphne_command
from .processes import ROOT, eventually, free_port, running, wait_for_port
from .services import database_url, services_leg, throwaway_certificate
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
    """The websocket server exactly as deploy/systemd/kitanda-live.service starts it, on `port`."""
    with running(daphne_command(port), env=daphne_env(), log=tmp_path / f"{name}.log") as process:
        yield process
    # Its database sessions end with it (or the test database could not be dropped).
    eventually(lambda: _sessions_of_others() == 0, timeout=10)


def _sessions_of_others() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def distinct_ports(count: int) -> list[int]:
    """Free loopback ports, all different (free_port alone answers the same one until it is taken)."""
    ports = []
    for _ in range(count):
        ports.append(free_port(max(ports, default=8799) + 1, 8899))
    return ports


def paid_in_a_thread(order) -> None:
    try:
        reference_paid(order)
    finally:
        connections.close_all()  # this thread's own connection


async def subscriber(port: int, token: str, query: str = MY_ORDERS, *, scheme="ws", tls=None):
    url = f"{scheme}://127.0.0.1:{port}/graphql/"
    socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"], ssl=tls)
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "connection_ack"}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    return socket


def test_two_websocket_processes_both_deliver_an_event_published_by_a_third(tmp_path, buyer, product):
    order = reference_order(buyer, product)
    token = get_token(buyer)
    ports = distinct_ports(2)
    with daphne(ports[0], tmp_path, "first") as first, daphne(ports[1], tmp_path, "second") as second:
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
    (port,) = distinct_ports(1)

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


@pytest.mark.skipif(
    not shutil.which("nginx") or not shutil.which("openssl"), reason="needs nginx and openssl"
)
def test_nginx_sends_websockets_to_the_live_process_and_http_to_the_app_servers(tmp_path, buyer, product):
    from .test_deploy import WRAPPER

    order = reference_order(buyer, product)
    token = get_token(buyer)
    throwaway_certificate(tmp_path)
    live_port, https_port, http_port, app_port = distinct_ports(4)
    site = (ROOT / "deploy" / "nginx" / "kitanda.conf").read_text()
    for before, after in {
        "/etc/letsencrypt/live/api.kitanda.ao/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/letsencrypt/live/api.kitanda.ao/privkey.pem": str(tmp_path / "key.pem"),
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "127.0.0.1:8001": f"127.0.0.1:{live_port}",
        "127.0.0.1:8000": f"127.0.0.1:{app_port}",  # no app server there: nginx answers 502
    }.items():
        site = site.replace(before, after)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        WRAPPER.format(tmp=tmp_path, site=tmp_path / "site.conf").replace("http {", "daemon off;\nhttp {", 1)
    )
    nginx = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    with (
        daphne(live_port, tmp_path, "live") as live_process,
        running(nginx, log=tmp_path / "nginx.log") as proxy,
    ):
        wait_for_port(live_port, process=live_process)
        wait_for_port(https_port, process=proxy)
        tls = ssl.create_default_context()
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE

        async def scenario():
            socket = await subscriber(https_port, token, scheme="wss", tls=tls)
            await asyncio.sleep(0.3)
            await asyncio.to_thread(paid_in_a_thread, order)
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert message["payload"]["data"]["myOrderUpdates"]["status"] == "CONFIRMED"
            await socket.close()

        asyncio.run(scenario())
        request = urllib.request.Request(
            f"https://127.0.0.1:{https_port}/graphql/",
            data=b"{}",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, context=tls, timeout=10)
        assert refused.value.code == 502  # plain HTTP went to the (absent) app servers, not to daphne
