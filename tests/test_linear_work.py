"""Any document within GRAPHQL_MAX_DOCUMENT_BYTES is refused or accepted after work linear in its
size: no walk (the limits, the cost, the response cache's shape, graphql-core's validation) expands
a fragment each time it is spread. Work is counted as the lines of Python run in graph/ and in
graphql-core while the request is read, checked and answered; never timed.

The documents are fragment graphs: fragments spread side by side at one level (depth 1), each
spreading later ones one to three times, so that expanding every spread costs up to 3^n."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph

pytestmark = pytest.mark.django_db

WATCHED = (str(Path(graph.__file__).parent), str(Path(graphql.__file__).parent))
# Lines of Python run per byte of document, at most, plus a fixed cost per request (the view, the
# guards, an execution of a few SQL queries, and whatever a first request of its kind loads). Linear
# documents stay well below (a few tens of lines per byte); expanding spreads costs millions.
PER_BYTE, FIXED = 150, 150_000


def fragment_graph(spreads: list[list[int]], leaf: str = "__typename") -> str:
    """`query { ...F0 }` and fragments F0..Fn: Fi spreads F(i+1+k) for each k in spreads[i]."""
    count = len(spreads)
    parts = ["query { ...F0 }"]
    for index, targets in enumerate(spreads):
        spread = " ".join(f"...F{min(index + 1 + k, count)}" for k in targets) or leaf
        parts.append(f"fragment F{index} on Query {{ {spread} }}")
    parts.append(f"fragment F{count} on Query {{ {leaf} }}")
    return "\n".join(parts)


def lines_run(client, text: str) -> tuple[int, dict]:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(WATCHED):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        response = client.post("/graphql/", json.dumps({"query": text}), content_type="application/json")
    finally:
        sys.settrace(None)
    return count, response.json()


def warm_up(client) -> None:
    """A first request loads what every later one reuses (imports, translations): not counted."""
    for text in ("{ __typename }", fragment_graph([[0]], "products(first: 1) { totalCount }")):
        client.post("/graphql/", json.dumps({"query": text}), content_type="application/json")


def test_a_doubling_chain_costs_what_its_text_does(client):
    """Each fragment spreading the next twice: 2^levels paths, work linear in the levels."""
    warm_up(client)
    works = []
    for levels in (10, 20, 40):
        text = fragment_graph([[0, 0]] * levels)
        work, result = lines_run(client, text)
        assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        works.append(work)
    # Twice the document, at most about twice the work (never the square, never 2^10 more).
    assert works[1] < 2.5 * works[0] and works[2] < 2.5 * works[1], works


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=3), min_size=1, max_size=24
    ),
    st.sampled_from(["__typename", "products(first: 1) { totalCount }", "categories { name }"]),
)
def test_any_fragment_graph_is_answered_after_linear_work(client, spreads, leaf):
    warm_up(client)
    text = fragment_graph(spreads, leaf)
    work, result = lines_run(client, text)
    assert "data" in result or "errors" in result
    assert work <= FIXED + PER_BYTE * len(text), (work, len(text), text)
