"""The demo's people: the admin, sellers (approved, each with a store and its logo), the pending
seller and the buyers, each with a verified e-mail. Whoever exists already is left as found."""

from __future__ import annotations

from domain.accounts.links import verify_token_make
from domain.accounts.models import Store, User
from domain.accounts.services import seller_approve, store_create, user_register
from domain.accounts.verification import email_verify

from .data import ADMIN, DEMO_PASSWORD
from .images import tile


def admin() -> User:
    username, email, first_name, last_name = ADMIN
    return User.objects.filter(username=username).first() or User.objects.create_superuser(
        username, email, DEMO_PASSWORD, first_name=first_name, last_name=last_name
    )


def user(username: str, email: str, first_name: str, last_name: str, *, user_type: str) -> User:
    # A throttle key of its own per demo user: seeding never uses up a real address's registrations.
    found = User.objects.filter(username=username).first() or user_register(
        username=username,
        email=email,
        password=DEMO_PASSWORD,
        user_type=user_type,
        first_name=first_name,
        last_name=last_name,
        client_ip=f"seed_demo:{username}",
    )
    if not found.email_verified:  # as if each had followed the link their registration e-mailed
        found = email_verify(token=verify_token_make(found, found.email))
    return found


def store_of(seller: User, spec: dict) -> Store:
    """The approved seller's store, opened with its logo when missing."""
    seller = seller_approve(user_id=seller.pk)
    return Store.objects.filter(seller=seller).first() or store_create(
        seller=seller,
        name=spec["name"],
        description=spec["description"],
        logo=tile(spec["name"], spec["colour"], size=256, name="logo"),
    )
