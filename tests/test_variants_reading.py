"""Variants, the reading side: Product.variants, options, priceRange, inStock; the catalogue's filters
by option value, stock and price over variants (the same variant for all); who sees inactive
variants; query counts constant in the page size; a product of 2,048 variants paged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog import services
from domain.catalog.models import MAX_VARIANTS, ProductVariant, VariantOptionValue
from domain.catalog.services import OptionSetting

from .factories import make_category
from .helpers import add_product, gid

pytestmark = pytest.mark.django_db

VARIANTS = """query($slug: String!, $first: Int, $after: String) { product(slug: $slug) {
  price stockQuantity inStock priceRange { min max }
  options { name position values { value } }
  variants(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id sku name price compareAtPrice stockQuantity inStock isActive isDefault imageUrl
      options { name value } } } } } }"""

FILTER = """query($options: [OptionFilter!], $inStock: Boolean, $minPrice: Decimal, $maxPrice: Decimal,
  $search: String) {
  products(options: $options, inStock: $inStock, minPrice: $minPrice, maxPrice: $maxPrice, search: $search,
    first: 50) { totalCount edges { node { slug } } } }"""


def shoe(seller, name, sizes: dict[str, tuple[str, int]], *, colour=None, category=None):
    """A product with a "Tamanho" group (and a "Cor" of one value when `colour`): each size at
    (price, stock)."""
    product = add_product(seller, name=name, price="1.00", stock=0, category=category)
    groups = [OptionSetting(name="Tamanho", values=list(sizes))]
    if colour:
        groups.append(OptionSetting(name="Cor", values=[colour]))
    services.product_options_set(seller=seller, product_id=product.pk, options=groups)
    default = ProductVariant.objects.get(product=product)
    first, *others = sizes.items()
    services.product_variant_update(
        seller=seller, variant_id=default.pk, price=Decimal(first[1][0]), stock_quantity=first[1][1]
    )
    for size, (price, stock) in others:
        chosen = [("Tamanho", size)] + ([("Cor", colour)] if colour else [])
        services.product_variant_create(
            seller=seller,
            product_id=product.pk,
            price=Decimal(price),
            stock_quantity=stock,
            options=chosen,
            sku=f"{name[:3].upper()}-{size}" if len(name) < 8 else f"P{product.pk}-{size}",
        )
    product.refresh_from_db()
    return product


def found(gql, user=None, **variables) -> list[str]:
    data = gql.ok(FILTER, variables, user=user)["products"]
    assert data["totalCount"] == len(data["edges"])
    return sorted(edge["node"]["slug"] for edge in data["edges"])


@pytest.fixture
def shoes(seller):
    category = make_category(name="Calçado")
    return {
        # 42 exists but is out of stock
        "kianda": shoe(seller, "Kianda", {"40": ("100.00", 3), "42": ("120.00", 0)}, category=category),
        # 42 in stock, at a higher price
        "semba": shoe(seller, "Semba", {"41": ("80.00", 1), "42": ("150.00", 2)}, category=category),
        # no 42
        "ngola": shoe(seller, "Ngola", {"38": ("90.00", 5)}, category=category),
        # a product without options
        "meias": add_product(seller, name="Meias", price="130.00", stock=4, category=category),
    }


def test_a_product_shows_its_variants_options_and_price_range(gql, shoes):
    product = shoes["semba"]
    data = gql.ok(VARIANTS, {"slug": product.slug})["product"]
    assert (data["price"], data["stockQuantity"], data["inStock"]) == ("80.00", 3, True)
    assert data["priceRange"] == {"min": "80.00", "max": "150.00"}
    assert data["options"] == [
        {"name": "Tamanho", "position": 0, "values": [{"value": "41"}, {"value": "42"}]}
    ]
    nodes = [edge["node"] for edge in data["variants"]["edges"]]
    assert [(n["name"], n["sku"], n["price"], n["stockQuantity"], n["isDefault"]) for n in nodes] == [
        ("41", "", "80.00", 1, False),  # the former default variant, with no SKU
        ("42", "SEM-42", "150.00", 2, False),
    ]
    assert nodes[1]["options"] == [{"name": "Tamanho", "value": "42"}]
    assert nodes[1]["id"] == gid("ProductVariant", ProductVariant.objects.get(sku="SEM-42").pk)


def test_a_product_without_options_has_its_default_variant(gql, shoes):
    data = gql.ok(VARIANTS, {"slug": shoes["meias"].slug})["product"]
    assert data["options"] == []
    assert data["priceRange"] == {"min": "130.00", "max": "130.00"}
    (node,) = [edge["node"] for edge in data["variants"]["edges"]]
    assert (node["isDefault"], node["name"], node["options"], node["price"], node["stockQuantity"]) == (
        True,
        "",
        [],
        "130.00",
        4,
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"options": [{"name": "Tamanho", "value": "42"}]}, ["kianda", "semba"]),
        # "Tamanho 42 in stock": only the product whose 42 has stock
        ({"options": [{"name": "Tamanho", "value": "42"}], "inStock": True}, ["semba"]),
        ({"options": [{"name": "Tamanho", "value": "42"}], "inStock": False}, ["kianda"]),
        # names and values: any case, accents, surrounding spaces
        ({"options": [{"name": " TAMANHO ", "value": " 42"}], "inStock": True}, ["semba"]),
        ({"options": [{"name": "cor", "value": "PRETO"}]}, []),
        ({"options": [{"name": "Tamanho", "value": "43"}]}, []),
        # the same variant matches every filter: semba's 42 is in stock but costs 150
        ({"options": [{"name": "Tamanho", "value": "42"}], "inStock": True, "maxPrice": "140"}, []),
        ({"options": [{"name": "Tamanho", "value": "42"}], "minPrice": "110", "maxPrice": "130"}, ["kianda"]),
        # price range over variants: a product matches when one active variant is in range
        ({"minPrice": "140"}, ["semba"]),
        ({"maxPrice": "85"}, ["semba"]),
        ({"minPrice": "110", "maxPrice": "135"}, ["kianda", "meias"]),  # semba straddles it: 80 and 150
        ({"minPrice": "85", "maxPrice": "95"}, ["ngola"]),
        # in stock and price range: the same variant (kianda's 120 is out of stock)
        ({"minPrice": "110", "maxPrice": "135", "inStock": True}, ["meias"]),
        ({"inStock": True}, ["kianda", "meias", "ngola", "semba"]),
        # combined with a search
        ({"search": "kianda", "options": [{"name": "tamanho", "value": "40"}]}, ["kianda"]),
    ],
)
def test_filters_by_option_stock_and_price_match_one_variant(gql, shoes, variables, expected):
    assert found(gql, **variables) == sorted(shoes[name].slug for name in expected)


def test_inactive_variants_are_hidden_from_the_public_and_left_out_of_the_filters(gql, seller, buyer, shoes):
    product = shoes["semba"]
    variant = ProductVariant.objects.get(sku="SEM-42")
    services.product_variant_update(seller=seller, variant_id=variant.pk, is_active=False)
    for viewer in (None, buyer):
        data = gql.ok(VARIANTS, {"slug": product.slug}, user=viewer)["product"]
        assert [e["node"]["name"] for e in data["variants"]["edges"]] == ["41"]
        assert data["variants"]["totalCount"] == 1
    assert (data["stockQuantity"], data["priceRange"]) == (1, {"min": "80.00", "max": "80.00"})
    # The owner sees every variant, the inactive one too.
    owner = gql.ok(VARIANTS, {"slug": product.slug}, user=seller)["product"]["variants"]["edges"]
    assert [(e["node"]["name"], e["node"]["isActive"]) for e in owner] == [("41", True), ("42", False)]
    assert found(gql, options=[{"name": "Tamanho", "value": "42"}], inStock=True) == []
    assert found(gql, minPrice="140") == []


def test_option_filters_are_checked(gql, shoes):
    many = [{"name": f"G{n}", "value": "x"} for n in range(4)]
    result = gql(FILTER, {"options": many})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = gql(FILTER, {"options": [{"name": "Tamanho", "value": "4" * 51}]})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# ---------------------------------------------------------------- query counts


def a_shelf_of_shoes(seller, count: int) -> None:
    """`count` products of 3 sizes each, made in bulk."""
    category = make_category()
    for n in range(count):
        shoe(
            seller,
            f"Sapato {n}",
            {"40": ("10.00", 1), "41": ("11.00", 0), "42": ("12.00", 2)},
            category=category,
        )


LIST_WITH_VARIANTS = """query($first: Int, $options: [OptionFilter!]) {
  products(first: $first, options: $options, inStock: true) { totalCount edges { node { slug price
    priceRange { min max } options { name values { value } }
    variants(first: 10) { totalCount edges { node { id name price inStock options { name value } } } } } } } }"""


@pytest.mark.parametrize("count", [3, 12])
def test_a_list_with_variants_and_options_has_a_constant_query_count(
    gql, seller, django_assert_num_queries, count
):
    a_shelf_of_shoes(seller, count)
    # The page, the options, their values, the variants (a window per product, with their
    # totals), the variants' values with their groups, then the page's capped total.
    with django_assert_num_queries(6):
        data = gql.ok(LIST_WITH_VARIANTS, {"first": count, "options": [{"name": "Tamanho", "value": "42"}]})
    edges = data["products"]["edges"]
    assert len(edges) == count
    assert all(e["node"]["variants"]["totalCount"] == 3 for e in edges)
    assert edges[0]["node"]["variants"]["edges"][2]["node"]["options"] == [{"name": "Tamanho", "value": "42"}]


@pytest.mark.parametrize("count", [3, 12])
def test_the_owners_list_with_variants_has_a_constant_query_count(
    gql, seller, django_assert_num_queries, count
):
    a_shelf_of_shoes(seller, count)
    query = """query($first: Int) { storeProducts(first: $first) { edges { node { slug
      variants(first: 5) { totalCount edges { node { sku isActive stockQuantity } } } } } } }"""
    with django_assert_num_queries(3):  # the user, the page with its total, the variants
        edges = gql.ok(query, {"first": count}, user=seller)["storeProducts"]["edges"]
    assert len(edges) == count


def test_a_product_of_2048_variants_pages_them_with_a_bounded_number_of_queries(
    gql, seller, django_assert_num_queries
):
    product = add_product(seller, name="Capulana", price="10.00", stock=0)
    sizes = [f"T{n}" for n in range(64)]
    colours = [f"Cor {n}" for n in range(32)]
    services.product_options_set(
        seller=seller,
        product_id=product.pk,
        options=[OptionSetting(name="Tamanho", values=sizes), OptionSetting(name="Cor", values=colours)],
    )
    # The default variant became T0 / Cor 0; the other 2,047 combinations in bulk.
    options = {o.name: {v.value: v for v in o.values.all()} for o in product.options.all()}
    rows = [
        ProductVariant(
            product=product,
            store_id=product.store_id,
            sku=f"CAP-{i}-{j}",
            name=f"{size} / {colour}",
            price=Decimal("10.00") + i,
            stock_quantity=j,
            position=i * 32 + j,
        )
        for i, size in enumerate(sizes)
        for j, colour in enumerate(colours)
        if (i, j) != (0, 0)
    ]
    ProductVariant.objects.bulk_create(rows)
    choices = []
    for variant in ProductVariant.objects.filter(product=product, sku__startswith="CAP-"):
        size, colour = variant.name.split(" / ")
        for name, value in (("Tamanho", size), ("Cor", colour)):
            chosen = options[name][value]
            choices.append(VariantOptionValue(variant=variant, option_id=chosen.option_id, value=chosen))
    VariantOptionValue.objects.bulk_create(choices)
    assert ProductVariant.objects.filter(product=product).count() == MAX_VARIANTS
    seen, after, pages = [], None, 0
    while True:
        # The product, its options, their values, one page of variants with the total, their values.
        with django_assert_num_queries(5):
            data = gql.ok(VARIANTS, {"slug": product.slug, "first": 100, "after": after})["product"][
                "variants"
            ]
        pages += 1
        seen += [edge["node"]["name"] for edge in data["edges"]]
        assert data["totalCount"] == MAX_VARIANTS
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert (pages, len(seen), len(set(seen))) == (21, MAX_VARIANTS, MAX_VARIANTS)
    assert seen[1] == "T0 / Cor 1"
