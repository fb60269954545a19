# Every product gets its default variant (catalog 0003) with its price and stock, and max_price
# starts as the price. Plain SQL (INSERT ... SELECT), valid on SQLite and PostgreSQL, one statement
# however large the catalogue. A migration of its own: on PostgreSQL a table with pending
# foreign-key checks cannot be altered in the same transaction.

from django.db import migrations

# The default variant of a product without options: its price and stock, active, no SKU.
DEFAULT_VARIANTS = """
INSERT INTO catalog_productvariant
    (product_id, store_id, sku, name, price, compare_at_price, stock_quantity, is_active, is_default,
     image, position, created_at, updated_at)
SELECT id, store_id, '', '', price, NULL, stock_quantity, TRUE, TRUE, NULL, 0, created_at, updated_at
FROM catalog_product
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_variants"),
    ]

    operations = [
        migrations.RunSQL(
            sql=["UPDATE catalog_product SET max_price = price", DEFAULT_VARIANTS],
            reverse_sql=["DELETE FROM catalog_productvariant"],
        ),
    ]
