"""manage.py seed_demo: demo data worth exploring, made through the services, idempotent; --products N
tops the catalogue up with bulk writes."""

from __future__ import annotations

import ast
import io
import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from demo import data as seed_demo
from domain.accounts.models import Store, User, UserType
from domain.catalog import selectors
from domain.catalog.models import Category, Product, ProductOption, ProductVariant
from domain.catalog.search import search_text_for
from domain.orders.models import Order, OrderStatus, PaymentMethod, PaymentStatus
from domain.reviews.models import Review
from domain.wishlist.models import WishlistItem

pytestmark = pytest.mark.django_db


def every_row() -> dict[str, list[tuple]]:
    """Every column of every row of the project's own models (timestamps included)."""
    rows = {}
    for model in apps.get_models():
        if model.__module__.startswith("domain."):
            fields = [field.attname for field in model._meta.concrete_fields]
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_shows_every_role_status_and_feature_a_second_run_changes_nothing_and_n_products_scale_it(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the refund of the cancelled order
        printed = seed()
    first = every_row()
    assert seed() == printed
    assert every_row() == first

    assert User.objects.get(username="demo-admin").is_marketplace_admin
    pending = User.objects.get(username="demo-pending-seller")
    assert pending.user_type == UserType.SELLER and not pending.is_approved_seller
    stores = Store.objects.filter(is_active=True).select_related("seller")
    assert len(stores) == 5
    assert all(store.seller.can_sell and store.logo for store in stores)
    assert {category.name for category in Category.objects.all()} >= {"Alimentação", "Casa e Decoração"}

    products = Product.objects.all()
    assert 55 <= len(products) <= 70
    assert all(product.image and product.thumbnail for product in products)
    assert (settings.MEDIA_ROOT / products[0].thumbnail.name).is_file()
    for store in stores:  # as the README says: 12 each, one out of stock, one hidden
        own = products.filter(store=store)
        assert len(own) == 12
        assert own.filter(is_active=False).count() == 1, store.name
        assert own.filter(is_active=True, stock_quantity=0).count() == 1, store.name
    assert selectors.product_search(search="cafe moido").get().slug == "cafe-do-amboim-500-g"
    sizes_and_colours(products)
    promotions_running(printed)

    ana = Order.objects.filter(buyer__username="demo-buyer")
    assert set(ana.values_list("status", flat=True)) == set(OrderStatus.values)
    waiting = ana.select_related("payment").get(status=OrderStatus.PENDING)
    assert (
        waiting.payment.method == PaymentMethod.REFERENCE and waiting.payment.status == PaymentStatus.PENDING
    )
    assert waiting.payment.reference_number in printed and waiting.order_number in printed
    assert ana.get(status=OrderStatus.CANCELLED).payment_status == PaymentStatus.REFUNDED

    assert Review.objects.count() >= 15
    rated = products.filter(rating_count__gt=1).first()
    assert rated is not None and 1 <= rated.rating_average <= 5
    assert WishlistItem.objects.filter(user__username="demo-buyer").count() == 4

    for username in ["demo-admin", "demo-seller", "demo-pending-seller", "demo-buyer"]:
        assert username in printed
    assert seed_demo.DEMO_PASSWORD in printed
    assert printed.count("query {") == 3

    # --products N tops the catalogue up with bulk inserts, searchable like the others.
    seed("--products", "150")
    assert Product.objects.count() == 150
    bulk = Product.objects.filter(slug__startswith="lote-")
    assert bulk.count() == 150 - len([p for store in seed_demo.STORES for p in store["products"]])
    sample = bulk.select_related("category").first()
    assert sample.search_text == search_text_for(
        name=sample.name, description=sample.description, category_name=sample.category.name
    )
    word = sample.name.split()[0]
    assert selectors.product_search(search=word.lower()).filter(pk=sample.pk).exists()
    # Each with its default variant, of its price and stock: every product sells through variants.
    defaults = ProductVariant.objects.filter(product__in=bulk)
    assert sorted(
        defaults.values_list("product_id", "price", "stock_quantity", "is_default", "is_active")
    ) == sorted(
        (pk, price, stock, True, True)
        for pk, price, stock in bulk.values_list("pk", "price", "stock_quantity")
    )
    assert all(product.max_price == product.price for product in bulk)

    before = every_row()
    seed("--products", "150")
    assert every_row() == before
    seed("--products", "160")
    assert Product.objects.count() == 160


def sizes_and_colours(products) -> None:
    """The fashion and shoe products of data.VARIANTS sell in sizes and colours, a few sizes out of
    stock; every other product has its one default variant."""
    assert not ProductVariant.objects.filter(product__name__in=seed_demo.VARIANTS, is_default=True).exists()
    for name, (groups, out_of_stock, stock) in seed_demo.VARIANTS.items():
        product = products.get(name=name)
        variants = list(product.variants.prefetch_related("option_values__option"))
        assert len(variants) == math.prod(len(values) for _, values in groups), name
        assert [option.name for option in ProductOption.objects.filter(product=product)] == [
            n for n, _ in groups
        ]
        for variant in variants:
            chosen = [
                value.value for value in sorted(variant.option_values.all(), key=lambda v: v.option.position)
            ]
            assert variant.name == " / ".join(chosen) and variant.sku
            assert variant.stock_quantity == (0 if set(chosen) & out_of_stock else stock), variant.name
        assert product.stock_quantity == sum(variant.stock_quantity for variant in variants)
        assert product.price == min(variant.price for variant in variants)
    shoes = products.get(name="Sapatilhas Maianga")
    assert shoes.variants.get(name="40 / Preto").stock_quantity > 0
    assert shoes.variants.get(name="44 / Branco").stock_quantity == 0
    others = products.exclude(name__in=seed_demo.VARIANTS)
    assert ProductVariant.objects.filter(product__in=others, is_default=True).count() == others.count()


def promotions_running(printed: str) -> None:
    """demo/promotions.py: a sale running in one store (the prices moved, the old ones as compare-at
    prices) and the platform's coupon, both in the summary."""
    from demo import promotions as demo
    from domain.promotions.models import Coupon, Sale, SaleState

    sale = Sale.objects.get()
    assert (sale.store.name, sale.state, sale.items.count()) == (demo.SALE_STORE, SaleState.RUNNING, 3)
    for name in demo.SALE_PRODUCTS:
        variant = ProductVariant.objects.get(product__name=name)
        assert variant.price == (variant.compare_at_price * Decimal("0.8")).quantize(Decimal("0.01")), name
        assert Product.objects.get(name=name).price == variant.price
    coupon = Coupon.objects.get()
    assert (coupon.code, coupon.store_id, coupon.value, coupon.is_active) == ("KITANDA10", None, 10, True)
    assert f'sale:           "{demo.SALE_NAME}" in {demo.SALE_STORE}, 20 % off 3 products' in printed
    assert "coupon:         KITANDA10 (10 % off" in printed and 'applyCoupon(code: "KITANDA10")' in printed


def test_the_readme_shows_the_printed_example_queries_and_accounts():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    try_it = readme[readme.index("## Try it") : readme.index("## Layout")]
    for _, query in seed_demo.EXAMPLE_QUERIES:
        assert f"\n{query}\n" in try_it
    usernames = [spec["seller"][0] for spec in seed_demo.STORES] + [
        username for username, *_ in seed_demo.BUYERS
    ]
    for username in [seed_demo.ADMIN[0], seed_demo.PENDING_SELLER[0], *usernames]:
        assert f"`{username}`" in try_it
    assert seed_demo.DEMO_PASSWORD in try_it


def test_seed_demo_prints_a_short_summary_and_reprints_the_reference_on_a_later_run(tmp_path):
    """Run as `make run` runs it (console e-mail, eager tasks, their INFO logs): the terminal shows the
    summary alone, not the e-mails and task lines of every order."""
    root = Path(__file__).resolve().parent.parent
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST", "EMAIL_BACKEND"}
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}

    def run(*command: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    run("migrate", "-v0")
    first = run("seed_demo")
    assert "Subject:" not in first and "celery" not in first
    assert len(first.splitlines()) <= 20, first
    reference = next(line for line in first.splitlines() if "awaits payment by reference" in line)
    assert "reference 0" in reference and "entity 11223" in reference
    assert run("seed_demo") == first  # the same summary, the reference again


def test_the_demo_sits_above_the_domain_and_the_api():
    """Only the demo app composes every area: nothing in domain/, graph/ or backend/ imports it."""
    root = Path(__file__).resolve().parent.parent
    importing = []
    for package in ("domain", "graph", "backend"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                if any(name == "demo" or name.startswith("demo.") for name in names):
                    importing.append(str(path.relative_to(root)))
    assert importing == []
    assert not (root / "domain" / "catalog" / "management").exists()
    assert max(len(path.read_text().splitlines()) for path in (root / "demo").rglob("*.py")) <= 400
