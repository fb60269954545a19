"""Passwords: proved, changed by their owner, reset through an e-mailed single-use link. Any change
of password ends every token the user holds (User.save sets tokens_revoked_at), so a stolen session
ends with it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from domain.errors import InvalidCredentials, InvalidToken, collect

from . import emails, links, throttle
from .models import User
from .services import password_error

WRONG_PASSWORD = gettext_lazy("The current password is wrong.")
BAD_RESET_LINK = gettext_lazy("This link is no longer valid: ask for a new one.")


def password_confirm(*, user: User, password: str, client_ip: str, field: str) -> None:
    """The logged-in user proves their password (to change it or the e-mail, or to leave). Counted
    by the login throttle in tokenAuth's own counters (per client IP, and per IP + the username),
    before the password is checked: a stolen session guesses no faster than the login form.
    Raises RateLimited once locked out, InvalidCredentials on `field` for a wrong password."""
    attempt = throttle.login_attempt_start(client_ip=client_ip, login=user.username)
    if not user.check_password(password or ""):
        raise InvalidCredentials(WRONG_PASSWORD, field=field)
    throttle.login_attempt_succeeded(attempt)


def password_change(*, user: User, current_password: str, new_password: str, client_ip: str) -> User:
    """The logged-in user sets a new password, proving the current one (throttled as a login); it
    must pass the password validators. Their tokens are revoked: they log in again (on every device)."""
    password_confirm(user=user, password=current_password, client_ip=client_ip, field="current_password")
    return _password_set(user, new_password)


def password_reset_request(*, email: str, client_ip: str) -> None:
    """E-mail a reset link to the account with this address, if there is one. The answer is the
    same for any address and so is the request's work: it counts the request and hands the address
    to the mail task, which looks the account up (after the response when there is no broker), so
    nobody learns which addresses have accounts. Throttled per client IP and per address."""
    email = (email or "").strip()
    throttle.email_attempt_start(action="reset", client_ip=client_ip, address=email)
    emails.password_reset_send(address=email)


def password_reset(*, token: str, new_password: str) -> User:
    """Set a new password with a reset link's token: single use, also when several requests present
    it at once (the user's row is locked, and the token checked against it, until the new password
    is saved), valid PASSWORD_RESET_TIMEOUT seconds. Every token of the user is revoked."""
    with transaction.atomic():
        user = links.reset_token_user(token)
        if user is None:
            raise InvalidToken(BAD_RESET_LINK, field="token")
        return _password_set(user, new_password)


def _password_set(user: User, new_password: str) -> User:
    """A new password that passes the validators; saving it revokes every token of the user."""
    collect(password_error(new_password, user=user, field="new_password"))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def user_lock(*, user: User) -> User:
    """Staff lock an account: it can no longer log in, and every token it holds stops at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user
