from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from domain.loading import LeanLoading


class OrderStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed")
    PROCESSING = "processing", gettext_lazy("Processing")
    SHIPPED = "shipped", gettext_lazy("Shipped")
    DELIVERED = "delivered", gettext_lazy("Delivered")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")

    @property
    def in_words(self) -> str:
        """The status as a message names it, in the request's language ("confirmed", "confirmada")."""
        return str(self.label).lower()


class PaymentStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    COMPLETED = "completed", gettext_lazy("Completed")
    FAILED = "failed", gettext_lazy("Failed")
    # The order's change committed; the gateway's refund is sent after the commit (refunds.py).
    REFUND_PENDING = "refund_pending", gettext_lazy("Refund pending")
    REFUNDED = "refunded", gettext_lazy("Refunded")


class PaymentMethod(models.TextChoices):
    REFERENCE = "reference", gettext_lazy("Bank/ATM reference")
    MOBILE = "mobile", gettext_lazy("Mobile wallet")
    CARD = "card", gettext_lazy("Card")


class DeliveryKind(models.TextChoices):
    DELIVERY = "delivery", gettext_lazy("Delivery")
    PICKUP = "pickup", gettext_lazy("Pickup at the store")


class Checkout(LeanLoading, models.Model):
    """One checkout of a buyer's cart; it makes one order per store in the cart."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="checkout_idempotency_key_unique_per_buyer",
            )
        ]

    def __str__(self) -> str:
        return f"Checkout {self.pk} by {self.buyer_id}"


class Order(LeanLoading, models.Model):
    order_number = models.CharField(max_length=32, unique=True)
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    payment_status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.TextField()
    contact_phone = models.CharField(max_length=20)
    # Delivery (domain/delivery), as chosen at checkout and never rewritten: its kind ("" for a
    # checkout without a choice, whose delivery the store arranges), the method (null once deleted)
    # and its name, the fee (inside total_amount; the store's income, with its IVA and the
    # commission on it, if any), the working-day range promised, the province and the address.
    delivery_kind = models.CharField(max_length=10, choices=DeliveryKind.choices, blank=True, default="")
    delivery_method = models.ForeignKey(
        "delivery.DeliveryMethod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_name = models.CharField(max_length=80, blank=True, default="")
    delivery_fee = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    delivery_tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    delivery_commission_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    delivery_earliest = models.DateField(null=True, blank=True)
    delivery_latest = models.DateField(null=True, blank=True)
    province = models.ForeignKey(
        "delivery.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # recipient, phone, province, municipality, neighbourhood, street, reference_point (or the
    # store's pickup address); {} without a structured address.
    delivery_address = models.JSONField(default=dict, blank=True)
    # The coupon of the checkout, as it was applied (domain/promotions): the code as typed and the
    # order's share of the discount, funded by the store (`discount_amount`, its lines' sum) or
    # by the platform (`platform_discount_amount`); the total is what the buyer pays after them.
    coupon = models.ForeignKey(
        "promotions.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coupon_code = models.CharField(max_length=32, blank=True, default="")
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    platform_discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(delivery_fee__gte=0, total_amount__gte=F("delivery_fee")),
                name="order_delivery_fee_in_total",
            ),
            models.CheckConstraint(
                condition=Q(delivery_kind__in=["", *DeliveryKind.values]), name="order_delivery_kind_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(
                condition=Q(payment_status__in=PaymentStatus.values),
                name="order_payment_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at", "-id"], name="order_buyer_idx"),
            models.Index(fields=["store", "-created_at", "-id"], name="order_store_idx"),
            models.Index(fields=["status", "created_at"], name="order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.order_number

    @property
    def goods_total(self) -> Decimal:
        """What the order's lines cost, its delivery fee apart."""
        return self.total_amount - self.delivery_fee


class OrderItem(LeanLoading, models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    # History survives the product: the line keeps its snapshot when the product goes.
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=200)
    # The variant as it was at checkout: its name ("40 / Preto", empty for a product without
    # options), SKU and option values ([{"name": "Tamanho", "value": "40"}, ...]).
    variant_name = models.CharField(max_length=200, blank=True, default="")
    sku = models.CharField(max_length=64, blank=True, default="")
    options = models.JSONField(default=list, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    # The rates in force at checkout (percent) and this line's amounts, rounded half-up on the line
    # (domain/economics/rates.py): a later rate change never rewrites them. Null on lines bought
    # before the rates were recorded.
    commission_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    commission_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # The line's share of the coupon's discount, frozen at checkout (largest remainder to the
    # cêntimo, domain/promotions/coupons.discount_split): the store's or the platform's.
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    platform_discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="order_item_price_positive"),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0, platform_discount_amount__gte=0),
                name="order_item_discount_not_negative",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self) -> Decimal:
        return self.price * self.quantity

    @property
    def paid_amount(self) -> Decimal:
        """What the buyer paid for the line: its total less its shares of the discount."""
        return self.line_total - self.discount_amount - self.platform_discount_amount


class Payment(LeanLoading, models.Model):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="payment")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    transaction_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    reference_entity = models.CharField(max_length=10, null=True, blank=True)
    reference_number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(method__in=PaymentMethod.values), name="payment_method_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} ({self.status})"


class OrderEvent(LeanLoading, models.Model):
    """One status change of an order: who, from, to, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=OrderStatus.choices)
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


class LatePayment(LeanLoading, models.Model):
    """Money the gateway reports on a REFERENCE whose order was already cancelled (or expired).

    The order is not revived: the payment is recorded here, noted on the order and refunded. One
    row per gateway transaction, so a replayed notification never refunds twice; `refunded` stays
    False while the gateway refuses the refund (a replay retries it, or a human does)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="late_payments")
    transaction_id = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    refunded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="late_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.amount} on {self.order_id}"


class RefundReason(models.TextChoices):
    ORDER_CANCELLED = "order_cancelled", "Order cancelled or refunded"
    LATE_PAYMENT = "late_payment", "Late payment on a reference"
    CHECKOUT_ROLLED_BACK = "checkout_rolled_back", "Charge of a checkout that rolled back"
    # A charge call failed without an answer: voided by the order's number (it may not exist).
    CHARGE_UNANSWERED = "charge_unanswered", "Charge that may have gone through unanswered"


class Refund(LeanLoading, models.Model):
    """Money owed back through the gateway, one row per gateway transaction (so a charge is never
    refunded twice). Written in the transaction that decides it (or, for a checkout that rolled
    back, right after), sent to the gateway only after that commit; a refund the gateway refuses
    stays pending (`refunded_at` null) and `manage.py retry_refunds` sends it again."""

    transaction_id = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=24, choices=RefundReason.choices)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    late_payment = models.OneToOneField(
        LatePayment, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    attempts = models.PositiveIntegerField(default=0)
    # Set while a sender is asking the gateway (a lease: refunds.SEND_LEASE).
    sending_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True, default="")
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(reason__in=RefundReason.values), name="refund_reason_valid"),
        ]
        indexes = [models.Index(fields=["refunded_at"], name="refund_pending_idx")]

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.amount} ({'refunded' if self.refunded_at else 'pending'})"


class ChargeAttemptStatus(models.TextChoices):
    # Recorded before the gateway is asked; nobody knows yet whether an order will hold the charge.
    PENDING = "pending", "Pending"
    # Its order committed, with the charge (marked inside the checkout's transaction).
    PLACED = "placed", "Placed"
    # No order holds it: whatever was charged is owed back (a Refund by transaction or a void by number).
    RETURNED = "returned", "Returned"


class ChargeAttempt(LeanLoading, models.Model):
    """A charge checkout is about to ask the gateway for, committed before its transaction opens, so
    that a worker killed during the gateway call leaves a trace: an attempt still PENDING after
    CHARGE_ATTEMPT_TIMEOUT has no order, and attempts.attempts_sweep voids it by its order number
    (the merchant reference the charge carries). Not unique: a number drawn twice is refused by the
    orders' own constraint before any charge, and that attempt is deleted."""

    order_number = models.CharField(max_length=32)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    # The PAYMENT_GATEWAY class that was asked (for whoever reconciles with a provider by hand).
    gateway = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ChargeAttemptStatus.choices, default=ChargeAttemptStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_attempt_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ChargeAttemptStatus.values), name="charge_attempt_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="charge_attempt_pending_idx")]

    def __str__(self) -> str:
        return f"{self.order_number}: {self.amount} ({self.status})"
