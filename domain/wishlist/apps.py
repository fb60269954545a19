from django.apps import AppConfig


class WishlistConfig(AppConfig):
    name = "domain.wishlist"
    label = "wishlist"
    default_auto_field = "django.db.models.BigAutoField"
