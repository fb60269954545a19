from django.conf import settings
from django.db import models

from domain.loading import LeanLoading


class WishlistItem(LeanLoading, models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="wishlist_item_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.product_id}"
