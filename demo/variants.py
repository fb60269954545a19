"""The demo's sizes and colours (data.VARIANTS): the fashion and shoe products sell through one
variant per combination of their options, a few sizes out of stock. Made in bulk right after the
product, replacing the default variant product_create gave it (never ordered: it is a minute old),
then the product's price range and total stock are recomputed as the catalogue services do."""

from __future__ import annotations

from itertools import product as combinations

from domain.catalog.models import (
    Product,
    ProductOption,
    ProductOptionValue,
    ProductVariant,
    VariantOptionValue,
)
from domain.catalog.search import search_normalize
from domain.catalog.variants import product_totals_refresh


def _keyed(model, **fields):
    """A row of an option or option value with its key, the name or value as filters compare it."""
    return model(key=search_normalize(fields.get("name") or fields["value"]), **fields)


def variants_give(product: Product, spec: tuple[list[tuple[str, list[str]]], set[str], int]) -> None:
    """Options, values and one variant per combination; a combination with a value of `out_of_stock`
    has no stock, the others `stock` each."""
    groups, out_of_stock, stock = spec
    ProductVariant.objects.filter(product=product, is_default=True).delete()
    options = ProductOption.objects.bulk_create(
        [_keyed(ProductOption, product=product, name=name, position=i) for i, (name, _) in enumerate(groups)]
    )
    values = ProductOptionValue.objects.bulk_create(
        [
            _keyed(ProductOptionValue, option=option, value=value, position=j)
            for option, (_, names) in zip(options, groups, strict=True)
            for j, value in enumerate(names)
        ]
    )
    by_option = [[value for value in values if value.option_id == option.pk] for option in options]
    prefix = "".join(word[0] for word in product.name.split()[:2]).upper()
    combos = list(combinations(*by_option))
    variants = ProductVariant.objects.bulk_create(
        [
            ProductVariant(
                product=product,
                store_id=product.store_id,
                sku="-".join([prefix, *(search_normalize(value.value)[:3].upper() for value in combo)]),
                name=" / ".join(value.value for value in combo),
                price=product.price,
                stock_quantity=0 if any(value.value in out_of_stock for value in combo) else stock,
                position=position,
            )
            for position, combo in enumerate(combos)
        ]
    )
    VariantOptionValue.objects.bulk_create(
        [
            VariantOptionValue(variant=variant, option_id=value.option_id, value=value)
            for variant, combo in zip(variants, combos, strict=True)
            for value in combo
        ]
    )
    product_totals_refresh(product_ids=[product.pk])
