from django.apps import AppConfig


class BackendConfig(AppConfig):
    """The project as an app, for the checks of its build (backend/checks.py), so that the API layer
    need not import the project to register them."""

    name = "backend"
    label = "backend"

    def ready(self) -> None:
        from backend import checks  # noqa: F401  (registers them)
        from backend.live import channel_layer_publish
        from domain.live import publisher_install

        publisher_install(channel_layer_publish)
