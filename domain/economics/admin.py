"""Admin screens of the economics: category commission rates are edited here (through the rates
service); the ledger, releases and payouts are read-only (payouts are recorded by the service that
checks the available balance under the store's lock)."""

from django.contrib import admin

from domain.orders.admin import ViewOnly

from . import rates
from .models import CategoryCommission, LedgerEntry, OrderRelease, Payout


@admin.register(CategoryCommission)
class CategoryCommissionAdmin(admin.ModelAdmin):
    list_display = ("category", "rate", "updated_at")
    list_select_related = ("category",)
    search_fields = ("category__name",)

    def save_model(self, request, obj, form, change):
        rates.category_commission_set(category_id=obj.category_id, rate=obj.rate)

    def delete_model(self, request, obj):
        rates.category_commission_set(category_id=obj.category_id, rate=None)

    def delete_queryset(self, request, queryset):
        for category_id in queryset.values_list("category_id", flat=True):
            rates.category_commission_set(category_id=category_id, rate=None)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("created_at", "store", "kind", "amount", "tax_amount", "order", "note")
    list_filter = ("kind", "store")
    search_fields = ("order__order_number", "store__name")
    readonly_fields = [field.name for field in LedgerEntry._meta.fields]
    list_select_related = ("store", "order")


@admin.register(Payout)
class PayoutAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("created_at", "store", "amount", "bank_reference", "recorded_by")
    list_filter = ("store",)
    search_fields = ("bank_reference", "store__name")
    readonly_fields = [field.name for field in Payout._meta.fields]
    list_select_related = ("store", "recorded_by")


@admin.register(OrderRelease)
class OrderReleaseAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("order", "reason", "created_at")
    list_filter = ("reason",)
    search_fields = ("order__order_number",)
    readonly_fields = ("order", "reason", "created_at")
    list_select_related = ("order",)
