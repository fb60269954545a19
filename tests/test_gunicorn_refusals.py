"""gunicorn's own refusals (what it answers before Django sees a request) in the production worker
class: JSON with a code, like every other refusal of the API, never gunicorn's HTML page."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from .test_client_identity import readme_server, server_env  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]


def raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)
    }
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module")
def gunicorn(server_env):  # noqa: F811
    with readme_server("backend.wsgi:application", server_env) as port:  # the production command
        yield port


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (
            b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
            431,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            b"POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}",
            400,
            "BAD_REQUEST",
        ),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414, "PAYLOAD_TOO_LARGE"),
        (b"NOT A REQUEST\r\n\r\n", 400, "BAD_REQUEST"),
    ],
    ids=["header-too-large", "bad-content-length", "request-line-too-long", "malformed"],
)
def test_gunicorn_refuses_in_json(gunicorn, request_bytes, status, code):
    answered, headers, body = raw(gunicorn, request_bytes)
    assert answered == status
    assert headers["content-type"] == "application/json"
    [error] = json.loads(body)["errors"]
    assert error["extensions"]["code"] == code and error["message"]


def test_the_worker_serves_requests_as_gthread_does(gunicorn):
    status, headers, body = raw(
        gunicorn, b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 200 and json.loads(body)
