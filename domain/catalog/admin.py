"""Admin screens of the catalogue. Writes go through the catalogue services: categories are
created and renamed by them (slug chosen once, search text kept in step); products belong to
their sellers, so here an admin can only hide or show one. A product's option groups and
variants (SKU, price, stock, active) are shown on its page, read-only: the seller manages them."""

from django import forms
from django.contrib import admin

from . import services
from .models import Category, Product, ProductOption, ProductVariant


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("name", "description")

    def clean(self):
        cleaned = super().clean()
        errors = services.category_errors(
            name=(cleaned.get("name") or "").strip(),
            description=(cleaned.get("description") or "").strip(),
            exclude_pk=self.instance.pk,
        )
        for error in errors:
            self.add_error(error.field, error.message)  # the domain names the model field
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "slug")
    search_fields = ("name",)
    readonly_fields = ("slug",)

    def save_model(self, request, obj, form, change):
        if change:
            original = Category.objects.get(pk=obj.pk)
            services.category_update(category=original, name=obj.name, description=obj.description)
        else:
            created = services.category_create(name=obj.name, description=obj.description)
            obj.pk, obj.slug = created.pk, created.slug

    def has_delete_permission(self, request, obj=None):
        # Products keep their category (PROTECT); an empty category can be deleted from the shell.
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their product's page, changed by the seller only (through the services)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProductOptionInline(ReadOnlyInline):
    model = ProductOption
    fields = ("position", "name", "option_values")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("values")

    @admin.display(description="values")
    def option_values(self, option):
        return ", ".join(value.value for value in option.values.all())


class ProductVariantInline(ReadOnlyInline):
    model = ProductVariant
    fields = (
        "position",
        "name",
        "sku",
        "price",
        "compare_at_price",
        "stock_quantity",
        "is_active",
        "is_default",
    )
    readonly_fields = fields


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    inlines = (ProductOptionInline, ProductVariantInline)
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
    list_select_related = ("store", "category")
    fields = (
        "name",
        "slug",
        "store",
        "category",
        "description",
        "price",
        "max_price",
        "stock_quantity",
        "in_stock",
        "is_active",
        "deleted_at",
        "image",
        "thumbnail",
        "rating_average",
        "rating_count",
        "created_at",
        "updated_at",
    )
    readonly_fields = tuple(field for field in fields if field != "is_active")

    def save_model(self, request, obj, form, change):
        services.product_set_active(product_id=obj.pk, active=obj.is_active)

    def has_add_permission(self, request):
        # Sellers create products in their store (createProduct).
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting is the seller's soft delete (deleteProduct); past orders keep their lines.
        return False
