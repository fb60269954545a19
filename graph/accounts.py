"""Accounts: users, stores, authentication and seller approval."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay

from domain.accounts import models
from domain.catalog import selectors as catalog_selectors
from domain.catalog.models import Product as ProductModel

from .common import Connection, media_url
from .permissions import Public, allow

if TYPE_CHECKING:
    from .catalog import Product

UserType = strawberry.enum(models.UserType, name="UserType")


@strawberry_django.type(models.User, name="User")
class User(relay.Node):
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
    name: str
    slug: str
    description: str
    is_active: bool
    created_at: datetime

    @strawberry_django.field(only=["logo"])
    def logo_url(self, info: Info) -> str | None:
        return media_url(info, self.logo)

    @strawberry_django.connection(Connection[Annotated["Product", strawberry.lazy("graph.catalog")]])
    def products(self, info: Info) -> QuerySet[ProductModel]:
        """The store's products that are on sale, newest first."""
        return catalog_selectors.product_list_public().filter(store=self)


@strawberry.type
class Query:
    @strawberry.field(extensions=allow(Public), description="The logged-in user, or null when anonymous.")
    def me(self, info: Info) -> User | None:
        user = info.context.request.user
        return user if user.is_authenticated else None
