"""The lean path of /graphql/: what it skips of the site's middleware, and what it keeps."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_skips_sessions_csrf_and_auth_but_keeps_security_headers(client):
    response = client.post(
        "/graphql/", json.dumps({"query": "{ categories { slug } }"}), content_type="application/json"
    )
    assert response.json() == {"data": {"categories": []}}
    assert "cookie" not in response.get("Vary", "").lower()  # no session, no CSRF cookie
    assert not response.cookies
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_cors_still_answers_the_api(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://loja.kitanda.ao"]
    response = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://loja.kitanda.ao",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response["Access-Control-Allow-Origin"] == "https://loja.kitanda.ao"


def test_the_admin_keeps_its_full_stack():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403  # CSRF
    page = browser.get("/admin/login/")
    assert page.status_code == 200 and "csrftoken" in page.cookies
    assert browser.get("/admin").status_code == 301  # APPEND_SLASH (CommonMiddleware)


# ---------------------------------------------------------------- compression

PAGE = "{ products(first: 12) { edges { node { id name slug description price } } } }"


@pytest.fixture
def page_of_products(db):
    from .factories import make_product

    for _ in range(12):
        make_product(description="Feito em Angola, com cuidado. " * 3)


@pytest.mark.parametrize(
    "encoding, expected",
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", None)],
)
def test_large_answers_are_compressed_as_the_client_accepts(client, page_of_products, encoding, expected):
    import gzip

    import brotli

    response = client.get("/graphql/", {"query": PAGE}, HTTP_ACCEPT_ENCODING=encoding)
    assert response.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response["Vary"]
    body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[expected](response.content)
    assert len(json.loads(body)["data"]["products"]["edges"]) == 12
    if expected:  # a compressed answer's ETag is weak, and revalidates
        assert response["ETag"].startswith('W/"')
        again = client.get(
            "/graphql/", {"query": PAGE}, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=response["ETag"]
        )
        assert again.status_code == 304


def test_small_answers_are_not_compressed(client):
    response = client.get("/graphql/", {"query": "{ categories { slug } }"}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in response


# ---------------------------------------------------------------- the lean resolver path


def test_plain_columns_relations_and_ids_take_the_lean_path():
    from graph.schema import LEAN_FIELDS

    lean = set(LEAN_FIELDS)
    assert {"Product.id", "Product.price", "Product.averageRating", "Product.store", "Store.name"} <= lean
    assert {"ProductEdge.node", "ProductEdge.cursor", "PageInfo.hasNextPage", "Product.thumbnailUrl"} <= lean
    # A model's enum columns too; connections, fields with arguments or returning objects from a
    # resolver, enums of plain types and root fields (their permissions) keep Strawberry's path.
    assert {"Order.status", "Order.paymentStatus", "Payment.method", "User.userType"} <= lean
    assert not {"Product.myReview", "Product.reviews", "UserError.code", "Query.products"} & lean


def test_no_schema_extension_needs_the_per_field_hook():
    """The lean fields skip schema extensions' `resolve`: none of ours may depend on it."""
    from strawberry.extensions import SchemaExtension

    from graph.schema import schema

    for extension in schema.extensions:
        extension_class = extension if isinstance(extension, type) else type(extension)
        assert getattr(extension_class, "resolve", SchemaExtension.resolve) is SchemaExtension.resolve, (
            extension
        )


def test_lean_ids_and_columns_answer_as_before(gql):
    from strawberry import relay

    from .factories import make_product

    product = make_product(price="12.50")
    node = gql.ok("{ products { edges { node { id price stockQuantity store { id name } } } } }")["products"][
        "edges"
    ][0]["node"]
    assert node["id"] == relay.to_base64("Product", product.pk)
    assert node["store"] == {"id": relay.to_base64("Store", product.store.pk), "name": product.store.name}
    assert (node["price"], node["stockQuantity"]) == ("12.50", 10)


def test_guards_run_once_per_document_and_variables_and_again_when_limits_change(gql, settings, monkeypatch):
    from graph import guards

    settings.GRAPHQL_RESPONSE_CACHE = False
    costed = []
    real = guards.operation_cost
    monkeypatch.setattr(guards, "operation_cost", lambda *a: costed.append(1) or real(*a))
    query = "query($n: Int) { products(first: $n) { totalCount } }"
    for _ in range(3):
        gql.ok(query, {"n": 5})
    assert len(costed) == 1
    gql.ok(query, {"n": 6})
    assert len(costed) == 2
    settings.GRAPHQL_MAX_COST = 1
    assert gql(query, {"n": 5})["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_the_optimizer_plans_a_document_once(gql, settings, monkeypatch, django_assert_num_queries):
    from strawberry_django import optimizer as library

    from graph import plans

    from .factories import make_product

    settings.GRAPHQL_RESPONSE_CACHE = False
    make_product()
    planned = []
    real = library._get_model_hints
    monkeypatch.setattr(library, "_get_model_hints", lambda *a, **k: planned.append(1) or real(*a, **k))
    plans.PLANS.clear()
    first = gql.op("ProductList", {"first": 5})
    assert planned and plans.PLANS
    planned.clear()
    with django_assert_num_queries(2):  # the kept plan joins store and category as before; the count
        assert gql.op("ProductList", {"first": 5}) == first
    assert planned == []


def test_a_plan_with_prefetches_is_kept_when_its_relations_read_nothing_of_the_request(
    gql, settings, monkeypatch
):
    """A list's plan with its reviews prefetch (a plain connection of a type without get_queryset)
    is planned once for the document and variables, and each request runs a copy of it: a review
    written between two requests is in the second answer; other variables are planned again."""
    from strawberry_django import optimizer as library

    from domain.reviews.models import Review
    from graph import plans

    from .factories import make_category, make_product, make_user

    settings.GRAPHQL_RESPONSE_CACHE = False
    category, elsewhere = make_category(), make_category()
    product, other = make_product(category=category), make_product(category=elsewhere)
    query = """query($category: String) { products(category: $category) { edges { node {
      slug reviews(first: 5) { totalCount edges { node { comment } } } } } } }"""

    def reviews(slug: str) -> dict:
        [node] = [edge["node"] for edge in gql.ok(query, {"category": slug})["products"]["edges"]]
        return node["reviews"]

    planned, fallback = [], []
    real_plan, real_optimize = plans._plan, library.optimize
    monkeypatch.setattr(plans, "_plan", lambda *a, **k: planned.append(1) or real_plan(*a, **k))
    monkeypatch.setattr(library, "optimize", lambda *a, **k: fallback.append(1) or real_optimize(*a, **k))
    plans.PLANS.clear()
    assert reviews(category.slug)["totalCount"] == 0 and planned == [1] and len(plans.PLANS) == 1
    [plan] = plans.PLANS.values()
    assert plan.prefetch_related
    Review.objects.create(product=product, user=make_user(), rating=4, comment="Bom")
    Review.objects.create(product=other, user=make_user(), rating=2, comment="Mau")
    for _ in range(2):
        page = reviews(category.slug)
        assert [edge["node"]["comment"] for edge in page["edges"]] == ["Bom"]
        assert page["totalCount"] == 1
    assert planned == [1] and fallback == []
    page = reviews(elsewhere.slug)
    assert [edge["node"]["comment"] for edge in page["edges"]] == ["Mau"]
    assert planned == [1, 1] and len(plans.PLANS) == 2


def test_a_plan_reaching_a_relation_filtered_for_the_caller_is_not_kept(gql, settings):
    """Product.variants (VisibleVariants: every variant for the owner) and Store.products (public
    only) build their querysets per request: a plan whose selection reaches one is computed each
    time, as the library's optimize() would."""
    from graph import plans

    from .factories import make_product

    settings.GRAPHQL_RESPONSE_CACHE = False
    product = make_product()
    plans.PLANS.clear()
    query = "query($slug: String!) { product(slug: $slug) { name variants { edges { node { sku } } } } }"
    assert gql.ok(query, {"slug": product.slug})["product"]["name"] == product.name
    query = "query($slug: String!) { product(slug: $slug) { store { products(first: 2) { totalCount } } } }"
    assert gql.ok(query, {"slug": product.slug})["product"]["store"]["products"]["totalCount"] == 1
    assert not any(plan.prefetch_related for plan in plans.PLANS.values())


@pytest.mark.parametrize(
    "name",
    [
        "products/thumbnails/a-1.webp",
        "products/x y.webp",
        "products/ção.webp",
        "products/../a.webp",
        "a:b.webp",
    ],
)
@pytest.mark.parametrize("base", ["", "https://cdn.kitanda.ao/"])
def test_media_urls_from_the_prefix_answer_as_django_builds_them(settings, rf, name, base):
    from types import SimpleNamespace

    from django.core.files.storage import FileSystemStorage
    from django.db.models.fields.files import FieldFile

    from domain.catalog.models import Product
    from graph.common import media_url

    settings.MEDIA_BASE_URL = base
    storage = FileSystemStorage(location="/tmp", base_url="/media/")
    field = Product._meta.get_field("thumbnail")
    settings.ALLOWED_HOSTS = ["loja.kitanda.ao"]
    request = rf.get("/graphql/", HTTP_HOST="loja.kitanda.ao", secure=True)
    info = SimpleNamespace(context=SimpleNamespace(request=request))
    file = FieldFile(None, field, name)
    file.storage = storage
    expected = storage.url(name)
    if not expected.startswith("http"):
        expected = base.rstrip("/") + expected if base else request.build_absolute_uri(expected)
    assert media_url(info, file) == expected
    assert media_url(info, file) == expected  # the request's prefix, kept
    assert media_url(info, FieldFile(None, field, "")) is None
