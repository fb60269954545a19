"""The demo's catalogue: categories, each store's products with their photos (one hidden per store),
and the bulk products `--products N` tops the catalogue up with for benchmarks."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from domain.accounts.models import Store
from domain.catalog.models import Category, Product
from domain.catalog.search import search_text_for
from domain.catalog.services import category_create, product_create, product_update
from domain.catalog.versions import catalog_changed

from .data import BULK_ADJECTIVES, BULK_BATCH, BULK_NOUNS, HIDDEN_PRODUCTS
from .images import colour_of, tile


def category(name: str, description: str) -> Category:
    return Category.objects.filter(name=name).first() or category_create(name=name, description=description)


def stock(store: Store, spec: dict, categories: dict[str, Category]) -> None:
    """The store's products of `spec` that it lacks, each with its photo; the hidden ones taken off sale."""
    for name, category_name, price, quantity, description in spec["products"]:
        if store.products.filter(name=name).exists():
            continue
        product = product_create(
            seller=store.seller,
            name=name,
            description=description,
            price=Decimal(price),
            stock_quantity=quantity,
            category_id=categories[category_name].pk,
            image=tile(name, colour_of(name), size=480, name=name),
        )
        if name in HIDDEN_PRODUCTS:
            product_update(seller=store.seller, product_id=product.pk, is_active=False)


def bulk_products(wanted: int, stores: list[Store], categories: list[Category], stdout) -> int:
    """Top the catalogue up to `wanted` products with bulk inserts (no images), spread over the demo
    stores and categories; search_text is filled as the catalogue services fill it. Returns how many
    were made."""
    missing = wanted - Product.objects.count()
    if missing <= 0:
        return 0
    taken = set(Product.objects.filter(slug__startswith="lote-").values_list("slug", flat=True))
    progress = Progress(stdout, missing)
    made, number = 0, len(taken)
    while made < missing:
        batch = []
        while len(batch) < min(BULK_BATCH, missing - made):
            number += 1
            slug = f"lote-{number:07d}"
            if slug not in taken:
                batch.append(_bulk_product(number, slug, stores, categories))
        with transaction.atomic():
            Product.objects.bulk_create(batch, batch_size=BULK_BATCH)
            catalog_changed()  # cached lists do not show them otherwise
        made += len(batch)
        progress.show(made)
    progress.done()
    return made


def _bulk_product(number: int, slug: str, stores: list[Store], categories: list[Category]) -> Product:
    category = categories[number % len(categories)]
    name = (
        f"{BULK_NOUNS[number % len(BULK_NOUNS)]} "
        f"{BULK_ADJECTIVES[(number // len(BULK_NOUNS)) % len(BULK_ADJECTIVES)]} nº {number}"
    )
    description = f"Artigo de demonstração número {number}."
    return Product(
        store=stores[number % len(stores)],
        category=category,
        name=name,
        slug=slug,
        description=description,
        price=Decimal(500 + (number * 37) % 50000),
        stock_quantity=number % 50,
        search_text=search_text_for(name=name, description=description, category_name=category.name),
    )


class Progress:
    """A progress bar on a terminal; a line every tenth of the way elsewhere (CI logs)."""

    WIDTH = 40

    def __init__(self, stdout, total: int):
        self.stdout, self.total, self.shown = stdout, total, 0
        self.tty = stdout.isatty()

    def show(self, done: int) -> None:
        if self.tty:
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stdout.write(f"\r  products [{bar}] {done}/{self.total}", ending="")
            self.stdout.flush()
        elif done * 10 // self.total > self.shown or done == self.total:
            self.shown = done * 10 // self.total
            self.stdout.write(f"  products: {done}/{self.total}")

    def done(self) -> None:
        if self.tty:
            self.stdout.write("")
