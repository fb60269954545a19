"""Login throttling: attempts counted in the Django cache (Redis in production) per client IP and
per client IP + login (what was typed, stripped and lowercased as the database does), so that guessing passwords locks
the guesser out for a window.

An attempt is counted *before* its password is checked (an atomic increment), so neither
concurrent requests nor many aliased `tokenAuth` fields in one request slip past the limit; a
successful login gives its count back, so the counters hold failures (and throttled attempts).
Once a counter reaches its limit, the lock-out lasts LOGIN_THROTTLE_WINDOW seconds from the
latest attempt. The per-login counter never depends on which account (if any) the login names:
otherwise locking a username would tell which e-mail is its own.

Registrations are counted per client IP the same way (REGISTER_THROTTLE_LIMIT per window).

The counters live in their own cache where one is configured (THROTTLE_REDIS_URL: a Redis that never
evicts, deploy/README.md), apart from the response cache and the rest that strangers' requests add to.

The counters fail closed: while the cache cannot count (Redis down, or a cache that swallows its
errors and counts nothing), every login and registration is refused with RATE_LIMITED, never let
through uncounted. Giving a successful login's count back is a kindness and may fail quietly.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.translation import gettext, gettext_lazy

from domain.errors import RateLimited
from domain.text import text_storable

logger = logging.getLogger(__name__)

PREFIX = "login-throttle"


@dataclass(frozen=True)
class LoginAttempt:
    """The counters one attempt was counted in: what a successful login gives back."""

    ip_key: str
    account_key: str  # the client IP + the login as typed


def login_folded(login: str) -> str:
    """The login stripped and lowercased the way the database lowercases it when it looks the user
    up (selectors.user_by_login compares lower() of both sides): PostgreSQL's lower() is not
    Python's (it makes 'İ' an 'i', Python an 'i' and a combining dot), and two spellings the lookup
    treats as one must share one counter. Plain ASCII is lowercased alike by both, without a query;
    SQLite's lower() only knows ASCII, so there Python's (which merges more, never less) stands in."""
    login = login.strip()
    if login.isascii() or connection.vendor != "postgresql" or not text_storable(login):
        return login.lower()
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(%s)", [login])
        return cursor.fetchone()[0]


def _counters():
    """The cache the counters live in: its own (CACHES["throttle"], THROTTLE_REDIS_URL: a Redis that
    never evicts) where configured, so that filling the shared cache cannot evict a lock-out."""
    return caches["throttle" if "throttle" in settings.CACHES else "default"]


def _key(kind: str, value: str) -> str:
    # Hashed: cache keys stay short and free of whatever characters a client sends.
    return f"{PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


class _CounterDown(Exception):
    """The cache could not count an attempt: the caller refuses it (fail closed)."""


def _count(key: str, window: int) -> int:
    try:
        _counters().add(key, 0, timeout=window)
        try:
            count = _counters().incr(key)
        except ValueError:  # the key expired between add() and incr()
            _counters().set(key, 1, timeout=window)
            count = 1
    except Exception as error:
        logger.error("throttle: the cache cannot count attempts, refusing them", exc_info=True)
        raise _CounterDown from error
    if not isinstance(count, int):  # a cache ignoring its errors (IGNORE_EXCEPTIONS) counted nothing
        logger.error("throttle: the cache returned no count, refusing the attempt")
        raise _CounterDown
    return count


def _over_limit(key: str, limit: int) -> bool:
    """Count one attempt on `key`: whether it is past `limit` within the window. Raises
    _CounterDown when the cache cannot count."""
    window = settings.LOGIN_THROTTLE_WINDOW
    count = _count(key, window)
    if count >= limit:
        try:
            _counters().touch(key, window)  # the lock-out runs a full window from the latest attempt
        except Exception as error:
            logger.error("throttle: the cache cannot extend a lock-out, refusing the attempt", exc_info=True)
            raise _CounterDown from error
    return count > limit


LOGIN_UNAVAILABLE = gettext_lazy("Logging in is paused for a moment. Try again in a few minutes.")
REGISTER_UNAVAILABLE = gettext_lazy("Registration is paused for a moment. Try again in a few minutes.")
EMAIL_UNAVAILABLE = gettext_lazy("Sending e-mails is paused for a moment. Try again in a few minutes.")


def _any_over(counted, *, unavailable) -> bool:
    """Count one attempt on each (key, limit), every one of them even when an earlier one is over (a
    locked-out guesser stays locked out): whether any is past its limit. While the cache cannot
    count, the attempt is refused with RateLimited(`unavailable`) (fail closed)."""
    try:
        over = [_over_limit(key, limit) for key, limit in counted]
    except _CounterDown:
        raise RateLimited(unavailable) from None
    return any(over)


def login_attempt_start(*, client_ip: str, login: str) -> LoginAttempt:
    """Count a login attempt from `client_ip` with `login`, the username or e-mail as typed.

    Raises RateLimited, whatever the password, once the client IP or the IP + login has used
    up its attempts within the window, and while the cache cannot count (fail closed).
    """
    attempt = LoginAttempt(
        ip_key=_key("ip", client_ip), account_key=_key("account", f"{client_ip}|{login_folded(login)}")
    )
    counted = (
        (attempt.ip_key, settings.LOGIN_THROTTLE_IP_LIMIT),
        (attempt.account_key, settings.LOGIN_THROTTLE_LIMIT),
    )
    if _any_over(counted, unavailable=LOGIN_UNAVAILABLE):
        raise RateLimited(gettext("Too many login attempts. Try again later."))
    return attempt


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """A right password: the attempt is not a failure, and the account's failures are forgiven.
    If the cache fails now, the login still succeeds: the attempt was counted, only not given back."""
    try:
        try:
            if _counters().decr(attempt.ip_key) < 0:
                _counters().delete(attempt.ip_key)
        except ValueError:  # expired meanwhile
            pass
        _counters().delete(attempt.account_key)
    except Exception:
        logger.warning("throttle: the cache cannot give a successful login's count back", exc_info=True)


def registration_attempt_start(*, client_ip: str) -> None:
    """Count a registration from `client_ip`, whatever its outcome (so that UNIQUE answers cannot
    list the e-mails in use). Raises RateLimited past REGISTER_THROTTLE_LIMIT within the window."""
    if _any_over(
        [(_key("register", client_ip), settings.REGISTER_THROTTLE_LIMIT)], unavailable=REGISTER_UNAVAILABLE
    ):
        raise RateLimited(gettext("Too many registrations from this address. Try again later."))


def email_attempt_start(*, action: str, client_ip: str, address: str) -> None:
    """Count a request that e-mails `address` (a password reset, a verification) from `client_ip`:
    per IP and per address, ACCOUNT_EMAIL_THROTTLE_LIMIT each within the window, so nobody floods
    a mailbox or probes many addresses. Counted whether or not the address has an account."""
    limit = settings.ACCOUNT_EMAIL_THROTTLE_LIMIT
    counted = (
        (_key(f"{action}-ip", client_ip), limit),
        (_key(f"{action}-address", login_folded(address)), limit),
    )
    if _any_over(counted, unavailable=EMAIL_UNAVAILABLE):
        raise RateLimited(gettext("Too many requests. Try again later."))
