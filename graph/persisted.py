"""Persisted queries, the Automatic Persisted Queries convention: a client may send
`extensions.persistedQuery.sha256Hash` instead of the document's text.

- A hash of the manifest (graph/operations/manifest.json: every operation of graph/operations, its
  canonical text and that text's sha256, written by `manage.py persisted_manifest`) always runs.
  The manifest is read once, at start-up; it lives in code, never in the cache.
- Any other hash runs once its text was sent with it (registered in the cache for
  GRAPHQL_PERSISTED_TTL seconds); until then the answer is PersistedQueryNotFound, and the client
  sends the text with the hash. A hash that is not its text's is refused (400). The cache is only
  a convenience: when it is down, a hash alone is not found and a text is simply run.
- With GRAPHQL_PERSISTED_ONLY (production), only the manifest runs, sent by hash or by text,
  plus introspection while GRAPHQL_INTROSPECTION is on (GraphiQL, codegen); nothing is registered.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass

from cross_web import HTTPException
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext
from graphql import FieldNode, GraphQLError, GraphQLSchema, OperationType

from .documents import OPERATIONS_DIR, operations, text_sha256
from .limits import operation_definitions
from .request import GraphQLRequest

logger = logging.getLogger("kitanda.graph")

MANIFEST_PATH = OPERATIONS_DIR / "manifest.json"
NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
NOT_ALLOWED_CODE = "PERSISTED_QUERY_NOT_ALLOWED"
_SHA256 = re.compile(r"[0-9a-f]{64}")
INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})


@dataclass(frozen=True)
class Document:
    text: str
    sha256: str
    operation_name: str | None = None  # the manifest's name, for a manifest document


class PersistedQueryProblem(Exception):
    """Answered as a GraphQL error (HTTP 200), so APQ clients know to send the text."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.error = GraphQLError(message, extensions={"code": code})


def manifest_entries() -> list[dict[str, str]]:
    """What the manifest holds, from the operations folder: name, sha256 and text of each operation."""
    return [
        {"name": name, "sha256": text_sha256(text), "text": text}
        for name, text in sorted(operations().items())
    ]


def manifest_json() -> str:
    return json.dumps({"operations": manifest_entries()}, indent=2, ensure_ascii=False) + "\n"


@functools.cache
def manifest() -> dict[str, Document]:
    """The committed manifest by hash (read once per process)."""
    entries = json.loads(MANIFEST_PATH.read_text())["operations"]
    return {
        e["sha256"]: Document(text=e["text"], sha256=e["sha256"], operation_name=e["name"]) for e in entries
    }


def _cache_key(digest: str) -> str:
    return f"graphql:persisted:{digest}"


def _outside_manifest() -> PersistedQueryProblem:
    """GRAPHQL_PERSISTED_ONLY refuses a document that is not one of the manifest's."""
    return PersistedQueryProblem(gettext("Only the operations of the manifest run here."), NOT_ALLOWED_CODE)


def request_for(
    query: str | None,
    extensions: dict | None,
    operation_name: str | None,
    variables: dict | None,
    *,
    schema: GraphQLSchema,
) -> GraphQLRequest:
    """The request a body asks for: its text, or the one its persisted hash names, prepared once
    (graph/request.py). A text without any (the view's usual 400) prepares an empty request."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        if query is None:
            return GraphQLRequest(text=None, operation_name=operation_name, variables=variables or {})
        document = manifest().get(text_sha256(query)) or Document(text=query, sha256=text_sha256(query))
        return _allowed(_prepared(schema, document, operation_name, variables))
    digest = _requested_hash(persisted)
    known = manifest().get(digest)
    if query is not None:
        if text_sha256(query) != digest:
            raise HTTPException(400, gettext("provided sha does not match query"))
        request = _allowed(
            _prepared(schema, known or Document(text=query, sha256=digest), operation_name, variables)
        )
        request.register = known is None and not settings.GRAPHQL_PERSISTED_ONLY
        return request
    if known is not None:
        return _prepared(schema, known, operation_name, variables)
    if not settings.GRAPHQL_PERSISTED_ONLY:
        text = _registered(digest)
        if text is not None:
            return _prepared(schema, Document(text=text, sha256=digest), operation_name, variables)
    raise PersistedQueryProblem(NOT_FOUND, NOT_FOUND_CODE)


def _prepared(
    schema: GraphQLSchema, document: Document, operation_name: str | None, variables: dict | None
) -> GraphQLRequest:
    return GraphQLRequest.prepared(
        document.text,
        sha256=document.sha256,
        operation_name=operation_name,
        variables=variables,
        persisted_name=document.operation_name,
        schema=schema,
    )


def _allowed(request: GraphQLRequest) -> GraphQLRequest:
    """With GRAPHQL_PERSISTED_ONLY, a text outside the manifest runs only if it introspects."""
    if (
        settings.GRAPHQL_PERSISTED_ONLY
        and request.persisted_name is None
        and not _introspection_allowed(request)
    ):
        raise _outside_manifest()
    return request


def register(request: GraphQLRequest) -> None:
    """Keep a text sent with its hash, once it has passed the guards and graphql-core's validation
    (graph/guards.py), and only a small one: nothing a stranger sends that cannot run is kept."""
    if not request.register or not request.validated:
        return
    if len(request.text.encode("utf-8", "surrogatepass")) > settings.GRAPHQL_PERSISTED_MAX_BYTES:
        return
    try:
        cache.set(_cache_key(request.sha256), request.text, timeout=settings.GRAPHQL_PERSISTED_TTL)
    except Exception:  # fail open: the text ran, the next hash alone will be asked for it again
        logger.warning("Persisted query not registered: the cache is unavailable")


def _requested_hash(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
        raise HTTPException(400, gettext("Unsupported persistedQuery extension (version 1 expected)."))
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise HTTPException(400, gettext("persistedQuery.sha256Hash must be a sha256 in hexadecimal."))
    return digest.lower()


def _registered(digest: str) -> str | None:
    try:
        text = cache.get(_cache_key(digest))
    except Exception:
        logger.warning("Persisted query not looked up: the cache is unavailable")
        return None
    return text if isinstance(text, str) and text_sha256(text) == digest else None


def _introspection_allowed(request: GraphQLRequest) -> bool:
    """Whether the document only introspects (every root field __schema, __type or __typename)
    while introspection is on."""
    if not settings.GRAPHQL_INTROSPECTION or request.document is None:
        return False
    roots = operation_definitions(request.document)
    return bool(roots) and all(
        operation.operation == OperationType.QUERY
        and all(
            isinstance(selection, FieldNode) and selection.name.value in INTROSPECTION_FIELDS
            for selection in operation.selection_set.selections
        )
        for operation in roots
    )
