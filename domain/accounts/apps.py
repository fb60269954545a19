from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "domain.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the request signals that run held-back mail tasks after the response (no broker).
        from domain import background  # noqa: F401
