from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "domain.promotions"
    label = "promotions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Promotions"

    def ready(self):
        # beat's backstop task registered in every process, not only where something imports it
        from . import tasks  # noqa: F401
