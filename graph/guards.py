"""Guards every operation passes before it runs: they look at the document and its variables once,
so no resolver has to, and refuse with a clear error (QUERY_TOO_COMPLEX for the limits,
BAD_USER_INPUT for the input) what would otherwise be costly, or fail deep inside a query (and
reach the client as an internal error)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import orjson
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from graphql import (
    BREAK,
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    Visitor,
    parse,
    value_from_ast_untyped,
    visit,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.relay.utils import from_base64
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from domain.text import text_storable

from .cost import operation_cost
from .errors import bad_input, too_complex
from .limits import (
    document_problems,
    fragment_definitions,
    operation_definitions,
    operation_named,
    root_field_count,
    used_fragments,
)

UNSTORABLE_TEXT = gettext_lazy("Text may not contain NUL (\\u0000) characters or invalid Unicode.")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Offsets are row numbers: beyond this no list of ours reaches, and databases refuse the number.
MAX_CURSOR_OFFSET = 2**31 - 1
# Only small documents are cached (parsed and validated once), so the caches hold at most
# CACHED_DOCUMENTS syntax trees of a few hundred kilobytes each, never a large document.
CACHED_DOCUMENT_MAX_BYTES = 2048
CACHED_DOCUMENTS = 128


class GuardedDocument(SchemaExtension):
    """Parses and validates every document, refusing first what would be costly to validate or run.

    1. Before parsing: the document's size (GRAPHQL_MAX_DOCUMENT_BYTES) and tokens (GRAPHQL_MAX_TOKENS).
    2. Before graphql-core's rules: the limits of graph.limits, in time linear in the document, so
       that no rule ever sees a document whose validation would take long.
    3. graphql-core's validation.
    4. What depends on the request's variables: text that cannot be stored, page arguments, the
       operation's cost (graph.cost) and the number of root mutation fields.

    Parsing and validation are cached for small documents only, so the caches never keep a large one.
    A small document that passed every guard with the same operation, variables and limits passes
    them again without being looked at (PASSED), graphql-core's validation aside (a cache hit): the
    guards run once per document text and variables.
    """

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = settings.GRAPHQL_MAX_TOKENS
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None:
            limit = settings.GRAPHQL_MAX_DOCUMENT_BYTES
            if len(query) > limit or len(query.encode("utf-8", "surrogatepass")) > limit:
                raise too_complex(gettext("The document is larger than %(limit)s bytes.") % {"limit": limit})
            context.graphql_document = parse_document(query, settings.GRAPHQL_MAX_TOKENS)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        key = _passed_key(context)
        try:
            context.pre_execution_errors = _problems(context, passed=key is not None and key in PASSED)
        except Exception as error:  # a bug of ours: masked and logged like any other (graph.errors)
            context.pre_execution_errors = [GraphQLError(str(error), original_error=error)]
        if key is not None and not context.pre_execution_errors:
            if len(PASSED) >= CACHED_PASSES:
                PASSED.clear()
            PASSED.add(key)
        yield


# Requests (document, operation, variables, limits) that passed every guard: small ones only.
PASSED: set[tuple] = set()
CACHED_PASSES = 1024
MAX_CACHED_VARIABLES_BYTES = 1024


def _passed_key(context: ExecutionContext) -> tuple | None:
    query = context.query
    if query is None or len(query) > CACHED_DOCUMENT_MAX_BYTES:
        return None
    try:
        variables = orjson.dumps(context.variables or {}, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # text orjson will not encode (a lone surrogate): the guards look at it
        return None
    if len(variables) > MAX_CACHED_VARIABLES_BYTES:
        return None
    limits = (
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_TOKENS,
        settings.GRAPHQL_MAX_DOCUMENT_BYTES,
        settings.GRAPHQL_MAX_SELECTIONS,
        settings.GRAPHQL_MAX_REPEATED_FIELDS,
        settings.GRAPHQL_MAX_COST,
        settings.GRAPHQL_MAX_MUTATIONS,
        settings.GRAPHQL_INTROSPECTION,
        tuple(sorted(settings.STRAWBERRY_DJANGO.items())),
    )
    return (query, context._provided_operation_name, variables, limits, tuple(context.validation_rules))


def _problems(context: ExecutionContext, *, passed: bool) -> list[GraphQLError]:
    """`passed`: the same request passed before, so only graphql-core's (cached) validation runs."""
    document = context.graphql_document
    errors = [] if passed else document_problems(document) or _operation_choice_problems(context)
    if not errors:
        rules = tuple(context.validation_rules)
        if not settings.GRAPHQL_INTROSPECTION:
            rules += (NoSchemaIntrospectionCustomRule,)
        errors = _validate(context.schema, context.query, document, rules)
    return errors or ([] if passed else _request_problems(context))


def parse_document(query: str, max_tokens: int) -> DocumentNode:
    try:
        if len(query) <= CACHED_DOCUMENT_MAX_BYTES:
            return _parse_cached(query, max_tokens)
        return parse(query, max_tokens=max_tokens)
    except RecursionError:  # brackets nested too deeply for graphql-core's recursive parser
        raise too_complex(gettext("The document is nested too deeply.")) from None
    except GraphQLSyntaxError as error:
        if TOKEN_LIMIT_REACHED in error.message:  # graphql-core's max_tokens: one of our limits
            raise too_complex(
                gettext("The document has more than %(max)s tokens.") % {"max": max_tokens}
            ) from None
        raise


# How graphql-core's parser says it stopped at max_tokens ("Document contains more than N tokens.
# Parsing aborted."); tests/test_limits.py pins it.
TOKEN_LIMIT_REACHED = "tokens. Parsing aborted."


@functools.lru_cache(maxsize=CACHED_DOCUMENTS)
def _parse_cached(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def _validate(schema: Any, query: str | None, document: DocumentNode, rules: tuple) -> list[GraphQLError]:
    if query is not None and len(query) <= CACHED_DOCUMENT_MAX_BYTES:
        return list(_validate_cached(schema, query, settings.GRAPHQL_MAX_TOKENS, rules))
    return validate_document(schema._schema, document, rules)


@functools.lru_cache(maxsize=CACHED_DOCUMENTS)
def _validate_cached(schema: Any, query: str, max_tokens: int, rules: tuple) -> list[GraphQLError]:
    # Keyed by the text, not the syntax tree (hashing a tree walks it); the tree is the cached parse.
    # Only graphql-core's rules run here, whose messages are English in every language; ours, which
    # speak the request's language, run before (graph/limits.py) and are never kept.
    return validate_document(schema._schema, _parse_cached(query, max_tokens), rules)


def _operation_choice_problems(context: ExecutionContext) -> list[GraphQLError]:
    """The spec's rule: a document with several operations needs the operation's name."""
    operations = operation_definitions(context.graphql_document)
    if len(operations) > 1 and context._provided_operation_name is None:
        return [bad_input(gettext("Must provide operation name if query contains multiple operations."))]
    return []


def _request_problems(context: ExecutionContext) -> list[GraphQLError]:
    document = context.graphql_document
    if (
        not text_storable(context.query or "")
        or not _storable(context.variables)
        or _unstorable_literal(document)
    ):
        return [bad_input(UNSTORABLE_TEXT)]
    operation = operation_named(context.graphql_document, context._provided_operation_name)
    if operation is None:
        return []
    variables = _variables_with_defaults(operation, context.variables or {})
    fragments = fragment_definitions(document)
    found: list[GraphQLError] = []

    class Arguments(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for argument in node.arguments or ():
                message = _page_argument_problem(argument, variables)
                if message and message not in {error.message for error in found}:
                    found.append(bad_input(message))

    for name in ["", *used_fragments([operation], fragments)]:
        visit(fragments[name] if name else operation, Arguments())
    if found:
        return found
    cost = operation_cost(context.schema._schema, document, operation, variables)
    limit = settings.GRAPHQL_MAX_COST
    if cost > limit:
        return [
            too_complex(
                gettext("The operation's estimated cost is %(cost)s. Allowed: %(allowed)s")
                % {"cost": cost, "allowed": limit}
            )
        ]
    if operation.operation == OperationType.MUTATION:
        fields = root_field_count(operation, document)
        if fields > settings.GRAPHQL_MAX_MUTATIONS:
            return [
                too_complex(
                    gettext("%(mutations)s mutations in one request. Allowed: %(allowed)s")
                    % {"mutations": fields, "allowed": settings.GRAPHQL_MAX_MUTATIONS}
                )
            ]
    return []


def _variables_with_defaults(operation: OperationDefinitionNode, provided: dict) -> dict:
    """The values the operation's variables take: those sent, else their defaults."""
    values = dict(provided)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def _unstorable_literal(document: DocumentNode) -> bool:
    """Whether a string in the document, however it is spelled (escapes, block strings), holds what
    PostgreSQL cannot store: judged on the parsed values, not on the text."""
    found = False

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
            nonlocal found
            if not text_storable(node.value):
                found = True
                return BREAK
            return None

    visit(document, Strings())
    return found


def _page_argument_problem(argument: ArgumentNode, variables: dict) -> str | None:
    name = argument.name.value
    if name not in {"first", "last", "after", "before"}:
        return None
    value_node = argument.value
    if isinstance(value_node, VariableNode):
        value = variables.get(value_node.name.value)
    elif isinstance(value_node, IntValueNode | StringValueNode):
        value = value_node.value
    else:
        return None  # null, or a type error that validation reports
    if value is None:
        return None
    if name in {"first", "last"}:
        try:
            count = int(value)
        except (TypeError, ValueError):
            return None  # validation reports the type error
        if not 0 <= count <= MAX_PAGE_SIZE:
            return gettext("Argument '%(name)s' must be between 0 and %(max)s.") % {
                "name": name,
                "max": MAX_PAGE_SIZE,
            }
        return None
    if not isinstance(value, str) or not _valid_cursor(value):
        return gettext("Argument '%(name)s' is not a valid cursor.") % {"name": name}
    return None


def _valid_cursor(cursor: str) -> bool:
    try:
        prefix, offset = from_base64(cursor)
        return prefix == relay.types.PREFIX and 0 <= int(offset) <= MAX_CURSOR_OFFSET
    except (ValueError, TypeError):
        return False


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        return text_storable(value)
    if isinstance(value, dict):
        return all(_storable(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_storable(item) for item in value)
    return True
