"""Coupons: codes a store or the platform issues, checked against a cart, redeemed at checkout.

A code is compared upper-cased (case-insensitive) and is unique per issuer: a store's codes apply
to that store's goods only; the platform's (an admin's) to every store's goods, or to those of its
categories. The rules of a coupon are `coupon_problem`'s, the same for the cart's preview and for
checkout, where `coupon_redeem` re-checks them on the coupon's locked row (locked after the
products and variants: the checkout's fixed order) and counts the use with F(); a use is one per
checkout (CouponRedemption's constraint), so a replay or a payment retry never counts twice, and
`coupon_release` gives it back once when the checkout's discounted orders are all cancelled.

The discount: a percentage of, or a fixed amount off (at most), the eligible lines' total at the
prices of the moment (sale prices included); the minimum spend is on that same total. It is split
across the eligible lines in proportion to their totals by largest remainder to the cêntimo
(`discount_split`), so the shares add up to the discount exactly; checkout freezes them on the
order lines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.models import Store, User
from domain.cart.models import Cart, CartItem
from domain.catalog.models import Category
from domain.catalog.variants import variant_on_sale
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    InvalidInput,
    NotEligible,
    NotFound,
    Required,
    collect,
)
from domain.money import (
    HUNDRED,
    ZERO,
    amount_fault,
    money_round,
    percentage,
    split_by_largest_remainder,
)

from .models import CartCoupon, Coupon, CouponRedemption, DiscountKind

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


def code_key(code: str) -> str:
    return (code or "").strip().upper()


# ---------------------------------------------------------------- issuing


@dataclass(frozen=True)
class CouponTerms:
    code: str
    kind: str
    value: Decimal
    min_spend: Decimal | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    max_uses_per_buyer: int | None = None
    first_order_only: bool = False
    category_ids: tuple[int, ...] = ()


def coupon_create(*, issuer: User, terms: CouponTerms) -> Coupon:
    """A seller issues a coupon for their store's goods; an admin issues a platform coupon (which
    alone may be limited to categories). Every bad term is reported at once."""
    store = _issuer_store(issuer)
    key = code_key(terms.code)
    collect(*_terms_problems(terms, key=key, platform=store is None))
    categories = list(Category.objects.filter(pk__in=set(terms.category_ids)))
    if len(categories) != len(set(terms.category_ids)):
        raise NotFound(gettext("No category with this id."), field="category_ids")
    try:
        with transaction.atomic():
            coupon = Coupon.objects.create(
                store=store,
                code=terms.code.strip(),
                code_key=key,
                kind=terms.kind,
                value=terms.value,
                min_spend=terms.min_spend,
                starts_at=terms.starts_at,
                ends_at=terms.ends_at,
                max_uses=terms.max_uses,
                max_uses_per_buyer=terms.max_uses_per_buyer,
                first_order_only=terms.first_order_only,
                created_by=issuer,
            )
            coupon.categories.set(categories)
    except IntegrityError as error:
        raise AlreadyExists(gettext("You have a coupon with this code already."), field="code") from error
    return coupon


def coupon_set_active(*, issuer: User, coupon_id: int, active: bool) -> Coupon:
    """The issuer switches a coupon on or off (uses already made stay)."""
    store = _issuer_store(issuer)
    coupon = Coupon.objects.filter(pk=coupon_id, store=store).first()
    if coupon is None:
        raise NotFound(gettext("No coupon of yours with this id."), field="coupon_id")
    coupon.is_active = active
    coupon.save(update_fields=["is_active", "updated_at"])
    return coupon


def _issuer_store(issuer: User) -> Store | None:
    """The store a seller's coupons are for; None for an admin (the platform's)."""
    if issuer.is_marketplace_admin:
        return None
    if not issuer.can_sell:
        raise AccessDenied(gettext("Only approved sellers and admins issue coupons."))
    store = Store.objects.filter(seller_id=issuer.pk).first()
    if store is None:
        raise BusinessForbidden(gettext("Create your store before issuing coupons."))
    return store


def _terms_problems(terms: CouponTerms, *, key: str, platform: bool) -> list[DomainError | None]:
    problems: list[DomainError | None] = []
    if not key:
        problems.append(Required(gettext("The code is required."), field="code"))
    elif not CODE_PATTERN.match(key):
        problems.append(
            InvalidInput(
                gettext("A code has 3 to 32 letters, digits, - or _, starting with a letter or digit."),
                field="code",
            )
        )
    if terms.kind not in DiscountKind.values:
        problems.append(InvalidInput(gettext("Unknown kind of discount."), field="kind"))
    elif terms.kind == DiscountKind.PERCENTAGE:
        if percentage(terms.value) is None or terms.value <= 0:
            problems.append(
                InvalidInput(gettext("The percentage must be above 0 and at most 100."), field="value")
            )
    elif amount_fault(terms.value) is not None:
        problems.append(
            InvalidInput(gettext("The amount must be a positive amount of kwanza."), field="value")
        )
    if terms.min_spend is not None and amount_fault(terms.min_spend) is not None:
        problems.append(
            InvalidInput(gettext("The minimum spend must be a positive amount of kwanza."), field="min_spend")
        )
    if terms.starts_at and terms.ends_at and terms.ends_at <= terms.starts_at:
        problems.append(InvalidInput(gettext("The end must come after the start."), field="ends_at"))
    for name, value in (("max_uses", terms.max_uses), ("max_uses_per_buyer", terms.max_uses_per_buyer)):
        if value is not None and not 1 <= value <= 10_000_000:
            problems.append(InvalidInput(gettext("A limit of uses must be at least 1."), field=name))
    if terms.category_ids and not platform:
        problems.append(
            InvalidInput(
                gettext("Only the platform's coupons are limited to categories."), field="category_ids"
            )
        )
    return problems


# ---------------------------------------------------------------- the discount


@dataclass(frozen=True)
class DiscountLine:
    """A line the discount may fall on: its key (the caller's), store, category and total."""

    key: Hashable
    store_id: int
    category_id: int
    amount: Decimal


@dataclass
class Discount:
    """A coupon's discount on some lines: the total, and each line's share (keys of the lines)."""

    coupon: Coupon
    amount: Decimal = ZERO
    base: Decimal = ZERO  # the eligible lines' total, on which the minimum spend is
    shares: dict[Hashable, Decimal] = field(default_factory=dict)

    def by_store(self, lines: Iterable[DiscountLine]) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in lines:
            if line.key in self.shares:
                totals[line.store_id] += self.shares[line.key]
        return dict(totals)


def discount_split(total: Decimal, weights: list[tuple[Hashable, Decimal]]) -> dict[Hashable, Decimal]:
    """Split a discount across the lines' amounts: domain/money.split_by_largest_remainder."""
    return split_by_largest_remainder(total, weights)


def coupon_applies_to(coupon: Coupon, line: DiscountLine, category_ids: frozenset[int]) -> bool:
    """A store's coupon: its store's lines; the platform's: every line, or its categories'."""
    if coupon.store_id is not None:
        return line.store_id == coupon.store_id
    return not category_ids or line.category_id in category_ids


def coupon_discount(coupon: Coupon, lines: list[DiscountLine]) -> Discount:
    """The coupon's discount on `lines` and its split (no rule checked: coupon_problem's)."""
    category_ids = (
        frozenset(coupon.categories.values_list("pk", flat=True)) if coupon.store_id is None else frozenset()
    )
    eligible = [line for line in lines if coupon_applies_to(coupon, line, category_ids)]
    base = sum((line.amount for line in eligible), ZERO)
    percent = coupon.kind == DiscountKind.PERCENTAGE
    amount = money_round(base * coupon.value / HUNDRED) if percent else min(coupon.value, base)
    return Discount(
        coupon=coupon,
        amount=amount,
        base=base,
        shares=discount_split(amount, [(line.key, line.amount) for line in eligible]),
    )


def coupon_problem(
    coupon: Coupon, *, discount: Discount, buyer: User | None, now: datetime, checkout_id: int | None = None
) -> DomainError | None:
    """Why the coupon cannot be used now on this discount (NOT_ELIGIBLE, said plainly), or None.
    Uses per buyer and first order only are about the account (`buyer`); an anonymous cart's are
    checked at checkout."""
    if not coupon.is_active or (coupon.ends_at is not None and coupon.ends_at <= now):
        return NotEligible(gettext("This coupon is no longer valid."), field="code")
    if coupon.starts_at is not None and coupon.starts_at > now:
        return NotEligible(gettext("This coupon is not valid yet."), field="code")
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        return NotEligible(gettext("This coupon has been used up."), field="code")
    if discount.amount <= 0:
        return NotEligible(gettext("This coupon does not apply to anything in your cart."), field="code")
    if coupon.min_spend is not None and discount.base < coupon.min_spend:
        return NotEligible(
            gettext("This coupon needs a spend of at least %(amount)s Kz on the goods it applies to.")
            % {"amount": coupon.min_spend},
            field="code",
        )
    if buyer is None or not buyer.is_authenticated:
        return None
    if coupon.max_uses_per_buyer is not None:
        used = CouponRedemption.objects.filter(coupon=coupon, buyer=buyer, released_at__isnull=True).count()
        if used >= coupon.max_uses_per_buyer:
            return NotEligible(gettext("You have used this coupon as many times as it allows."), field="code")
    if coupon.first_order_only:
        earlier = buyer.orders.all() if checkout_id is None else buyer.orders.exclude(checkout_id=checkout_id)
        if earlier.exists():
            return NotEligible(gettext("This coupon is for a first order only."), field="code")
    return None


def coupon_for_code(*, code: str, store_ids: Iterable[int]) -> Coupon | None:
    """The coupon a code names for goods of `store_ids`: the platform's with that code, else the
    first of those stores' (by store) that has it."""
    key = code_key(code)
    if not key:
        return None
    candidates = list(Coupon.objects.filter(code_key=key, store__isnull=True)) or list(
        Coupon.objects.filter(code_key=key, store_id__in=set(store_ids)).order_by("store_id")
    )
    return candidates[0] if candidates else None


# ---------------------------------------------------------------- the cart


@dataclass(frozen=True)
class CartDiscount:
    """What a cart's code does now: the coupon and its discount per store, or why it does not."""

    code: str
    coupon: Coupon | None
    by_store: dict[int, Decimal]
    problem: DomainError | None

    @property
    def amount(self) -> Decimal:
        return sum(self.by_store.values(), ZERO)


def cart_discount_lines(*, cart_id: int) -> list[DiscountLine]:
    """The cart's lines that can be bought, at their variants' prices now (one query)."""
    rows = (
        CartItem.objects.filter(variant_on_sale("variant__"), cart_id=cart_id)
        .order_by("pk")
        .values_list("pk", "product__store_id", "product__category_id", "variant__price", "quantity")
    )
    return [
        DiscountLine(key=pk, store_id=store, category_id=category, amount=price * quantity)
        for pk, store, category, price, quantity in rows
    ]


def cart_discount(*, cart: Cart, buyer: User | None, now: datetime | None = None) -> CartDiscount | None:
    """The discount the cart's code gives now, per store sub-order (None: no code)."""
    applied = CartCoupon.objects.filter(cart=cart).first()
    if applied is None:
        return None
    lines = cart_discount_lines(cart_id=cart.pk)
    coupon = coupon_for_code(code=applied.code, store_ids={line.store_id for line in lines})
    if coupon is None:
        return CartDiscount(
            code=applied.code,
            coupon=None,
            by_store={},
            problem=NotFound(gettext("No coupon with this code for the goods in your cart."), field="code"),
        )
    discount = coupon_discount(coupon, lines)
    problem = coupon_problem(coupon, discount=discount, buyer=buyer, now=now or timezone.now())
    return CartDiscount(
        code=applied.code,
        coupon=coupon,
        by_store={} if problem else discount.by_store(lines),
        problem=problem,
    )


def cart_coupon_apply(*, cart: Cart, buyer: User | None, code: str) -> CartDiscount:
    """Put a code on the cart, when it names a coupon that applies to it now (else NOT_FOUND or
    NOT_ELIGIBLE, and the cart keeps what it had). A second code replaces the first."""
    key = code_key(code)
    if not key:
        raise Required(gettext("The code is required."), field="code")
    if len(key) > Coupon._meta.get_field("code").max_length:
        raise NotFound(gettext("No coupon with this code for the goods in your cart."), field="code")
    lines = cart_discount_lines(cart_id=cart.pk)
    coupon = coupon_for_code(code=key, store_ids={line.store_id for line in lines})
    if coupon is None:
        raise NotFound(gettext("No coupon with this code for the goods in your cart."), field="code")
    discount = coupon_discount(coupon, lines)
    problem = coupon_problem(coupon, discount=discount, buyer=buyer, now=timezone.now())
    if problem is not None:
        raise problem
    CartCoupon.objects.update_or_create(cart=cart, defaults={"code": key})
    return CartDiscount(code=key, coupon=coupon, by_store=discount.by_store(lines), problem=None)


def cart_coupon_remove(*, cart: Cart) -> None:
    CartCoupon.objects.filter(cart=cart).delete()


def cart_coupon_code(*, cart_id: int) -> str | None:
    return CartCoupon.objects.filter(cart_id=cart_id).values_list("code", flat=True).first()


# ---------------------------------------------------------------- checkout


def coupon_redeem(
    *, buyer: User, checkout_id: int, code: str, lines: list[DiscountLine], now: datetime | None = None
) -> Discount:
    """Inside the checkout's transaction, after its products and variants are locked: lock the
    coupon's row, check every rule on it and the locked lines' prices, count the use (F()) and
    record it for this checkout. A coupon that no longer applies refuses the checkout (NOT_ELIGIBLE
    or NOT_FOUND): the caller rolls everything back."""
    found = coupon_for_code(code=code, store_ids={line.store_id for line in lines})
    if found is None:
        raise NotFound(gettext("No coupon with this code for the goods in your cart."), field="code")
    coupon = Coupon.objects.select_for_update().get(pk=found.pk)
    discount = coupon_discount(coupon, lines)
    problem = coupon_problem(
        coupon, discount=discount, buyer=buyer, now=now or timezone.now(), checkout_id=checkout_id
    )
    if problem is not None:
        raise problem
    Coupon.objects.filter(pk=coupon.pk).update(uses=F("uses") + 1)
    CouponRedemption.objects.create(
        coupon=coupon, buyer=buyer, checkout_id=checkout_id, discount_amount=discount.amount
    )
    return discount


def coupon_release(*, checkout_id: int) -> int:
    """Give back the uses of a checkout whose discounted orders are all gone (cancelled or expired
    unpaid), once: a redemption already released is not released again. In the caller's
    transaction. Returns how many uses came back."""
    released = 0
    redemptions = CouponRedemption.objects.filter(checkout_id=checkout_id, released_at__isnull=True)
    for coupon_id in sorted(set(redemptions.values_list("coupon_id", flat=True))):
        Coupon.objects.select_for_update().filter(pk=coupon_id).values_list("pk").first()
        if CouponRedemption.objects.filter(
            coupon_id=coupon_id, checkout_id=checkout_id, released_at__isnull=True
        ).update(released_at=timezone.now()):
            Coupon.objects.filter(pk=coupon_id, uses__gt=0).update(uses=F("uses") - 1)
            released += 1
    return released
