from django.apps import AppConfig


class GraphConfig(AppConfig):
    """The API layer as an app, for its management commands (persisted_manifest)."""

    name = "graph"
    label = "graph"
