from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "domain.cart"
    label = "cart"
    default_auto_field = "django.db.models.BigAutoField"
