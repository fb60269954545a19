"""Cart writes. Quantities never exceed stock; products no longer sold are dropped."""

from __future__ import annotations

from django.db import transaction

from domain.catalog.models import Product
from domain.catalog.selectors import product_list_public

from .models import Cart, CartItem


def cart_get_or_create_for_user(*, user) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


@transaction.atomic
def cart_merge(*, user, cart_code: str | None) -> Cart | None:
    """Move the anonymous cart `cart_code` into the user's cart and delete it.

    Quantities add up, clamped to stock; lines of products no longer sold are dropped. An unknown
    or already used code changes nothing. Returns the user's cart (None if they have none).
    """
    anonymous = (
        Cart.objects.select_for_update().filter(cart_code=cart_code, user__isnull=True).first()
        if cart_code
        else None
    )
    if anonymous is None:
        return Cart.objects.filter(user=user).first()
    cart = cart_get_or_create_for_user(user=user)
    lines = {item.product_id: item for item in anonymous.items.all()}
    sellable = set(product_list_public().filter(pk__in=lines).values_list("pk", flat=True))
    products = Product.objects.select_for_update().filter(pk__in=sellable).order_by("pk")
    existing = {item.product_id: item for item in cart.items.select_for_update()}
    for product in products:
        wanted = lines[product.pk].quantity + (existing[product.pk].quantity if product.pk in existing else 0)
        quantity = min(wanted, product.stock_quantity)
        if product.pk in existing:
            item = existing[product.pk]
            if quantity < 1:
                item.delete()
            elif item.quantity != quantity:
                item.quantity = quantity
                item.save(update_fields=["quantity", "updated_at"])
        elif quantity >= 1:
            CartItem.objects.create(cart=cart, product=product, quantity=quantity)
    anonymous.delete()
    cart.save(update_fields=["updated_at"])
    return cart
