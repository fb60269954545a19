from django.contrib import admin

from .models import (
    Address,
    DeliveryMethod,
    DeliveryZone,
    DeliveryZoneProvince,
    Holiday,
    Province,
    StorePickup,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    """Renamed and reordered here; deleting one that anything refers to is refused (PROTECT)."""

    list_display = ("position", "name", "code")
    list_display_links = ("name",)
    list_editable = ("position",)
    search_fields = ("name", "code")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("recipient", "user", "province", "municipality", "neighbourhood", "is_default")
    list_filter = ("province",)
    raw_id_fields = ("user",)
    search_fields = ("recipient", "user__username", "municipality", "neighbourhood")


class ZoneProvinceInline(admin.TabularInline):
    model = DeliveryZoneProvince
    extra = 0


class MethodInline(admin.TabularInline):
    model = DeliveryMethod
    extra = 0


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "store", "created_at")
    raw_id_fields = ("store",)
    search_fields = ("name", "store__name")
    inlines = (ZoneProvinceInline, MethodInline)


@admin.register(StorePickup)
class StorePickupAdmin(admin.ModelAdmin):
    list_display = ("store", "is_enabled", "province", "municipality", "address")
    raw_id_fields = ("store",)
