"""Economics reads: a store's balance and ledger (its owner's alone), payouts.

A store's balance comes from its ledger in one aggregate query (ledger_store_idx):
available = entries of released orders + payouts (negative) + adjustments;
pending   = entries of paid orders not released yet;
paid_out  = the payouts, as a positive amount.
So available + pending is always the sum of the store's ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from domain.money import ZERO, money_round

from .models import EntryKind, LedgerEntry, Payout

RELEASED = Q(order__isnull=True) | Q(order__release__isnull=False)
PENDING = Q(order__isnull=False, order__release__isnull=True)


@dataclass(frozen=True)
class Balance:
    available: Decimal
    pending: Decimal
    paid_out: Decimal


def store_money_visible(*, store, user) -> bool:
    """A store's balance, ledger and payouts are its owner's business alone (admins see payouts
    through their own queries)."""
    return user is not None and user.is_authenticated and store.seller_id == user.pk


def store_balance(*, store_id: int) -> Balance:
    totals = LedgerEntry.objects.filter(store_id=store_id).aggregate(
        available=Coalesce(Sum("amount", filter=RELEASED), ZERO),
        pending=Coalesce(Sum("amount", filter=PENDING), ZERO),
        paid_out=Coalesce(Sum("amount", filter=Q(kind=EntryKind.PAYOUT)), ZERO),
    )
    return Balance(
        available=money_round(totals["available"]),
        pending=money_round(totals["pending"]),
        paid_out=money_round(-totals["paid_out"]),
    )


def ledger_list_for_store(*, store, user) -> QuerySet[LedgerEntry] | None:
    """The store's ledger, newest first; None for anyone but its owner."""
    if not store_money_visible(store=store, user=user):
        return None
    return LedgerEntry.objects.filter(store_id=store.pk).order_by("-created_at", "-id")


def payout_list(*, store_id: int | None = None) -> QuerySet[Payout]:
    """ADMIN: every payout (or one store's), newest first."""
    payouts = Payout.objects.all() if store_id is None else Payout.objects.filter(store_id=store_id)
    return payouts.order_by("-created_at", "-id")


def payout_list_for_store(*, store, user) -> QuerySet[Payout] | None:
    """The store's payouts, newest first; None for anyone but its owner."""
    if not store_money_visible(store=store, user=user):
        return None
    return Payout.objects.filter(store_id=store.pk).order_by("-created_at", "-id")
