"""The demo's promotions: a sale running in one store (Sabores de Benguela, 20 % off three products
for 30 days) and the platform's coupon KITANDA10 (10 % off any store's goods, funded by the
platform). Made through the services, once: a store with a sale still open, or a platform coupon of
that code, is left as it is."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from domain.accounts.models import Store, User
from domain.catalog.models import Product
from domain.promotions import coupons, sales
from domain.promotions.models import Coupon, DiscountKind, Sale, SaleState

D = Decimal

SALE_STORE = "Sabores de Benguela"
SALE_NAME = "Fim do Mês"
SALE_PERCENT = D("20")
SALE_DAYS = 30
SALE_PRODUCTS = ("Fuba de Milho 5 kg", "Óleo de Palma 1 l", "Jinguba Torrada 500 g")
PLATFORM_COUPON = "KITANDA10"
PLATFORM_PERCENT = D("10")


def promotions(admin: User, stores: list[Store]) -> None:
    store = next(store for store in stores if store.name == SALE_STORE)
    if not open_sale(store):
        now = timezone.now()
        sales.sale_schedule(
            seller=store.seller,
            name=SALE_NAME,
            kind=DiscountKind.PERCENTAGE,
            value=SALE_PERCENT,
            starts_at=now,  # starts now: the prices move before the summary is printed
            ends_at=now + timedelta(days=SALE_DAYS),
            product_ids=list(
                Product.objects.filter(store=store, name__in=SALE_PRODUCTS).values_list("pk", flat=True)
            ),
        )
    if not platform_coupon():
        coupons.coupon_create(
            issuer=admin,
            terms=coupons.CouponTerms(
                code=PLATFORM_COUPON, kind=DiscountKind.PERCENTAGE, value=PLATFORM_PERCENT
            ),
        )


def open_sale(store: Store) -> Sale | None:
    return (
        Sale.objects.filter(store=store, state__in=[SaleState.SCHEDULED, SaleState.RUNNING])
        .order_by("pk")
        .first()
    )


def platform_coupon() -> Coupon | None:
    return Coupon.objects.filter(store__isnull=True, code_key=PLATFORM_COUPON).first()


def summary_lines(stores: list[Store]) -> list[str]:
    """The promotions as seed_demo prints them (the same on every run of a day)."""
    lines = []
    store = next((store for store in stores if store.name == SALE_STORE), None)
    sale = open_sale(store) if store is not None else None
    if sale is not None:
        lines.append(
            f'  sale:           "{sale.name}" in {store.name}, {percent(sale.value)} % off '
            f"{sale.items.count()} products until {sale.ends_at.date().isoformat()} (their compareAtPrice is "
            "the old price)"
        )
    coupon = platform_coupon()
    if coupon is not None:
        lines.append(
            f"  coupon:         {coupon.code} ({percent(coupon.value)} % off any store's goods, paid by the "
            f'platform): applyCoupon(code: "{coupon.code}") on a cart'
        )
    return lines


def percent(value: Decimal) -> str:
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)
