from django.contrib import admin

from .models import Category, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    readonly_fields = ("slug",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "category",
        "price",
        "stock_quantity",
        "in_stock",
        "is_active",
        "deleted_at",
    )
    list_filter = ("is_active", "category", "store")
    search_fields = ("name", "slug", "description")
    readonly_fields = ("slug", "in_stock", "rating_average", "rating_count", "created_at", "updated_at")
    list_select_related = ("store", "category")
