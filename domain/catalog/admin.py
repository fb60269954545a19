"""Admin screens of the catalogue. Writes go through the catalogue services: categories are
created and renamed by them (slug chosen once, search text kept in step); products belong to
their sellers, so here an admin can only hide or show one."""

from django import forms
from django.contrib import admin

from . import services
from .models import Category, Product


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
    list_select_related = ("store", "category")
    fields = (
        "name",
        "slug",
        "store",
        "category",
        "description",
        "price",
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
