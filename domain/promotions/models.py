"""Promotions: sales a seller schedules on their goods, and coupon codes a store or the platform
issues. Sale prices are materialized on the variants at the window's boundaries (sales.py);
coupons are redeemed inside the checkout's transaction on their locked row (coupons.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from domain.loading import LeanLoading


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", gettext_lazy("Percentage")
    # A sale's new price, or a coupon's fixed amount off.
    AMOUNT = "amount", gettext_lazy("Amount")


class SaleState(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    RUNNING = "running", gettext_lazy("Running")
    ENDED = "ended", gettext_lazy("Ended")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class Sale(LeanLoading, models.Model):
    """A seller's sale on some of their store's variants, from `starts_at` to `ends_at`: a
    percentage off each variant's price, or one new price (AMOUNT)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="sales")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=DiscountKind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=SaleState.choices, default=SaleState.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="sale_value_positive"),
            models.CheckConstraint(
                condition=Q(kind="amount") | Q(value__lt=100), name="sale_percentage_below_100"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="sale_window_ordered"),
            models.CheckConstraint(condition=Q(state__in=SaleState.values), name="sale_state_valid"),
        ]
        indexes = [
            # The next boundary: the earliest start of a scheduled sale, the earliest end of a running one.
            models.Index(fields=["state", "starts_at"], name="sale_state_start_idx"),
            models.Index(fields=["state", "ends_at"], name="sale_state_end_idx"),
            models.Index(fields=["store", "-starts_at", "-id"], name="sale_store_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class SaleItem(LeanLoading, models.Model):
    """One variant of a sale, and what its start replaced: the variant's price and compare-at
    price then, put back at its end (unless the seller changed the price meanwhile)."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    # True until the sale ends or is cancelled: a variant is in one open sale at a time.
    open = models.BooleanField(default=True)
    sale_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    regular_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    regular_compare_at_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"], condition=Q(open=True), name="sale_item_one_open_sale"
            ),
            models.UniqueConstraint(fields=["sale", "variant"], name="sale_item_unique_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}: variant {self.variant_id}"


class Coupon(LeanLoading, models.Model):
    """A code a buyer applies to their cart. Issued by a store (its goods only) or by the platform
    (`store` null: every store's goods, or those of `categories`)."""

    store = models.ForeignKey(
        "accounts.Store", null=True, blank=True, on_delete=models.CASCADE, related_name="coupons"
    )
    code = models.CharField(max_length=32)
    # The code as compared: upper case, so codes are case-insensitive and unique per issuer.
    code_key = models.CharField(max_length=32)
    kind = models.CharField(max_length=10, choices=DiscountKind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    min_spend = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    max_uses_per_buyer = models.PositiveIntegerField(null=True, blank=True)
    first_order_only = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+")
    # Uses not given back: moved with F() on the locked row at checkout, and when an order goes.
    uses = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "code_key"], condition=Q(store__isnull=False), name="coupon_code_per_store"
            ),
            models.UniqueConstraint(
                fields=["code_key"], condition=Q(store__isnull=True), name="coupon_code_per_platform"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=Q(kind="amount") | Q(value__lte=100), name="coupon_percentage_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="coupon_uses_within_limit",
            ),
        ]
        indexes = [models.Index(fields=["code_key"], name="coupon_code_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def platform_funded(self) -> bool:
        return self.store_id is None


class CouponRedemption(LeanLoading, models.Model):
    """One use of a coupon: by one checkout (one per coupon and checkout, so a replay or a payment
    retry never counts twice), given back once when its orders are cancelled or expire unpaid."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    # The account, not the e-mail: changing the address does not dodge uses per buyer.
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # orders.Checkout's id (orders sit above promotions: a plain column, not a foreign key).
    checkout_id = models.BigIntegerField()
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "checkout_id"], name="coupon_once_per_checkout"),
        ]
        indexes = [
            models.Index(fields=["coupon", "buyer"], name="redemption_buyer_idx"),
            models.Index(fields=["checkout_id"], name="redemption_checkout_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} by checkout {self.checkout_id}"


class CartCoupon(LeanLoading, models.Model):
    """The code a cart carries until checkout (or until removed)."""

    cart = models.OneToOneField(
        "cart.Cart", on_delete=models.CASCADE, primary_key=True, related_name="coupon"
    )
    code = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.cart_id}: {self.code}"
