# max_price, filled by catalog 0004, becomes required, at or above the price.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_default_variants"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="max_price",
            field=models.DecimalField(decimal_places=2, max_digits=12),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_price__gte", models.F("price"))), name="product_price_range"
            ),
        ),
    ]
