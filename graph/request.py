"""One GraphQL request, worked out once: the view builds it (graph/views.py) and hands it to every
part that needs to know what is being run, so none of them reads the body, hashes the text,
parses the document or encodes the variables again:

- the persisted-query lookup gives its text and hash (graph/persisted.py);
- the size and token limits run, then the document is parsed (once; small documents are parsed
  once per process), then the shape limits of graph/limits.py, then the operation is chosen:
  nothing walks the document before those limits have bounded it;
- the response cache (graph/response_cache.py) reads its operation and variables;
- the guards (graph/guards.py) report its problems and go on with validation and the limits that
  depend on the variables;
- the optimizer's kept plans (graph/plans.py) are keyed on `plan_key`;
- the database router (backend/db_router.py) reads `operation_type`: a mutation reads the primary
  from its first statement on, whether it came as text or as a persisted hash; and it marks
  `replica_read` when the request read a replica (the response cache keeps only primary answers).

A document that cannot be run (too large, a syntax error, over a limit) carries its `problem`, and
the guards answer it as the GraphQL error it is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

import orjson
from django.conf import settings
from django.utils.translation import gettext
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    parse,
)
from graphql.execution.values import get_variable_values

from .errors import bad_input, too_complex
from .limits import document_problems, operation_definitions, operation_named

# Only small documents are kept parsed, so the cache holds at most CACHED_DOCUMENTS syntax trees of a
# few hundred kilobytes each, never a large document.
CACHED_DOCUMENT_MAX_BYTES = 2048
CACHED_DOCUMENTS = 128
# Coercion errors reported at most (graphql-core stops there).
MAX_ERRORS = 50
# Variables longer than this (as sorted JSON) key nothing: no kept plan, no kept guard pass.
MAX_KEYED_VARIABLES = 1024
# How graphql-core's parser says it stopped at max_tokens ("Document contains more than N tokens.
# Parsing aborted."); tests/test_limits.py pins it.
TOKEN_LIMIT_REACHED = "tokens. Parsing aborted."


@dataclass(eq=False)
class GraphQLRequest:
    text: str | None
    sha256: str | None = None
    operation_name: str | None = None
    variables: dict = field(default_factory=dict)
    persisted_name: str | None = None  # the manifest's name, for a manifest document
    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    # Why the document cannot run (size, syntax, a limit, no operation to choose): answered by the
    # guards as a GraphQL error.
    problem: GraphQLError | None = None
    # The operation's variables as graphql-core coerces them (declared ones only, defaults included,
    # `100.0` an Int 100): what the cost, the page guards and every key read. None when they cannot
    # be coerced, with `variable_errors` saying why.
    values: dict | None = None
    variable_errors: list[GraphQLError] = field(default_factory=list)
    replica_read: bool = False  # set by the database router when a read went to a replica
    register: bool = False  # a text sent with its hash, to keep once it is valid (graph/persisted.py)
    validated: bool = False  # passed the guards and graphql-core's validation (graph/guards.py)
    # Paths of root lists whose resolver said its queryset is a function of its arguments, and of
    # lists the optimizer served from a kept plan: graph/kept_sql.py keeps the SQL of those in both.
    pure_lists: set = field(default_factory=set)
    kept_plans: set = field(default_factory=set)
    # Root fields answering one object, whose nested connections page themselves (graph/plans.py).
    single_roots: set = field(default_factory=set)

    @classmethod
    def prepared(
        cls,
        text: str | None,
        *,
        sha256: str | None = None,
        operation_name: str | None = None,
        variables: dict | None = None,
        persisted_name: str | None = None,
        schema: GraphQLSchema,
    ) -> GraphQLRequest:
        request = cls(
            text=text,
            sha256=sha256,
            operation_name=operation_name,
            variables=variables or {},
            persisted_name=persisted_name,
        )
        if text is not None:
            try:
                request.document = parse_document(text)
                request.operation = _chosen_operation(request.document, operation_name)
            except GraphQLError as problem:
                request.problem = problem
        if request.operation is not None:
            coerced = get_variable_values(
                schema, request.operation.variable_definitions or (), request.variables, max_errors=MAX_ERRORS
            )
            if isinstance(coerced, list):
                request.variable_errors = coerced
            else:
                request.values = coerced
        return request

    @property
    def operation_type(self) -> OperationType | None:
        return self.operation.operation if self.operation is not None else None

    @functools.cached_property
    def variables_json(self) -> str | None:
        """The coerced variables as sorted JSON, encoded once (undeclared variables left out, so
        they key nothing); None when they cannot be coerced or encoded (a lone surrogate)."""
        if self.values is None:
            return None
        try:
            return orjson.dumps(self.values, option=orjson.OPT_SORT_KEYS, default=_key_value).decode()
        except TypeError:  # a value with no canonical spelling (a file, a lone surrogate): no key
            return None

    @property
    def plan_key(self) -> tuple | None:
        """What names this request's document, operation and variables for the kept optimizer plans
        and guard passes: small documents and variables only, so the keys stay small."""
        encoded = self.variables_json
        if (
            self.document is None
            or self.sha256 is None
            or encoded is None
            or len(encoded) > MAX_KEYED_VARIABLES
            or len(self.text or "") > CACHED_DOCUMENT_MAX_BYTES
        ):
            return None
        return (self.sha256, self.operation_name, encoded)


def _key_value(value: object) -> object:
    """The one spelling of a coerced value that JSON has none for: a Decimal by its normalised digits
    (`10`, `1e1` and `10.00` are one amount), an enum member by its value, a date by its ISO form
    (orjson writes those itself). Anything else has none: the request keys nothing."""
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, Enum):
        return value.value
    raise TypeError(type(value).__name__)


def parse_document(text: str) -> DocumentNode:
    """The document of `text` within the size, token and shape limits (QUERY_TOO_COMPLEX), or its
    syntax error; parsed once per process for small documents."""
    limit = settings.GRAPHQL_MAX_DOCUMENT_BYTES
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise too_complex(gettext("The document is larger than %(limit)s bytes.") % {"limit": limit})
    max_tokens = settings.GRAPHQL_MAX_TOKENS
    limits = (
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_SELECTIONS,
        settings.GRAPHQL_MAX_REPEATED_FIELDS,
    )
    try:
        if len(text) <= CACHED_DOCUMENT_MAX_BYTES:
            return _parse_cached(text, max_tokens, limits)
        return _parse(text, max_tokens)
    except RecursionError:  # brackets nested too deeply for graphql-core's recursive parser
        raise too_complex(gettext("The document is nested too deeply.")) from None
    except GraphQLSyntaxError as error:
        if TOKEN_LIMIT_REACHED in error.message:  # graphql-core's max_tokens: one of our limits
            raise too_complex(
                gettext("The document has more than %(max)s tokens.") % {"max": max_tokens}
            ) from None
        raise


def _parse(text: str, max_tokens: int) -> DocumentNode:
    """Parsed, then measured by graph/limits.py (its first problem raised, in the request's language)."""
    document = parse(text, max_tokens=max_tokens)
    problems = document_problems(document)
    if problems:
        raise problems[0]
    return document


@functools.lru_cache(maxsize=CACHED_DOCUMENTS)
def _parse_cached(text: str, max_tokens: int, limits: tuple) -> DocumentNode:
    """`_parse` once per small document and limits (a refusal is raised, so never kept)."""
    return _parse(text, max_tokens)


def _chosen_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The spec's rule: a document with several operations needs the operation's name. None for a
    name the document does not hold (strawberry answers that one)."""
    if name is None and len(operation_definitions(document)) > 1:
        raise bad_input(gettext("Must provide operation name if query contains multiple operations."))
    return operation_named(document, name)
