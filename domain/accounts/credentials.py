"""Passwords: changed by their owner, reset through an e-mailed single-use link. Either way every
token the user holds stops working (User.tokens_revoked_at), so a stolen session ends with it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from domain.errors import InvalidCredentials, InvalidToken, collect

from . import emails, links, selectors, throttle
from .models import User
from .services import password_error

WRONG_PASSWORD = gettext_lazy("The current password is wrong.")
BAD_RESET_LINK = gettext_lazy("This link is not valid any more: ask for a new one.")


def tokens_revoke(user: User) -> None:
    """Every access and refresh token issued to `user` until now stops working."""
    user.tokens_revoked_at = timezone.now()
    user.save(update_fields=["tokens_revoked_at"])


def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """The logged-in user sets a new password, proving the current one; it must pass the password
    validators. Their tokens are revoked: they log in again (on every device)."""
    if not user.check_password(current_password or ""):
        raise InvalidCredentials(WRONG_PASSWORD, field="current_password")
    return _password_set(user, new_password)


def password_reset_request(*, email: str, client_ip: str) -> None:
    """E-mail a reset link to the account with this address, if there is one. The answer is the
    same for any address and so is the work (a link is made either way), so nobody learns which
    addresses have accounts. Throttled per client IP and per address."""
    email = (email or "").strip()
    throttle.email_attempt_start(action="reset", client_ip=client_ip, address=email)
    user = selectors.user_by_login(login=email) if "@" in email else None
    if user is None or not user.is_active:
        links.reset_token_make(User(pk=0, password="!", last_login=None))  # the same work
        return
    emails.password_reset_send(user=user)


def password_reset(*, token: str, new_password: str) -> User:
    """Set a new password with a reset link's token: single use, valid PASSWORD_RESET_TIMEOUT
    seconds. Every token of the user is revoked."""
    user = links.reset_token_user(token)
    if user is None:
        raise InvalidToken(BAD_RESET_LINK, field="token")
    return _password_set(user, new_password)


def _password_set(user: User, new_password: str) -> User:
    """A new password that passes the validators; every token of the user revoked with it."""
    collect(password_error(new_password, user=user, field="new_password"))
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens_revoke(user)
    return user


def user_lock(*, user: User) -> User:
    """Staff lock an account: it can no longer log in, and every token it holds stops at once."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        tokens_revoke(user)
    return user
