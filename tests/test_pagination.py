"""Page arguments of every connection: first defaults to 20, 0..100, cursors checked, nested
connections paged in SQL with the same rules."""

import pytest

from domain.reviews.models import Review

from .factories import make_product, make_user

pytestmark = pytest.mark.django_db

REVIEWS = """query($slug: String!, $first: Int, $after: String) {
  product(slug: $slug) {
    reviews(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
  }
}"""


@pytest.fixture
def reviewed_product():
    product = make_product()
    Review.objects.bulk_create(Review(product=product, user=make_user(), rating=4) for _ in range(25))
    return product


def test_root_connection_defaults_to_20_and_refuses_above_100(gql):
    for _ in range(21):
        make_product()
    page = gql.ok("{ products { totalCount edges { node { id } } } }")["products"]
    assert (len(page["edges"]), page["totalCount"]) == (20, 21)
    for first in (101, -1):
        result = gql("query($f: Int) { products(first: $f) { totalCount } }", {"f": first})
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert result["errors"][0]["message"] == "O argumento 'first' tem de estar entre 0 e 100."


def test_nested_connection_defaults_to_20_and_pages_in_sql(gql, reviewed_product, django_assert_num_queries):
    with django_assert_num_queries(2) as queries:
        page = gql.ok(REVIEWS, {"slug": reviewed_product.slug})["product"]["reviews"]
    assert (len(page["edges"]), page["totalCount"], page["pageInfo"]["hasNextPage"]) == (20, 25, True)
    # The page is cut by the database, not in Python: under the one product a root field answers,
    # by the connection's own LIMIT with its count in the same query (graph/plans.py)...
    sql = queries.captured_queries[1]["sql"]
    assert "LIMIT 21" in sql and "COUNT(1) OVER ()" in sql and "ROW_NUMBER" not in sql

    rest = gql.ok(REVIEWS, {"slug": reviewed_product.slug, "after": page["pageInfo"]["endCursor"]})
    rest = rest["product"]["reviews"]
    assert (len(rest["edges"]), rest["pageInfo"]["hasNextPage"]) == (5, False)
    seen = {edge["node"]["id"] for edge in page["edges"]} | {edge["node"]["id"] for edge in rest["edges"]}
    assert len(seen) == 25


def test_nested_connection_of_a_list_pages_per_parent_in_one_query(
    gql, reviewed_product, django_assert_num_queries
):
    """...and under a list, per parent by window functions in one prefetch for the whole page."""
    other = make_product()
    Review.objects.bulk_create(Review(product=other, user=make_user(), rating=5) for _ in range(3))
    query = (
        "{ products { edges { node { slug reviews(first: 2) { totalCount edges { node { rating } } } } } } }"
    )
    with django_assert_num_queries(2) as queries:  # the page of products, every page of reviews
        edges = gql.ok(query)["products"]["edges"]
    assert "ROW_NUMBER" in queries.captured_queries[1]["sql"]
    pages = {edge["node"]["slug"]: edge["node"]["reviews"] for edge in edges}
    assert (pages[reviewed_product.slug]["totalCount"], len(pages[reviewed_product.slug]["edges"])) == (25, 2)
    assert (pages[other.slug]["totalCount"], len(pages[other.slug]["edges"])) == (3, 2)


def test_nested_connection_of_a_single_object_asked_for_no_rows_still_counts(gql, reviewed_product):
    page = gql.ok(REVIEWS, {"slug": reviewed_product.slug, "first": 0})["product"]["reviews"]
    assert (page["totalCount"], page["edges"], page["pageInfo"]["hasNextPage"]) == (25, [], True)


def test_nested_connection_of_a_single_object_without_rows_counts_nothing(gql, django_assert_num_queries):
    product = make_product()
    with django_assert_num_queries(2):  # the product, the (empty) page: no count for a first empty page
        page = gql.ok(REVIEWS, {"slug": product.slug})["product"]["reviews"]
    assert page == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "O argumento 'first' tem de estar entre 0 e 100."),
        ({"first": -3}, "O argumento 'first' tem de estar entre 0 e 100."),
        ({"first": 5, "after": "garbage"}, "O argumento 'after' não é um cursor válido."),
        (
            {"first": 5, "after": "YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},
            "O argumento 'after' não é um cursor válido.",
        ),
    ],
)
def test_nested_page_arguments_are_refused_clearly(gql, reviewed_product, variables, message):
    result = gql(REVIEWS, {"slug": reviewed_product.slug, **variables})
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (message, "BAD_USER_INPUT")
    ]


@pytest.mark.parametrize(
    "cursor",
    [
        "bm90LWEtY3Vyc29y",  # base64 of something else
        "YXJyYXljb25uZWN0aW9uOi0x",  # a negative offset
        "YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # beyond any integer column
        "%%%",
    ],
)
def test_a_root_cursor_that_is_not_ours_is_refused(gql, cursor):
    result = gql("query($c: String) { products(after: $c) { totalCount } }", {"c": cursor})
    assert result["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        ("O argumento 'after' não é um cursor válido.", "BAD_USER_INPUT")
    ]


def test_page_arguments_in_fragments_and_literals_are_checked(gql):
    result = gql("query { ...F } fragment F on Query { stores(first: 1000) { totalCount } }")
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]


def test_repeated_documents_are_validated_once(gql, settings):
    settings.GRAPHQL_RESPONSE_CACHE = False  # else the second answer comes from the cache, unvalidated
    make_product()
    from graph.guards import SmallDocumentsValidationCache

    validate = SmallDocumentsValidationCache().cached_validate_document

    gql.ok("{ products(first: 1) { totalCount } }")
    before = validate.cache_info()
    gql.ok("{ products(first: 1) { totalCount } }")
    after = validate.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
