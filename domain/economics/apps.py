from django.apps import AppConfig


class EconomicsConfig(AppConfig):
    name = "domain.economics"
    label = "economics"
    verbose_name = "Marketplace economics"
    default_auto_field = "django.db.models.BigAutoField"
