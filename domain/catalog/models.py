from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from domain.loading import LeanLoading

# The stock column is a 32-bit integer (and GraphQL's Int too): stock never goes above this.
MAX_STOCK = 2_147_483_647
# A product's option groups ("Tamanho", "Cor") and its variants (one per combination sold).
MAX_OPTIONS = 3
MAX_OPTION_VALUES = 100
MAX_VARIANTS = 2_048


def not_deleted(path: str = "") -> Q:
    """The one test of "not deleted" (a deleted product keeps its row: soft delete). `path` leads
    to a product from another model (e.g. "product__" from a wishlist item)."""
    return Q(**{f"{path}deleted_at__isnull": True})


class ProductQuerySet(models.QuerySet):
    def not_deleted(self) -> ProductQuerySet:
        """The products not deleted, hidden ones included."""
        return self.filter(not_deleted())


class Category(LeanLoading, models.Model):
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


class Product(LeanLoading, models.Model):
    """A product, sold through its variants (ProductVariant): one per combination of its options
    that the seller offers, or, for a product without options, exactly one default variant that is
    never shown as a choice. `price`, `max_price` and `stock_quantity` are kept by
    domain/catalog/variants.py in the transaction of every change to the variants (the lowest and
    highest price of the active variants, and their total stock), so lists sort and filter on
    indexed columns of the product alone."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    max_price = models.DecimalField(max_digits=12, decimal_places=2)
    # The active variants' total, capped at MAX_STOCK (GraphQL's Int is 32-bit).
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
            models.CheckConstraint(condition=Q(max_price__gte=F("price")), name="product_price_range"),
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


class ProductOption(LeanLoading, models.Model):
    """An option group of a product ("Tamanho", "Cor"), at most MAX_OPTIONS, in `position` order."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=50)
    # The name lowercased, without accents, whitespace collapsed (search.search_normalize): what
    # filters compare and what is unique per product ("Tamanho" and " tamanho" are one option).
    key = models.TextField(default="", editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="product_option_name_required"),
            models.UniqueConstraint(fields=["product", "name"], name="product_option_unique_name"),
            models.UniqueConstraint(fields=["product", "key"], name="product_option_unique_key"),
        ]
        indexes = [models.Index(fields=["key"], name="product_option_key_idx")]

    def __str__(self) -> str:
        return self.name


class ProductOptionValue(LeanLoading, models.Model):
    """One value of an option group ("42", "Preto"), in `position` order."""

    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=50)
    # The value as filters compare it (see ProductOption.key), unique per option.
    key = models.TextField(default="", editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(value=""), name="product_option_value_required"),
            models.UniqueConstraint(fields=["option", "value"], name="product_option_value_unique"),
            models.UniqueConstraint(fields=["option", "key"], name="product_option_value_unique_key"),
        ]
        indexes = [models.Index(fields=["key"], name="product_option_value_key_idx")]

    def __str__(self) -> str:
        return self.value


class ProductVariant(LeanLoading, models.Model):
    """What a buyer buys: one combination of a product's option values, with its own SKU, price
    and stock. A product without options has one, `is_default`, never shown as a choice."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # The product's store, kept here so that a SKU is unique per store by a constraint.
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    # Empty when the seller gives none (the default variants made from the products before variants).
    sku = models.CharField(max_length=64, blank=True, default="")
    # Its option values in the options' order, "40 / Preto"; empty for a default variant.
    name = models.CharField(max_length=200, blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    compare_at_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stock_quantity = models.PositiveIntegerField(default=0)
    in_stock = models.GeneratedField(
        expression=Q(stock_quantity__gt=0),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    image = models.ImageField(upload_to="products/variants/", blank=True, null=True)
    position = models.PositiveIntegerField(default=0)
    option_values = models.ManyToManyField(
        ProductOptionValue, through="VariantOptionValue", related_name="variants", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gt=0),
                name="variant_compare_at_price_positive",
            ),
            models.CheckConstraint(condition=Q(stock_quantity__gte=0), name="variant_stock_not_negative"),
            models.UniqueConstraint(
                fields=["store", "sku"], condition=~Q(sku=""), name="variant_sku_unique_per_store"
            ),
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_default=True), name="variant_one_default_per_product"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "position", "id"], name="variant_product_idx"),
            models.Index(fields=["product", "is_active", "price"], name="variant_price_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.sku or f"variant {self.pk}"


class VariantOptionValue(LeanLoading, models.Model):
    """A variant's value for one option: one per option, so a variant is one combination."""

    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(ProductOption, on_delete=models.CASCADE, related_name="+")
    value = models.ForeignKey(ProductOptionValue, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "option"], name="variant_one_value_per_option"),
        ]
        # "Tamanho 42 in stock": from the value to its variants.
        indexes = [models.Index(fields=["value", "variant"], name="variant_option_value_idx")]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.value_id}"
