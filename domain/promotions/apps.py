from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "domain.promotions"
    label = "promotions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Promotions"
