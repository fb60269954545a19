from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "domain.catalog"
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domain.accounts.signals import store_changed

        from .receivers import store_changed_bump

        store_changed.connect(store_changed_bump, dispatch_uid="catalog.store_changed")
