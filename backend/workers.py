"""The gunicorn worker class that serves the ASGI application (see gunicorn.conf.py and the README)."""

from uvicorn_worker import UvicornWorker


class KitandaUvicornWorker(UvicornWorker):
    """uvicorn without its own X-Forwarded-For / X-Forwarded-Proto handling.

    uvicorn trusts those headers from 127.0.0.1 by default and rewrites the client address with
    them before Django sees the request, so any local caller (or a proxy that passes the client's
    header along) could pick the IP the login throttle counts. Here the peer address reaches Django
    unchanged, and TRUSTED_PROXY_COUNT alone decides which forwarded entry is the client
    (backend.client_ip) and whether X-Forwarded-Proto is believed (settings).
    """

    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "proxy_headers": False}
