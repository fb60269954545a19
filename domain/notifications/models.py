from django.db import models

from domain.loading import LeanLoading


class NoticeKind(models.TextChoices):
    """The e-mails an order sends, each at most once (to the buyer, or to the store's seller)."""

    BUYER_PLACED = "buyer_placed", "Buyer: order placed"
    BUYER_PAID = "buyer_paid", "Buyer: reference paid"
    BUYER_SHIPPED = "buyer_shipped", "Buyer: order shipped"
    BUYER_CANCELLED = "buyer_cancelled", "Buyer: order cancelled or refunded"
    SELLER_NEW_ORDER = "seller_new_order", "Seller: new order"
    SELLER_REFERENCE_PAID = "seller_reference_paid", "Seller: reference paid"


class Notification(LeanLoading, models.Model):
    """One e-mail of one order. The row is claimed before the mail goes and marked `sent_at` in the
    same transaction as the send, under its lock: a task retried (or delivered twice by the broker)
    finds it sent and sends nothing again."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    recipient = models.EmailField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="notification_once_per_order_and_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.order_id} ({'sent' if self.sent_at else 'pending'})"
