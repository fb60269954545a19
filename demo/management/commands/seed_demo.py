"""Demo data worth exploring, made through the domain services so it obeys the business rules.

    manage.py seed_demo                   # the demo: roles, stores, ~60 products, orders, reviews
    manage.py seed_demo --products 10000  # and enough bulk products for benchmarks

Running it again changes nothing: every user, store, product, order, review and wishlist item is
looked up first and made only when missing, and the bulk products top the catalogue up to N. It
prints a short summary only: the e-mails the demo's made-up addresses would get are dropped, and the
background tasks' INFO lines are not shown.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import accounts, catalogue, data, orders
from demo.delivery import delivery
from demo.promotions import promotions
from demo.summary import heading, summary
from domain.accounts.models import UserType
from domain.catalog.models import Product

QUIET_LOGGERS = ("celery", "kombu")  # a line per task run, kombu's in-memory broker warning


class Command(BaseCommand):
    help = (
        "Create the demo (password kitanda-demo-2026): an admin, sellers with stores and logos, ~60 "
        "products with images, buyers with orders in every status, reviews and wishlists. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="top the catalogue up to N products with bulk writes (for benchmarks)",
        )

    def handle(self, *args, products: int = 0, **options):
        with quiet(), transaction.atomic():
            admin = accounts.admin()
            accounts.user(*data.PENDING_SELLER, user_type=UserType.SELLER)
            categories = {name: catalogue.category(name, text) for name, text in data.CATEGORIES}
            stores = []
            for spec in data.STORES:
                store = accounts.store_of(accounts.user(*spec["seller"], user_type=UserType.SELLER), spec)
                catalogue.stock(store, spec, categories)
                stores.append(store)
            buyers = {spec[0]: accounts.user(*spec, user_type=UserType.BUYER) for spec in data.BUYERS}
            products_by_name = {product.name: product for product in Product.objects.filter(store__in=stores)}
            orders.orders(buyers, stores, products_by_name)
            orders.wishlists(buyers, products_by_name)
            delivery(stores)  # demo/delivery.py: zones and methods, one store with pickup only
            promotions(admin, stores)  # demo/promotions.py: a sale in one store, the platform's KITANDA10
        if products and not catalogue.bulk_products(products, stores, list(categories.values()), self.stdout):
            self.stdout.write(f"The catalogue already holds {products} products or more.")
        self.stdout.write(self.style.SUCCESS(heading()))
        for line in summary(admin, stores, buyers["demo-buyer"]):
            self.stdout.write(line)


@contextmanager
def quiet():
    """While seeding, e-mails go nowhere (the demo's addresses are made up: console or SMTP alike) and
    the task loggers show errors only, so the summary is what a terminal shows."""
    backend = settings.EMAIL_BACKEND
    loggers = {name: logging.getLogger(name) for name in QUIET_LOGGERS}
    levels = {name: logger.level for name, logger in loggers.items()}
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    for logger in loggers.values():
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend
        for name, logger in loggers.items():
            logger.setLevel(levels[name])
