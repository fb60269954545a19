# Each cart line refers to its product's default variant (every product has one: catalog 0004). A
# migration of its own: on PostgreSQL a table with pending foreign-key checks cannot be altered in
# the same transaction. Reversed, it leaves the column to cart 0002's reverse.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0002_cart_line_variant"),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
            UPDATE cart_cartitem SET variant_id = (
                SELECT v.id FROM catalog_productvariant v
                WHERE v.product_id = cart_cartitem.product_id AND v.is_default
            )
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
