import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from domain.loading import LeanLoading


def new_cart_code() -> str:
    """A bearer secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class Cart(LeanLoading, models.Model):
    # A cart belongs to a user (no code) or is anonymous and addressed by its secret code.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    cart_code = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, cart_code__isnull=False)
                | Q(user__isnull=False, cart_code__isnull=True),
                name="cart_owner_xor_code",
            )
        ]
        indexes = [models.Index(fields=["updated_at"], name="cart_updated_idx")]

    def __str__(self) -> str:
        return f"Cart {self.pk} of {self.user or 'anonymous'}"


class CartItem(LeanLoading, models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    # The variant bought; `product` is its product, kept for the visibility rules and the joins.
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One line per variant: adding it again adds to that line's quantity.
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_item_unique_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def line_total(self):
        return self.variant.price * self.quantity
