"""The gunicorn worker classes Kitanda serves with (see gunicorn.conf.py and the README).

- KitandaThreadWorker (WSGI, the production default): gunicorn's gthread worker whose own refusals
  (a request line or headers too large, a bad Content-Length, a malformed request) answer JSON like
  every other refusal of the API (`errors[0].extensions.code`), instead of gunicorn's HTML page.
- KitandaUvicornWorker (ASGI): uvicorn without its own X-Forwarded-For handling.
"""

from __future__ import annotations

import json
import re
import socket

from gunicorn.workers.gthread import ThreadWorker
from uvicorn_worker import UvicornWorker

_STATUS_LINE = re.compile(rb"\AHTTP/1\.1 (\d{3}) ([^\r\n]*)\r\n")
CODES = {
    413: "PAYLOAD_TOO_LARGE",
    414: "PAYLOAD_TOO_LARGE",
    431: "PAYLOAD_TOO_LARGE",
    500: "INTERNAL_SERVER_ERROR",
}


class _JsonRefusals:
    """The client's socket, as gunicorn's handle_error writes its error page to it: the page is
    sent as JSON (status and reason kept; gunicorn's message, which may quote the request, left out)."""

    def __init__(self, sock: socket.socket):
        self._sock = sock

    def __getattr__(self, name: str):
        return getattr(self._sock, name)

    def sendall(self, data: bytes, *args) -> None:
        status = _STATUS_LINE.match(data)
        if status is not None:
            code, reason = int(status.group(1)), status.group(2).decode("latin-1")
            body = json.dumps(
                {
                    "errors": [
                        {"message": reason + ".", "extensions": {"code": CODES.get(code, "BAD_REQUEST")}}
                    ]
                }
            ).encode()
            data = (
                f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode("latin-1") + body
        self._sock.sendall(data, *args)


class KitandaThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc) -> None:
        super().handle_error(req, _JsonRefusals(client), addr, exc)


class KitandaUvicornWorker(UvicornWorker):
    """uvicorn without its own X-Forwarded-For / X-Forwarded-Proto handling.

    uvicorn trusts those headers from 127.0.0.1 by default and rewrites the client address with
    them before Django sees the request, so any local caller (or a proxy that passes the client's
    header along) could pick the IP the login throttle counts. Here the peer address reaches Django
    unchanged, and TRUSTED_PROXY_COUNT alone decides which forwarded entry is the client
    (backend.client_ip) and whether X-Forwarded-Proto is believed (settings).
    """

    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
