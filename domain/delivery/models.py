"""Delivery: Angola's provinces and public holidays as data, buyers' address books, each store's
delivery zones (a set of provinces) and their methods (fee, days, free-delivery threshold), and
pickup at the store. Sits between cart and orders: orders keep what was chosen (domain/orders)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from domain.loading import LeanLoading


class Province(LeanLoading, models.Model):
    """One of Angola's 21 provinces (Lei n.º 14/24), seeded by a migration; the admin may rename or
    reorder them, never delete one that an address, a zone, a pickup or an order refers to."""

    name = models.CharField(max_length=60, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Holiday(LeanLoading, models.Model):
    """A public holiday of Angola: no delivery day. Data, so a new year (or a decreed bridge day)
    is a row the admin adds, not a deployment."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Address(LeanLoading, models.Model):
    """An address of a buyer's address book. No postcode: Angolans give a municipality, a
    neighbourhood and a reference point; the street and number are optional."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    recipient = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)  # +244 and 9 digits (domain/phones.py)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    municipality = models.CharField(max_length=100)
    neighbourhood = models.CharField(max_length=100)
    street = models.CharField(max_length=200, blank=True, default="")
    reference_point = models.CharField(max_length=200, blank=True, default="")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="address_one_default_per_user"
            ),
        ]
        indexes = [models.Index(fields=["user", "id"], name="address_user_idx")]

    def __str__(self) -> str:
        return f"{self.recipient}, {self.municipality} ({self.province_id})"


class DeliveryZone(LeanLoading, models.Model):
    """Where a store delivers: a name and a set of provinces, each zone with its methods."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="delivery_zones")
    name = models.CharField(max_length=80)
    provinces = models.ManyToManyField(Province, through="DeliveryZoneProvince", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["store", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="delivery_zone_name_unique")]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.name}"


class DeliveryZoneProvince(LeanLoading, models.Model):
    zone = models.ForeignKey(DeliveryZone, on_delete=models.CASCADE, related_name="+")
    # PROTECT: a province a zone covers cannot be deleted.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone", "province"], name="delivery_zone_province_unique")
        ]

    def __str__(self) -> str:
        return f"{self.zone_id}: {self.province_id}"


class DeliveryMethod(LeanLoading, models.Model):
    """One way a zone's orders travel: a fee, a range of working days, and optionally a threshold
    of the store's goods total from which it is free and a largest goods total it takes."""

    zone = models.ForeignKey(DeliveryZone, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(max_length=80)
    fee = models.DecimalField(max_digits=12, decimal_places=2)
    min_days = models.PositiveSmallIntegerField()
    max_days = models.PositiveSmallIntegerField()
    free_from = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone", "fee", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gte=0), name="delivery_method_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(max_days__gte=F("min_days")), name="delivery_method_days_order"
            ),
            models.CheckConstraint(
                condition=Q(free_from__isnull=True) | Q(free_from__gt=0),
                name="delivery_method_free_from_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="delivery_method_max_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id}: {self.name} ({self.fee})"


class StorePickup(LeanLoading, models.Model):
    """Pickup at the store: where and when; free, no address needed."""

    store = models.OneToOneField(
        "accounts.Store", on_delete=models.CASCADE, primary_key=True, related_name="pickup"
    )
    is_enabled = models.BooleanField(default=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    municipality = models.CharField(max_length=100)
    address = models.CharField(max_length=200)
    opening_hours = models.CharField(max_length=200)
    # Working days until an order is ready to collect (0: the same day).
    ready_days = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.store_id}: {self.address}"
