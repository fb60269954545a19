"""E-mails about a store's money (English msgids, Portuguese in the catalogue), sent by a
background task (tasks.py) once the transaction that causes them commits, never for a change that
rolled back. Written in the seller's language (User.language)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from domain.languages import language_supported
from domain.money import kwanza

from .models import Payout

logger = logging.getLogger(__name__)


def payout_notify(*, payout_id: int) -> None:
    """Tell the store's seller a payout was sent to their bank."""
    payout = Payout.objects.select_related("store__seller").get(pk=payout_id)
    seller = payout.store.seller
    when = timezone.localtime(payout.created_at).strftime("%d/%m/%Y %H:%M")
    with translation.override(language_supported(seller.language)):
        subject, body = _texts(payout, seller, when)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[seller.email])
    logger.info("payout %s e-mailed to the seller of store %s", payout.pk, payout.store_id)


def _texts(payout: Payout, seller, when: str) -> tuple[str, str]:
    return (
        gettext("Kitanda: payout of %(amount)s sent") % {"amount": kwanza(payout.amount)},
        (
            gettext("Hello %(name)s,") % {"name": seller.first_name}
            + "\n\n"
            + gettext(
                "We sent a payout of %(amount)s to the bank account of the store «%(store)s».\n"
                "Bank reference: %(reference)s\n"
                "Date: %(when)s (Luanda time)"
            )
            % {
                "amount": kwanza(payout.amount),
                "store": payout.store.name,
                "reference": payout.bank_reference,
                "when": when,
            }
            + "\n\n"
            + gettext("The store's balance and statement are in your seller dashboard.")
            + "\n\n"
            + gettext("The Kitanda team")
        ),
    )
