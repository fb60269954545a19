"""The ASGI application: HTTP through Django (BoundedBodyASGI), and websockets on /graphql/ for
GraphQL subscriptions (graph/live.py, graphql-transport-ws). In production HTTP is served by the
WSGI workers and this application serves the websockets, in a process of its own (daphne,
deploy/systemd/kitanda-live.service), which nginx picks by the Upgrade header."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after the settings)
from django.urls import path  # noqa: E402
from django.utils import translation  # noqa: E402

from backend.client_ip import with_client_ip  # noqa: E402
from backend.locale import negotiated_from_headers  # noqa: E402
from backend.middleware import BoundedBodyASGI  # noqa: E402
from graph.live import LiveConsumer  # noqa: E402
from graph.schema import schema  # noqa: E402


def in_language(application):
    """The connection's messages in the language its handshake negotiated (backend/locale.py)."""

    async def app(scope, receive, send):
        with translation.override(negotiated_from_headers(dict(scope.get("headers") or ()))):
            return await application(scope, receive, send)

    return app


websocket_application = with_client_ip(
    in_language(URLRouter([path("graphql/", LiveConsumer.as_asgi(schema=schema))]))
)

application = ProtocolTypeRouter(
    {"http": BoundedBodyASGI(django_application), "websocket": websocket_application}
)
