# Option names and values get the key that filters compare (lowercased, no accents, whitespace
# collapsed: domain/catalog/search.search_normalize), unique per product and per option. Options
# made before it (none in a catalogue that has only default variants) get theirs here.

from django.db import migrations, models

from domain.catalog.search import search_normalize


def keys_fill(apps, schema_editor):
    for model_name, column in (("ProductOption", "name"), ("ProductOptionValue", "value")):
        model = apps.get_model("catalog", model_name)
        rows = list(model.objects.only(column))
        for row in rows:
            row.key = search_normalize(getattr(row, column))
        model.objects.bulk_update(rows, ["key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_product_price_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="productoption",
            name="key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="productoptionvalue",
            name="key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="productoption",
            index=models.Index(fields=["key"], name="product_option_key_idx"),
        ),
        migrations.AddIndex(
            model_name="productoptionvalue",
            index=models.Index(fields=["key"], name="product_option_value_key_idx"),
        ),
        migrations.AddConstraint(
            model_name="productoption",
            constraint=models.UniqueConstraint(fields=("product", "key"), name="product_option_unique_key"),
        ),
        migrations.AddConstraint(
            model_name="productoptionvalue",
            constraint=models.UniqueConstraint(
                fields=("option", "key"), name="product_option_value_unique_key"
            ),
        ),
    ]
