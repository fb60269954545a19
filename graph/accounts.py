"""Accounts: users, stores, authentication and seller approval.

Who may read a User: the User type is reached only from `me`, the payloads of register, tokenAuth
and refreshToken (the caller's own account) and the admin's pendingSellers and approveSeller, so
usernames and e-mails never reach anyone else. Public places (reviews) show `display_name`; a
test walks the schema to keep it that way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry.file_uploads import Upload

from domain.accounts import models, selectors, services
from domain.accounts.throttle import client_ip
from domain.cart.models import Cart as CartModel
from domain.errors import NotFound

from .catalog import PublicProducts
from .common import Connection, connection, decode_id, media_url
from .errors import UserError, payload
from .permissions import Admin, ApprovedSeller, Public, Seller, allow

if TYPE_CHECKING:
    from .cart import Cart
    from .catalog import Product

T = TypeVar("T")

UserType = strawberry.enum(models.UserType, name="UserType")


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


def fetch(value: str, type_name: str, get: Callable[[int], T | None], *, field: str) -> T:
    """The object behind an opaque id argument, or the NOT_FOUND payload error about `field`."""
    obj = get(decode_id(value, type_name, field=field))
    if obj is None:
        raise NotFound(f"No {type_name.lower()} with this id.", field=field)
    return obj


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
    errors: list[UserError]
    token: str | None = strawberry.field(
        default=None,
        description="Access token, sent back as `Authorization: Bearer <token>`; lives one hour.",
    )
    refresh_token: str | None = strawberry.field(
        default=None, description="Refresh token; lives seven days and is replaced on every refresh."
    )
    user: User | None = None
    # A Django field fed a queryset, so the optimizer loads the cart's lines and products at once.
    cart: Annotated[Cart, strawberry.lazy("graph.cart")] | None = strawberry_django.field(
        default=None,
        description="The user's cart after an anonymous cart given by cartCode was merged into it.",
    )


@strawberry.type(name="RevokePayload")
class RevokePayload:
    errors: list[UserError]
    revoked: bool = False


@strawberry.type(name="UserPayload")
class UserPayload:
    errors: list[UserError]
    user: User | None = None


@strawberry.type(name="StorePayload")
class StorePayload:
    errors: list[UserError]
    store: Store | None = None


def auth_values(tokens: services.AuthTokens) -> dict:
    return {
        "token": tokens.token,
        "refresh_token": tokens.refresh_token,
        "user": tokens.user,
        "cart": CartModel.objects.filter(pk=tokens.cart.pk) if tokens.cart else None,
    }


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
    @strawberry.mutation(extensions=allow(Public))
    def register(self, info: Info, input: RegisterInput) -> UserPayload:
        request = info.context.request
        return payload(
            UserPayload,
            lambda: {
                "user": services.user_register(
                    username=input.username,
                    email=input.email,
                    password=input.password,
                    user_type=models.UserType(input.user_type.value),
                    first_name=input.first_name,
                    last_name=input.last_name,
                    client_ip=client_ip(request),
                )
            },
        )

    @strawberry.mutation(
        extensions=allow(Public),
        description="Log in with username or e-mail. "
        "With cartCode, that anonymous cart is merged into the user's cart.",
    )
    def token_auth(
        self, info: Info, username: str, password: str, cart_code: str | None = None
    ) -> AuthPayload:
        request = info.context.request
        return payload(
            AuthPayload,
            lambda: auth_values(
                services.token_obtain(
                    username=username, password=password, client_ip=client_ip(request), cart_code=cart_code
                )
            ),
        )

    @strawberry.mutation(
        extensions=allow(Public),
        description="Trade a refresh token for a new access token and a new refresh token; "
        "the old refresh token stops working.",
    )
    def refresh_token(self, refresh_token: str) -> AuthPayload:
        return payload(AuthPayload, lambda: auth_values(services.token_refresh(refresh_token=refresh_token)))

    @strawberry.mutation(extensions=allow(Public), description="Log out: the refresh token stops working.")
    def revoke_token(self, refresh_token: str) -> RevokePayload:
        def revoke() -> dict:
            services.token_revoke(refresh_token=refresh_token)
            return {"revoked": True}

        return payload(RevokePayload, revoke)

    @strawberry.mutation(extensions=allow(Admin), description="ADMIN")
    def approve_seller(self, user_id: strawberry.ID) -> UserPayload:
        return payload(
            UserPayload,
            lambda: {
                "user": services.seller_approve(
                    user=fetch(user_id, "User", lambda pk: selectors.user_get(user_id=pk), field="userId")
                )
            },
        )

    @strawberry.mutation(
        extensions=allow(Admin),
        description="ADMIN: a deactivated store and its products leave the catalogue.",
    )
    def deactivate_store(self, store_id: strawberry.ID) -> StorePayload:
        return set_store_active(store_id, active=False)

    @strawberry.mutation(
        extensions=allow(Admin),
        description="ADMIN: the store and its active products return to the catalogue.",
    )
    def activate_store(self, store_id: strawberry.ID) -> StorePayload:
        return set_store_active(store_id, active=True)

    @strawberry.mutation(extensions=allow(ApprovedSeller), description="Approved SELLER without a store")
    def create_store(self, info: Info, input: StoreInput) -> StorePayload:
        seller = info.context.request.user
        return payload(
            StorePayload,
            lambda: {
                "store": services.store_create(
                    seller=seller, name=input.name, description=input.description, logo=input.logo
                )
            },
        )

    @strawberry.mutation(extensions=allow(Seller), description="The store's owner")
    def update_store(self, info: Info, input: StoreUpdateInput) -> StorePayload:
        seller = info.context.request.user
        return payload(
            StorePayload,
            lambda: {
                "store": services.store_update(
                    seller=seller, name=input.name, description=input.description, logo=input.logo
                )
            },
        )


def set_store_active(store_id: strawberry.ID, *, active: bool) -> StorePayload:
    return payload(
        StorePayload,
        lambda: {
            "store": services.store_set_active(
                store=fetch(store_id, "Store", lambda pk: selectors.store_get(store_id=pk), field="storeId"),
                active=active,
            )
        },
    )
