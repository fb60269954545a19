"""Tokens, the JWT glue on django-graphql-jwt (which loads graphene, so it stays out of domain/).

Access tokens (JWT, one hour) name the user by primary key (`sub`) and are read from the
`Authorization: Bearer <token>` header. Refresh tokens (seven days) rotate: each refresh revokes
the token presented and issues a new one in the same family (the login it descends from), and a
revoked token presented again means a copy leaked, so its whole family is revoked.
"""

from __future__ import annotations

import uuid
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import create_refresh_token, get_token
from graphql_jwt.utils import get_payload, get_user_by_payload

from domain.accounts import selectors
from domain.accounts.models import RefreshTokenRotation, User
from domain.errors import InvalidToken

BEARER = "bearer"
BAD_REFRESH_TOKEN = gettext_lazy("This refresh token is not valid: log in again.")


# ---------------------------------------------------------------- access tokens (GRAPHQL_JWT handlers)


def jwt_payload(user: User, context=None) -> dict:
    """The access token's claims: the user's primary key, never the username (a renamed user's
    old token would name whoever takes the name next)."""
    issued = datetime.now(UTC)
    now = timegm(issued.utctimetuple())
    return {
        "sub": str(user.pk),
        "exp": now + int(jwt_settings.JWT_EXPIRATION_DELTA.total_seconds()),
        "origIat": now,
        # Milliseconds, to compare with the user's tokens_revoked_at (a password change, a lock).
        "issuedMs": int(issued.timestamp() * 1000),
    }


def token_revoked(user: User, issued: datetime | float | None) -> bool:
    """Was this token issued before the user's tokens were revoked?"""
    if user.tokens_revoked_at is None:
        return False
    if issued is None:
        return True
    if isinstance(issued, datetime):
        return issued <= user.tokens_revoked_at
    return issued <= user.tokens_revoked_at.timestamp() * 1000


def jwt_user_id(payload: dict) -> int | None:
    """The primary key a token's claims name; None for tokens without one (such as the
    username-based tokens of earlier versions)."""
    subject = payload.get("sub")
    return int(subject) if isinstance(subject, str) and subject.isdigit() else None


def user_by_id(user_id: int) -> User | None:
    return selectors.user_get(user_id=user_id)


def user_from_authorization(header: str | None):
    """The user the header's access token names; anonymous for no, a bad or an expired token.

    Authentication is header-only on purpose: the GraphQL endpoint is CSRF-exempt, so a cookie
    must never log anyone in there.
    """
    if not header:
        return AnonymousUser()
    prefix, _, token = header.strip().partition(" ")
    token = token.strip()
    if prefix.lower() != BEARER or not token or " " in token:
        return AnonymousUser()
    try:
        payload = get_payload(token)
        user = get_user_by_payload(payload)
    except (JSONWebTokenError, jwt.PyJWTError, ValueError, TypeError):
        return AnonymousUser()
    issued = payload.get("issuedMs")
    if user is None or not user.is_active or token_revoked(user, issued if isinstance(issued, int) else None):
        return AnonymousUser()
    return user


# ---------------------------------------------------------------- refresh tokens


@dataclass(frozen=True)
class TokenPair:
    user: User
    token: str
    refresh_token: str


def token_pair_issue(*, user: User, family: uuid.UUID | None = None) -> TokenPair:
    """An access token and a refresh token for `user`; the refresh token joins `family` (a new
    family for a new login)."""
    refresh_token = create_refresh_token(user)
    RefreshTokenRotation.objects.create(refresh_token=refresh_token, family=family or uuid.uuid4())
    return TokenPair(user=user, token=get_token(user), refresh_token=refresh_token.get_token())


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Trade a live refresh token for a new pair of the same family; the old one is revoked.
    A revoked (rotated or logged-out) token presented again revokes its whole family. Unknown or
    expired tokens, and tokens of inactive users, are refused."""
    with transaction.atomic():
        old = _refresh_token_lock(token=refresh_token)
        if old is None:
            valid = False
        elif old.revoked is not None:
            _family_revoke(old)
            valid = False
        else:
            valid = not _expired(old) and old.user.is_active and not token_revoked(old.user, old.created)
        if valid:
            old.revoke()
            pair = token_pair_issue(user=old.user, family=_family(old))
    # Raised outside the transaction, so that a family revocation is kept.
    if not valid:
        raise InvalidToken(BAD_REFRESH_TOKEN, field="refresh_token")
    return pair


def token_revoke(*, refresh_token: str) -> None:
    """Log out: the refresh token and its whole family stop working. A token that was already
    revoked is refused (and its family revoked, as on a refresh)."""
    with transaction.atomic():
        old = _refresh_token_lock(token=refresh_token)
        if old is not None:
            _family_revoke(old)
    if old is None or old.revoked is not None:
        raise InvalidToken(BAD_REFRESH_TOKEN, field="refresh_token")


def _refresh_token_lock(*, token: str) -> RefreshToken | None:
    """The refresh token with this value, revoked or not, locked for the rest of the transaction."""
    if not token or len(token) > RefreshToken._meta.get_field("token").max_length:
        return None
    return (
        RefreshToken.objects.select_for_update(of=("self",))
        .select_related("user", "rotation")
        .filter(token=token)
        .order_by("-created")
        .first()
    )


def _expired(refresh_token: RefreshToken) -> bool:
    return refresh_token.created < timezone.now() - jwt_settings.JWT_REFRESH_EXPIRATION_DELTA


def _family(refresh_token: RefreshToken) -> uuid.UUID | None:
    rotation = getattr(refresh_token, "rotation", None)
    return rotation.family if rotation is not None else None


def _family_revoke(refresh_token: RefreshToken) -> None:
    """Revoke `refresh_token` and every live token of its family."""
    now = timezone.now()
    family = _family(refresh_token)
    live = RefreshToken.objects.filter(revoked__isnull=True)
    if family is not None:
        live.filter(rotation__family=family).update(revoked=now)
    else:
        live.filter(pk=refresh_token.pk).update(revoked=now)
