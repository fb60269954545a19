from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from .models import Store, User, UserType


@admin.register(User)
class KitandaUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "user_type", "is_approved_seller")
    list_filter = ("user_type", "is_approved_seller", "is_active", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Marketplace", {"fields": ("user_type", "is_approved_seller", "phone")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "user_type",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["approve_sellers"]

    @admin.action(description="Approve the selected sellers")
    def approve_sellers(self, request, queryset):
        from .services import seller_approve

        approved = 0
        for user in queryset.filter(user_type=UserType.SELLER, is_approved_seller=False):
            seller_approve(user=user)
            approved += 1
        self.message_user(request, f"{approved} seller(s) approved.", messages.SUCCESS)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "seller", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "seller__username")
    readonly_fields = ("slug", "created_at", "updated_at")
    raw_id_fields = ("seller",)
