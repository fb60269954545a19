"""The e-mails of the account flows: asked for inside the transaction that decides them, built and
sent by a background task once it commits (domain/background.py), never for a change that rolled
back. The task makes the link itself, so no token travels through the broker.

Texts are in Portuguese (Angola), the marketplace's language; links point at the frontend.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from domain.background import enqueue_after_commit

from . import links
from .models import User

VERIFY, RESET = "verify", "reset"


def verification_send(*, user: User, address: str) -> None:
    """A link that verifies `address` as the user's e-mail (a new account's, or a change's)."""
    from .tasks import account_mail_send

    enqueue_after_commit(account_mail_send, kind=VERIFY, user_id=user.pk, address=address)


def password_reset_send(*, user: User) -> None:
    from .tasks import account_mail_send

    enqueue_after_commit(account_mail_send, kind=RESET, user_id=user.pk, address=user.email)


def account_mail_deliver(*, kind: str, user_id: int, address: str) -> bool:
    """Build and send one account e-mail; False when it no longer applies (the user is gone, or
    the address is no longer theirs to verify)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or address not in (user.email, user.pending_email):
        return False
    if kind == VERIFY:
        url = links.link("/verificar-email", links.verify_token_make(user, address))
        subject = "Confirme o seu e-mail na Kitanda"
        body = (
            f"Olá {user.first_name},\n\nPara confirmar este endereço de e-mail na Kitanda, abra:\n{url}\n\n"
            "Se não foi você, ignore esta mensagem."
        )
    else:
        url = links.link("/repor-senha", links.reset_token_make(user))
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        subject = "Repor a sua senha da Kitanda"
        body = (
            f"Olá {user.first_name},\n\nPara escolher uma nova senha, abra (válido {minutes} minutos, uma só vez):\n"
            f"{url}\n\nSe não pediu esta alteração, ignore esta mensagem: a sua senha continua a mesma."
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    return True
