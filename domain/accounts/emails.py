"""The e-mails of the account flows: asked for inside the transaction that decides them, built and
sent by a background task once it commits (domain/background.py), never for a change that rolled
back. The task makes the link itself, so no token travels through the broker.

Texts are English msgids with their Portuguese (Angola) translation in the catalogue, written in
the language of the request that asked for the e-mail (the person is answering it: registration,
reset, resend, change of address), or in the person's own language when staff asked (the admin's
resend); links point at the frontend.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from domain.background import enqueue_after_commit, enqueue_after_response
from domain.languages import language_supported

from . import links, selectors
from .models import User

VERIFY, RESET = "verify", "reset"


def verification_send(*, user: User, address: str, language: str | None = None) -> None:
    """A link that verifies `address` as the user's e-mail (a new account's, or a change's), in
    `language` (by default the current request's)."""
    from .tasks import account_mail_send

    language = language or translation.get_language()
    enqueue_after_commit(account_mail_send, kind=VERIFY, user_id=user.pk, address=address, language=language)


def password_reset_send(*, address: str) -> None:
    """A reset link to the active account whose e-mail is `address` (as typed), if there is one.
    Whether there is one is the task's business, never the request's: the request does the same
    work for any address, and without a broker the task runs after the response."""
    from .tasks import account_mail_send

    enqueue_after_response(
        account_mail_send, kind=RESET, user_id=None, address=address, language=translation.get_language()
    )


def account_mail_deliver(
    *, kind: str, user_id: int | None, address: str, language: str | None = None
) -> bool:
    """Build and send one account e-mail; False when it no longer applies (the user is gone, or
    the address is no longer theirs to verify). A reset without a user is for the account whose
    e-mail `address` is, if any."""
    if user_id is None:
        found = selectors.user_by_login(login=address) if kind == RESET and "@" in address else None
        user_id, address = (found.pk, found.email) if found is not None else (None, "")
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None
    if user is None or address not in (user.email, user.pending_email):
        return False
    with translation.override(language_supported(language or user.language)):
        subject, body = _texts(kind, user, address)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    return True


def _texts(kind: str, user: User, address: str) -> tuple[str, str]:
    if kind == VERIFY:
        url = links.link("/verificar-email", links.verify_token_make(user, address))
        subject = gettext("Confirm your e-mail on Kitanda")
        body = (
            gettext("Hello %(name)s,") % {"name": user.first_name}
            + "\n\n"
            + gettext("To confirm this e-mail address on Kitanda, open:\n%(url)s") % {"url": url}
            + "\n\n"
            + gettext("If it was not you, ignore this message.")
        )
    else:
        url = links.link("/repor-senha", links.reset_token_make(user))
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        subject = gettext("Reset your Kitanda password")
        body = (
            gettext("Hello %(name)s,") % {"name": user.first_name}
            + "\n\n"
            + gettext("To choose a new password, open (valid for %(minutes)s minutes, only once):\n%(url)s")
            % {"minutes": minutes, "url": url}
            + "\n\n"
            + gettext(
                "If you did not ask for this change, ignore this message: your password stays the same."
            )
        )
    return subject, body
