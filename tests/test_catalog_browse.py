"""Catalogue, the shopping side: search, filters, sorting and cursor pages of products, product and
store details, the seller's own product list, and their query counts (no N+1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from domain.accounts.models import Store
from domain.cart.models import Cart
from domain.catalog import selectors, services
from domain.catalog.models import Category, Product
from domain.reviews.models import Review

from .conftest import error_codes
from .factories import make_category, make_product, make_store, make_user
from .helpers import add_product, cart_line, gid

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- browsing


def product_list(gql, user=None, **variables) -> dict:
    result = gql.op("ProductList", variables, user=user)
    assert "errors" not in result, result
    return result["data"]["products"]


def slugs(connection: dict) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


@pytest.fixture
def shelf(seller, other_seller):
    """Six products over two stores and two categories, with distinct prices and ratings."""
    phones = services.category_create(name="Electrónicos")
    food = services.category_create(name="Alimentação")
    now = timezone.now()
    rows = [
        # name, store owner, category, price, stock, rating, description, age in days
        ("Telemóvel Kianda", seller, phones, "185000.00", 3, "4.50", "Ecrã grande", 6),
        ("Auscultadores Semba", seller, phones, "24500.00", 0, None, "Sem fios", 5),
        ("Café do Amboim", seller, food, "3500.00", 10, "4.50", "Torrado e MOÍDO", 4),
        ("Mel de Malanje", other_seller, food, "4200.00", 0, "3.00", "Mel puro", 3),
        ("banana pão", other_seller, food, "500.00", 7, None, "Da Kibala", 2),
        ("Rádio Ngola", other_seller, phones, "9900.00", 1, "5.00", "FM e AM", 1),
    ]
    products = {}
    for name, owner, category, price, stock, rating, description, age in rows:
        products[name] = add_product(
            owner,
            name=name,
            price=price,
            stock=stock,
            category=category,
            description=description,
            rating_average=None if rating is None else Decimal(rating),
            rating_count=0 if rating is None else 2,
            created_at=now - timedelta(days=age),
        )
    return products


def names(shelf: dict, *wanted: str) -> list[str]:
    return [shelf[name].slug for name in wanted]


# The shelf's products, the newest first: the order of a list without a sort.
NEWEST_FIRST = [
    "Rádio Ngola",
    "banana pão",
    "Mel de Malanje",
    "Café do Amboim",
    "Auscultadores Semba",
    "Telemóvel Kianda",
]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("TELEMOVEL", ["Telemóvel Kianda"]),
        ("telemóvel", ["Telemóvel Kianda"]),
        ("kianda tele", ["Telemóvel Kianda"]),
        ("moido", ["Café do Amboim"]),  # description, accent and case differ
        ("ALIMENTAÇÃO", ["banana pão", "Mel de Malanje", "Café do Amboim"]),  # category name
        ("electronicos fm", ["Rádio Ngola"]),
        ("  ", NEWEST_FIRST),
        ("nada disto", []),
    ],
)
def test_search_ignores_case_and_accents(gql, shelf, search, expected):
    found = product_list(gql, search=search)
    assert slugs(found) == names(shelf, *expected)
    assert found["totalCount"] == len(expected)


@pytest.mark.parametrize(
    "search",
    ["'; DROP TABLE catalog_product; --", "%", "_", "\\", "' OR '1'='1", "Kianda%' OR 1=1 --", "a" * 5000],
)
def test_sql_looking_search_is_just_text(gql, shelf, search):
    assert product_list(gql, search=search) == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }
    assert Product.objects.count() == 6


def test_search_wildcards_match_literally(gql, seller):
    percent = add_product(seller, name="Algodão 100%")
    add_product(seller, name="Algodão 1000")
    assert slugs(product_list(gql, search="100%")) == [percent.slug]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"category": "alimentacao"}, ["banana pão", "Mel de Malanje", "Café do Amboim"]),
        ({"store": "STORE_OF_OTHER"}, ["Rádio Ngola", "banana pão", "Mel de Malanje"]),
        ({"minPrice": "9900"}, ["Rádio Ngola", "Auscultadores Semba", "Telemóvel Kianda"]),
        ({"maxPrice": "4200.00"}, ["banana pão", "Mel de Malanje", "Café do Amboim"]),
        ({"inStock": True}, ["Rádio Ngola", "banana pão", "Café do Amboim", "Telemóvel Kianda"]),
        ({"inStock": False}, ["Mel de Malanje", "Auscultadores Semba"]),
        ({"category": "electronicos", "inStock": True, "maxPrice": "10000"}, ["Rádio Ngola"]),
        (
            {"store": "STORE_OF_SELLER", "minPrice": "3500", "maxPrice": "24500", "sort": "PRICE_DESC"},
            ["Auscultadores Semba", "Café do Amboim"],
        ),
        ({"search": "mel", "store": "STORE_OF_OTHER", "inStock": False}, ["Mel de Malanje"]),
        ({"category": "no-such-category"}, []),
        ({"minPrice": "5000", "maxPrice": "1000"}, []),
    ],
)
def test_filters_alone_and_combined(gql, shelf, seller, other_seller, variables, expected):
    stores = {"STORE_OF_SELLER": seller.store.slug, "STORE_OF_OTHER": other_seller.store.slug}
    variables = {key: stores.get(value, value) for key, value in variables.items()}
    found = product_list(gql, **variables)
    assert slugs(found) == names(shelf, *expected)
    assert found["totalCount"] == len(expected)


SORTED = {
    None: NEWEST_FIRST,
    "NEWEST": NEWEST_FIRST,
    "PRICE_ASC": [
        "banana pão",
        "Café do Amboim",
        "Mel de Malanje",
        "Rádio Ngola",
        "Auscultadores Semba",
        "Telemóvel Kianda",
    ],
    "PRICE_DESC": [
        "Telemóvel Kianda",
        "Auscultadores Semba",
        "Rádio Ngola",
        "Mel de Malanje",
        "Café do Amboim",
        "banana pão",
    ],
    "NAME": [
        "Auscultadores Semba",
        "banana pão",
        "Café do Amboim",
        "Mel de Malanje",
        "Rádio Ngola",
        "Telemóvel Kianda",
    ],
    # Equal ratings (4.50 twice): the newer first, since the tie-breaker is the id.
    "RATING": [
        "Rádio Ngola",
        "Café do Amboim",
        "Telemóvel Kianda",
        "Mel de Malanje",
        "banana pão",
        "Auscultadores Semba",
    ],
}


@pytest.mark.parametrize("sort", list(SORTED))
def test_each_sort(gql, shelf, sort):
    assert slugs(product_list(gql, sort=sort)) == names(shelf, *SORTED[sort])


def test_sort_and_filter_combined(gql, shelf):
    found = product_list(gql, sort="RATING", category="electronicos", inStock=True)
    assert slugs(found) == names(shelf, "Rádio Ngola", "Telemóvel Kianda")


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME", "RATING"])
def test_pages_have_no_overlap_and_no_gap(gql, seller, sort):
    category = make_category()
    created_at = timezone.now()
    # Many equal prices, names, ratings and creation times: only the tie-breaker orders them.
    for n in range(23):
        add_product(
            seller,
            name=f"Produto {n % 3}",
            price=str(100 + n % 4),
            category=category,
            rating_average=Decimal("4.00") if n % 2 else None,
            created_at=created_at,
        )
    expected = list(selectors.product_search(sort=selectors.ProductSort[sort]).values_list("slug", flat=True))
    seen, after, pages = [], None, 0
    while True:
        page = product_list(gql, sort=sort, first=5, after=after)
        assert page["totalCount"] == 23
        seen += slugs(page)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 5
    assert seen == expected
    assert len(set(seen)) == 23


def test_first_defaults_to_20_and_is_capped_at_100(gql, seller):
    category = make_category()
    for n in range(21):
        add_product(seller, name=f"Produto {n}", category=category)
    assert len(product_list(gql)["edges"]) == 20
    refused = gql.op("ProductList", {"first": 101})
    assert refused["data"] is None
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert "entre 0 e 100" in refused["errors"][0]["message"]
    assert error_codes(gql.op("ProductList", {"after": "not-a-cursor"})) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e400"])
def test_price_filters_must_be_prices(gql, shelf, price):
    result = gql.op("ProductList", {"minPrice": price})
    assert error_codes(result) == ["BAD_USER_INPUT"]


def test_hidden_products_are_invisible(gql, seller, other_seller, buyer, shelf):
    hidden = shelf["Telemóvel Kianda"]
    deleted = shelf["Café do Amboim"]
    Product.objects.filter(pk=hidden.pk).update(is_active=False)
    Product.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    Store.objects.filter(pk=other_seller.store.pk).update(is_active=False)

    assert slugs(product_list(gql)) == [shelf["Auscultadores Semba"].slug]
    for user in (None, buyer, other_seller):
        assert gql.op("ProductDetail", {"slug": hidden.slug}, user=user)["data"]["product"] is None
        assert gql.op("ProductDetail", {"slug": deleted.slug}, user=user)["data"]["product"] is None
    # The owner sees their own hidden product, and their products of a hidden store, but never a deleted one.
    assert (
        gql.op("ProductDetail", {"slug": hidden.slug}, user=seller)["data"]["product"]["slug"] == hidden.slug
    )
    assert gql.op("ProductDetail", {"slug": deleted.slug}, user=seller)["data"]["product"] is None
    mel = shelf["Mel de Malanje"].slug
    assert gql.op("ProductDetail", {"slug": mel}, user=other_seller)["data"]["product"]["slug"] == mel
    assert gql.op("ProductDetail", {"slug": mel}, user=buyer)["data"]["product"] is None


def test_product_detail_with_reviews_and_my_review(gql, buyer, other_buyer, product):
    Product.objects.filter(pk=product.pk).update(rating_average=Decimal("4.50"), rating_count=2)
    mine = Review.objects.create(product=product, user=buyer, rating=5, comment="Óptimo")
    theirs = Review.objects.create(product=product, user=other_buyer, rating=4, comment="Bom")

    detail = gql.op("ProductDetail", {"slug": product.slug}, user=buyer)["data"]["product"]

    assert (detail["averageRating"], detail["reviewCount"]) == (4.5, 2)
    assert detail["myReview"] == {"id": gid("Review", mine.pk), "rating": 5, "comment": "Óptimo"}
    assert detail["reviews"]["totalCount"] == 2
    assert [edge["node"]["id"] for edge in detail["reviews"]["edges"]] == [
        gid("Review", theirs.pk),
        gid("Review", mine.pk),
    ]
    assert detail["reviews"]["edges"][0]["node"]["authorName"] == "Ana S."
    anonymous = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert anonymous["myReview"] is None
    assert gql.op("ProductDetail", {"slug": product.slug}, user=other_buyer)["data"]["product"]["myReview"][
        "id"
    ] == gid("Review", theirs.pk)


def test_product_reviews_are_paged(gql, product):
    for n in range(5):
        Review.objects.create(product=product, user=make_user(), rating=1 + n % 5)
    expected = list(
        Review.objects.filter(product=product).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    seen, after = [], None
    while True:
        page = gql.op("ProductReviews", {"slug": product.slug, "first": 2, "after": after})["data"][
            "product"
        ]["reviews"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [gid("Review", pk) for pk in expected]


def test_no_rating_is_null(gql, product):
    detail = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert (detail["averageRating"], detail["reviewCount"], detail["reviews"]["totalCount"]) == (None, 0, 0)


def test_categories_and_category_by_slug(gql):
    moda = services.category_create(name="Moda", description="Roupa")
    services.category_create(name="Alimentação")
    assert gql.op("Categories")["data"]["categories"] == [
        {
            "id": gid("Category", Category.objects.get(slug="alimentacao").pk),
            "name": "Alimentação",
            "slug": "alimentacao",
            "description": "",
        },
        {"id": gid("Category", moda.pk), "name": "Moda", "slug": "moda", "description": "Roupa"},
    ]
    query = "query($slug: String!) { category(slug: $slug) { name } }"
    assert gql.ok(query, {"slug": "moda"}) == {"category": {"name": "Moda"}}
    assert gql.ok(query, {"slug": "nope"}) == {"category": None}


def test_store_detail_lists_its_products_on_sale(gql, seller, other_seller, shelf):
    Product.objects.filter(pk=shelf["Café do Amboim"].pk).update(is_active=False)
    store = gql.op("StoreDetail", {"slug": seller.store.slug})["data"]["store"]
    assert slugs(store["products"]) == names(shelf, "Auscultadores Semba", "Telemóvel Kianda")
    assert store["products"]["totalCount"] == 2


# ---------------------------------------------------------------- storeProducts


def test_store_products_lists_the_sellers_own_products_hidden_ones_too(gql, seller, shelf):
    Product.objects.filter(pk=shelf["Café do Amboim"].pk).update(is_active=False)
    Product.objects.filter(pk=shelf["Telemóvel Kianda"].pk).update(deleted_at=timezone.now())
    Store.objects.filter(pk=seller.store.pk).update(is_active=False)

    page = gql.op("StoreProducts", {"first": 10}, user=seller)["data"]["storeProducts"]

    assert page["totalCount"] == 2
    assert [(edge["node"]["slug"], edge["node"]["isActive"]) for edge in page["edges"]] == [
        (shelf["Café do Amboim"].slug, False),
        (shelf["Auscultadores Semba"].slug, True),
    ]


def test_store_products_of_a_seller_without_store_is_empty(gql, unapproved_seller):
    page = gql.op("StoreProducts", {}, user=unapproved_seller)["data"]["storeProducts"]
    assert page == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


# ---------------------------------------------------------------- query counts


def stock_shelf(owner, count: int) -> None:
    """`count` products with an image and a rating, each reviewed by the owner's first buyer."""
    category = make_category()
    Product.objects.bulk_create(
        Product(
            store=owner.store,
            category=category,
            name=f"Produto {n}",
            slug=f"produto-{owner.pk}-{n}",
            price=Decimal("10.00") + n,
            max_price=Decimal("10.00") + n,
            stock_quantity=n % 3,
            thumbnail=f"products/thumbnails/p{n}.webp",
            rating_average=Decimal("4.00"),
            rating_count=1,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 100])
def test_product_list_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    # The page, then its totalCount (capped: graph/common.CappedCount).
    with django_assert_num_queries(2):
        page = product_list(gql, first=count)
    assert len(page["edges"]) == count
    assert page["edges"][0]["node"]["thumbnailUrl"].startswith("http://testserver/media/")


@pytest.mark.parametrize("count", [10, 100])
def test_product_list_query_count_when_logged_in_with_my_review(
    gql, seller, buyer, django_assert_num_queries, count
):
    stock_shelf(seller, count)
    for product in Product.objects.all()[:5]:
        Review.objects.create(product=product, user=buyer, rating=4)
    query = "query($first: Int) { products(first: $first) { totalCount edges { node { slug myReview { id rating } } } } }"
    # The user (from the token), the page, its capped totalCount, the caller's reviews.
    with django_assert_num_queries(4):
        data = gql.ok(query, {"first": count}, user=buyer)
    assert sum(edge["node"]["myReview"] is not None for edge in data["products"]["edges"]) == 5


@pytest.mark.parametrize("count", [10, 100])
def test_product_detail_query_count(gql, seller, buyer, django_assert_num_queries, count):
    product = add_product(seller, name="Telemóvel")
    for n in range(count):
        Review.objects.create(product=product, user=make_user(), rating=1 + n % 5)
    Review.objects.create(product=product, user=buyer, rating=5)
    # Anonymous: the product with store and category, its reviews with their authors.
    with django_assert_num_queries(2):
        detail = gql.op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert (detail["reviews"]["totalCount"], len(detail["reviews"]["edges"])) == (count + 1, 10)
    # Logged in: also the user (from the token) and the caller's review.
    with django_assert_num_queries(4):
        detail = gql.op("ProductDetail", {"slug": product.slug}, user=buyer)["data"]["product"]
    assert detail["myReview"]["rating"] == 5


@pytest.mark.parametrize("count", [10, 100])
def test_store_detail_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    # The store, one page of its products with store and category, then their capped total.
    with django_assert_num_queries(3):
        store = gql.op("StoreDetail", {"slug": seller.store.slug})["data"]["store"]
    assert (store["products"]["totalCount"], len(store["products"]["edges"])) == (count, min(count, 20))


@pytest.mark.parametrize("count", [10, 100])
def test_categories_query_count(gql, django_assert_num_queries, count):
    Category.objects.bulk_create(Category(name=f"Categoria {n}", slug=f"categoria-{n}") for n in range(count))
    with django_assert_num_queries(1):
        assert len(gql.op("Categories")["data"]["categories"]) == count


@pytest.mark.parametrize("count", [10, 100])
def test_store_products_query_count(gql, seller, django_assert_num_queries, count):
    stock_shelf(seller, count)
    # The user (from the token), the page, then its capped total.
    with django_assert_num_queries(3):
        page = gql.op("StoreProducts", {"first": count}, user=seller)["data"]["storeProducts"]
    assert len(page["edges"]) == count


def test_store_products_in_a_list_of_stores_are_prefetched_and_filtered(gql, django_assert_num_queries):
    query = """query($n: Int) { stores(first: $n) { edges { node { slug
        products(first: 2) { totalCount edges { node { slug isActive } } } } } } }"""
    for stores in (2, 6):
        for _ in range(stores - Store.objects.count()):
            store = make_store()
            for active in (True, True, False, True):
                make_product(store=store, is_active=active)
        with django_assert_num_queries(2):
            edges = gql.ok(query, {"n": stores})["stores"]["edges"]
        assert [
            (e["node"]["products"]["totalCount"], len(e["node"]["products"]["edges"])) for e in edges
        ] == [(3, 2)] * stores
        assert all(p["node"]["isActive"] for e in edges for p in e["node"]["products"]["edges"])


@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("deleted", [True, False])
@pytest.mark.parametrize("store_active", [True, False])
def test_a_products_on_sale_is_the_selectors_rule(seller, active, deleted, store_active):
    product = add_product(seller, name="Rádio")
    Product.objects.filter(pk=product.pk).update(
        is_active=active, deleted_at=timezone.now() if deleted else None
    )
    Store.objects.filter(pk=seller.store.pk).update(is_active=store_active)
    loaded = Product.objects.select_related("store").get(pk=product.pk)
    assert loaded.on_sale == selectors.product_list_public().filter(pk=product.pk).exists()


def test_a_cart_line_of_a_deactivated_store_shows_it_is_not_on_sale(gql, seller, buyer, admin):
    product = add_product(seller, name="Rádio", price="100.00")
    cart_line(Cart.objects.create(user=buyer), product, 1)
    gql.op("DeactivateStore", {"storeId": gid("Store", seller.store.pk)}, user=admin)
    cart = gql.ok("{ cart { subtotal items { product { isActive onSale } } } }", user=buyer)["cart"]
    assert cart == {"subtotal": "0.00", "items": [{"product": {"isActive": True, "onSale": False}}]}


def test_a_huge_category_name_is_refused_before_any_lookup(gql, admin, django_assert_num_queries):
    with django_assert_num_queries(1):  # the caller from the token; the name is refused unread
        answer = gql.op("CreateCategory", {"input": {"name": "a" * 100_001}}, user=admin)["data"][
            "createCategory"
        ]
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("name", "INVALID")]
