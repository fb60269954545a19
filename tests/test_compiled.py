"""Compiled operations (graph/compiled.py) answer exactly as graphql-core does: every query operation
of graph/operations and generated selections over the schema (fragments, aliases, @skip/@include
with variables, resolver errors, nulls in non-null places, permission refusals) run through both
executors, byte for byte, on the demo's data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
)
from graphql_jwt.shortcuts import get_token
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.accounts.models import User
from domain.catalog.models import Product
from domain.orders.models import Order, OrderItem
from graph import compiled
from graph.documents import operations
from graph.schema import schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.GRAPHQL_RESPONSE_CACHE = False
    call_command("seed_demo")
    return {
        "buyer": User.objects.get(username="demo-buyer"),
        "seller": User.objects.get(username="demo-seller"),
        "admin": User.objects.get(username="demo-admin"),
    }


@pytest.fixture
def compilations(monkeypatch):
    """The plans compiled while a test runs (None: left to graphql-core)."""
    made = []
    original = compiled._compile_root

    def recording(context, operation):
        try:
            fields = original(context, operation)
        except compiled.Unsupported:
            made.append(None)
            raise
        made.append(fields)
        return fields

    monkeypatch.setattr(compiled, "_compile_root", recording)
    compiled.PLANS.clear()
    return made


def both(client, settings, query: str, variables: dict | None = None, *, user=None, name=None) -> bytes:
    """The body of the same request through graphql-core and compiled; they must be the same bytes."""
    body = {"query": query, "variables": variables or {}}
    if name:
        body["operationName"] = name
    # One request id for both: a masked error carries it.
    headers = {"HTTP_X_REQUEST_ID": "differential-test"}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {get_token(user)}"
    answers = []
    for on in (False, True):
        settings.GRAPHQL_COMPILED_OPERATIONS = on
        response = client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)
        answers.append((response.status_code, response.content))
    assert answers[1] == answers[0], (
        f"{query}\n{variables}\ngraphql-core: {answers[0]}\ncompiled:     {answers[1]}"
    )
    return answers[1][1]


def variable_sets(demo) -> dict[str, list[tuple[dict, User | None]]]:
    """Realistic variables for every query operation, with the callers that use it."""
    buyer, seller, admin = demo["buyer"], demo["seller"], demo["admin"]
    product = Product.objects.filter(is_active=True, reviews__isnull=False).order_by("pk").first()
    order = Order.objects.filter(buyer=buyer).order_by("pk").first()
    today = date.today()
    stats = {"from": str(today - timedelta(days=30)), "to": str(today)}
    return {
        "Categories": [({}, None)],
        "ProductList": [
            ({}, None),
            ({}, buyer),
            ({"first": 5, "sort": "PRICE_ASC"}, None),
            ({"search": "mel", "sort": "RATING", "first": 3}, buyer),
            (
                {"category": product.category.slug, "inStock": True, "minPrice": "100", "maxPrice": "90000"},
                None,
            ),
            ({"store": product.store.slug, "first": 2, "after": "YXJyYXljb25uZWN0aW9uOjE="}, None),
            ({"first": 0}, None),
            ({"first": 500}, None),  # refused by the guards: the same refusal
        ],
        "ProductDetail": [
            ({"slug": product.slug}, None),
            ({"slug": product.slug}, buyer),
            ({"slug": "no-such-product"}, buyer),
        ],
        "ProductReviews": [({"slug": product.slug, "first": 2}, None)],
        "StoreList": [({}, None), ({"first": 2, "after": "YXJyYXljb25uZWN0aW9uOjA="}, buyer)],
        "StoreDetail": [({"slug": product.store.slug}, None), ({"slug": "nada"}, None)],
        "Cart": [({}, buyer), ({"cartCode": "nope"}, None)],
        "MyOrders": [({}, buyer), ({"status": "DELIVERED", "first": 2}, buyer), ({}, None), ({}, seller)],
        "OrderDetail": [
            ({"orderNumber": order.order_number}, buyer),
            ({"orderNumber": order.order_number}, None),
        ],
        "PaymentReference": [({"orderNumber": order.order_number}, buyer)],
        "MyWishlist": [({}, buyer), ({}, None)],
        "Me": [({}, buyer), ({}, seller), ({}, None)],
        "ExportMyData": [({}, buyer)],
        "PendingSellers": [({}, admin), ({}, buyer)],
        "StoreProducts": [({}, seller), ({"first": 3}, seller), ({}, buyer)],
        "StoreOrders": [({}, seller), ({"status": "DELIVERED"}, seller)],
        "MyStore": [({}, seller), ({"first": 1}, seller)],
        "MyPayouts": [({}, seller)],
        "Payouts": [({}, admin)],
        "StoreStats": [(stats, seller)],
        "PlatformStats": [(stats, admin)],
    }


def query_operations() -> dict[str, str]:
    return {
        name: text for name, text in operations().items() if text.lstrip().startswith(("query", "fragment"))
    }


def is_query(text: str) -> bool:
    from graphql import OperationDefinitionNode, OperationType, parse

    return any(
        isinstance(node, OperationDefinitionNode) and node.operation == OperationType.QUERY
        for node in parse(text).definitions
    )


def test_every_query_operation_answers_the_same_compiled(client, settings, demo, compilations):
    sets = variable_sets(demo)
    queries = {name: text for name, text in operations().items() if is_query(text)}
    assert len(set(queries) & set(sets)) >= 20
    product = Product.objects.filter(is_active=True).order_by("pk").first()
    # An operation added since: its slug or first, anonymous and as the buyer.
    others = [({"slug": product.slug, "first": 5}, None), ({"slug": product.slug}, demo["buyer"])]
    for name, text in queries.items():
        for variables, user in sets.get(name, others):
            both(client, settings, text, variables, user=user)
    # Every operation was compiled (none left to graphql-core).
    assert compilations and None not in compilations


def test_a_product_page_compiles_once_and_runs_its_plan_again(client, settings, demo, compilations):
    text = operations()["ProductDetail"]
    slugs = list(Product.objects.filter(is_active=True).values_list("slug", flat=True)[:3])
    for slug in slugs:
        both(client, settings, text, {"slug": slug}, user=demo["buyer"])
    assert len(compilations) == 1


def test_what_the_compiler_leaves_to_graphql_core(client, settings, demo, compilations):
    # Introspection, an interface (node), a mutation: each answered by graphql-core, the same.
    both(client, settings, "{ __schema { queryType { name } } }")
    both(client, settings, '{ node(id: "UHJvZHVjdDox") { id } }')
    both(client, settings, 'mutation { tokenAuth(username: "x", password: "y") { errors { code } } }')
    assert None in compilations or not compilations


def test_resolver_errors_and_nulls_in_non_null_places_are_the_same(client, settings, demo, monkeypatch):
    buyer = demo["buyer"]
    text = operations()["MyOrders"]
    # A null where the schema promises a value: it propagates to the nearest nullable place.
    monkeypatch.setattr(OrderItem, "line_total", property(lambda item: None if item.pk % 2 else item.price))
    body = both(client, settings, text, {}, user=buyer)
    # (masked as an internal error, at the line's path, nulling everything up to the nullable root)
    assert b'"data":null' in body and b'"items",0,"lineTotal"]' in body

    # A resolver that fails (masked as an internal error) on some rows of a list.
    import graph.catalog

    real = graph.catalog.media_url

    def failing(info, file):
        if file.instance.pk % 3 == 0:
            raise RuntimeError("storage down")
        return real(info, file)

    monkeypatch.setattr(graph.catalog, "media_url", failing)
    body = both(client, settings, operations()["ProductList"], {"first": 12})
    assert b"INTERNAL_SERVER_ERROR" in body
    body = both(
        client, settings, operations()["ProductDetail"], {"slug": Product.objects.first().slug}, user=buyer
    )


def test_permission_refusals_are_the_same(client, settings, demo):
    buyer = demo["buyer"]
    body = both(client, settings, "{ me { username } myOrders { totalCount } categories { name } }")
    assert b"UNAUTHENTICATED" in body
    body = both(client, settings, "{ storeProducts { totalCount } categories { slug } }", user=buyer)
    assert b"FORBIDDEN" in body
    both(client, settings, "{ categories { name } a: storeOrders { totalCount } }", user=demo["seller"])


# ---------------------------------------------------------------- generated selections

GRAPHQL = schema._schema
ROOTS = {
    # root field: (arguments, needs a caller)
    "products": ("(first: $first, sort: $sort)", None),
    "product": ("(slug: $slug)", None),
    "categories": ("", None),
    "stores": ("(first: $first)", None),
    "myOrders": ("(first: $first)", "buyer"),
    "myWishlist": ("", "buyer"),
    "me": ("", "buyer"),
    "storeProducts": ("(first: $first)", "seller"),
    "storeOrders": ("(first: $first)", "seller"),
    "cart": ("", "buyer"),
}


def _selectable(object_type: GraphQLObjectType) -> list[str]:
    names = []
    for name, field in object_type.fields.items():
        if any(
            isinstance(argument.type, GraphQLNonNull) and argument.default_value is None
            for argument in field.args.values()
        ):
            continue  # a required argument: the generator has no value for it
        named = get_named_type(field.type)
        if is_leaf_type(named) or isinstance(named, GraphQLObjectType):
            names.append(name)
    return names


@st.composite
def selection_sets(draw, object_type: GraphQLObjectType, depth: int, fragments: dict):
    names = _selectable(object_type)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
    if "id" in names and draw(st.booleans()):
        chosen.append("id")
    parts = []
    for name in chosen:
        field = object_type.fields[name]
        named = get_named_type(field.type)
        text = name
        if draw(st.integers(0, 4)) == 0:
            text = f"{draw(st.sampled_from(['a', 'b', 'x']))}{len(parts)}: {name}"
        if isinstance(named, GraphQLObjectType):
            if depth >= 4:
                continue
            text += " " + draw(selection_sets(named, depth + 1, fragments))
        directive = draw(
            st.sampled_from(["", "", "", " @skip(if: $flag)", " @include(if: $flag)", " @include(if: true)"])
        )
        # A directive goes after the field's name or alias and before its selections.
        head, _, rest = text.partition(" {")
        text = f"{head}{directive}" + (f" {{{rest}" if rest else "")
        wrap = draw(st.integers(0, 6))
        if wrap == 0:
            text = f"... on {object_type.name} {{ {text} }}"
        elif wrap == 1:
            fragment = f"F{len(fragments)}"
            fragments[fragment] = f"fragment {fragment} on {object_type.name} {{ {text} }}"
            text = f"...{fragment}"
        elif wrap == 2:
            text = f"... @include(if: $flag) {{ {text} }}"
        parts.append(text)
    if not parts:
        parts.append("__typename")
    return "{ " + " ".join(parts) + " }"


@st.composite
def documents(draw):
    fragments: dict[str, str] = {}
    roots = draw(st.lists(st.sampled_from(sorted(ROOTS)), min_size=1, max_size=3, unique=True))
    parts = []
    for root in roots:
        arguments, _ = ROOTS[root]
        named = get_named_type(GRAPHQL.query_type.fields[root].type)
        parts.append(f"{root}{arguments} " + draw(selection_sets(named, 1, fragments)))
    used = " ".join(parts)
    declared = "($first: Int, $sort: ProductSort, $slug: String!, $flag: Boolean!)"
    uses = [
        name for name in ("first", "sort", "slug", "flag") if f"${name}" in used + "".join(fragments.values())
    ]
    declared = (
        "("
        + ", ".join(
            {
                "first": "$first: Int",
                "sort": "$sort: ProductSort",
                "slug": "$slug: String!",
                "flag": "$flag: Boolean!",
            }[n]
            for n in uses
        )
        + ")"
        if uses
        else ""
    )
    text = f"query Generated{declared} {{ {used} }}"
    return "\n".join([text, *fragments.values()]), uses


FAULTS = ["none", "line total null", "thumbnail fails", "my review fails"]


def test_generated_selections_answer_the_same(client, settings, demo, monkeypatch, compilations):
    import graph.catalog
    import graph.loaders

    def failing_loader(**kwargs):
        raise RuntimeError("reviews down")

    slug = Product.objects.filter(reviews__isnull=False).values_list("slug", flat=True).first()
    users = {None: None, "buyer": demo["buyer"], "seller": demo["seller"]}
    real_media_url = graph.catalog.media_url
    real_line_total = OrderItem.line_total

    def failing_media_url(info, file):
        if file.instance.pk % 2:
            raise RuntimeError("storage down")
        return real_media_url(info, file)

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        documents(),
        st.sampled_from([None, "buyer", "seller"]),
        st.booleans(),
        st.sampled_from([None, 0, 2, 7]),
        st.sampled_from([None, "PRICE_ASC", "RATING"]),
        st.sampled_from(FAULTS),
    )
    def check(document, caller, flag, first, sort, fault):
        text, uses = document
        values = {"first": first, "sort": sort, "slug": slug, "flag": flag}
        with monkeypatch.context() as patch:
            if fault == "line total null":
                patch.setattr(
                    OrderItem,
                    "line_total",
                    property(lambda item: None if item.pk % 2 else real_line_total.fget(item)),
                )
            elif fault == "thumbnail fails":
                patch.setattr(graph.catalog, "media_url", failing_media_url)
            elif fault == "my review fails":
                patch.setattr(graph.loaders, "review_map_for_user", failing_loader)
            both(client, settings, text, {name: values[name] for name in uses}, user=users[caller])

    check()
    assert sum(fields is not None for fields in compilations) >= 30  # compiled, not left to graphql-core
