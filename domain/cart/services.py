"""Cart writes. A line never asks for more than its variant's stock; only variants on sale can be
added, one line per variant.

A logged-in user always works on their own cart (which has no code); an anonymous caller works on
the anonymous cart its secret code names, created by the first add without a code. A cart line does
not reserve stock: checkout locks and re-checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import NamedTuple, TypeVar

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.services import user_login
from domain.catalog.models import ProductVariant
from domain.catalog.selectors import on_sale
from domain.catalog.variants import variant_on_sale
from domain.errors import InvalidInput, NotFound, OutOfStock, Required, VariantRequired

from .models import Cart, CartItem, new_cart_code
from .selectors import cart_code_usable, cart_for_user

CLEANUP_BATCH = 1000
# A cart's size is bounded where it is written, so its totals fit GraphQL's 32-bit Int with room.
CART_MAX_LINES = 50
LINE_MAX_QUANTITY = 10_000


def _line_too_large() -> str:
    return gettext("A cart holds at most %(max)s units of one product.") % {"max": LINE_MAX_QUANTITY}


def cart_get_or_create_for_user(*, user) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


def cart_add_item(
    *,
    user,
    cart_code: str | None,
    product_id: int | None = None,
    variant_id: int | None = None,
    quantity: int | None = 1,
) -> Cart:
    """Add `quantity` (default 1, at least 1) of a variant on sale, named by `variant_id`, or by
    `product_id` for a product without options (its default variant; a product with options answers
    VARIANT_REQUIRED). A cart holds one line per variant: adding it again adds to that line, and
    the line's total may not exceed the variant's stock. A rejected add leaves nothing behind: the
    cart is created only once the add is valid.
    """
    _one_of(product_id=product_id, variant_id=variant_id)
    quantity = 1 if quantity is None else quantity
    if quantity < 1:
        raise InvalidInput(gettext("The quantity must be at least 1."), field="quantity")
    if quantity > LINE_MAX_QUANTITY:
        raise InvalidInput(_line_too_large(), field="quantity")
    with transaction.atomic():
        # A user's cart is created (or found) and locked first, so two quick adds queue up; if the
        # add is refused, the rollback takes the new cart away again.
        cart = _cart_locked(user=user, cart_code=cart_code, create=True)
        variant = _variant_on_sale(product_id=product_id, variant_id=variant_id)
        # One query: how many lines the cart has, and how many of this variant it holds.
        held = (
            cart.items.aggregate(lines=Count("pk"), in_cart=Sum("quantity", filter=Q(variant_id=variant.pk)))
            if cart
            else {"lines": 0, "in_cart": None}
        )
        in_cart = held["in_cart"] or 0
        if in_cart + quantity > LINE_MAX_QUANTITY:
            raise InvalidInput(_line_too_large(), field="quantity")
        if not in_cart and held["lines"] >= CART_MAX_LINES:
            raise InvalidInput(
                gettext("A cart holds at most %(max)s products.") % {"max": CART_MAX_LINES},
                field=_id_field(product_id),
            )
        if in_cart + quantity > variant.stock_quantity:
            raise OutOfStock(_available(variant, in_cart), field="quantity")
        if cart is None:
            cart = _cart_create(user=user)
        if not in_cart:
            CartItem.objects.create(
                cart=cart, product_id=variant.product_id, variant=variant, quantity=quantity
            )
        else:  # the cart is locked: nobody else changes its lines meanwhile
            CartItem.objects.filter(cart=cart, variant=variant).update(
                quantity=in_cart + quantity, updated_at=timezone.now()
            )
        _touch(cart)
    return cart


def cart_update_item(
    *,
    user,
    cart_code: str | None,
    product_id: int | None = None,
    variant_id: int | None = None,
    quantity: int,
) -> Cart:
    """Set a line's quantity (the line of `variant_id`, or of a product without options by
    `product_id`); 0 removes the line. Raising it needs the variant on sale and in stock."""
    _one_of(product_id=product_id, variant_id=variant_id)
    if quantity < 0:
        raise InvalidInput(gettext("The quantity cannot be negative."), field="quantity")
    if quantity > LINE_MAX_QUANTITY:
        raise InvalidInput(_line_too_large(), field="quantity")
    with transaction.atomic():
        cart, line = _line_locked(
            user=user, cart_code=cart_code, product_id=product_id, variant_id=variant_id
        )
        if quantity == 0:
            line.delete()
        elif quantity != line.quantity:
            if (
                quantity > line.quantity
                and not ProductVariant.objects.filter(variant_on_sale(), pk=line.variant_id).exists()
            ):
                raise InvalidInput(
                    gettext("“%(name)s” is no longer sold; remove it from the cart.")
                    % {"name": variant_label(line.variant)},
                    field=_id_field(product_id),
                )
            if quantity > line.variant.stock_quantity:
                raise OutOfStock(_available(line.variant), field="quantity")
            _line_set(line, quantity)
        _touch(cart)
    return cart


def cart_remove_item(
    *, user, cart_code: str | None, product_id: int | None = None, variant_id: int | None = None
) -> Cart:
    """Remove a variant's line from the cart (by `product_id`: a product without options)."""
    _one_of(product_id=product_id, variant_id=variant_id)
    with transaction.atomic():
        cart, line = _line_locked(
            user=user, cart_code=cart_code, product_id=product_id, variant_id=variant_id
        )
        line.delete()
        _touch(cart)
    return cart


def cart_merge(*, user, cart_code: str | None) -> Cart | None:
    """The user's cart once they log in: the anonymous cart `cart_code` (if any) is moved into it
    and deleted.

    Lines of the same variant become one: quantities add up, clamped to the variant's stock and to
    the line's limit (a line of the user's own is never lowered); lines of variants no longer sold,
    and new variants beyond the cart's limit, are dropped. No code, an unknown or an already used
    code changes nothing. Returns the user's cart (None if they have none).
    """
    if not cart_code_usable(cart_code):
        return cart_for_user(user=user)
    with transaction.atomic():
        anonymous = Cart.objects.select_for_update().filter(cart_code=cart_code, user__isnull=True).first()
        if anonymous is None:
            return cart_for_user(user=user)
        cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
        lines = {item.variant_id: item.quantity for item in anonymous.items.all()}
        existing = {item.variant_id: item for item in cart.items.all()}
        now = timezone.now()
        raised, added = [], []
        for variant in ProductVariant.objects.filter(variant_on_sale(), pk__in=lines).order_by("pk"):
            have = existing[variant.pk].quantity if variant.pk in existing else 0
            merged = max(have, min(have + lines[variant.pk], variant.stock_quantity, LINE_MAX_QUANTITY))
            if merged == have:
                continue
            if variant.pk in existing:
                existing[variant.pk].quantity, existing[variant.pk].updated_at = merged, now
                raised.append(existing[variant.pk])
            elif len(existing) + len(added) < CART_MAX_LINES:  # a full cart takes no new lines
                added.append(
                    CartItem(cart=cart, product_id=variant.product_id, variant=variant, quantity=merged)
                )
        # A few statements whatever the number of lines.
        CartItem.objects.bulk_update(raised, ["quantity", "updated_at"])
        CartItem.objects.bulk_create(added)
        anonymous.delete()
        _touch(cart)
    return cart


class LockedCart(NamedTuple):
    """The cart checkout holds (cart_lines_locked): its key and the code a coupon put on it."""

    pk: int
    coupon_code: str | None


def cart_lines_locked(*, user) -> tuple[LockedCart | None, list[tuple[int, int, int]]]:
    """For checkout: the user's cart, locked for the rest of the caller's transaction, and its
    lines as (product id, variant id, quantity) in the cart's order (None and [] when they have no
    cart or an empty one). The lock is the checkout's touch of the cart (one UPDATE, FOR NO KEY
    UPDATE: every cart write, which locks the cart first, queues behind it); the lines are read
    after it, by a statement that sees what a checkout that held the lock before committed."""
    if not Cart.objects.filter(user=user).update(updated_at=timezone.now()):
        return None, []
    # With the code a coupon put on it (promotions' CartCoupon), in the same statement.
    rows = list(
        CartItem.objects.filter(cart__user=user).values_list(
            "cart_id", "cart__coupon__code", "product_id", "variant_id", "quantity"
        )
    )
    if not rows:
        return None, []
    return LockedCart(pk=rows[0][0], coupon_code=rows[0][1]), [row[2:] for row in rows]


def cart_lines_remove(*, cart: LockedCart, variant_ids: Iterable[int]) -> None:
    """Checkout took these variants: their lines leave the cart, locked (and touched) by
    cart_lines_locked."""
    CartItem.objects.filter(cart_id=cart.pk, variant_id__in=list(variant_ids)).delete()


Session = TypeVar("Session")


def cart_login(
    *, login: str, password: str, client_ip: str, cart_code: str | None, session: Callable[..., Session]
) -> tuple[Cart | None, Session]:
    """A login that brings the caller's anonymous cart along, all or none in one transaction: the
    credentials checked (accounts' user_login, throttled per `client_ip`), the cart `cart_code`
    merged into the user's (cart_merge), and `session(user=...)`, what the caller issues for the
    login (the API's tokens). Returns the user's cart and the session."""
    with transaction.atomic():
        user = user_login(login=login, password=password, client_ip=client_ip)
        cart = cart_merge(user=user, cart_code=cart_code)
        return cart, session(user=user)


def cart_delete_for_user(*, user) -> None:
    """The user leaves (domain/privacy): their cart and its lines go."""
    Cart.objects.filter(user=user).delete()


def cart_delete_idle(*, days: int) -> int:
    """Delete anonymous carts untouched for `days` days; returns how many went."""
    if days < 1:
        raise InvalidInput(gettext("Days must be at least 1."), field="days")
    cutoff = timezone.now() - timedelta(days=days)
    idle = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff)
    deleted = 0
    while True:
        # Locked in batches: a cart used meanwhile is skipped (or, once its add commits, no longer idle).
        with transaction.atomic():
            batch = list(
                idle.select_for_update(skip_locked=True).values_list("pk", flat=True)[:CLEANUP_BATCH]
            )
            if not batch:
                return deleted
            _, per_model = idle.filter(pk__in=batch).delete()
            deleted += per_model.get(Cart._meta.label, 0)


# ---------------------------------------------------------------- helpers


def _logged_in(user) -> bool:
    return user is not None and user.is_authenticated


def _cart_locked(*, user, cart_code: str | None, create: bool = False) -> Cart | None:
    """The caller's cart, locked for the transaction; None when they have none yet (a logged-in
    user's is created first with `create`).

    An unknown code is an error rather than a silent new cart, so a client notices a lost cart.
    """
    if _logged_in(user):
        if create:
            Cart.objects.get_or_create(user=user)
        return Cart.objects.select_for_update().filter(user=user).first()
    if not cart_code:
        return None
    cart = (
        Cart.objects.select_for_update().filter(cart_code=cart_code, user__isnull=True).first()
        if cart_code_usable(cart_code)
        else None
    )
    if cart is None:
        raise NotFound(gettext("No cart with this code."), field="cart_code")
    return cart


def _cart_create(*, user) -> Cart:
    if _logged_in(user):
        return cart_get_or_create_for_user(user=user)
    return Cart.objects.create(cart_code=new_cart_code())


def _one_of(*, product_id: int | None, variant_id: int | None) -> None:
    """A line is named by its variant, or by its product when that has no options: one of the two."""
    if product_id is None and variant_id is None:
        raise Required(gettext("Give the product's id or the variant's id."), field="variant_id")
    if product_id is not None and variant_id is not None:
        raise InvalidInput(
            gettext("Give the product's id or the variant's id, not both."), field="variant_id"
        )


def _id_field(product_id: int | None) -> str:
    """The input an error about the line is about: the one the caller named it by."""
    return "product_id" if product_id is not None else "variant_id"


def _variant_required(product_id: int) -> VariantRequired:
    return VariantRequired(
        gettext("This product comes in several variants: choose one (variantId)."), field="product_id"
    )


def _variant_on_sale(*, product_id: int | None, variant_id: int | None) -> ProductVariant:
    """The variant to add, with its product, in one query: by its id, or a product's default
    variant (VARIANT_REQUIRED for a product with options)."""
    variants = ProductVariant.objects.select_related("product")
    if variant_id is not None:
        variant = variants.filter(variant_on_sale(), pk=variant_id).first()
        if variant is None:
            raise NotFound(gettext("No product variant on sale with this id."), field="variant_id")
        return variant
    # Its default variant if it has one (a product without options), else any of its variants.
    variant = (
        variants.filter(on_sale("product__"), product_id=product_id).order_by("-is_default", "pk").first()
    )
    if variant is None:
        raise NotFound(gettext("No product on sale with this id."), field="product_id")
    if not variant.is_default:
        raise _variant_required(product_id)
    if not variant.is_active:
        raise NotFound(gettext("No product on sale with this id."), field="product_id")
    return variant


def _line_locked(
    *, user, cart_code: str | None, product_id: int | None, variant_id: int | None
) -> tuple[Cart, CartItem]:
    cart = _cart_locked(user=user, cart_code=cart_code)
    lines = cart.items.select_related("product", "variant") if cart else CartItem.objects.none()
    if variant_id is not None:
        line = lines.filter(variant_id=variant_id).first()
        if line is None:
            raise NotFound(gettext("This product variant is not in the cart."), field="variant_id")
        return cart, line
    # A product without options has one line, of its default variant.
    line = lines.filter(product_id=product_id).order_by("-variant__is_default", "pk").first()
    if line is None:
        raise NotFound(gettext("This product is not in the cart."), field="product_id")
    if not line.variant.is_default:
        raise _variant_required(product_id)
    return cart, line


def _line_set(line: CartItem, quantity: int) -> None:
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated_at"])


def _touch(cart: Cart) -> None:
    cart.save(update_fields=["updated_at"])


def variant_label(variant: ProductVariant) -> str:
    """How a message names a variant: its product's name, and its own name when it has options
    ("Ténis Kizomba (40 / Preto)")."""
    return f"{variant.product.name} ({variant.name})" if variant.name else variant.product.name


def _available(variant: ProductVariant, in_cart: int = 0) -> str:
    name = variant_label(variant)
    if variant.stock_quantity == 0:
        return gettext("“%(name)s” is out of stock.") % {"name": name}
    values = {"available": variant.stock_quantity, "name": name, "in_cart": in_cart}
    if in_cart:
        return (
            gettext("Only %(available)s of “%(name)s” available (%(in_cart)s already in your cart).") % values
        )
    return gettext("Only %(available)s of “%(name)s” available.") % values
