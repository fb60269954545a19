import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy

from domain.languages import Language
from domain.loading import LeanLoading


class UsernameValidator(RegexValidator):
    """ASCII letters, digits and . _ - only: never an e-mail address, no look-alike characters."""

    regex = r"^[A-Za-z0-9._-]+\Z"
    message = gettext_lazy("Use only letters, digits, dots, underscores and hyphens.")
    flags = re.ASCII


class UserType(models.TextChoices):
    BUYER = "buyer", "Buyer"
    SELLER = "seller", "Seller"
    ADMIN = "admin", "Admin"


# Seller accounts, approved or not: how a query picks users by role (instances ask is_seller).
SELLER = models.Q(user_type=UserType.SELLER)

# Sellers waiting for an admin's approval (active accounts only).
PENDING_SELLER = models.Q(user_type=UserType.SELLER, is_approved_seller=False, is_active=True)

# The accounts people open themselves; admins are made by other admins (or createsuperuser).
SELF_SERVICE_TYPES = frozenset({UserType.BUYER, UserType.SELLER})


class KitandaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # Superusers and marketplace admins are the same people.
        extra_fields.setdefault("user_type", UserType.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(LeanLoading, AbstractUser):
    # Django's own words (its catalogue translates them): the password validators quote them.
    username = models.CharField(
        gettext_lazy("username"),
        max_length=150,
        unique=True,
        validators=[UsernameValidator()],
        help_text="Required. 150 characters or fewer. Letters, digits and . _ - only.",
        error_messages={"unique": "A user with that username already exists."},
    )
    email = models.EmailField(gettext_lazy("email address"), max_length=254)
    first_name = models.CharField(gettext_lazy("first name"), max_length=150)
    last_name = models.CharField(gettext_lazy("last name"), max_length=150)
    user_type = models.CharField(max_length=10, choices=UserType.choices, default=UserType.BUYER)
    is_approved_seller = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # An address the user asked to change to; it replaces `email` once its link is followed.
    pending_email = models.EmailField(max_length=254, blank=True, default="")
    # Access and refresh tokens issued before this moment are refused. Set by save() whenever the
    # password or is_active changes, whoever changes it (services, the admin, the shell).
    tokens_revoked_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What the person's e-mails are written in: the language they registered in, or the one they
    # chose since (updateProfile).
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.PT_AO)

    objects = KitandaUserManager()

    REQUIRED_FIELDS = ["email", "first_name", "last_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.CheckConstraint(condition=models.Q(user_type__in=UserType.values), name="user_type_valid"),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="user_language_valid"
            ),
            models.CheckConstraint(condition=models.Q(email__contains="@"), name="user_email_present"),
            models.CheckConstraint(
                condition=~models.Q(first_name="") & ~models.Q(last_name=""),
                name="user_names_required",
            ),
        ]
        indexes = [models.Index(fields=["user_type", "is_approved_seller"])]

    def __str__(self) -> str:
        return self.username

    # ------------------------------------------------------------ tokens end with a credential change

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        if "is_active" in user.__dict__:
            user._is_active_saved = user.is_active
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "is_active" in fields:
            self._is_active_saved = self.is_active

    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_made_unusable = True

    def save(self, *args, **kwargs):
        """Every access and refresh token issued so far stops working when this save changes the
        password (set_password, set_unusable_password) or is_active (a lock, and a re-activation,
        which would otherwise revive the tokens held before the lock): a rule of the model, so that
        no path (the admin's forms, a service, the shell) can forget it. A hash upgrade at login is
        no change (Django's check_password clears _password before it saves)."""
        if not self._state.adding and self._credentials_changing(kwargs.get("update_fields")):
            self.tokens_revoked_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "tokens_revoked_at"}
        super().save(*args, **kwargs)
        self._is_active_saved = self.is_active
        self._password_made_unusable = False

    def _credentials_changing(self, update_fields) -> bool:
        saving = (lambda name: True) if update_fields is None else set(update_fields).__contains__
        password_set = self._password is not None or self.__dict__.get("_password_made_unusable", False)
        if saving("password") and password_set:
            return True
        if not saving("is_active") or "is_active" not in self.__dict__:
            return False
        if "_is_active_saved" not in self.__dict__:  # built by hand, not loaded: ask the database
            self._is_active_saved = (
                type(self)
                ._base_manager.using(self._state.db)
                .filter(pk=self.pk)
                .values_list("is_active", flat=True)
                .first()
            )
        return self.is_active != self._is_active_saved

    @property
    def is_buyer(self) -> bool:
        return self.user_type == UserType.BUYER

    @property
    def is_seller(self) -> bool:
        return self.user_type == UserType.SELLER

    @property
    def can_sell(self) -> bool:
        """A seller an admin approved, with an active account: may open a store and sell."""
        return self.is_seller and self.is_approved_seller and self.is_active

    @property
    def is_marketplace_admin(self) -> bool:
        return self.user_type == UserType.ADMIN

    @property
    def acts_for_stores(self) -> bool:
        """Sellers and admins: the staff side of orders (fulfilment, cancelling for a store)."""
        return self.is_seller or self.is_marketplace_admin

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def address_to_verify(self) -> str:
        """The address a verification link is for: a pending change's, else the account's own while
        unverified; empty when there is nothing to verify."""
        return self.pending_email or ("" if self.email_verified else self.email)

    @property
    def display_name(self) -> str:
        """First name and last initial ("Ana S."): what public places show, never the username."""
        initial = f" {self.last_name.strip()[:1].upper()}." if self.last_name.strip() else ""
        return f"{self.first_name.strip()}{initial}"


class Store(LeanLoading, models.Model):
    seller = models.OneToOneField(User, on_delete=models.PROTECT, related_name="store")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, default="")
    logo = models.ImageField(upload_to="stores/logos/", blank=True, null=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="store_name_required")]
        indexes = [models.Index(fields=["is_active", "name"])]

    def __str__(self) -> str:
        return self.name


class RefreshTokenRotation(LeanLoading, models.Model):
    """The login a refresh token descends from: every rotation keeps the family, so presenting a
    rotated token again (a stolen copy) can revoke the whole family at once."""

    refresh_token = models.OneToOneField(
        "refresh_token.RefreshToken", on_delete=models.CASCADE, primary_key=True, related_name="rotation"
    )
    family = models.UUIDField(db_index=True)

    def __str__(self) -> str:
        return f"{self.family}: {self.refresh_token_id}"
