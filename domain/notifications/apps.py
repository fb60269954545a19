from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "domain.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domain.orders import signals

        from . import receivers

        signals.orders_placed.connect(receivers.orders_placed_notify, dispatch_uid="notifications.placed")
        signals.orders_paid.connect(receivers.orders_paid_notify, dispatch_uid="notifications.paid")
        signals.order_shipped.connect(receivers.order_shipped_notify, dispatch_uid="notifications.shipped")
        signals.order_cancelled.connect(
            receivers.order_cancelled_notify, dispatch_uid="notifications.cancelled"
        )
