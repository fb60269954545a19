"""Guards every operation passes before it runs: they look at the document and its variables once,
so no resolver has to, and refuse with a clear BAD_USER_INPUT error what would otherwise fail deep
inside a query (and reach the client as an internal error)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    IntValueNode,
    OperationDefinitionNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.relay.utils import from_base64

from domain.text import text_storable

from .errors import bad_input

UNSTORABLE_TEXT = "Text may not contain NUL (\\u0000) characters or invalid Unicode."
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Offsets are row numbers: beyond this no list of ours reaches, and databases refuse the number.
MAX_CURSOR_OFFSET = 2**31 - 1


class _Guard(SchemaExtension):
    """Adds its errors to the validation's, so the operation stops before it executes.
    Listed after ValidationCache, whose result it extends."""

    def on_validate(self) -> Iterator[None]:
        errors = self.problems()
        if errors:
            context = self.execution_context
            context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]
        yield

    def problems(self) -> list[GraphQLError]:
        raise NotImplementedError


class RefuseUnstorableText(_Guard):
    """NUL characters and lone surrogates cannot be stored in PostgreSQL text."""

    def problems(self) -> list[GraphQLError]:
        context = self.execution_context
        query = context.query or ""
        if not text_storable(query) or "\\u0000" in query.lower() or not _storable(context.variables):
            return [bad_input(UNSTORABLE_TEXT)]
        return []


class CheckPageArguments(_Guard):
    """`first`/`last` of every connection, root or nested, are 0..100, and `after`/`before` are
    cursors this API gave out."""

    def problems(self) -> list[GraphQLError]:
        context = self.execution_context
        if context.graphql_document is None:
            return []
        variables = context.variables or {}
        found: list[GraphQLError] = []

        class Arguments(Visitor):
            def enter_field(self, node: FieldNode, *_: Any) -> None:
                for argument in node.arguments or ():
                    message = _page_argument_problem(argument, variables)
                    if message and message not in {error.message for error in found}:
                        found.append(bad_input(message))

        for definition in context.graphql_document.definitions:
            if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
                visit(definition, Arguments())
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
            return f"Argument '{name}' must be between 0 and {MAX_PAGE_SIZE}."
        return None
    if not isinstance(value, str) or not _valid_cursor(value):
        return f"Argument '{name}' is not a valid cursor."
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
