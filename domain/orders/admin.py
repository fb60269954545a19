from django.contrib import admin

from .models import Checkout, Order, OrderEvent, OrderItem, Payment


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = ("product", "product_name", "price", "quantity")
    can_delete = False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    readonly_fields = ("actor", "from_status", "to_status", "note", "created_at")
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # Status changes go through the order services (stock, refunds, events): read-only here.
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
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order", "method", "status", "amount", "transaction_id", "reference_number")
    list_filter = ("method", "status")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "idempotency_key", "created_at")
    readonly_fields = ("buyer", "idempotency_key", "created_at")


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor", "created_at")
    readonly_fields = ("order", "actor", "from_status", "to_status", "note", "created_at")
