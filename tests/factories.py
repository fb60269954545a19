"""Model factories: plain functions with sensible defaults, every argument overridable."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from domain.accounts.models import Store, User, UserType
from domain.catalog.models import Category, Product
from domain.catalog.search import search_text_for
from domain.catalog.variants import default_variant_create

_seq = itertools.count(1)
PASSWORD = "Kitanda-Pass-2026!"


def make_user(
    *, user_type: str = UserType.BUYER, approved: bool = False, username: str | None = None, **extra
) -> User:
    n = next(_seq)
    username = username or f"{user_type}{n}"
    fields = {
        "email": f"{username}@example.ao",
        "first_name": "Ana",
        "last_name": "Silva",
        "user_type": user_type,
        "is_approved_seller": approved,
        "email_verified_at": timezone.now(),  # as after following the registration's link
    }
    fields.update(extra)
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_seller(*, approved: bool = True, with_store: bool = True, **extra) -> User:
    seller = make_user(user_type=UserType.SELLER, approved=approved, **extra)
    if with_store:
        make_store(seller=seller)
    return seller


def make_admin(**extra) -> User:
    return make_user(user_type=UserType.ADMIN, is_staff=True, is_superuser=True, **extra)


def make_store(*, seller: User | None = None, name: str | None = None, **extra) -> Store:
    seller = seller or make_user(user_type=UserType.SELLER, approved=True)
    n = next(_seq)
    name = name or f"Loja {n}"
    return Store.objects.create(seller=seller, name=name, slug=extra.pop("slug", f"loja-{n}"), **extra)


def make_category(*, name: str | None = None, **extra) -> Category:
    n = next(_seq)
    name = name or f"Categoria {n}"
    return Category.objects.create(name=name, slug=extra.pop("slug", f"categoria-{n}"), **extra)


def make_product(
    *,
    store: Store | None = None,
    category: Category | None = None,
    name: str | None = None,
    price: Decimal | str | int = "1500.00",
    stock_quantity: int = 10,
    **extra,
) -> Product:
    n = next(_seq)
    name = name or f"Produto {n}"
    category = category or make_category()
    extra.setdefault(
        "search_text",
        search_text_for(name=name, description=extra.get("description", ""), category_name=category.name),
    )
    price = Decimal(str(price))
    product = Product.objects.create(
        store=store or make_store(),
        category=category,
        name=name,
        slug=extra.pop("slug", f"produto-{n}"),
        price=price,
        max_price=extra.pop("max_price", price),
        stock_quantity=stock_quantity,
        **extra,
    )
    default_variant_create(product)  # a product without options sells through its default variant
    return product
