"""The marketplace's economics: commission rates per category, the append-only ledger of each
store, the release of paid orders' money, payouts, and each store's low-stock threshold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from domain.loading import LeanLoading


class CategoryCommission(LeanLoading, models.Model):
    """A category's own commission rate, in percent, instead of the platform's COMMISSION_RATE.
    Checkout copies the rate in force onto each order line, so changing it never rewrites history."""

    category = models.OneToOneField(
        "catalog.Category", on_delete=models.CASCADE, primary_key=True, related_name="commission"
    )
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, e.g. 12.50")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="category_commission_range")
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.rate} %"


class AppendOnlyError(Exception):
    """A ledger row was about to be changed or deleted: the ledger only grows."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are inserted, never updated or deleted (on PostgreSQL a trigger refuses it too)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")


class AppendOnly(LeanLoading, models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class EntryKind(models.TextChoices):
    SALE = "sale", "Sale"
    COMMISSION = "commission", "Commission"
    REFUND = "refund", "Refund"
    COMMISSION_REVERSAL = "commission_reversal", "Commission reversal"
    PAYOUT = "payout", "Payout"
    ADJUSTMENT = "adjustment", "Adjustment"
    # The order's delivery fee, the store's income apart from its goods (its IVA in tax_amount).
    DELIVERY = "delivery", "Delivery fee"
    DELIVERY_REFUND = "delivery_refund", "Delivery fee refund"


# The kinds an order causes (credited when it is paid, reversed when it is cancelled after that).
ORDER_KINDS = [
    EntryKind.SALE,
    EntryKind.COMMISSION,
    EntryKind.REFUND,
    EntryKind.COMMISSION_REVERSAL,
    EntryKind.DELIVERY,
    EntryKind.DELIVERY_REFUND,
]


class LedgerEntry(AppendOnly):
    """One movement of a store's money, signed as it changes the store's balance: a sale (+, its
    IVA in tax_amount), its delivery fee (+, its IVA in tax_amount), the commission on them (−), a
    refund of each (−) and the commission given back (+),
    a payout (−), an adjustment (±). Written in the transaction that causes it; never changed."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payout = models.OneToOneField(
        "economics.Payout", null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="ledger_kind_valid"),
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.SALE, amount__gt=0)
                    | Q(kind=EntryKind.COMMISSION, amount__lte=0)
                    | Q(kind=EntryKind.REFUND, amount__lt=0)
                    | Q(kind=EntryKind.COMMISSION_REVERSAL, amount__gte=0)
                    | Q(kind=EntryKind.PAYOUT, amount__lt=0)
                    | Q(kind=EntryKind.DELIVERY, amount__gt=0)
                    | Q(kind=EntryKind.DELIVERY_REFUND, amount__lt=0)
                    | (Q(kind=EntryKind.ADJUSTMENT) & ~Q(amount=0))
                ),
                name="ledger_amount_sign",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ORDER_KINDS, order__isnull=False)
                | Q(~Q(kind__in=ORDER_KINDS), order__isnull=True),
                name="ledger_order_reference",
            ),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.PAYOUT, payout__isnull=False)
                | Q(~Q(kind=EntryKind.PAYOUT), payout__isnull=True),
                name="ledger_payout_reference",
            ),
            # An order is credited once and reversed once, whatever races.
            models.UniqueConstraint(
                fields=["order", "kind"], condition=Q(order__isnull=False), name="ledger_once_per_order"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-created_at", "-id"], name="ledger_store_idx"),
            models.Index(fields=["kind", "created_at"], name="ledger_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.kind} {self.amount}"


class ReleaseReason(models.TextChoices):
    RECEIPT_CONFIRMED = "receipt_confirmed", "Receipt confirmed by the buyer"
    HOLD_PASSED = "hold_passed", "Hold period after delivery passed"


class OrderRelease(AppendOnly):
    """A paid order's money becomes available to its store: when the buyer confirms receipt, or
    PAYOUT_HOLD_DAYS after it was DELIVERED. Until then its ledger entries are pending."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, primary_key=True, related_name="release"
    )
    reason = models.CharField(max_length=20, choices=ReleaseReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=ReleaseReason.values), name="release_reason_valid")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.reason}"


class Payout(AppendOnly):
    """Money an admin sent to a store's bank account; recorded with its PAYOUT ledger entry, never
    above the store's available balance (payouts.py computes it under the store's lock)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    bank_reference = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]
        indexes = [
            models.Index(fields=["store", "-created_at", "-id"], name="payout_store_idx"),
            models.Index(fields=["-created_at", "-id"], name="payout_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.amount} ({self.bank_reference})"


class LowStockThreshold(LeanLoading, models.Model):
    """A store's own low-stock threshold for its dashboard (LOW_STOCK_THRESHOLD otherwise)."""

    store = models.OneToOneField(
        "accounts.Store", on_delete=models.CASCADE, primary_key=True, related_name="low_stock"
    )
    threshold = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.store_id}: {self.threshold}"


class PlatformEntryKind(models.TextChoices):
    # A platform coupon's discount on a paid order: the platform's expense (negative).
    PROMOTION = "promotion", "Promotion expense"
    # That order cancelled or refunded: the expense comes back (positive).
    PROMOTION_REVERSAL = "promotion_reversal", "Promotion expense reversal"


class PlatformEntry(AppendOnly):
    """The platform's own ledger, beside the stores': what a platform-funded discount costs it.
    The store's ledger is credited the goods at their undiscounted amount (less its commission on
    them), so for every order: the store's sale + delivery - commission + commission + this entry
    = what the buyer paid. Inserted in the transaction that pays (or reverses) the order."""

    kind = models.CharField(max_length=20, choices=PlatformEntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="platform_entries")
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    coupon_code = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "platform entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlatformEntryKind.values), name="platform_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=PlatformEntryKind.PROMOTION, amount__lt=0)
                | Q(kind=PlatformEntryKind.PROMOTION_REVERSAL, amount__gt=0),
                name="platform_amount_sign",
            ),
            models.UniqueConstraint(fields=["order", "kind"], name="platform_entry_once_per_order"),
        ]
        indexes = [models.Index(fields=["kind", "created_at"], name="platform_entry_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.order_id}"
