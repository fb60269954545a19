from __future__ import annotations

from django.db import models
from django.db.models import Q

# The stock column is a 32-bit integer (and GraphQL's Int too): stock never goes above this.
MAX_STOCK = 2_147_483_647


def not_deleted(path: str = "") -> Q:
    """The one test of "not deleted" (a deleted product keeps its row: soft delete). `path` leads
    to a product from another model (e.g. "product__" from a wishlist item)."""
    return Q(**{f"{path}deleted_at__isnull": True})


class ProductQuerySet(models.QuerySet):
    def not_deleted(self) -> ProductQuerySet:
        """The products not deleted, hidden ones included."""
        return self.filter(not_deleted())


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="category_name_required")]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    stock_quantity = models.PositiveIntegerField(default=0)
    # Derived by the database from the stock, so it can never disagree with it.
    in_stock = models.GeneratedField(
        expression=Q(stock_quantity__gt=0),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_active = models.BooleanField(default=True)
    # Soft delete: a deleted product leaves the catalogue and carts; order lines keep their snapshot.
    deleted_at = models.DateTimeField(null=True, blank=True)
    image = models.ImageField(upload_to="products/", blank=True, null=True)
    thumbnail = models.ImageField(upload_to="products/thumbnails/", blank=True, null=True)
    # Rating aggregate, recomputed by the review services in the review's transaction.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    # Name, description and category name, lowercased and without accents (domain/catalog/search.py).
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(stock_quantity__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=~Q(name=""), name="product_name_required"),
            models.CheckConstraint(
                condition=Q(rating_average__isnull=True) | Q(rating_average__gte=1, rating_average__lte=5),
                name="product_rating_average_range",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "-created_at", "-id"], name="product_newest_idx"),
            models.Index(fields=["is_active", "price", "id"], name="product_price_idx"),
            models.Index(fields=["is_active", "name", "id"], name="product_name_idx"),
            models.Index(fields=["is_active", "rating_average"], name="product_rating_idx"),
            models.Index(fields=["store", "is_active"], name="product_store_idx"),
            models.Index(fields=["category", "is_active"], name="product_category_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def on_sale(self) -> bool:
        """selectors.ON_SALE for one loaded product (a test keeps the two the same rule)."""
        return self.is_active and self.deleted_at is None and self.store.is_active
