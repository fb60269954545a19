"""The payment gateway's webhook: POST /payments/webhook/ confirms a paid REFERENCE payment.

The raw body is signed with HMAC-SHA256 under PAYMENT_WEBHOOK_SECRET, hex digest in the
X-Kitanda-Signature header ("sha256=" prefix optional). Body (JSON):

    {"event": "payment.completed", "entity": "11223", "referenceNumber": "000000421",
     "amount": "1500.00", "transactionId": "BANK-123"}

Answers: 200 confirmed (a replay answers 200 again and changes nothing; other events are
acknowledged and ignored), 400 malformed body, wrong amount or a transaction id already used,
403 bad signature, 404 unknown reference, 405 anything but POST, 413 too large, and 409 when the
order was cancelled meanwhile (by its buyer, or expired). The money of such a late payment is in
the bank, so it is not dropped: it is recorded (LatePayment, once per transaction id), noted on
the order, logged as an error and refunded through the gateway; a replay refunds nothing again,
or retries a refund the gateway refused. Never a 500 on what a caller sends; apart from a late
payment, nothing changes unless the answer is 200 "confirmed".
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.money import decimal_from_text
from domain.orders.payments import WEBHOOK_SIGNATURE_HEADER, webhook_signature_valid
from domain.orders.reference_payments import payment_confirm_reference
from domain.text import text_storable
from graph.errors import http_status

logger = logging.getLogger(__name__)

CONFIRMED_EVENT = "payment.completed"


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest) -> JsonResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        return _answer(413, gettext("The body is too large."))
    if not webhook_signature_valid(body, request.headers.get(WEBHOOK_SIGNATURE_HEADER)):
        logger.warning("payment webhook with a bad signature from %s", request.META.get("REMOTE_ADDR"))
        return _answer(403, gettext("Bad signature."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _answer(400, gettext("The body is not JSON."))
    if not isinstance(data, dict):
        return _answer(400, gettext("The body must be a JSON object."))
    if data.get("event") != CONFIRMED_EVENT:
        return JsonResponse({"status": "ignored"})
    entity, reference = _text(data.get("entity"), 10), _text(data.get("referenceNumber"), 20)
    amount, transaction_id = _decimal(data.get("amount")), _text(data.get("transactionId"), 64)
    if None in (entity, reference, amount) or (data.get("transactionId") is not None and not transaction_id):
        return _answer(
            400, gettext("entity, referenceNumber and amount are required; transactionId is optional.")
        )
    try:
        order, changed = payment_confirm_reference(
            entity=entity, reference_number=reference, amount=amount, transaction_id=transaction_id
        )
    except DomainError as error:
        return _answer(http_status(error), error.message)
    except IntegrityError:
        return _answer(409, gettext("This transaction ID has already been used."))
    return JsonResponse({"status": "confirmed", "orderNumber": order.order_number, "replayed": not changed})


def _text(value, max_length: int) -> str | None:
    if not isinstance(value, str) or not 0 < len(value) <= max_length or not text_storable(value):
        return None
    return value


def _decimal(value) -> Decimal | None:
    amount = decimal_from_text(value)
    return amount if amount is not None and amount.is_finite() and amount > 0 else None


def _answer(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
