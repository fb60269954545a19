from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "domain.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .live import receivers_connect

        receivers_connect()
