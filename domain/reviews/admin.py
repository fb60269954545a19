from django.contrib import admin

from domain.catalog.models import Product

from .models import Review
from .services import product_rating_refresh


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "user", "rating", "created_at")
    list_filter = ("rating",)
    raw_id_fields = ("product", "user")

    # An admin's edit or delete changes the product's rating (and bumps its catalogue version) as
    # the review services do, in the admin's transaction.
    def save_model(self, request, obj, form, change):
        before = (
            Review.objects.filter(pk=obj.pk).values_list("product_id", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        for product in Product.objects.filter(pk__in={obj.product_id, before} - {None}):
            product_rating_refresh(product=product)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        product_rating_refresh(product=obj.product)

    def delete_queryset(self, request, queryset):
        products = {review.product for review in queryset.select_related("product")}
        super().delete_queryset(request, queryset)
        for product in products:
            product_rating_refresh(product=product)
