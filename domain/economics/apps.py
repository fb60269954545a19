from django.apps import AppConfig


class EconomicsConfig(AppConfig):
    name = "domain.economics"
    label = "economics"
    verbose_name = "Marketplace economics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domain.orders import signals

        from . import receivers

        signals.order_lines_pre_create.connect(receivers.order_lines_terms, dispatch_uid="economics.terms")
        signals.orders_pre_create.connect(receivers.orders_delivery_terms, dispatch_uid="economics.delivery")
        signals.orders_paid.connect(receivers.orders_paid_credit, dispatch_uid="economics.credit")
        signals.order_cancelled.connect(receivers.order_cancelled_reverse, dispatch_uid="economics.reverse")
