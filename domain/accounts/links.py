"""The single-use links e-mailed to users: password reset and e-mail verification.

A link's token is signed with SECRET_KEY and names the user and what the link was made for; it
stops working once used, because what it was made from changes with its use (the lookups lock the
user's row, so call them inside the transaction that uses the link: a concurrent use of the same
link waits, then finds it spent):
- a reset token is Django's (PasswordResetTokenGenerator), made from the password hash and the
  last login: setting a new password spends it; valid PASSWORD_RESET_TIMEOUT seconds;
- a verification token is made from the address it verifies and the account's verification state:
  verifying (or changing the address again) spends it; valid EMAIL_VERIFICATION_TIMEOUT seconds.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import User

VERIFY_SALT = "kitanda.accounts.verify-email"


def reset_token_make(user: User) -> str:
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def reset_token_user(token: str) -> User | None:
    """The user a live reset token names, locked; None for a bad, used or expired one."""
    uid, _, secret = (token or "").partition(".")
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = _user_locked(pk)
    if user is None or not default_token_generator.check_token(user, secret):
        return None
    return user


def verify_token_make(user: User, address: str) -> str:
    return signing.dumps(
        {"u": user.pk, "a": address, "s": _state(user, address)}, salt=VERIFY_SALT, compress=True
    )


def verify_token_user(token: str) -> tuple[User, str] | None:
    """(user, address) of a live verification token, the user locked; None for a bad, used or
    expired one."""
    try:
        data = signing.loads(token or "", salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
        pk, address, state = int(data["u"]), str(data["a"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = _user_locked(pk)
    if user is None or not signing.constant_time_compare(state, _state(user, address)):
        return None
    return user, address


def link(path: str, token: str) -> str:
    """The frontend page that takes the token (FRONTEND_URL + path?token=...)."""
    return f"{settings.FRONTEND_URL.rstrip('/')}{path}?{urlencode({'token': token})}"


def _user_locked(pk: int) -> User | None:
    """The active user, its row locked until the transaction ends (the link is checked against
    what it holds then)."""
    return User.objects.select_for_update().filter(pk=pk, is_active=True).first()


def _state(user: User, address: str) -> str:
    """What a verification link for `address` was made from; it changes when the link is used."""
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    waiting = user.pending_email if address != user.email else ""
    return hashlib.sha256(f"{address}|{user.email}|{waiting}|{verified}".encode()).hexdigest()[:32]
