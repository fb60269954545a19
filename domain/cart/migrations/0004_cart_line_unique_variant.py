# A cart line's variant becomes required, and a cart holds one line per variant (no longer per
# product: two sizes of one shoe are two lines).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0003_cart_line_default_variant"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="cartitem",
            name="cart_item_unique_product",
        ),
        migrations.AlterField(
            model_name="cartitem",
            name="variant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.productvariant"
            ),
        ),
        migrations.AddConstraint(
            model_name="cartitem",
            constraint=models.UniqueConstraint(fields=("cart", "variant"), name="cart_item_unique_variant"),
        ),
    ]
