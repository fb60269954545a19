"""Payouts and adjustments: the writes that take money out of (or correct) a store's available
balance. Each locks the store's row (FOR NO KEY UPDATE, so buyers' ledger inserts that reference
the store do not wait on it, while two payouts of one store do) before it computes the balance and
records the movement, so two payouts racing can never exceed what is available together.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from domain.accounts.models import Store
from domain.background import enqueue_after_commit
from domain.errors import DomainError, InvalidInput, NotEligible, NotFound, collect
from domain.money import amount_fault, kwanza
from domain.text import text_error

from . import ledger, tasks
from .models import LedgerEntry, Payout
from .selectors import store_balance

BANK_REFERENCE_MAX = Payout._meta.get_field("bank_reference").max_length
NOTE_MAX = LedgerEntry._meta.get_field("note").max_length


def payout_record(*, admin, store_id: int, amount: Decimal, bank_reference: str) -> Payout:
    """An admin records money sent to a store's bank: a positive amount in kwanza, never above the
    store's available balance (NOT_ELIGIBLE), with the bank's reference. The seller is e-mailed
    once it has committed."""
    bank_reference = (bank_reference or "").strip()
    collect(
        _amount_error(amount),
        text_error(
            bank_reference,
            field="bank_reference",
            label=gettext("The bank reference"),
            max_length=BANK_REFERENCE_MAX,
        ),
    )
    with transaction.atomic():
        store = _store_locked(store_id)
        available = store_balance(store_id=store.pk).available
        if amount > available:
            raise NotEligible(
                gettext("The store has %(available)s available: a payout cannot be more than that.")
                % {"available": kwanza(available)},
                field="amount",
            )
        payout = Payout.objects.create(
            store=store, amount=amount, bank_reference=bank_reference, recorded_by=admin
        )
        ledger.ledger_record_payout(payout=payout)
        enqueue_after_commit(tasks.payout_mail_send, payout_id=payout.pk)
    return payout


def ledger_adjust(*, store_id: int, amount: Decimal, note: str) -> LedgerEntry:
    """An admin corrects a store's available balance (positive or negative), saying why. A debit
    never takes the available balance below zero."""
    note = (note or "").strip()
    collect(
        _amount_error(abs(amount) if amount.is_finite() else amount),
        text_error(note, field="note", label=gettext("The note"), max_length=NOTE_MAX),
    )
    with transaction.atomic():
        store = _store_locked(store_id)
        if amount < 0 and -amount > store_balance(store_id=store.pk).available:
            raise NotEligible(gettext("A debit cannot be more than the available balance."), field="amount")
        return ledger.ledger_record_adjustment(store=store, amount=amount, note=note)


def _store_locked(store_id: int) -> Store:
    store = Store.objects.select_for_update(no_key=True).filter(pk=store_id).first()
    if store is None:
        raise NotFound(gettext("No store with this id."), field="store_id")
    return store


def _amount_error(amount: Decimal) -> DomainError | None:
    if amount_fault(amount) is not None:
        return InvalidInput(
            gettext("The amount must be a positive amount in kwanza, with at most two decimal places."),
            field="amount",
        )
    return None
