"""Account services: registration, login, seller approval and stores."""

from __future__ import annotations

from typing import IO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    InvalidCredentials,
    InvalidInput,
    NotEligible,
    NotFound,
    Required,
    ValidationFailed,
    collect,
)
from domain.images import image_prepare
from domain.languages import language_supported
from domain.slugs import insert_with_unique_slug
from domain.text import name_error, text_error

from . import emails, selectors, throttle
from .models import SELF_SERVICE_TYPES, Store, User, UsernameValidator, UserType
from .signals import display_name_changed, store_changed

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
NAME_MAX_LENGTH = User._meta.get_field("first_name").max_length
PASSWORD_MAX_LENGTH = 128
STORE_NAME_MAX_LENGTH = Store._meta.get_field("name").max_length
STORE_DESCRIPTION_MAX_LENGTH = 2000
USERNAME_TAKEN = gettext_lazy("This username is taken.")
EMAIL_TAKEN = gettext_lazy("An account with this e-mail already exists.")


# ---------------------------------------------------------------- registration


def _check_username(username: str) -> DomainError | None:
    if problem := text_error(
        username, field="username", label=gettext("Username"), max_length=USERNAME_MAX_LENGTH
    ):
        return problem
    if len(username) < USERNAME_MIN_LENGTH:
        return InvalidInput(
            gettext("Username must be at least %(min_length)s characters.")
            % {"min_length": USERNAME_MIN_LENGTH},
            field="username",
        )
    try:
        UsernameValidator()(username)
    except ValidationError:
        return InvalidInput(
            gettext("A username can only contain letters, digits, dots, underscores and hyphens."),
            field="username",
        )
    if selectors.user_list_named(field="username", value=username).exists():
        return AlreadyExists(USERNAME_TAKEN, field="username")
    return None


def email_error(email: str, *, field: str = "email") -> DomainError | None:
    """What is wrong with an address for an account: missing, too long, not an address, or taken
    (by an account's e-mail, whatever its case)."""
    if problem := text_error(email, field=field, label=gettext("E-mail"), max_length=EMAIL_MAX_LENGTH):
        return problem
    try:
        EmailValidator()(email)
    except ValidationError:
        return InvalidInput(gettext("Enter a valid e-mail address."), field=field)
    if selectors.user_list_named(field="email", value=email).exists():
        return AlreadyExists(EMAIL_TAKEN, field=field)
    return None


# The case-insensitive unique constraints of models.User: the input each is about, and its message.
UNIQUE_CONSTRAINTS = {
    "user_username_unique_ci": ("username", USERNAME_TAKEN),
    "user_email_unique_ci": ("email", EMAIL_TAKEN),
}


def _unique_violation(error: IntegrityError) -> DomainError | None:
    """UNIQUE on the right input when `error` is a username or e-mail constraint; else None."""
    diag = getattr(error.__cause__, "diag", None)  # psycopg names the constraint; SQLite's message does
    violated = getattr(diag, "constraint_name", None) or str(error)
    for constraint, (field, message) in UNIQUE_CONSTRAINTS.items():
        if constraint in violated:
            return AlreadyExists(message, field=field)
    return None


# Django's validators word their own messages, and its Portuguese catalogue leaves this one
# untranslated: ours, read first (LOCALE_PATHS), has it. Named here so `make messages` keeps it.
DJANGO_MESSAGES_TRANSLATED_HERE = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)


def password_error(password: str, *, user: User, field: str = "password") -> DomainError | None:
    if not password:
        return Required(gettext("Password is required."), field=field)
    if len(password) > PASSWORD_MAX_LENGTH:
        return InvalidInput(
            gettext("Password must be at most %(max_length)s characters.")
            % {"max_length": PASSWORD_MAX_LENGTH},
            field=field,
        )
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return ValidationFailed(InvalidInput(message, field=field) for message in error.messages)
    return None


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    user_type: UserType | str,
    first_name: str,
    last_name: str,
    client_ip: str,
) -> User:
    """Create a buyer or seller account; sellers start unapproved. ADMIN accounts are never made
    here. Usernames (letters, digits, . _ -) and e-mails are unique whatever their case; the
    password passes Django's validators. Every problem is reported at once. Each attempt counts
    towards the client IP's registration limit, refused or not. A link to verify the e-mail is
    sent once the account is saved."""
    throttle.registration_attempt_start(client_ip=client_ip)
    username, email = username.strip(), User.objects.normalize_email(email.strip())
    first_name, last_name = first_name.strip(), last_name.strip()
    if user_type not in SELF_SERVICE_TYPES:
        raise BusinessForbidden(
            gettext("Only buyer and seller accounts can be registered."), field="user_type"
        )
    candidate = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        user_type=user_type,
        language=language_supported(translation.get_language()),  # the request's (backend/locale.py)
    )
    collect(
        _check_username(username),
        email_error(email),
        password_error(password, user=candidate),
        name_error(first_name, field="first_name", label=gettext("First name"), max_length=NAME_MAX_LENGTH),
        name_error(last_name, field="last_name", label=gettext("Last name"), max_length=NAME_MAX_LENGTH),
    )
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
            emails.verification_send(user=candidate, address=candidate.email)
    except IntegrityError as error:
        # Another registration took the name or the e-mail since the checks above.
        collect(_check_username(username), email_error(email))
        collect(_unique_violation(error))  # a constraint the checks did not see: still the input's fault
        raise
    return candidate


# ---------------------------------------------------------------- login


BAD_CREDENTIALS = gettext_lazy("Wrong username, e-mail or password.")


def user_login(*, login: str, password: str, client_ip: str) -> User:
    """The user who logs in with the username or the e-mail, in any case, and this password.

    An unknown user, a wrong password and an inactive account get the same answer. Attempts are
    throttled per client IP and per IP + login as typed (never per account, which would link a
    username to its e-mail): a throttled attempt is refused whatever the password. Tokens are the
    API's business (graph/auth.py), and so is the cart merged at login (domain/cart).
    """
    attempt = throttle.login_attempt_start(client_ip=client_ip, login=login)
    user = selectors.user_by_login(login=login)
    if user is None:
        User().set_password(password)  # the same work as a real check: no timing difference
        raise InvalidCredentials(BAD_CREDENTIALS)
    if not user.check_password(password) or not user.is_active:
        raise InvalidCredentials(BAD_CREDENTIALS)
    throttle.login_attempt_succeeded(attempt)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


# ---------------------------------------------------------------- seller approval


def seller_approve(*, user_id: int) -> User:
    """Only sellers can be approved; approving twice changes nothing."""
    user = selectors.user_get(user_id=user_id)
    if user is None:
        raise NotFound(gettext("No user with this id."), field="user_id")
    if not user.is_seller:
        raise InvalidInput(gettext("Only seller accounts can be approved."), field="user_id")
    if not user.email_verified:
        raise NotEligible(gettext("The seller has not verified their e-mail yet."), field="user_id")
    if not user.is_approved_seller:
        user.is_approved_seller = True
        user.save(update_fields=["is_approved_seller"])
    return user


def user_save(*, user: User) -> User:
    """The admin site's edit of a user, whatever it changed: saved, and a new public name
    announced (reviews show it)."""
    before = User.objects.filter(pk=user.pk).values_list("first_name", "last_name").first()
    with transaction.atomic():
        user.save()
        if before is not None and before != (user.first_name, user.last_name):
            display_name_changed.send(sender=User, user=user)
    return user


# ---------------------------------------------------------------- stores


def _check_store_name(name: str) -> DomainError | None:
    return name_error(name, field="name", label=gettext("Store name"), max_length=STORE_NAME_MAX_LENGTH)


def _check_store_description(description: str | None) -> DomainError | None:
    return text_error(
        description,
        field="description",
        label=gettext("Description"),
        max_length=STORE_DESCRIPTION_MAX_LENGTH,
        required=False,
    )


def _set_logo(store: Store, logo: IO[bytes]) -> None:
    """Validate the upload and put it on the store (saved with the store); the replaced file is
    deleted once the change is committed."""
    prepared = image_prepare(logo, field="logo")
    old_name = store.logo.name if store.logo else None
    store.logo.save(prepared.image.name, prepared.image, save=False)
    if old_name:
        storage = store.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def store_create(
    *, seller: User, name: str, description: str | None = None, logo: IO[bytes] | None = None
) -> Store:
    """An approved seller opens their one store; its slug comes from the name, with a suffix
    when taken."""
    if not seller.can_sell:
        raise AccessDenied(gettext("Only sellers approved by an admin can open a store."))
    name = name.strip()
    collect(_check_store_name(name), _check_store_description(description))
    if Store.objects.filter(seller=seller).exists():
        raise AlreadyExists(gettext("You already have a store."))
    store = Store(seller=seller, name=name, description=description or "")
    if logo is not None:
        _set_logo(store, logo)
    try:
        with transaction.atomic():
            store = insert_with_unique_slug(obj=store, name=name, fallback="loja", files=(store.logo,))
            store_changed.send(sender=Store, store=store, products_affected=False)
            return store
    except IntegrityError:
        if Store.objects.filter(seller=seller).exists():  # a concurrent createStore won
            raise AlreadyExists(gettext("You already have a store.")) from None
        raise


def store_update(
    *,
    seller: User,
    name: str | None = None,
    description: str | None = None,
    logo: IO[bytes] | None = None,
) -> Store:
    """The owner changes their store; what is None stays as it is. Renaming keeps the slug, so
    links to the store keep working."""
    store = selectors.store_owned(seller=seller)
    if name is not None:
        name = name.strip()
    collect(_check_store_name(name) if name is not None else None, _check_store_description(description))
    fields = ["updated_at"]
    if name is not None:
        store.name = name
        fields.append("name")
    if description is not None:
        store.description = description
        fields.append("description")
    with transaction.atomic():
        if logo is not None:
            _set_logo(store, logo)
            fields.append("logo")
        store.save(update_fields=fields)
        store_changed.send(sender=Store, store=store, products_affected=True)
    return store


def store_set_active(*, store_id: int, active: bool) -> Store:
    """Admins take a store out of the catalogue (its products with it) and put it back;
    doing it twice changes nothing."""
    store = selectors.store_get(store_id=store_id)
    if store is None:
        raise NotFound(gettext("No store with this id."), field="store_id")
    if store.is_active != active:
        store.is_active = active
        with transaction.atomic():
            store.save(update_fields=["is_active", "updated_at"])
            store_changed.send(sender=Store, store=store, products_affected=True)
    return store


def store_save(*, store: Store) -> Store:
    """The admin site's edit of a store, whatever it changed: saved, and announced."""
    with transaction.atomic():
        store.save()
        store_changed.send(sender=Store, store=store, products_affected=True)
    return store


def store_delete(*, store: Store) -> None:
    """The admin site's deletion of a store, which only one without products or orders allows
    (they protect it): deleted, and announced (the stores list showed it)."""
    with transaction.atomic():
        store.delete()
        store_changed.send(sender=Store, store=store, products_affected=False)
