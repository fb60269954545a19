"""The payment gateway: an interface, a deterministic simulated gateway, and the signature of the
gateway's webhook.

A real gateway is another `PaymentGateway` subclass named by the `PAYMENT_GATEWAY` setting; the
order services talk to whichever class that is through `gateway()` and never to a class directly.
Card numbers are never stored: only the gateway sees them.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from domain.phones import normalize_angolan_phone

from .models import PaymentMethod

WEBHOOK_SIGNATURE_HEADER = "X-Kitanda-Signature"

_SEPARATORS = re.compile(r"[\s\-.()]")


@dataclass(frozen=True)
class Charge:
    """The gateway's answer to a charge: approved with a transaction id, or declined with a reason."""

    approved: bool
    transaction_id: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Reference:
    """A payment reference as Angolan banks and ATMs take it: entity + reference number."""

    entity: str
    number: str


class RefundFailed(Exception):
    """The gateway refused or could not perform a refund."""


class PaymentGateway(abc.ABC):
    """What the order services need from a payment provider."""

    @abc.abstractmethod
    def charge(
        self,
        *,
        method: str,
        amount: Decimal,
        order_number: str,
        card_number: str | None = None,
        phone_number: str | None = None,
    ) -> Charge:
        """Charge a CARD or MOBILE payment at once."""

    @abc.abstractmethod
    def issue_reference(self, *, order_id: int, order_number: str, amount: Decimal) -> Reference:
        """Issue the bank/ATM reference a buyer pays later; the webhook confirms the payment."""

    @abc.abstractmethod
    def refund(self, *, transaction_id: str, amount: Decimal) -> None:
        """Give an approved charge back in full; raises RefundFailed when the provider refuses.

        Must be idempotent per `transaction_id` (as providers' refunds of a charge are): asking
        again for a charge already refunded succeeds without moving money a second time."""

    @abc.abstractmethod
    def void(self, *, order_number: str, amount: Decimal) -> None:
        """Cancel whatever was charged for `order_number` (the merchant reference every charge
        carries), when a charge call failed without an answer and may or may not have gone
        through. Nothing charged: nothing to do. Idempotent; raises RefundFailed when the
        provider refuses or cannot answer."""


class SimulatedGateway(PaymentGateway):
    """A deterministic stand-in: cards ending in 0002 and the mobile number 900000000 are declined,
    everything else is approved at once; references are derived from the order's id."""

    DECLINED_CARD_SUFFIX = "0002"
    DECLINED_PHONE = "900000000"

    def charge(self, *, method, amount, order_number, card_number=None, phone_number=None) -> Charge:
        if method == PaymentMethod.CARD:
            if normalize_card_number(card_number or "").endswith(self.DECLINED_CARD_SUFFIX):
                return Charge(approved=False, reason=gettext("The card was declined."))
        elif method == PaymentMethod.MOBILE:
            if normalize_angolan_phone(phone_number or "") == self.DECLINED_PHONE:
                return Charge(approved=False, reason=gettext("The mobile payment was declined."))
        else:
            return Charge(
                approved=False,
                reason=gettext("%(method)s payments are not charged immediately.") % {"method": method},
            )
        return Charge(approved=True, transaction_id=f"SIM-{order_number}")

    def issue_reference(self, *, order_id, order_number, amount) -> Reference:
        # Unique by construction: the order's id, plus a check digit as bank references carry.
        digits = f"{order_id:08d}"
        return Reference(entity=settings.PAYMENT_REFERENCE_ENTITY, number=digits + luhn_check_digit(digits))

    def refund(self, *, transaction_id, amount) -> None:
        return None

    def void(self, *, order_number, amount) -> None:
        return None


def gateway() -> PaymentGateway:
    """The gateway the `PAYMENT_GATEWAY` setting names."""
    return import_string(settings.PAYMENT_GATEWAY)()


# ---------------------------------------------------------------- payment details


def normalize_card_number(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def card_number_valid(value: str) -> bool:
    """12 to 19 digits passing the Luhn check."""
    digits = normalize_card_number(value)
    return digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19 and luhn_valid(digits)


def luhn_valid(digits: str) -> bool:
    return luhn_check_digit(digits[:-1]) == digits[-1]


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


# ---------------------------------------------------------------- webhook signature


def webhook_signature(body: bytes) -> str:
    """The hex HMAC-SHA256 of a webhook's raw body under `PAYMENT_WEBHOOK_SECRET`."""
    return hmac.new(settings.PAYMENT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


def webhook_signature_valid(body: bytes, signature: str | None) -> bool:
    """Compared in constant time; a missing secret refuses every call."""
    if not settings.PAYMENT_WEBHOOK_SECRET or not signature:
        return False
    given = signature.strip().removeprefix("sha256=").encode("utf-8", "replace")
    return hmac.compare_digest(webhook_signature(body).encode(), given)
