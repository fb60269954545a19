"""Limits on what one document may cost: checked in time linear in the document, before graphql-core's
rules and before anything runs. Work is counted here (calls, nodes), never timed."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLObjectType,
    OperationDefinitionNode,
    VariableNode,
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_list_type,
    parse,
)
from graphql.validation.rules import overlapping_fields_can_be_merged as overlapping
from strawberry.schema import schema as strawberry_schema

from graph import cost, guards, limits, request
from graph.documents import operations
from graph.schema import schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def validations(monkeypatch):
    """How often graphql-core's validation runs (from empty caches, whatever ran before)."""
    request._parse_cached.cache_clear()
    guards.SmallDocumentsValidationCache().cached_validate_document.cache_clear()
    calls = []
    real = strawberry_schema.validate
    monkeypatch.setattr(
        strawberry_schema, "validate", lambda *args, **kw: calls.append(1) or real(*args, **kw)
    )
    return calls


@pytest.fixture
def measured(monkeypatch):
    """How many selection sets our limits look at."""
    calls = []
    real = limits._measure
    monkeypatch.setattr(limits, "_measure", lambda *args: calls.append(1) or real(*args))
    return calls


def fragment_chain(levels: int, leaf: str = "me { id }") -> str:
    """Under 1 KB for 20 levels: each fragment spreads the next one twice, 2^levels paths."""
    parts = ["query { ...F0 }"]
    parts += [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ {leaf} }}")
    return "\n".join(parts)


def refusal(result: dict) -> str:
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    return error["message"]


# ---------------------------------------------------------------- 1. validation linear in the document


def test_a_doubling_fragment_chain_is_measured_once_per_fragment(gql, validations, measured):
    document = fragment_chain(20)
    assert len(document) < 1024
    message = refusal(gql(document))
    assert "pede 4194303 campos e fragmentos" in message  # counted without walking the 2^20 paths
    # One look at each selection set of the document (the operation, 21 fragments, `me`): not 2^20.
    assert len(measured) == 1 + 21 + 1
    assert validations == []  # graphql-core's rules never saw it


def test_fragments_reused_within_the_limits_are_measured_once(gql, validations, measured):
    result = gql(fragment_chain(3, "categories { id }"))  # 8 paths through the fragments
    assert "errors" not in result
    assert len(measured) == 1 + 4 + 1
    assert validations == [1]


def test_a_fragment_cycle_is_refused_without_recursing(gql, validations):
    message = refusal(gql("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"))
    assert "dentro de si próprio" in message
    assert validations == []


@pytest.mark.parametrize("repeats", [11, 400])
def test_a_field_repeated_is_refused_before_validation(gql, validations, repeats):
    result = gql("{ me { " + "id " * repeats + "} }")
    assert "é pedido" in refusal(result) or "campos e fragmentos" in refusal(result)
    assert validations == []


def test_a_field_repeated_thousands_of_times_is_refused_by_the_token_limit(gql, validations):
    result = gql("{ me { " + "id " * 3000 + "} }")
    (error,) = result["errors"]
    assert (error["message"], error["extensions"]) == (
        "O documento tem mais de 2000 tokens.",
        {"code": "QUERY_TOO_COMPLEX"},
    )
    assert validations == []


def test_repeats_through_nested_fields_count_where_they_answer(gql, validations):
    """Ten `me` with ten `id` each: me.id answers 100 times, which the overlap rule compares pairwise."""
    result = gql("{ " + " ".join("me { " + "id " * 10 + "}" for _ in range(10)) + " }")
    assert "pedido 100 vezes" in refusal(result)
    assert validations == []


def test_what_passes_costs_the_overlap_rule_at_most_selections_times_repeats(gql, monkeypatch, settings):
    """The worst a document within the limits can make graphql-core's overlap rule compare."""
    settings.GRAPHQL_MAX_ALIASES = 10_000
    comparisons = []
    real = overlapping.find_conflict
    monkeypatch.setattr(overlapping, "find_conflict", lambda *a: comparisons.append(1) or real(*a))
    repeats = settings.GRAPHQL_MAX_REPEATED_FIELDS
    # Every place answered `repeats` times, as many places as the selections allow.
    leaves = " ".join(f"x{n}: id" for n in range(40)) + " "
    document = "{ me { " + leaves * repeats + "} }"
    assert "errors" not in gql(document)
    selections = 1 + 40 * repeats
    assert len(comparisons) <= selections * repeats


def test_too_deep_a_document_is_refused_before_validation(gql, validations):
    nested = "products { edges { node { store { %s } } } }"
    result = gql("{ " + nested % (nested % (nested % "name")) + " }")  # 12 levels
    assert "excede a profundidade máxima de operação de 10" in refusal(result)
    assert validations == []


def test_brackets_nested_beyond_the_parser_are_a_clean_refusal(gql, caplog):
    result = gql("{" + "me {" * 400 + "id" + "}" * 401)
    assert "demasiados níveis aninhados" in refusal(result)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_aliases_are_counted_per_fragment_and_multiplied_where_spread(gql):
    aliases = " ".join(f"c{n}: categories {{ id }}" for n in range(4))
    assert "errors" not in gql(fragment_chain(2, aliases))  # 4 spreads of 4 aliases
    assert refusal(gql(fragment_chain(3, aliases))) == "Foram encontrados 32 aliases. Máximo permitido: 30"


# ---------------------------------------------------------------- 2. the cost budget


def page_variables(operation: OperationDefinitionNode) -> dict:
    """Every variable the operation passes as `first` or `last`, set to 100."""
    names = set()

    def walk(node):
        for argument in getattr(node, "arguments", None) or ():
            if argument.name.value in ("first", "last") and isinstance(argument.value, VariableNode):
                names.add(argument.value.name.value)
        for selection in getattr(getattr(node, "selection_set", None), "selections", ()):
            walk(selection)

    walk(operation)
    return dict.fromkeys(names, 100)


@pytest.mark.parametrize("name", sorted(operations()))
def test_every_client_operation_fits_the_budget_with_pages_of_100(name, settings):
    document = parse(operations()[name])
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    estimate = cost.operation_cost(schema._schema, document, operation, page_variables(operation))
    assert estimate * 2 <= settings.GRAPHQL_MAX_COST  # with room to grow


def test_the_introspection_query_passes(gql):
    data = gql.ok(get_introspection_query(descriptions=True))
    assert data["__schema"]["queryType"] == {"name": "Query"}


NESTED = """query($n: Int{default}) {{ stores(first: $n) {{ edges {{ node {{
  products(first: $n) {{ edges {{ node {{ reviews(first: $n) {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }} }}"""


@pytest.mark.parametrize(
    ("default", "variables"),
    [("", {"n": 100}), (" = 100", {})],  # sent, from the default
    ids=["sent", "default"],
)
def test_a_million_nodes_are_refused_before_anything_runs(gql, django_assert_num_queries, default, variables):
    with django_assert_num_queries(0):
        result = gql(NESTED.format(default=default), variables)
    assert "custo estimado" in refusal(result)


def test_pages_left_at_their_default_size_are_counted_at_20(settings):
    document = parse(NESTED.format(default=""))
    [operation] = document.definitions
    # 20 stores x (1 + 20 products x (1 + 20 reviews x 2 ...)), within the default budget.
    estimate = cost.operation_cost(schema._schema, document, operation, {})
    assert 20 * 20 * 20 < estimate < settings.GRAPHQL_MAX_COST


@pytest.mark.parametrize(
    "document",
    [
        "query($c: String) { cart(cartCode: $c) { items { product { store { products(first: 100) "
        "{ edges { node { reviews(first: 30) { edges { node { id } } } } } } } } } } }",
        "{ myWishlist { product { store { products(first: 100) { edges { node { "
        "reviews(first: 30) { edges { node { id } } } } } } } } } }",
    ],
    ids=["cart", "wishlist"],
)
def test_a_connection_under_a_plain_list_counts_every_item_of_the_list(
    gql, django_assert_num_queries, document
):
    with django_assert_num_queries(0):
        result = gql(document, {})
    assert "custo estimado" in refusal(result)


def test_every_plain_list_of_the_schema_has_a_bound():
    """A new list of objects must say how many items it may hold, or the budget would count it once."""
    lists = {
        (type_name, field_name)
        for type_name, graphql_type in schema._schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in graphql_type.fields.items()
        if is_list_type(get_nullable_type(field.type))
        and isinstance(get_named_type(field.type), GraphQLObjectType)
        and field_name not in ("edges", "errors")  # a connection's page; payload errors (few)
    }
    assert lists == set(cost.LIST_BOUNDS)
