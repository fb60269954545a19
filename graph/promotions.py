"""Promotions: a seller's sales, the coupons of stores and of the platform, and a cart's code with
its discount per store sub-order (domain/promotions)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.utils.translation import gettext
from strawberry import Info, relay

from domain.accounts.models import Store as StoreModel
from domain.cart import selectors as cart_selectors
from domain.errors import NotFound
from domain.promotions import coupons, models, sales, selectors

from .common import decode_id
from .errors import UserError
from .permissions import Public, Seller, SellerOrAdmin, allow, mutation

if TYPE_CHECKING:
    from .accounts import Store
    from .cart import Cart

DiscountKind = strawberry.enum(models.DiscountKind, name="DiscountKind")
SaleState = strawberry.enum(models.SaleState, name="SaleState")


@strawberry_django.type(models.Sale, name="Sale")
class Sale(relay.Node):
    id: relay.NodeID[int]
    name: str
    kind: DiscountKind = strawberry_django.field(
        description="PERCENTAGE: `value` percent off each variant's price; AMOUNT: `value` is the new price."
    )
    value: Decimal
    starts_at: datetime
    ends_at: datetime
    state: SaleState = strawberry_django.field(
        description="SCHEDULED, RUNNING (the variants' price is the sale's, the compare-at price the old "
        "one), ENDED or CANCELLED; moved at the boundaries by the first request after them."
    )

    @strawberry_django.field(only=["id"], prefetch_related=["items"], description="The variants on sale.")
    def variant_count(self) -> int:
        return len(self.items.all())


@strawberry_django.type(models.Coupon, name="Coupon")
class Coupon(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry_django.field(description="Compared without regard to case.")
    kind: DiscountKind = strawberry_django.field(
        description="PERCENTAGE of the eligible goods, or AMOUNT off them (at most their total)."
    )
    value: Decimal
    min_spend: Decimal | None = strawberry_django.field(
        description="On the goods it applies to, at their prices then (sale prices included)."
    )
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None
    max_uses_per_buyer: int | None = strawberry_django.field(description="Per account.")
    first_order_only: bool
    is_active: bool
    uses: int = strawberry_django.field(description="Checkouts that used it, less those given back.")

    @strawberry_django.field(only=["store_id"], description="True: the platform's coupon, which it funds.")
    def is_platform(self) -> bool:
        return self.store_id is None


@strawberry.type(name="StoreDiscount")
class StoreDiscount:
    store: Annotated[Store, strawberry.lazy("graph.accounts")]
    amount: Decimal


@strawberry.type(name="CartDiscount")
class CartDiscount:
    code: str
    amount: Decimal = strawberry.field(description="The discount on the cart now, all stores together.")
    stores: list[StoreDiscount] = strawberry.field(description="Per store sub-order of the cart.")
    platform_funded: bool = strawberry.field(description="The platform's coupon (true) or a store's.")
    problem: str | None = strawberry.field(
        description="Why the code gives nothing now (used up, minimum spend, ended...): null when it applies."
    )

    @classmethod
    def of(cls, discount: coupons.CartDiscount) -> CartDiscount:
        stores = StoreModel.objects.in_bulk(list(discount.by_store))
        return cls(
            code=discount.code,
            amount=discount.amount,
            stores=[
                StoreDiscount(store=stores[pk], amount=amount)
                for pk, amount in sorted(discount.by_store.items())
            ],
            platform_funded=discount.coupon is not None and discount.coupon.store_id is None,
            problem=None if discount.problem is None else str(discount.problem.message),
        )


def cart_discount_of(info: Info, *, cart) -> CartDiscount | None:
    """Cart.discount: the cart's code and what it gives now (graph/cart.py)."""
    discount = coupons.cart_discount(cart=cart, buyer=info.context.request.user)
    return None if discount is None else CartDiscount.of(discount)


@strawberry.input(name="SaleInput")
class SaleInput:
    name: str
    kind: DiscountKind
    value: Decimal
    starts_at: datetime = strawberry.field(description="A moment in the past starts the sale now.")
    ends_at: datetime
    product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Every variant of these products."
    )
    variant_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input(name="CouponInput")
class CouponInput:
    code: str
    kind: DiscountKind
    value: Decimal
    min_spend: Decimal | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    max_uses_per_buyer: int | None = None
    first_order_only: bool = False
    category_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="ADMIN only: the platform's coupon applies to these categories."
    )

    def terms(self) -> coupons.CouponTerms:
        return coupons.CouponTerms(
            code=self.code,
            kind=models.DiscountKind(self.kind.value if hasattr(self.kind, "value") else self.kind),
            value=self.value,
            min_spend=self.min_spend,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_uses=self.max_uses,
            max_uses_per_buyer=self.max_uses_per_buyer,
            first_order_only=self.first_order_only,
            category_ids=tuple(decode_id(pk, "Category", field="category_ids") for pk in self.category_ids),
        )


@strawberry.type(name="SalePayload")
class SalePayload:
    sale: Sale | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="CouponPayload")
class CouponPayload:
    coupon: Coupon | None = strawberry_django.field(default=None)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(name="CartCouponPayload")
class CartCouponPayload:
    cart: Annotated[Cart, strawberry.lazy("graph.cart")] | None = strawberry_django.field(default=None)
    discount: CartDiscount | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry_django.field(
        extensions=allow(Seller),
        description="SELLER: the store's sales, the latest start first (at most 100).",
    )
    def my_sales(self, info: Info) -> list[Sale]:
        return selectors.sale_list_for_seller(seller=info.context.request.user)[: selectors.LIST_MAX]

    @strawberry_django.field(
        extensions=allow(SellerOrAdmin),
        description="SELLER: the store's coupons; ADMIN: the platform's (at most 100, newest first).",
    )
    def my_coupons(self, info: Info) -> list[Coupon]:
        return selectors.coupon_list_for_issuer(issuer=info.context.request.user)[: selectors.LIST_MAX]


def _caller_cart(info: Info, cart_code: str | None):
    cart = cart_selectors.cart_of_caller(user=info.context.request.user, cart_code=cart_code).first()
    if cart is None:
        raise NotFound(gettext("You have no cart yet: add something to it first."), field="cart_code")
    return cart


def _buyer(info: Info):
    user = info.context.request.user
    return user if user.is_authenticated else None


@strawberry.type
class Mutation:
    @mutation(
        Seller, description="SELLER (approved, with a store): a sale on products or variants of the store."
    )
    def schedule_sale(self, info: Info, input: SaleInput) -> SalePayload:
        sale = sales.sale_schedule(
            seller=info.context.request.user,
            name=input.name,
            kind=models.DiscountKind(input.kind.value if hasattr(input.kind, "value") else input.kind),
            value=input.value,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            product_ids=[decode_id(pk, "Product", field="product_ids") for pk in input.product_ids],
            variant_ids=[decode_id(pk, "ProductVariant", field="variant_ids") for pk in input.variant_ids],
        )
        return SalePayload(sale=selectors.sale_by_pk(pk=sale.pk))

    @mutation(Seller, description="SELLER: ends a sale now (a running sale's prices go back at once).")
    def cancel_sale(self, info: Info, id: strawberry.ID) -> SalePayload:
        sale = sales.sale_cancel(seller=info.context.request.user, sale_id=decode_id(id, "Sale", field="id"))
        return SalePayload(sale=selectors.sale_by_pk(pk=sale.pk))

    @mutation(
        SellerOrAdmin,
        description="SELLER: a coupon for the store's goods; ADMIN: a platform coupon, which the platform funds.",
    )
    def create_coupon(self, info: Info, input: CouponInput) -> CouponPayload:
        coupon = coupons.coupon_create(issuer=info.context.request.user, terms=input.terms())
        return CouponPayload(coupon=selectors.coupon_by_pk(pk=coupon.pk))

    @mutation(SellerOrAdmin, description="SELLER or ADMIN: switch one of their coupons on or off.")
    def set_coupon_active(self, info: Info, id: strawberry.ID, active: bool) -> CouponPayload:
        coupon = coupons.coupon_set_active(
            issuer=info.context.request.user, coupon_id=decode_id(id, "Coupon", field="id"), active=active
        )
        return CouponPayload(coupon=selectors.coupon_by_pk(pk=coupon.pk))

    @mutation(
        Public,
        description="Put a coupon code on the caller's cart (an anonymous one by its code); the discount per "
        "store is shown at once and applied at checkout.",
    )
    def apply_coupon(self, info: Info, code: str, cart_code: str | None = None) -> CartCouponPayload:
        cart = _caller_cart(info, cart_code)
        discount = coupons.cart_coupon_apply(cart=cart, buyer=_buyer(info), code=code)
        return CartCouponPayload(
            cart=cart_selectors.cart_by_pk(pk=cart.pk), discount=CartDiscount.of(discount)
        )

    @mutation(Public, description="Take the coupon code off the caller's cart.")
    def remove_coupon(self, info: Info, cart_code: str | None = None) -> CartCouponPayload:
        cart = _caller_cart(info, cart_code)
        coupons.cart_coupon_remove(cart=cart)
        return CartCouponPayload(cart=cart_selectors.cart_by_pk(pk=cart.pk))
