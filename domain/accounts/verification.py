"""E-mail addresses: verified through an e-mailed single-use link, at registration and when the
user changes theirs (the new address replaces the old one only once its link is followed)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from domain.errors import AlreadyExists, InvalidToken, collect

from . import emails, links, throttle
from .credentials import password_confirm
from .models import User
from .services import EMAIL_TAKEN, email_error

BAD_VERIFY_LINK = gettext_lazy("This link is no longer valid: ask for a new one.")


def email_verify(*, token: str) -> User:
    """Follow a verification link: the address is verified (a changed address becomes the
    account's e-mail). Single use, also when several requests present it at once (the user's row
    is locked while the link is checked and used), valid EMAIL_VERIFICATION_TIMEOUT seconds."""
    with transaction.atomic():
        found = links.verify_token_user(token)
        if found is None:
            raise InvalidToken(BAD_VERIFY_LINK, field="token")
        user, address = found
        user.email, user.pending_email, user.email_verified_at = address, "", timezone.now()
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "pending_email", "email_verified_at"])
        except IntegrityError:  # someone registered the address meanwhile
            raise AlreadyExists(EMAIL_TAKEN, field="token") from None
    return user


def verification_resend(*, user: User, client_ip: str) -> None:
    """Send the verification link again: for a pending change of address, or the account's own
    address while unverified (nothing to send otherwise). Throttled per client IP and address."""
    address = user.address_to_verify
    if not address:
        return
    throttle.email_attempt_start(action="verify", client_ip=client_ip, address=address)
    emails.verification_send(user=user, address=address)


def email_change(*, user: User, new_email: str, password: str, client_ip: str) -> User:
    """Ask to change the account's e-mail, proving the password (throttled as a login): a link goes
    to the new address, and the account keeps its current e-mail (and logs in with it) until the
    link is followed. The request is counted per client IP and address before anything is checked,
    so UNIQUE answers cannot list the addresses in use faster than the throttle allows."""
    new_email = User.objects.normalize_email((new_email or "").strip())
    throttle.email_attempt_start(action="verify", client_ip=client_ip, address=new_email)
    password_confirm(user=user, password=password, client_ip=client_ip, field="password")
    collect(email_error(new_email, field="new_email") if new_email.lower() != user.email.lower() else None)
    with transaction.atomic():
        user.pending_email = new_email
        user.save(update_fields=["pending_email"])
        emails.verification_send(user=user, address=new_email)
    return user
