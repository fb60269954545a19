"""What checkout (domain/orders/checkout.py) asks of promotions: the cart's coupon redeemed inside
its transaction on the lines it has locked, and the discount written onto its unsaved orders and
lines. Sale prices need nothing here: they are the locked variants' own `price` (sales.py).

A coupon's discount is split across its eligible lines by largest remainder (coupons.discount_split)
and frozen on each order line: `discount_amount` when the store funds it (a store's coupon),
`platform_discount_amount` when the platform does. Each order's total is its goods less its
lines' shares (plus its delivery fee, whose threshold is on the goods before the coupon, as the
quote showed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from domain.money import ZERO

from .coupons import Discount, DiscountLine, coupon_discount, coupon_for_code, coupon_redeem
from .models import CartCoupon


@dataclass
class CheckoutDiscount:
    """A redeemed coupon's shares: per variant (the cart's line) and per store."""

    discount: Discount
    by_variant: dict[int, Decimal] = field(default_factory=dict)
    by_store: dict[int, Decimal] = field(default_factory=dict)

    @property
    def platform_funded(self) -> bool:
        return self.discount.coupon.store_id is None


def _lines(variants: Mapping, wanted: Iterable) -> list[DiscountLine]:
    """The checkout's lines (stock.StockLine) at their locked variants' prices."""
    lines = []
    for line in wanted:
        variant = variants[line.variant_id]
        lines.append(
            DiscountLine(
                key=line.variant_id,
                store_id=variant.product.store_id,
                category_id=variant.product.category_id,
                amount=variant.price * line.quantity,
            )
        )
    return lines


def _shares(discount: Discount, lines: list[DiscountLine]) -> CheckoutDiscount:
    return CheckoutDiscount(
        discount=discount, by_variant=dict(discount.shares), by_store=discount.by_store(lines)
    )


def checkout_coupon_redeem(
    *, buyer, checkout_id: int, code: str | None, variants: Mapping, wanted
) -> CheckoutDiscount | None:
    """In checkout's transaction, after its products and variants are locked: redeem the cart's
    code (None: nothing, no query) on the locked coupon row; a coupon that no longer applies refuses
    the checkout (coupons.coupon_redeem)."""
    if not code:
        return None
    lines = _lines(variants, wanted)
    redeemed = _shares(coupon_redeem(buyer=buyer, checkout_id=checkout_id, code=code, lines=lines), lines)
    CartCoupon.objects.filter(cart__user=buyer).delete()  # used: the next cart starts without it
    return redeemed


def checkout_coupon_preview(*, code: str | None, lines: list[DiscountLine]) -> dict[int, Decimal]:
    """Before checkout's transaction (its charges on record): each store's discount the code would
    give on these lines, no rule checked (the transaction checks them on the locked row)."""
    if not code:
        return {}
    coupon = coupon_for_code(code=code, store_ids={line.store_id for line in lines})
    if coupon is None:
        return {}
    return coupon_discount(coupon, lines).by_store(lines)


def order_discount_set(order, discount: CheckoutDiscount | None) -> None:
    """Copy the store's share of the discount onto an unsaved order whose total holds its goods."""
    if discount is None:
        return
    amount = discount.by_store.get(order.store_id, ZERO)
    if amount <= 0:
        return
    order.total_amount -= amount
    order.coupon = discount.discount.coupon
    order.coupon_code = discount.discount.coupon.code
    if discount.platform_funded:
        order.platform_discount_amount = amount
    else:
        order.discount_amount = amount


def order_line_discount_set(line, discount: CheckoutDiscount | None) -> None:
    """Freeze the line's share on an unsaved order line (before economics reads it for commission)."""
    if discount is None:
        return
    share = discount.by_variant.get(line.variant_id, ZERO)
    if discount.platform_funded:
        line.platform_discount_amount = share
    else:
        line.discount_amount = share
