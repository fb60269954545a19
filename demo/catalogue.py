"""The demo's catalogue: categories, each store's products with their photos (one hidden per store),
and the bulk products `--products N` tops the catalogue up with for benchmarks."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from domain.accounts.models import Store
from domain.catalog.models import Category, Product, ProductVariant
from domain.catalog.search import search_normalize, search_text_for
from domain.catalog.services import category_create, product_create, product_update
from domain.catalog.versions import catalog_changed

from .data import BULK_ADJECTIVES, BULK_BATCH, BULK_NOUNS, BULK_SQL_BATCH, HIDDEN_PRODUCTS, VARIANTS
from .images import colour_of, tile
from .variants import variants_give


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
        if name in VARIANTS:
            variants_give(product, VARIANTS[name])
        if name in HIDDEN_PRODUCTS:
            product_update(seller=store.seller, product_id=product.pk, is_active=False)


def bulk_products(wanted: int, stores: list[Store], categories: list[Category], stdout) -> int:
    """Top the catalogue up to `wanted` products with bulk inserts (no images), spread over the demo
    stores and categories, each with its default variant (its price and stock); search_text is
    filled as the catalogue services fill it. On PostgreSQL one INSERT ... SELECT generate_series
    per batch of BULK_SQL_BATCH makes the products and their variants (a million in minutes);
    elsewhere bulk_create. Returns how many were made."""
    missing = wanted - Product.objects.count()
    if missing <= 0:
        return 0
    numbers = [
        int(slug[5:])
        for slug in Product.objects.filter(slug__startswith="lote-").values_list("slug", flat=True)
        if slug[5:].isdigit()
    ]
    first = max(numbers, default=0) + 1
    progress = Progress(stdout, missing)
    made = 0
    batch = BULK_SQL_BATCH if connection.vendor == "postgresql" else BULK_BATCH
    while made < missing:
        count = min(batch, missing - made)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _bulk_sql(first + made, count, stores, categories)
            else:
                _bulk_orm(first + made, count, stores, categories)
            catalog_changed()  # cached lists do not show them otherwise
        made += count
        progress.show(made)
    progress.done()
    return made


def _bulk_orm(first: int, count: int, stores: list[Store], categories: list[Category]) -> None:
    products = Product.objects.bulk_create(
        [_bulk_product(number, stores, categories) for number in range(first, first + count)]
    )
    ProductVariant.objects.bulk_create(
        [
            ProductVariant(
                product=product,
                store_id=product.store_id,
                price=product.price,
                stock_quantity=product.stock_quantity,
                is_default=True,
            )
            for product in products
        ]
    )


def _bulk_product(number: int, stores: list[Store], categories: list[Category]) -> Product:
    category = categories[number % len(categories)]
    name = (
        f"{BULK_NOUNS[number % len(BULK_NOUNS)]} "
        f"{BULK_ADJECTIVES[(number // len(BULK_NOUNS)) % len(BULK_ADJECTIVES)]} nº {number}"
    )
    description = f"Artigo de demonstração número {number}."
    price = Decimal(500 + (number * 37) % 50000)
    return Product(
        store=stores[number % len(stores)],
        category=category,
        name=name,
        slug=f"lote-{number:07d}",
        description=description,
        price=price,
        max_price=price,
        stock_quantity=number % 50,
        search_text=search_text_for(name=name, description=description, category_name=category.name),
    )


# The same rows as _bulk_product, made by PostgreSQL (arrays are 1-based), with their default variants.
BULK_SQL = """
WITH made AS (
    INSERT INTO catalog_product
        (store_id, category_id, name, slug, description, price, max_price, stock_quantity, is_active,
         rating_count, search_text, created_at, updated_at)
    SELECT
        (%(stores)s::bigint[])[n %% %(store_count)s + 1],
        (%(categories)s::bigint[])[n %% %(category_count)s + 1],
        (%(nouns)s::text[])[n %% %(noun_count)s + 1] || ' '
            || (%(adjectives)s::text[])[(n / %(noun_count)s) %% %(adjective_count)s + 1] || ' nº ' || n,
        'lote-' || lpad(n::text, 7, '0'),
        'Artigo de demonstração número ' || n || '.',
        500 + (n * 37) %% 50000,
        500 + (n * 37) %% 50000,
        n %% 50,
        TRUE,
        0,
        (%(bare_nouns)s::text[])[n %% %(noun_count)s + 1] || ' '
            || (%(bare_adjectives)s::text[])[(n / %(noun_count)s) %% %(adjective_count)s + 1]
            || ' ' || %(bare_number)s || ' ' || n || ' ' || %(bare_description)s || ' ' || n || '. '
            || (%(bare_categories)s::text[])[n %% %(category_count)s + 1],
        now(),
        now()
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
    RETURNING id, store_id, price, stock_quantity, created_at
)
INSERT INTO catalog_productvariant
    (product_id, store_id, sku, name, price, stock_quantity, is_active, is_default, position,
     created_at, updated_at)
SELECT id, store_id, '', '', price, stock_quantity, TRUE, TRUE, 0, created_at, created_at FROM made
"""


def _bulk_sql(first: int, count: int, stores: list[Store], categories: list[Category]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            BULK_SQL,
            {
                "first": first,
                "last": first + count - 1,
                "stores": [store.pk for store in stores],
                "store_count": len(stores),
                "categories": [category.pk for category in categories],
                "category_count": len(categories),
                "nouns": BULK_NOUNS,
                "bare_nouns": [search_normalize(noun) for noun in BULK_NOUNS],
                "noun_count": len(BULK_NOUNS),
                "adjectives": BULK_ADJECTIVES,
                "bare_adjectives": [search_normalize(adjective) for adjective in BULK_ADJECTIVES],
                "adjective_count": len(BULK_ADJECTIVES),
                "bare_number": search_normalize("nº"),
                "bare_description": search_normalize("Artigo de demonstração número"),
                "bare_categories": [search_normalize(category.name) for category in categories],
            },
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
