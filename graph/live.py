"""The websocket endpoint of GraphQL subscriptions (graphql-transport-ws), on strawberry's channels
consumer: who is connected, what each subscription listens to, and the bounds of a connection.

- Auth: the access token comes in `connection_init`'s payload (`{"authorization": "Bearer …"}`);
  without one the connection is anonymous (public subscriptions only); a bad, expired or revoked
  one is refused with 4403 (graphql-ws clients retry 4403 with a fresh token). Once accepted,
  the token is checked again every LIVE_AUTH_CHECK_SECONDS: expired, revoked (logout, a password
  change) or the account locked closes the socket with 4403.
- Bounds: LIVE_INIT_TIMEOUT_SECONDS to send `connection_init` (4408), LIVE_MAX_SUBSCRIPTIONS per
  connection, LIVE_MAX_CONNECTIONS_PER_IP per process (refused before the handshake), at most
  LIVE_QUEUE_SIZE events waiting per subscription (a client that falls behind is closed with
  1013 and replays with `since:` when it reconnects), and a connection is closed with 1012 after
  LIVE_CONNECTION_MAX_SECONDS, before channels-redis' group expiry forgets its groups.
- Groups are counted per connection (`listening`): two subscriptions on one topic share the
  group, and completing one leaves the other delivering (strawberry-django#942).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import time
from collections import Counter, defaultdict
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field

import jwt
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext
from graphql import GraphQLError
from graphql import OperationType as GraphQLOperationType
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from domain.accounts import selectors

from .auth import token_revoked, user_from_authorization
from .errors import bad_input
from .request import GraphQLRequest

EVENT = "live.event"
CLOSE_FORBIDDEN = 4403  # graphql-ws retries it: the client reconnects with a fresh token
CLOSE_TOO_SLOW = 1013  # "try again later": the client reconnects and replays
CLOSE_CYCLED = 1012  # "service restart": the same

# Open connections per client address, in this process.
CONNECTIONS_BY_IP: Counter[str] = Counter()


@dataclass
class LiveContext:
    """`info.context` of a subscription: `.request.user` like the HTTP view's, and the connection."""

    request: LiveConsumer
    connection_params: dict = field(default_factory=dict)

    @property
    def live(self) -> LiveConsumer:
        return self.request


class SubscriptionsOnly:
    """The schema as the socket runs it: subscriptions only (queries and mutations go over HTTP,
    through its guards, throttles and caches); the same extensions, limits and cost rules."""

    def __init__(self, schema) -> None:
        self.schema = schema

    def __getattr__(self, name: str):
        return getattr(self.schema, name)

    async def stream(
        self, query, variable_values=None, context_value=None, root_value=None, operation_name=None
    ):
        request = GraphQLRequest.prepared(
            query, operation_name=operation_name, variables=variable_values, schema=self.schema._schema
        )
        if request.operation_type not in (None, GraphQLOperationType.SUBSCRIPTION):
            message = gettext(
                "Only subscriptions are served over websockets: send queries and mutations over HTTP."
            )
            return _refused(bad_input(message))
        source = await self.schema.stream(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )
        return _refusals_answered(source)


async def _refused(error: GraphQLError) -> AsyncGenerator:
    yield PreExecutionError(data=None, errors=[error])


async def _refusals_answered(source: AsyncGenerator) -> AsyncGenerator:
    """A guard's refusal raised while parsing (graph/guards.py: a document over a limit) reaches
    the client as the operation's error, as over HTTP, instead of a bare `complete`."""
    try:
        async with contextlib.aclosing(source):
            async for result in source:
                yield result
    except GraphQLError as error:
        yield PreExecutionError(data=None, errors=[error])


class LiveConsumer(GraphQLWSConsumer):
    def __init__(self, schema, **kwargs) -> None:
        super().__init__(
            SubscriptionsOnly(schema),
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=datetime.timedelta(seconds=settings.LIVE_INIT_TIMEOUT_SECONDS),
            max_subscriptions_per_connection=settings.LIVE_MAX_SUBSCRIPTIONS,
            **kwargs,
        )
        self.user = AnonymousUser()
        self.request_id = None
        self.ip: str | None = None
        self.queues: defaultdict[str, set[asyncio.Queue]] = defaultdict(set)
        self.watch_task: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    # ------------------------------------------------------------ the connection

    async def websocket_connect(self, message) -> None:
        # Decided as for HTTP, from TRUSTED_PROXY_COUNT (backend/client_ip.py, set by backend/asgi.py).
        ip = self.scope.get("client_ip") or (self.scope.get("client") or ("unknown", 0))[0]
        if CONNECTIONS_BY_IP[ip] >= settings.LIVE_MAX_CONNECTIONS_PER_IP:
            await self.close()  # before the handshake: the server answers 403
            return
        CONNECTIONS_BY_IP[ip] += 1
        self.ip, self.loop = ip, asyncio.get_running_loop()
        await super().websocket_connect(message)

    async def disconnect(self, code: int) -> None:
        if self.ip is not None:
            CONNECTIONS_BY_IP[self.ip] -= 1
            if CONNECTIONS_BY_IP[self.ip] <= 0:
                del CONNECTIONS_BY_IP[self.ip]
            self.ip = None
        if self.watch_task is not None:
            self.watch_task.cancel()
        _tokens_unwatch(self)
        if self.run_task is not None:
            await super().disconnect(code)
        for group in list(self.queues):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.queues.clear()

    async def get_context(self, request, response) -> LiveContext:
        return LiveContext(request=self)

    async def on_ws_connect(self, context: LiveContext):
        params = context.connection_params
        header = params.get("authorization") or params.get("Authorization")
        claims = {}
        if header is not None:
            if not isinstance(header, str):
                raise ConnectionRejectionError
            user = await database_sync_to_async(user_from_authorization)(header)
            if not user.is_authenticated:
                raise ConnectionRejectionError
            self.user, claims = user, _claims(header)
            _tokens_watch(self, user.pk, claims.get("issuedMs"))
        self.watch_task = asyncio.create_task(self._close_when_due(claims.get("exp")))
        return UNSET

    async def _close_when_due(self, expires) -> None:
        """Close the socket when its token expires (4403) or, before, when it is due to cycle (1012)."""
        due = settings.LIVE_CONNECTION_MAX_SECONDS
        if isinstance(expires, int | float) and expires - time.time() < due:
            await asyncio.sleep(max(0.0, expires - time.time()))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await asyncio.sleep(due)
        await self.close(code=CLOSE_CYCLED)

    # ------------------------------------------------------------ events

    @contextlib.asynccontextmanager
    async def listening(self, *topics: str) -> AsyncIterator[asyncio.Queue]:
        """A queue of the events published on `topics` while the block runs."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=settings.LIVE_QUEUE_SIZE)
        for topic in topics:
            if not self.queues[topic]:
                await self.channel_layer.group_add(topic, self.channel_name)
            self.queues[topic].add(queue)
        try:
            yield queue
        finally:
            for topic in topics:
                listeners = self.queues.get(topic)
                if listeners is None:
                    continue
                listeners.discard(queue)
                if not listeners:
                    del self.queues[topic]
                    with contextlib.suppress(Exception):  # the socket may be closing
                        await self.channel_layer.group_discard(topic, self.channel_name)

    async def dispatch(self, message) -> None:
        if message.get("type") != EVENT:
            await super().dispatch(message)
            return
        for queue in list(self.queues.get(message["topic"], ())):
            try:
                queue.put_nowait(message["event"])
            except asyncio.QueueFull:
                await self.close(code=CLOSE_TOO_SLOW)
                return


def _claims(header: str) -> dict:
    """The claims of an access token already verified (user_from_authorization)."""
    token = header.strip().partition(" ")[2].strip()
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


# ---------------------------------------------------------------- tokens revoked meanwhile

# The logged-in sockets of this process: consumer → (user id, the token's issuedMs). One task per
# event loop checks them all every LIVE_AUTH_CHECK_SECONDS in one query, so a thousand idle sockets
# cost one query per check, not a thousand.
WATCHED: dict[LiveConsumer, tuple[int, int | None]] = {}
_checkers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def _tokens_watch(consumer: LiveConsumer, user_id: int, issued) -> None:
    WATCHED[consumer] = (user_id, issued if isinstance(issued, int) else None)
    loop = asyncio.get_running_loop()
    for other in [other for other, task in _checkers.items() if task.done()]:
        del _checkers[other]
    if loop not in _checkers:
        _checkers[loop] = loop.create_task(_tokens_check(loop))


def _tokens_unwatch(consumer: LiveConsumer) -> None:
    """Forget a socket; the last one of its event loop stops that loop's checker."""
    if WATCHED.pop(consumer, None) is not None and not any(other.loop is consumer.loop for other in WATCHED):
        checker = _checkers.pop(consumer.loop, None)
        if checker is not None:
            checker.cancel()


async def _tokens_check(loop: asyncio.AbstractEventLoop) -> None:
    while True:
        await asyncio.sleep(settings.LIVE_AUTH_CHECK_SECONDS)
        watched = {consumer: seen for consumer, seen in WATCHED.items() if consumer.loop is loop}
        if not watched:
            return
        valid = await database_sync_to_async(_tokens_valid)(watched)
        for consumer in watched.keys() - valid:
            WATCHED.pop(consumer, None)
            await consumer.close(code=CLOSE_FORBIDDEN)


def _tokens_valid(watched: dict) -> set:
    """The sockets whose user is still active and whose token was issued after any revocation."""
    users = selectors.user_list_by_pk(pks={user_id for user_id, _ in watched.values()})
    return {
        consumer
        for consumer, (user_id, issued) in watched.items()
        if (user := users.get(user_id)) is not None and user.is_active and not token_revoked(user, issued)
    }
