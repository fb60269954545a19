"""Who may call a root field, declared on the field.

Every root query and mutation carries one of these permission extensions (a test checks it):
anonymous callers of a protected field get UNAUTHENTICATED, callers with the wrong user_type
get FORBIDDEN. The roles themselves are the User model's predicates (is_buyer, is_seller, can_sell,
is_marketplace_admin). Ownership of a particular object is decided by the domain services and
selectors, not here.
"""

from __future__ import annotations

from typing import Any

import strawberry
from django.utils.translation import gettext_lazy
from strawberry import Info
from strawberry.permission import BasePermission, PermissionExtension

from .errors import FORBIDDEN, DomainErrors, InputErrors, forbidden, unauthenticated


class Permission(BasePermission):
    """Base of Kitanda's permissions: `allows(user)` decides, anonymous callers are refused."""

    message = gettext_lazy("You are not allowed to do this.")
    error_extensions = {"code": FORBIDDEN}
    requires_login = True

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = info.context.request.user
        if not self.requires_login:
            return True
        if not user.is_authenticated:
            raise unauthenticated()
        if not self.allows(user):
            raise forbidden(self.message)
        return True

    def allows(self, user) -> bool:
        return True


class Public(Permission):
    """Anyone, logged in or not."""

    requires_login = False


class LoggedIn(Permission):
    """Any logged-in user."""


class Buyer(Permission):
    message = gettext_lazy("Only buyers can do this.")

    def allows(self, user) -> bool:
        return user.is_buyer


class Seller(Permission):
    message = gettext_lazy("Only sellers can do this.")

    def allows(self, user) -> bool:
        return user.is_seller


class ApprovedSeller(Permission):
    message = gettext_lazy("Only sellers approved by an admin can do this.")

    def allows(self, user) -> bool:
        return user.can_sell


class Admin(Permission):
    message = gettext_lazy("Only admins can do this.")

    def allows(self, user) -> bool:
        return user.is_marketplace_admin


class SellerOrAdmin(Permission):
    message = gettext_lazy("Only sellers and admins can do this.")

    def allows(self, user) -> bool:
        return user.acts_for_stores


def allow(permission: type[Permission]) -> list[PermissionExtension]:
    """The `extensions=` of a root field: `@strawberry.field(extensions=allow(Buyer))`."""
    return [PermissionExtension(permissions=[permission()], use_directives=False)]


def query(permission: type[Permission], **options: Any) -> Any:
    """A root query whose selector may refuse its arguments (graph.errors.InputErrors)."""
    return strawberry.field(extensions=[*allow(permission), InputErrors()], **options)


def mutation(permission: type[Permission], **options: Any) -> Any:
    """A root mutation: who may call it, and the DomainErrors of its service in its payload."""
    return strawberry.mutation(extensions=[*allow(permission), DomainErrors()], **options)
