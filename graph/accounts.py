"""Accounts: users, stores, authentication and seller approval.

Who may read a User: the User type is reached only from `me`, the payloads of register, tokenAuth
and refreshToken (the caller's own account) and the admin's pendingSellers and approveSeller, so
usernames and e-mails never reach anyone else. Public places (reviews) show `display_name`; a
test walks the schema to keep it that way.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry.file_uploads import Upload

from domain import languages
from domain.accounts import models, selectors, services
from domain.cart import selectors as cart_selectors
from domain.cart import services as cart_services
from domain.cart.models import Cart as CartModel
from domain.economics.models import LedgerEntry as LedgerEntryModel
from domain.economics.models import Payout as PayoutModel

from . import auth, economics
from .catalog import PublicProducts
from .common import Connection, connection, decode_id, media_url
from .economics import LedgerEntry, Payout, StoreBalance
from .errors import UserError
from .permissions import Admin, ApprovedSeller, Public, Seller, allow, mutation

if TYPE_CHECKING:
    from .cart import Cart
    from .catalog import Product

UserType = strawberry.enum(models.UserType, name="UserType")
Language = strawberry.enum(
    languages.Language,
    name="Language",
    description="A language Kitanda speaks. Answers follow each request's Accept-Language "
    "(Portuguese unless it asks for English); e-mails follow the user's `language`.",
)


@strawberry_django.type(models.User, name="User")
class User(relay.Node):
    id: relay.NodeID[int]
    username: str
    email: str
    first_name: str
    last_name: str
    user_type: UserType
    is_approved_seller: bool
    date_joined: datetime
    email_verified: bool = strawberry_django.field(
        only=["email_verified_at"],
        description="Whether the user followed the link e-mailed to their address.",
    )
    pending_email: str = strawberry_django.field(
        description="An address the user asked to change to, waiting for its link to be followed; empty if none."
    )
    phone: str
    language: Language = strawberry_django.field(
        description="The language of the user's e-mails: the one they registered in, or chose since "
        "(updateProfile)."
    )
    store: Annotated[Store, strawberry.lazy("graph.accounts")] | None


@strawberry_django.type(models.Store, name="Store")
class Store(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    description: str
    is_active: bool
    created_at: datetime

    @strawberry_django.field(only=["logo"])
    def logo_url(self, info: Info) -> str | None:
        return media_url(info, self.logo)

    # No resolver: the optimizer prefetches and pages the relation for a whole list of stores at once.
    products: Connection[Annotated[Product, strawberry.lazy("graph.catalog")]] = connection(
        field_cls=PublicProducts, description="The store's products that are on sale, newest first."
    )

    # The store's money: its owner alone sees it (graph/economics.py); null for anyone else.
    @strawberry_django.field(
        only=["seller_id"], description="OWNER: the store's balance; null for anyone else."
    )
    def balance(self, info: Info) -> StoreBalance | None:
        return economics.store_balance(self, info)

    @connection(
        Connection[LedgerEntry] | None,
        only=["seller_id"],
        description="OWNER: the store's ledger, newest first; null for anyone else.",
    )
    def ledger(self, info: Info) -> QuerySet[LedgerEntryModel] | None:
        return economics.store_ledger(self, info)

    @connection(
        Connection[Payout] | None,
        only=["seller_id"],
        description="OWNER: payouts to the store, newest first; null for anyone else.",
    )
    def payouts(self, info: Info) -> QuerySet[PayoutModel] | None:
        return economics.store_payouts(self, info)


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input(name="RegisterInput")
class RegisterInput:
    username: str = strawberry.field(description="Letters, digits and . _ - only; never an e-mail address.")
    email: str
    password: str
    user_type: UserType = strawberry.field(
        description="BUYER or SELLER; ADMIN accounts are never created through the API."
    )
    first_name: str
    last_name: str


@strawberry.input(name="StoreInput")
class StoreInput:
    name: str
    description: str | None = None
    logo: Upload | None = None


@strawberry.input(name="StoreUpdateInput")
class StoreUpdateInput:
    name: str | None = None
    description: str | None = None
    logo: Upload | None = None


@strawberry.type(name="AuthPayload")
class AuthPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    token: str | None = strawberry.field(
        default=None,
        description="Access token, sent back as `Authorization: Bearer <token>`; lives one hour.",
    )
    refresh_token: str | None = strawberry.field(
        default=None, description="Refresh token; lives seven days and is replaced on every refresh."
    )
    user: User | None = strawberry_django.field(default=None)
    # A Django field fed a queryset, so the optimizer loads the cart's lines and products at once.
    cart: Annotated[Cart, strawberry.lazy("graph.cart")] | None = strawberry_django.field(
        default=None,
        description="The user's cart after an anonymous cart given by cartCode was merged into it.",
    )


@strawberry.type(name="RevokePayload")
class RevokePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    revoked: bool = False


@strawberry.type(name="UserPayload")
class UserPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    user: User | None = strawberry_django.field(default=None)


@strawberry.type(name="StorePayload")
class StorePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    store: Store | None = strawberry_django.field(default=None)


def auth_payload(pair: auth.TokenPair, cart: CartModel | None = None) -> AuthPayload:
    return AuthPayload(
        token=pair.token,
        refresh_token=pair.refresh_token,
        user=pair.user,
        cart=cart_selectors.cart_by_pk(pk=cart.pk) if cart else None,
    )


# ---------------------------------------------------------------- root fields


@strawberry.type
class Query:
    @strawberry.field(extensions=allow(Public), description="The logged-in user, or null when anonymous.")
    def me(self, info: Info) -> User | None:
        user = info.context.request.user
        return user if user.is_authenticated else None

    @connection(Connection[Store], extensions=allow(Public), description="Active stores.")
    def stores(self, info: Info) -> QuerySet[models.Store]:
        return selectors.store_list_active()

    @strawberry.field(
        extensions=allow(Public),
        description="An active store; its owner and admins also get it while inactive.",
    )
    def store(self, info: Info, slug: str) -> Store | None:
        return selectors.store_visible(slug=slug, user=info.context.request.user)

    @strawberry_django.field(extensions=allow(Admin), description="ADMIN: sellers waiting for approval.")
    def pending_sellers(self, info: Info) -> list[User]:
        return selectors.seller_list_pending()


@strawberry.type
class Mutation:
    @mutation(Public)
    def register(self, info: Info, input: RegisterInput) -> UserPayload:
        user = services.user_register(
            username=input.username,
            email=input.email,
            password=input.password,
            user_type=models.UserType(input.user_type.value),
            first_name=input.first_name,
            last_name=input.last_name,
            client_ip=info.context.request.client_ip,
        )
        return UserPayload(user=user)

    @mutation(
        Public,
        description="Log in with username or e-mail. "
        "With cartCode, that anonymous cart is merged into the user's cart.",
    )
    def token_auth(
        self, info: Info, username: str, password: str, cart_code: str | None = None
    ) -> AuthPayload:
        cart, pair = cart_services.cart_login(
            login=username,
            password=password,
            client_ip=info.context.request.client_ip,
            cart_code=cart_code,
            session=auth.token_pair_issue,
        )
        return auth_payload(pair, cart)

    @mutation(
        Public,
        description="Trade a refresh token for a new access token and a new refresh token; "
        "the old refresh token stops working.",
    )
    def refresh_token(self, refresh_token: str) -> AuthPayload:
        return auth_payload(auth.token_refresh(refresh_token=refresh_token))

    @mutation(Public, description="Log out: the refresh token stops working.")
    def revoke_token(self, refresh_token: str) -> RevokePayload:
        auth.token_revoke(refresh_token=refresh_token)
        return RevokePayload(revoked=True)

    @mutation(Admin, description="ADMIN")
    def approve_seller(self, user_id: strawberry.ID) -> UserPayload:
        return UserPayload(user=services.seller_approve(user_id=decode_id(user_id, "User", field="user_id")))

    @mutation(Admin, description="ADMIN: a deactivated store and its products leave the catalogue.")
    def deactivate_store(self, store_id: strawberry.ID) -> StorePayload:
        return store_set_active(store_id, active=False)

    @mutation(Admin, description="ADMIN: the store and its active products return to the catalogue.")
    def activate_store(self, store_id: strawberry.ID) -> StorePayload:
        return store_set_active(store_id, active=True)

    @mutation(ApprovedSeller, description="Approved SELLER without a store")
    def create_store(self, info: Info, input: StoreInput) -> StorePayload:
        store = services.store_create(
            seller=info.context.request.user, name=input.name, description=input.description, logo=input.logo
        )
        return StorePayload(store=store)

    @mutation(Seller, description="The store's owner")
    def update_store(self, info: Info, input: StoreUpdateInput) -> StorePayload:
        store = services.store_update(
            seller=info.context.request.user, name=input.name, description=input.description, logo=input.logo
        )
        return StorePayload(store=store)


def store_set_active(store_id: strawberry.ID, *, active: bool) -> StorePayload:
    store = services.store_set_active(store_id=decode_id(store_id, "Store", field="store_id"), active=active)
    return StorePayload(store=store)
