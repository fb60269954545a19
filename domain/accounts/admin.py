from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from domain.errors import NotEligible, RateLimited

from . import throttle
from .models import PENDING_SELLER, Store, User


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login, counted by the same throttle (and counters) as tokenAuth: once the
    client IP (backend/client_ip.py) or the IP + username is locked out, even the right password
    is refused."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()  # nothing is checked: the form reports the missing field
        try:
            attempt = throttle.login_attempt_start(client_ip=self.request.client_ip, login=username)
        except RateLimited as refused:
            raise ValidationError(refused.message, code="rate_limited") from None
        cleaned_data = super().clean()  # raises on a wrong password or a non-staff account
        throttle.login_attempt_succeeded(attempt)
        return cleaned_data


admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = admin.site.site_title = gettext_lazy("Kitanda administration")
admin.site.index_title = gettext_lazy("The marketplace")


@admin.register(User)
class KitandaUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "user_type",
        "is_approved_seller",
        "email_verified_at",
        "is_active",
    )
    list_filter = ("user_type", "is_approved_seller", "is_active", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            gettext_lazy("Marketplace"),
            {
                "fields": (
                    "user_type",
                    "is_approved_seller",
                    "phone",
                    "language",
                    "email_verified_at",
                    "pending_email",
                )
            },
        ),
        (gettext_lazy("Account lifecycle"), {"fields": ("tokens_revoked_at", "deleted_at")}),
    )
    readonly_fields = ("email_verified_at", "pending_email", "tokens_revoked_at", "deleted_at")
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
    actions = ["approve_sellers", "resend_verification", "lock_users"]

    def save_model(self, request, obj, form, change):
        from .services import user_save

        user_save(user=obj)  # a user's name shows on their reviews

    @admin.action(description=gettext_lazy("Approve the selected sellers"))
    def approve_sellers(self, request, queryset):
        from .services import seller_approve

        approved, unverified = 0, 0
        for user in queryset.filter(PENDING_SELLER):
            try:
                seller_approve(user_id=user.pk)  # the rules: the service's
            except NotEligible:  # e-mail not verified yet
                unverified += 1
            else:
                approved += 1
        self.message_user(
            request, gettext("%(count)s seller(s) approved.") % {"count": approved}, messages.SUCCESS
        )
        if unverified:
            self.message_user(
                request,
                gettext("%(count)s seller(s) have not verified their e-mail yet.") % {"count": unverified},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Send the e-mail verification link again"))
    def resend_verification(self, request, queryset):
        from .emails import verification_send

        sent = 0
        for user in queryset.filter(is_active=True):
            address = user.address_to_verify
            if address:
                verification_send(user=user, address=address, language=user.language)
                sent += 1
        self.message_user(
            request, gettext("%(count)s verification e-mail(s) sent.") % {"count": sent}, messages.SUCCESS
        )

    @admin.action(
        description=gettext_lazy("Lock the selected users (login refused, every token revoked at once)")
    )
    def lock_users(self, request, queryset):
        from .credentials import user_lock

        locked = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            user_lock(user=user)
            locked += 1
        self.message_user(request, gettext("%(count)s user(s) locked.") % {"count": locked}, messages.SUCCESS)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "seller", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "seller__username")
    raw_id_fields = ("seller",)
    actions = ["deactivate_stores", "activate_stores"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        from .services import store_save

        store_save(store=obj)  # a store's name and state show on every product of it

    def delete_model(self, request, obj):
        from .services import store_delete

        store_delete(store=obj)

    def delete_queryset(self, request, queryset):
        for store in queryset:
            self.delete_model(request, store)

    def get_readonly_fields(self, request, obj=None):
        # The slug is chosen once: links to the store keep working after a rename.
        return ("slug", "created_at", "updated_at") if obj else ("created_at", "updated_at")

    @admin.action(
        description=gettext_lazy("Deactivate the selected stores (their products leave the catalogue)")
    )
    def deactivate_stores(self, request, queryset):
        self._set_active(request, queryset, active=False)

    @admin.action(description=gettext_lazy("Activate the selected stores"))
    def activate_stores(self, request, queryset):
        self._set_active(request, queryset, active=True)

    def _set_active(self, request, queryset, *, active: bool):
        from .services import store_set_active

        for store in queryset:
            store_set_active(store_id=store.pk, active=active)
        done = (
            gettext("%(count)s store(s) activated.") if active else gettext("%(count)s store(s) deactivated.")
        )
        self.message_user(request, done % {"count": queryset.count()}, messages.SUCCESS)
