from django.contrib import admin

from .models import ChargeAttempt, Checkout, LatePayment, Order, OrderEvent, OrderItem, Payment


class ViewOnly:
    """Rows only services write: orders, payments, checkouts and their history change through the
    order services (stock, refunds, events), the ledger, releases and payouts through the economics
    ones. The admin may look, never add, edit or delete (a deleted order would keep its stock taken
    and lose its history)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderItemInline(ViewOnly, admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = (
        "product",
        "product_name",
        "price",
        "quantity",
        "tax_rate",
        "tax_amount",
        "commission_rate",
        "commission_amount",
    )
    can_delete = False


class OrderEventInline(ViewOnly, admin.TabularInline):
    model = OrderEvent
    extra = 0
    readonly_fields = ("actor", "from_status", "to_status", "note", "created_at")
    can_delete = False


@admin.register(Order)
class OrderAdmin(ViewOnly, admin.ModelAdmin):
    list_display = (
        "order_number",
        "buyer",
        "store",
        "status",
        "payment_status",
        "total_amount",
        "created_at",
    )
    list_filter = ("status", "payment_status", "store")
    search_fields = ("order_number", "buyer__username", "buyer__email")
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderItemInline, OrderEventInline]
    list_select_related = ("buyer", "store")


@admin.register(Payment)
class PaymentAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("order", "method", "status", "amount", "transaction_id", "reference_number")
    list_filter = ("method", "status")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(Checkout)
class CheckoutAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("id", "buyer", "idempotency_key", "created_at")
    readonly_fields = ("buyer", "idempotency_key", "created_at")


@admin.register(OrderEvent)
class OrderEventAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor", "created_at")
    readonly_fields = ("order", "actor", "from_status", "to_status", "note", "created_at")


@admin.register(LatePayment)
class LatePaymentAdmin(ViewOnly, admin.ModelAdmin):
    # Payments on references of cancelled orders; refunded False: the gateway refused the refund.
    list_display = ("transaction_id", "order", "amount", "refunded", "created_at")
    list_filter = ("refunded",)
    search_fields = ("transaction_id", "order__order_number")
    list_select_related = ("order",)


@admin.register(ChargeAttempt)
class ChargeAttemptAdmin(ViewOnly, admin.ModelAdmin):
    # Charges checkout asked the gateway for, recorded first (attempts.py): PENDING long after
    # CHARGE_ATTEMPT_TIMEOUT means the sweeper (void_lost_charges) has not run; RETURNED ones are owed
    # back (a Refund row, or a void by order number).
    list_display = ("order_number", "buyer", "amount", "method", "status", "gateway", "created_at")
    list_filter = ("status", "method")
    search_fields = ("order_number", "buyer__username", "buyer__email")
    list_select_related = ("buyer",)
    readonly_fields = [f.name for f in ChargeAttempt._meta.fields]
