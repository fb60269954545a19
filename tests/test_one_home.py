"""A rule lives in one place: the checks here read the code for a second home of a rule that once
had two or three (the language list and its negotiation, the page size, a document's sha256, the
mapping of domain errors to GraphQL errors)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from domain.languages import DEFAULT_LANGUAGE, Language

ROOT = Path(__file__).resolve().parents[1]
CODE = sorted(
    path
    for folder in ("backend", "domain", "graph", "demo")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
)


def where(predicate) -> list[str]:
    """`file:line` of every AST node of our code for which `predicate(node)` holds."""
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in CODE
        for node in ast.walk(ast.parse(path.read_text()))
        if predicate(node)
    ]


def files(places: list[str]) -> set[str]:
    return {place.split(":")[0] for place in places}


def calls(name: str):
    def predicate(node) -> bool:
        if not isinstance(node, ast.Call):
            return False
        function = node.func
        return (isinstance(function, ast.Attribute) and function.attr == name) or (
            isinstance(function, ast.Name) and function.id == name
        )

    return predicate


def test_the_languages_are_one_list():
    assert Language.choices == settings.LANGUAGES
    assert DEFAULT_LANGUAGE.value == settings.LANGUAGE_CODE
    codes = set(Language.values)
    spelled = where(lambda node: isinstance(node, ast.Constant) and node.value in codes)
    assert files(spelled) == {"domain/languages.py"}


def test_a_language_is_negotiated_in_one_place():
    assert files(where(calls("get_language_from_request"))) == {"backend/locale.py"}


def test_the_page_size_is_configured_once():
    pagination = settings.STRAWBERRY_DJANGO
    assert pagination["PAGINATION_DEFAULT_LIMIT"] == settings.GRAPHQL_PAGE_SIZE_DEFAULT
    assert pagination["PAGINATION_MAX_LIMIT"] == settings.GRAPHQL_PAGE_SIZE_MAX
    named = where(
        lambda node: (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and "PAGE_SIZE" in node.id
            and node.id not in {"GRAPHQL_PAGE_SIZE_DEFAULT", "GRAPHQL_PAGE_SIZE_MAX"}
        )
    )
    assert named == []


def test_a_text_is_hashed_in_one_place():
    """graph/documents.text_sha256 for documents, slugs and cache keys; the ETag hashes bytes."""
    hashing = files(where(calls("sha256")))
    assert {path for path in hashing if path.startswith("graph/")} == {
        "graph/documents.py",
        "graph/response_cache.py",
    }


def test_domain_errors_become_graphql_errors_in_graph_errors_only():
    """Only graph/errors.py catches a DomainError in the API layer (the payment webhook, a plain
    Django view, answers the gateway in its own JSON)."""
    catching = where(
        lambda node: (
            isinstance(node, ast.ExceptHandler)
            and node.type is not None
            and "DomainError" in ast.unparse(node.type)
        )
    )
    assert [place for place in catching if place.startswith("graph/")] == [
        place for place in catching if place.startswith("graph/errors.py")
    ]
