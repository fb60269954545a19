"""Tokens: access tokens (JWT, one hour) read from the `Authorization: Bearer <token>` header, and
refresh tokens (seven days) that rotate, each rotation staying in its login's family."""

from __future__ import annotations

import logging
import uuid

import jwt
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import create_refresh_token, get_token, get_user_by_token

from .models import RefreshTokenRotation, User

logger = logging.getLogger(__name__)

BEARER = "bearer"


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
        user = get_user_by_token(token)
    except (JSONWebTokenError, jwt.PyJWTError, ValueError, TypeError):
        return AnonymousUser()
    if user is None or not user.is_active:
        return AnonymousUser()
    return user


def access_token_issue(*, user: User) -> str:
    return get_token(user)


def refresh_token_issue(*, user: User, family: uuid.UUID | None = None) -> str:
    """A new refresh token for `user`, in `family` (a new family for a new login)."""
    refresh_token = create_refresh_token(user)
    RefreshTokenRotation.objects.create(refresh_token=refresh_token, family=family or uuid.uuid4())
    return refresh_token.get_token()


def refresh_token_lock(*, token: str) -> RefreshToken | None:
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


def refresh_token_expired(refresh_token: RefreshToken) -> bool:
    return refresh_token.created < timezone.now() - jwt_settings.JWT_REFRESH_EXPIRATION_DELTA


def refresh_token_family(refresh_token: RefreshToken) -> uuid.UUID | None:
    rotation = getattr(refresh_token, "rotation", None)
    return rotation.family if rotation is not None else None


def refresh_family_revoke(refresh_token: RefreshToken) -> int:
    """Revoke `refresh_token` and every live token of its family; the number revoked."""
    now = timezone.now()
    family = refresh_token_family(refresh_token)
    live = RefreshToken.objects.filter(revoked__isnull=True)
    if family is not None:
        return live.filter(rotation__family=family).update(revoked=now)
    return live.filter(pk=refresh_token.pk).update(revoked=now)
