from django.apps import AppConfig


class GraphConfig(AppConfig):
    """The API layer as an app, for its management commands (persisted_manifest) and the checks of
    its build (backend/checks.py)."""

    name = "graph"
    label = "graph"

    def ready(self) -> None:
        from backend import checks  # noqa: F401  (registers them)
