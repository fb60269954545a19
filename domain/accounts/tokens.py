"""Access tokens (JWT, one hour) read from the `Authorization: Bearer <token>` header."""

from __future__ import annotations

import logging

import jwt
from django.contrib.auth.models import AnonymousUser
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.shortcuts import get_user_by_token

logger = logging.getLogger(__name__)

BEARER = "Bearer"


def user_from_authorization(header: str | None):
    """The user the header's access token names; anonymous for no, a bad or an expired token.

    Authentication is header-only on purpose: the GraphQL endpoint is CSRF-exempt, so a cookie
    must never log anyone in there.
    """
    if not header:
        return AnonymousUser()
    prefix, _, token = header.strip().partition(" ")
    if prefix != BEARER or not token.strip():
        return AnonymousUser()
    try:
        user = get_user_by_token(token.strip())
    except (JSONWebTokenError, jwt.PyJWTError, ValueError, TypeError):
        return AnonymousUser()
    if user is None or not user.is_active:
        return AnonymousUser()
    return user
