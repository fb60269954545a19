"""Guards every operation passes before it runs: they look at the document and its variables once,
so no resolver has to, and refuse with a clear error (QUERY_TOO_COMPLEX for the limits,
BAD_USER_INPUT for the input) what would otherwise be costly, or fail deep inside a query (and
reach the client as an internal error)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from graphql import (
    BREAK,
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    IntValueNode,
    OperationType,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry import relay
from strawberry.extensions import DisableIntrospection, SchemaExtension, ValidationCache
from strawberry.relay.utils import from_base64
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from domain.text import text_storable

from .cost import operation_cost
from .documents import text_sha256
from .errors import bad_input, too_complex
from .limits import fragment_definitions, root_field_count, used_fragments
from .request import CACHED_DOCUMENT_MAX_BYTES, CACHED_DOCUMENTS, GraphQLRequest

UNSTORABLE_TEXT = gettext_lazy("Text may not contain NUL (\\u0000) characters or invalid Unicode.")
# Offsets are row numbers: beyond this no list of ours reaches, and databases refuse the number.
MAX_CURSOR_OFFSET = 2**31 - 1


def disable_introspection() -> SchemaExtension:
    """Strawberry's DisableIntrospection while GRAPHQL_INTROSPECTION is off (read per request)."""
    return SchemaExtension() if settings.GRAPHQL_INTROSPECTION else DisableIntrospection()


class SmallDocumentsValidationCache(ValidationCache):
    """Strawberry's ValidationCache, bounded, for small documents only: graphql-core's rules run
    once per small document (graph/request.py parses each once per process, so the same syntax tree
    comes back, its hash computed once and kept on it), and no large one is kept."""

    def __init__(self) -> None:
        super().__init__(maxsize=CACHED_DOCUMENTS)

    def on_validate(self) -> Iterator[None]:
        if len(self.execution_context.query or "") <= CACHED_DOCUMENT_MAX_BYTES:
            yield from super().on_validate()
        else:
            yield


class GuardedDocument(SchemaExtension):
    """Every operation passes these guards before it runs; they answer with a clear error
    (QUERY_TOO_COMPLEX for the limits, BAD_USER_INPUT for the input) what would otherwise be costly,
    or fail deep inside a query (and reach the client as an internal error).

    1. The request's document (graph/request.py), parsed within the size, token and shape limits,
       or the problem found there, answered here.
    2. graphql-core's validation (strawberry's ValidationCache, listed before this extension).
    3. What depends on the request's variables: text that cannot be stored, page arguments, the
       operation's cost (graph.cost) and the number of root mutation fields.

    A small request that passed every guard with the same operation, variables and limits passes
    them again without being looked at (PASSED): the guards run once per document and variables.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        request = self.request = _request_of(context)
        if request.problem is not None:
            raise request.problem
        context.graphql_document = request.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None:  # a large document: validated here, not kept
            context.pre_execution_errors = validate_document(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        if not context.pre_execution_errors:
            key = _passed_key(self.request)
            if key is None or key not in PASSED:
                try:
                    context.pre_execution_errors = _request_problems(self.request, context.schema)
                except Exception as error:  # a bug of ours: masked and logged like any other
                    context.pre_execution_errors = [GraphQLError(str(error), original_error=error)]
                if key is not None and not context.pre_execution_errors:
                    if len(PASSED) >= CACHED_PASSES:
                        PASSED.clear()
                    PASSED.add(key)
        self.request.validated = not context.pre_execution_errors
        yield


def _request_of(context: ExecutionContext) -> GraphQLRequest:
    """The view's request object; one made here for a schema run without the view (tests, shell)."""
    request = getattr(context.context, "graphql", None)
    if isinstance(request, GraphQLRequest) and request.text == context.query:
        return request
    text = context.query
    return GraphQLRequest.prepared(
        text,
        sha256=text_sha256(text) if text is not None else None,
        operation_name=context.operation_name,  # before parsing: the one the caller named
        variables=context.variables,
        schema=context.schema._schema,
    )


# Requests (document, operation, variables, limits) that passed every guard: small ones only.
PASSED: set[tuple] = set()
CACHED_PASSES = 1024


def _passed_key(request: GraphQLRequest) -> tuple | None:
    key = request.plan_key
    if key is None:
        return None
    limits = (
        settings.GRAPHQL_MAX_COST,
        settings.GRAPHQL_MAX_MUTATIONS,
        settings.GRAPHQL_PAGE_SIZE_MAX,
        settings.GRAPHQL_PAGE_SIZE_DEFAULT,
    )
    return (*key, limits)


def _request_problems(request: GraphQLRequest, schema: Any) -> list[GraphQLError]:
    document = request.document
    if (
        not text_storable(request.text or "")
        or not _storable(request.variables)
        or _unstorable_literal(document)
    ):
        return [bad_input(UNSTORABLE_TEXT)]
    operation = request.operation
    if operation is None:
        return []
    if request.variable_errors:  # graphql-core would refuse them as it starts: answered now
        return request.variable_errors
    variables = request.values
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
    cost = operation_cost(schema._schema, document, operation, variables)
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
        most = settings.GRAPHQL_PAGE_SIZE_MAX
        if not 0 <= count <= most:
            return gettext("Argument '%(name)s' must be between 0 and %(max)s.") % {"name": name, "max": most}
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
