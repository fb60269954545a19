"""Marketplace economics: commission rates, the stores' ledgers, balances and payouts, and receipt
confirmation. The sellers' and admin's dashboards are graph/dashboard.py's.

A store's money (balance, ledger, payouts) is shown to its owner alone: the Store type appears in
public lists (stores, Product.store, Order.store), so those fields answer null for anyone else.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from strawberry import Info, relay

from domain.accounts import selectors as account_selectors
from domain.catalog import selectors as catalog_selectors
from domain.economics import models, payouts, rates, release, selectors
from domain.orders import selectors as order_selectors

from .catalog import Category
from .common import Connection, connection, decode_id
from .errors import UserError
from .orders import OrderPayload
from .permissions import Admin, Buyer, Seller, allow, mutation

if TYPE_CHECKING:
    from .accounts import Store

LedgerEntryKind = strawberry.enum(models.EntryKind, name="LedgerEntryKind")


@strawberry.type(name="StoreBalance")
class StoreBalance:
    available: Decimal = strawberry.field(
        description="Released money (orders whose receipt was confirmed or whose hold passed), "
        "less payouts, plus or minus adjustments: what can be paid out."
    )
    pending: Decimal = strawberry.field(description="Paid orders' money not released yet.")
    paid_out: Decimal = strawberry.field(description="Everything paid out to the store so far.")


def store_balance(store, info: Info) -> StoreBalance | None:
    """The Store.balance resolver: the owner's balance, null for anyone else."""
    if not selectors.store_money_visible(store=store, user=info.context.request.user):
        return None
    balance = selectors.store_balance(store_id=store.pk)
    return StoreBalance(available=balance.available, pending=balance.pending, paid_out=balance.paid_out)


@strawberry_django.type(models.LedgerEntry, name="LedgerEntry")
class LedgerEntry(relay.Node):
    id: relay.NodeID[int]
    kind: LedgerEntryKind
    amount: Decimal = strawberry_django.field(
        description="Signed as it changes the balance: sales and commission reversals add, "
        "commissions, refunds and payouts subtract."
    )
    tax_amount: Decimal = strawberry_django.field(
        description="The IVA inside a sale or refund (same sign); 0.00 on other entries."
    )
    note: str
    created_at: datetime

    @strawberry_django.field(only=["order__order_number"], select_related=["order"])
    def order_number(self) -> str | None:
        return self.order.order_number if self.order_id else None

    @strawberry_django.field(
        annotate={
            "entry_released": ExpressionWrapper(selectors.RELEASED, output_field=BooleanField()),
        },
        description="Whether the entry counts in the available balance (false: pending).",
    )
    def released(self) -> bool:
        return bool(self.entry_released)


@strawberry_django.type(models.Payout, name="Payout")
class Payout(relay.Node):
    id: relay.NodeID[int]
    amount: Decimal
    bank_reference: str
    created_at: datetime
    store: Annotated[Store, strawberry.lazy("graph.accounts")]


@strawberry.input(name="PayoutInput")
class PayoutInput:
    store_id: strawberry.ID
    amount: Decimal = strawberry.field(description="Kwanza; at most the store's available balance.")
    bank_reference: str = strawberry.field(description="The bank transfer's reference, for the seller.")


@strawberry.type(name="PayoutPayload")
class PayoutPayload:
    payout: Payout | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(name="AdjustmentInput")
class AdjustmentInput:
    store_id: strawberry.ID
    amount: Decimal = strawberry.field(description="Kwanza, positive (credit) or negative (debit).")
    note: str = strawberry.field(description="Why: shown to the seller in the ledger.")


@strawberry.type(name="LedgerEntryPayload")
class LedgerEntryPayload:
    entry: LedgerEntry | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="CategoryCommissionPayload")
class CategoryCommissionPayload:
    category: Category | None = strawberry_django.field(default=None)
    rate: Decimal | None = strawberry.field(
        default=None, description="The commission rate now in force for the category, in percent."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry_django.field(
        extensions=allow(Seller),
        description="SELLER: the seller's own store, with its balance, ledger and payouts; null while "
        "they have no store.",
    )
    def my_store(self, info: Info) -> Annotated[Store, strawberry.lazy("graph.accounts")] | None:
        return account_selectors.store_list_of_seller(seller=info.context.request.user)

    @connection(
        Connection[Payout],
        extensions=allow(Admin),
        description="ADMIN: payouts (of one store), newest first.",
    )
    def payouts(self, store_id: strawberry.ID | None = None) -> QuerySet[models.Payout]:
        pk = None if store_id is None else decode_id(store_id, "Store", field="store_id")
        return selectors.payout_list(store_id=pk)


@strawberry.type
class Mutation:
    @mutation(
        Admin,
        description="ADMIN: record money sent to a store's bank, never more than its available balance; "
        "the seller is e-mailed.",
    )
    def record_payout(self, info: Info, input: PayoutInput) -> PayoutPayload:
        payout = payouts.payout_record(
            admin=info.context.request.user,
            store_id=decode_id(input.store_id, "Store", field="store_id"),
            amount=input.amount,
            bank_reference=input.bank_reference,
        )
        return PayoutPayload(payout=selectors.payout_list().filter(pk=payout.pk))

    @mutation(Admin, description="ADMIN: credit or debit a store's available balance, with a note.")
    def record_adjustment(self, input: AdjustmentInput) -> LedgerEntryPayload:
        entry = payouts.ledger_adjust(
            store_id=decode_id(input.store_id, "Store", field="store_id"),
            amount=input.amount,
            note=input.note,
        )
        return LedgerEntryPayload(entry=models.LedgerEntry.objects.filter(pk=entry.pk))

    @mutation(
        Admin,
        description="ADMIN: a category's own commission rate in percent (null: the platform's rate "
        "applies again). Orders placed already keep the rates copied onto their lines.",
    )
    def set_category_commission(
        self, category_id: strawberry.ID, rate: Decimal | None = None
    ) -> CategoryCommissionPayload:
        pk = decode_id(category_id, "Category", field="category_id")
        rates.category_commission_set(category_id=pk, rate=rate)
        return CategoryCommissionPayload(
            category=catalog_selectors.category_list().filter(pk=pk),
            rate=rates.commission_rates_in_force(category_ids=[pk])[pk],
        )

    @mutation(
        Buyer,
        description="The order's buyer, once a paid order arrived (SHIPPED or DELIVERED): a SHIPPED order "
        "becomes DELIVERED, and its money is released to the store.",
    )
    def confirm_receipt(self, info: Info, order_number: str) -> OrderPayload:
        order = release.order_confirm_receipt(actor=info.context.request.user, order_number=order_number)
        return OrderPayload(order=order_selectors.order_list_by_pk(pks=[order.pk]))


def store_ledger(store, info: Info) -> QuerySet[models.LedgerEntry] | None:
    """The Store.ledger resolver: the owner's ledger, newest first; null for anyone else."""
    return selectors.ledger_list_for_store(store=store, user=info.context.request.user)


def store_payouts(store, info: Info) -> QuerySet[models.Payout] | None:
    """The Store.payouts resolver: the owner's payouts, newest first; null for anyone else."""
    return selectors.payout_list_for_store(store=store, user=info.context.request.user)
