"""The skeleton: database constraints, settings from the environment, /health/, GraphiQL, schema drift."""

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.utils import OperationalError

from domain.accounts.models import Store, User, UserType
from domain.cart.models import Cart
from domain.catalog.models import Product
from domain.reviews.models import Review
from domain.wishlist.models import WishlistItem

from .factories import make_category, make_product, make_seller, make_store, make_user
from .helpers import cart_line
from .test_production import COMPLETE as COMPLETE_PRODUCTION

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


# ---------------------------------------------------------------- constraints in the database


def test_negative_stock_is_refused_by_the_database():
    product = make_product(stock_quantity=1)
    assert violates(lambda: Product.objects.filter(pk=product.pk).update(stock_quantity=-1))
    product.refresh_from_db()
    assert product.stock_quantity == 1


@pytest.mark.parametrize("price", ["0", "-5.00"])
def test_price_must_be_positive(price):
    store, category = make_store(), make_category()
    assert violates(
        lambda: Product.objects.create(
            store=store, category=category, name="X", slug="x", price=Decimal(price), stock_quantity=1
        )
    )
    assert not Product.objects.filter(slug="x").exists()


def test_in_stock_is_derived_from_stock():
    product = make_product(stock_quantity=2)
    assert product.in_stock is True
    Product.objects.filter(pk=product.pk).update(stock_quantity=0)
    product.refresh_from_db()
    assert product.in_stock is False


def test_one_review_per_product_and_user():
    product, user = make_product(), make_user()
    Review.objects.create(product=product, user=user, rating=5)
    assert violates(lambda: Review.objects.create(product=product, user=user, rating=4))
    assert Review.objects.count() == 1


@pytest.mark.parametrize("rating", [0, 6])
def test_review_rating_between_1_and_5(rating):
    product, user = make_product(), make_user()
    assert violates(lambda: Review.objects.create(product=product, user=user, rating=rating))


def test_one_store_per_seller():
    seller = make_seller()
    assert violates(lambda: Store.objects.create(seller=seller, name="Outra", slug="outra"))
    assert Store.objects.filter(seller=seller).count() == 1


def test_email_is_unique_whatever_its_case():
    make_user(username="ana", email="Ana@Example.ao")
    assert violates(lambda: make_user(username="ana2", email="ana@example.AO"))
    assert User.objects.filter(email__iexact="ana@example.ao").count() == 1


def test_first_and_last_name_are_required():
    assert violates(lambda: make_user(first_name=""))
    assert violates(lambda: make_user(last_name=""))


def test_cart_is_either_a_users_or_anonymous_with_a_code():
    user = make_user()
    assert violates(lambda: Cart.objects.create(user=None, cart_code=None))
    assert violates(lambda: Cart.objects.create(user=user, cart_code="abc"))
    cart = Cart.objects.create(user=user)
    product = make_product()
    assert violates(lambda: cart_line(cart, product, 0))


def test_wishlist_keeps_one_item_per_product():
    user, product = make_user(), make_product()
    WishlistItem.objects.create(user=user, product=product)
    assert violates(lambda: WishlistItem.objects.create(user=user, product=product))


def test_createsuperuser_makes_an_admin():
    user = User.objects.create_superuser("boss", "boss@example.ao", "x", first_name="B", last_name="C")
    assert user.user_type == UserType.ADMIN


def test_display_name_is_first_name_and_last_initial():
    assert make_user(first_name="Ana", last_name="santos").display_name == "Ana S."


# ---------------------------------------------------------------- settings from the environment


def run_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "backend.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_sqlite_and_local_memory():
    result = run_settings(
        {},
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['OPTIONS']['transaction_mode'],"
        " settings.CACHES['default']['BACKEND'], settings.DEBUG)",
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "IMMEDIATE",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
    ]


def test_database_and_redis_urls_switch_the_backends():
    result = run_settings(
        {"DATABASE_URL": "postgres://kit:pw@db.internal:5433/shop", "REDIS_URL": "redis://cache:6379/2"},
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'],"
        " settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "5433",
        "shop",
        "django_redis.cache.RedisCache",
        "redis://cache:6379/2",
    ]


def test_allowed_hosts_cors_and_media_root_come_from_the_environment(tmp_path):
    result = run_settings(
        {
            "ALLOWED_HOSTS": "kitanda.ao,api.kitanda.ao",
            "CORS_ALLOWED_ORIGINS": "https://kitanda.ao",
            "MEDIA_ROOT": str(tmp_path),
        },
        "print(','.join(settings.ALLOWED_HOSTS), ','.join(settings.CORS_ALLOWED_ORIGINS), settings.MEDIA_ROOT)",
    )
    assert result.stdout.split() == ["kitanda.ao,api.kitanda.ao", "https://kitanda.ao", str(tmp_path)]


def test_production_without_secret_key_refuses_to_start():
    result = run_settings({"DEBUG": "0"}, "print(settings.SECRET_KEY)")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}} | {
        "DEBUG": "0",
        "SECRET_KEY": "x7#k2!pQ9@zL4$wM8^rT1&vB6*nC3(hJ5)yF0_gD-sA+eU=iOqWeRtYuIoP",
        "ALLOWED_HOSTS": "api.kitanda.ao",
        "PAYMENT_WEBHOOK_SECRET": "whsec-production-value",
        # What production should set (backend/checks.py warns otherwise: tests/test_production.py).
        **COMPLETE_PRODUCTION,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# ---------------------------------------------------------------- HTTP endpoints


def test_health_reports_database_and_cache(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_503_not_ready_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "database": "down", "cache": "ok"}


def test_health_is_503_not_ready_while_the_database_lacks_migrations(client, monkeypatch):
    from backend import checks, views

    monkeypatch.setattr(views, "_MIGRATED", False)
    monkeypatch.setattr(checks, "unapplied_migrations", lambda: ["orders.0099_next"])
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "database": "unmigrated", "cache": "ok"}


def test_health_is_degraded_but_serving_when_the_cache_is_down(client, monkeypatch):
    """Browsing works without Redis (no cache; logins refused): a load balancer keeps the server."""
    from django.core.cache import cache

    def broken_set(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken_set)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_health_is_degraded_but_serving_when_a_replica_is_down(client, monkeypatch, settings):
    from backend import views

    settings.DATABASE_REPLICAS = ["replica1", "replica2"]
    monkeypatch.setattr(views, "replica_reachable", lambda alias: alias == "replica2")
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "replicas": {"replica1": "down", "replica2": "ok"},
    }


def test_graphiql_is_served_to_a_browser_without_internet(client):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kitanda GraphiQL" in page
    assert "https://" not in page  # every asset comes from this server
    assets = re.findall(r'(?:src|href)="(/static/graphiql/[^"]+)"', page)
    assert len(assets) == 6
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert int(served.headers["Content-Length"]) > 500, asset


def test_json_clients_get_json(gql):
    assert gql.ok("{ __typename }") == {"__typename": "Query"}


def test_schema_file_is_not_stale():
    from strawberry.printer import print_schema

    from graph.schema import schema

    committed = (ROOT / "schema.graphql").read_text().rstrip("\n")
    assert committed == print_schema(schema).rstrip("\n"), (
        "schema.graphql is stale: run `make schema` and commit it"
    )


def test_every_root_field_declares_who_may_call():
    from strawberry.permission import PermissionExtension

    from graph.schema import schema

    for root in (schema.query, schema.mutation):
        if root is None:
            continue
        for field in root.__strawberry_definition__.fields:
            assert any(isinstance(ext, PermissionExtension) for ext in field.extensions), (
                f"{root.__name__}.{field.name} declares no permission"
            )


def test_every_setting_read_from_the_environment_is_documented():
    """The README's configuration table names every variable settings.py reads (the deploy
    environment file points there)."""
    root = Path(settings.BASE_DIR)
    source = (root / "backend" / "settings.py").read_text()
    names = set(re.findall(r'(?:environ\.get|env_\w+)\(\s*"([A-Z][A-Z_0-9]+)"', source))
    readme = (root / "README.md").read_text()
    assert len(names) > 40
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


def test_health_is_degraded_but_serving_when_the_broker_is_down(client, settings):
    """With a broker that cannot be reached, tasks run in the web process: degraded, still serving."""
    import socket

    from backend.celery import app

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_url = saved
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "ok", "broker": "down"}
