from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "domain.delivery"
    label = "delivery"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Delivery"
