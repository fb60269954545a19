"""Login throttling: attempts counted in the Django cache (Redis in production) per client IP and
per client IP + account, so that guessing passwords locks the guesser out for a window.

An attempt is counted *before* its password is checked (an atomic increment), so neither
concurrent requests nor many aliased `tokenAuth` fields in one request slip past the limit; a
successful login gives its count back, so the counters hold failures (and throttled attempts).
Once a counter reaches its limit, the lock-out lasts LOGIN_THROTTLE_WINDOW seconds from the
latest attempt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from domain.errors import RateLimited

PREFIX = "login-throttle"


@dataclass(frozen=True)
class LoginAttempt:
    """The counters one attempt was counted in: what a successful login gives back."""

    ip_key: str
    account_key: str


def _key(kind: str, value: str) -> str:
    # Hashed: cache keys stay short and free of whatever characters a client sends.
    return f"{PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def login_attempt_start(*, client_ip: str, account: str) -> LoginAttempt:
    """Count a login attempt from `client_ip` on `account` (an id naming the user or what was typed).

    Raises RateLimited, whatever the password, once the client IP or the IP + account has used
    up its attempts within the window.
    """
    window = settings.LOGIN_THROTTLE_WINDOW
    attempt = LoginAttempt(
        ip_key=_key("ip", client_ip), account_key=_key("account", f"{client_ip}|{account}")
    )
    throttled = False
    for key, limit in (
        (attempt.ip_key, settings.LOGIN_THROTTLE_IP_LIMIT),
        (attempt.account_key, settings.LOGIN_THROTTLE_LIMIT),
    ):
        count = _count(key, window)
        if count >= limit:
            cache.touch(key, window)  # the lock-out runs a full window from the latest attempt
        throttled = throttled or count > limit
    if throttled:
        raise RateLimited("Too many login attempts. Try again later.")
    return attempt


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """A right password: the attempt is not a failure, and the account's failures are forgiven."""
    try:
        if cache.decr(attempt.ip_key) < 0:
            cache.delete(attempt.ip_key)
    except ValueError:  # expired meanwhile
        pass
    cache.delete(attempt.account_key)
