"""A root list's SQL kept per document, operation and variables (graph/kept_sql.py): the same
answers as compiling it each time, the SQL compiled once, nothing kept where the queryset is not a
function of the arguments alone."""

import pytest

from domain.catalog.models import Product
from graph import kept_sql

from .factories import make_category, make_product, make_seller
from .helpers import compiled_selects

pytestmark = pytest.mark.django_db

LIST = """query($first: Int, $sort: ProductSort, $search: String, $category: String, $after: String) {
  products(first: $first, sort: $sort, search: $search, category: $category, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name price } }
  }
}"""


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.GRAPHQL_KEPT_SQL_VERIFY = False  # count compilations as production does
    settings.GRAPHQL_RESPONSE_CACHE = False  # every request runs its SQL (logged-in buyers always do)
    kept_sql.KEPT.clear()
    yield
    kept_sql.KEPT.clear()


@pytest.fixture
def catalogue():
    category = make_category(name="Casa")
    return [make_product(name=f"Cadeira {n}", price=f"{1000 + n}.00", category=category) for n in range(7)]


def test_the_second_request_sends_the_kept_sql_and_answers_the_same(gql, catalogue, settings):
    variables = {"first": 3, "sort": "PRICE_ASC"}
    first = gql.ok(LIST, variables)
    assert {key[-1] for key in kept_sql.KEPT} == {"page", "count"}
    seen, patch = compiled_selects(Product)
    with patch:
        again = gql.ok(LIST, variables)
    assert again == first
    assert seen == []  # neither the page nor its count compiled again
    settings.GRAPHQL_KEPT_SQL = False
    assert gql.ok(LIST, variables) == first
    assert [edge["node"]["name"] for edge in first["products"]["edges"]] == [
        "Cadeira 0",
        "Cadeira 1",
        "Cadeira 2",
    ]
    assert (first["products"]["totalCount"], first["products"]["pageInfo"]["hasNextPage"]) == (7, True)


def test_kept_sql_reads_the_rows_as_they_are_now(gql, catalogue):
    variables = {"first": 3, "sort": "PRICE_ASC"}
    gql.ok(LIST, variables)
    make_product(name="Banco", price="10.00", category=catalogue[0].category)
    Product.objects.filter(pk=catalogue[0].pk).update(is_active=False)
    page = gql.ok(LIST, variables)["products"]
    assert [edge["node"]["name"] for edge in page["edges"]] == ["Banco", "Cadeira 1", "Cadeira 2"]
    assert page["totalCount"] == 7


def test_other_variables_are_other_sql(gql, catalogue):
    pages = [
        gql.ok(LIST, variables)["products"]
        for variables in (
            {"first": 2, "sort": "PRICE_ASC"},
            {"first": 2, "sort": "PRICE_DESC"},
            {"first": 2, "sort": "PRICE_ASC", "category": "nada"},
        )
    ]
    assert [[edge["node"]["name"] for edge in page["edges"]] for page in pages] == [
        ["Cadeira 0", "Cadeira 1"],
        ["Cadeira 6", "Cadeira 5"],
        [],
    ]
    assert len({key[:-1] for key in kept_sql.KEPT}) == 3
    after = gql.ok(LIST, {"first": 2, "sort": "PRICE_ASC", "after": pages[0]["pageInfo"]["endCursor"]})
    assert [edge["node"]["name"] for edge in after["products"]["edges"]] == ["Cadeira 2", "Cadeira 3"]


def test_a_search_keeps_nothing(gql, catalogue):
    # A search reads the ids it matches first: its SQL holds them, so it is compiled every time.
    for _ in range(2):
        page = gql.ok(LIST, {"first": 3, "search": "cadeira"})["products"]
        assert page["totalCount"] == 7
    assert kept_sql.KEPT == {}


def test_lists_of_the_caller_keep_nothing(gql, catalogue):
    seller = make_seller()
    make_product(name="Minha", store=seller.store)
    mine = "query { storeProducts(first: 5) { totalCount edges { node { name } } } }"
    for _ in range(2):
        page = gql.ok(mine, user=seller)["storeProducts"]
        assert (page["totalCount"], [edge["node"]["name"] for edge in page["edges"]]) == (1, ["Minha"])
    assert kept_sql.KEPT == {}


def test_verify_mode_fails_on_a_kept_sql_that_differs(gql, catalogue, settings):
    gql.ok(LIST, {"first": 3})
    [count_key] = [key for key in kept_sql.KEPT if key[-1] == "count"]
    kept_sql.KEPT[count_key] = kept_sql.Kept("SELECT 42", ())
    settings.GRAPHQL_KEPT_SQL_VERIFY = True
    with pytest.raises(AssertionError, match="kept SQL differs"):
        kept_sql.count(Product.objects.all(), 1001, count_key[:-1])


def test_the_kept_sql_is_bounded(gql, catalogue, monkeypatch):
    monkeypatch.setattr(kept_sql, "MAX_KEPT", 4)
    for first in range(1, 6):
        gql.ok(LIST, {"first": first})
        assert 0 < len(kept_sql.KEPT) <= 4


def test_the_catalogue_keeps_no_query_of_a_strangers_long_text(catalogue):
    from domain.catalog import selectors

    selectors._catalogue_sorted.cache_clear()
    assert list(selectors.product_search(category_slug="x" * 100_000)) == []
    assert list(selectors.product_search(options=[("Tamanho", "4" * 100_000)])) == []
    assert selectors._catalogue_sorted.cache_info().currsize == 0
    assert len(list(selectors.product_search(category_slug=catalogue[0].category.slug))) == 7
    assert selectors._catalogue_sorted.cache_info().currsize == 1


def test_a_search_of_no_words_is_the_catalogue_and_keeps_its_sql(gql, catalogue):
    page = gql.ok(LIST, {"first": 3, "search": "   "})["products"]
    assert page["totalCount"] == 7
    assert {key[-1] for key in kept_sql.KEPT} == {"page", "count"}
