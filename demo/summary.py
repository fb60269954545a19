"""What seed_demo prints: the accounts, the order awaiting payment with its reference, and three
queries to paste into GraphiQL. Printed on every run, so a later run shows the reference again."""

from __future__ import annotations

from domain.accounts.models import Store, User
from domain.catalog.models import Product
from domain.orders.models import Order
from domain.reviews.models import Review

from .data import BUYERS, DEMO_PASSWORD, EXAMPLE_QUERIES, PENDING_SELLER
from .orders import awaiting_payment
from .promotions import summary_lines as promotions_lines


def summary(admin: User, stores: list[Store], buyer: User) -> list[str]:
    lines = [
        f"  admin:          {admin.username}",
        f"  sellers:        {', '.join(store.seller.username for store in stores)}",
        f"  pending seller: {PENDING_SELLER[0]} (waiting for the admin's approval)",
        f"  buyers:         {', '.join(username for username, *_ in BUYERS)}",
        f"  {Product.objects.count()} products in {len(stores)} stores, "
        f"{Order.objects.filter(buyer__username__startswith='demo-').count()} orders, "
        f"{Review.objects.count()} reviews",
    ]
    pending = awaiting_payment(buyer)
    if pending is not None:
        lines.append(
            f"  {buyer.username}'s order {pending.order_number} awaits payment by reference: entity "
            f"{pending.payment.reference_entity}, reference {pending.payment.reference_number}, "
            f"amount {pending.total_amount} AOA (POST /payments/webhook/ confirms it)"
        )
    lines.extend(promotions_lines(stores))
    lines.append("Three queries to paste into GraphiQL at /graphql/:")
    for title, query in EXAMPLE_QUERIES:
        lines.append(f"  # {title}\n  {query}")
    return lines


def heading() -> str:
    return f"Demo data ready (every password: {DEMO_PASSWORD})."
