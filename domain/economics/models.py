"""The marketplace's economics: commission rates per category, the append-only ledger of each
store, the release of paid orders' money, payouts, and each store's low-stock threshold."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CategoryCommission(models.Model):
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
