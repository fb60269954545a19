"""The e-mails of the account flows, sent once the transaction that decided them commits.

Texts are in Portuguese (Angola), the marketplace's language; links point at the frontend.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from . import links
from .models import User


def verification_send(*, user: User, address: str) -> None:
    """A link that verifies `address` as the user's e-mail (a new account's, or a change's)."""
    url = links.link("/verificar-email", links.verify_token_make(user, address))
    _send_after_commit(
        address,
        "Confirme o seu e-mail na Kitanda",
        f"Olá {user.first_name},\n\nPara confirmar este endereço de e-mail na Kitanda, abra:\n{url}\n\n"
        "Se não foi você, ignore esta mensagem.",
    )


def password_reset_send(*, user: User) -> None:
    url = links.link("/repor-senha", links.reset_token_make(user))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    _send_after_commit(
        user.email,
        "Repor a sua senha da Kitanda",
        f"Olá {user.first_name},\n\nPara escolher uma nova senha, abra (válido {minutes} minutos, uma só vez):\n"
        f"{url}\n\nSe não pediu esta alteração, ignore esta mensagem: a sua senha continua a mesma.",
    )


def _send_after_commit(address: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False),
        robust=True,
    )
