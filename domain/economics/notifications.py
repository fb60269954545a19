"""E-mails about a store's money, in Portuguese, sent by a background task (tasks.py) once the
transaction that causes them commits, never for a change that rolled back."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import timezone

from domain.money import kwanza

from .models import Payout

logger = logging.getLogger(__name__)


def payout_notify(*, payout_id: int) -> None:
    """Tell the store's seller a payout was sent to their bank."""
    payout = Payout.objects.select_related("store__seller").get(pk=payout_id)
    seller = payout.store.seller
    when = timezone.localtime(payout.created_at).strftime("%d/%m/%Y %H:%M")
    send_mail(
        subject=f"Kitanda: pagamento de {kwanza(payout.amount)} enviado",
        message=(
            f"Olá {seller.first_name},\n\n"
            f"Enviámos um pagamento de {kwanza(payout.amount)} para a conta bancária da loja "
            f"«{payout.store.name}».\n"
            f"Referência bancária: {payout.bank_reference}\n"
            f"Data: {when} (hora de Luanda)\n\n"
            "O saldo e o extracto da loja estão no seu painel de vendedor.\n\n"
            "Equipa Kitanda"
        ),
        from_email=None,
        recipient_list=[seller.email],
    )
    logger.info("payout %s e-mailed to the seller of store %s", payout.pk, payout.store_id)
