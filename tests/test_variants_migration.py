"""The migration to variants on a populated database: from catalog 0002 / cart 0001 / orders 0007
(products with price and stock, a cart line, an order line) forward to the latest, where every
product has its default variant carrying its price and stock, the cart and order lines refer to
it; then back again. SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("catalog", "0002_product_search_text"),
    ("cart", "0001_initial"),
    ("orders", "0007_charge_attempts"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # Every applied migration of every app (accounts is at its latest, not at catalog's needs).
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] in {"catalog", "cart", "orders"}]


def test_every_product_gets_its_default_variant_with_its_price_and_stock_and_back():
    leaves = latest()
    try:
        old = migrate(BEFORE)
        User = old.get_model("accounts", "User")
        Store = old.get_model("accounts", "Store")
        Category = old.get_model("catalog", "Category")
        Product = old.get_model("catalog", "Product")
        Cart = old.get_model("cart", "Cart")
        CartItem = old.get_model("cart", "CartItem")
        Order = old.get_model("orders", "Order")
        OrderItem = old.get_model("orders", "OrderItem")
        seller = User.objects.create(
            username="vendedora",
            email="v@example.ao",
            user_type="seller",
            first_name="Ana",
            last_name="Lopes",
        )
        buyer = User.objects.create(
            username="comprador", email="c@example.ao", user_type="buyer", first_name="Rui", last_name="Neto"
        )
        store = Store.objects.create(seller=seller, name="Loja", slug="loja")
        category = Category.objects.create(name="Calçado", slug="calcado")
        made = {}
        for n, (price, stock) in enumerate([("100.00", 3), ("2500.50", 0), ("9.99", 120)]):
            made[n] = Product.objects.create(
                store=store,
                category=category,
                name=f"Produto {n}",
                slug=f"produto-{n}",
                price=Decimal(price),
                stock_quantity=stock,
            )
        cart = Cart.objects.create(user=buyer)
        CartItem.objects.create(cart=cart, product=made[0], quantity=2)
        order_fields = {f.name for f in Order._meta.get_fields()}
        order = Order.objects.create(
            **{
                key: value
                for key, value in {
                    "order_number": "KT-TEST-00001",
                    "checkout": old.get_model("orders", "Checkout").objects.create(buyer=buyer),
                    "buyer": buyer,
                    "store": store,
                    "total_amount": Decimal("100.00"),
                    "shipping_address": "Rua 1",
                    "contact_phone": "+244923456789",
                }.items()
                if key in order_fields
            }
        )
        item_fields = {f.name for f in OrderItem._meta.get_fields()}
        OrderItem.objects.create(
            **{
                key: value
                for key, value in {
                    "order": order,
                    "product": made[0],
                    "product_name": "Produto 0",
                    "price": Decimal("100.00"),
                    "quantity": 1,
                }.items()
                if key in item_fields
            }
        )

        new = migrate(leaves)
        Variant = new.get_model("catalog", "ProductVariant")
        Product = new.get_model("catalog", "Product")
        variants = {
            v.product_id: (str(v.price), v.stock_quantity, v.is_default, v.is_active, v.sku, v.store_id)
            for v in Variant.objects.all()
        }
        assert variants == {
            made[0].pk: ("100.00", 3, True, True, "", store.pk),
            made[1].pk: ("2500.50", 0, True, True, "", store.pk),
            made[2].pk: ("9.99", 120, True, True, "", store.pk),
        }
        assert sorted((str(p.price), str(p.max_price), p.stock_quantity) for p in Product.objects.all()) == [
            ("100.00", "100.00", 3),
            ("2500.50", "2500.50", 0),
            ("9.99", "9.99", 120),
        ]
        default_0 = Variant.objects.get(product_id=made[0].pk).pk
        assert list(new.get_model("cart", "CartItem").objects.values_list("variant_id", "quantity")) == [
            (default_0, 2)
        ]
        assert list(new.get_model("orders", "OrderItem").objects.values_list("variant_id", flat=True)) == [
            default_0
        ]

        back = migrate(BEFORE)
        assert back.get_model("cart", "CartItem").objects.count() == 1
        assert sorted(
            (str(p.price), p.stock_quantity) for p in back.get_model("catalog", "Product").objects.all()
        ) == [("100.00", 3), ("2500.50", 0), ("9.99", 120)]
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "catalog_productvariant" not in tables
    finally:
        migrate(leaves)
