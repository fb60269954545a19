"""Compiled operations: a query document seen before (one kept by the parse cache of
graph/request.py, persisted or not) is compiled once per operation into a plan that builds the
response dict straight from the resolved objects, instead of graphql-core walking the selections,
making a Path and a resolve info per field and dispatching on each value's type.

What stays the same, by construction:
- every field that has a resolver of its own (strawberry resolvers, strawberry-django fields and
  connections with their optimizer querysets, permission extensions, loaders) is called as
  graphql-core calls it, with the same resolve info (path included) and arguments;
- the fields graph/lean.py serves (plain columns, relay ids, argument-less methods) are called
  without an info, as lean resolvers ignore it, a plain column inlined as `getattr`;
- a resolver's exception, a null in a non-null place, a leaf that does not serialize become the
  errors graphql-core makes (message, path, locations, extensions), with the same null propagation:
  the code below is graphql-core 3.2's execute_field / complete_value, unrolled per field.

Anything else runs through graphql-core for that operation: mutations and subscriptions,
interfaces and unions, introspection, a directive other than @skip/@include, an async field,
schema extensions with a per-field hook, a document that is not the parse cache's (large ones).
tests/test_compiled.py runs the operations folder and generated selections through both executors
and requires byte-identical JSON. GRAPHQL_COMPILED_OPERATIONS=0 turns it off.

A plan depends on the document, the operation and the values of the variables its @skip/@include
read (which fields are selected), so it is kept under those; arguments are read per request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from graphql import (
    DirectiveNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    VariableNode,
    is_leaf_type,
    located_error,
    visit,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields
from graphql.execution.execute import (
    ExecutionContext,
    default_field_resolver,
    get_field_def,
    invalid_return_type_error,
)
from graphql.execution.values import get_argument_values
from graphql.language import Visitor
from graphql.pyutils import Path, is_iterable
from graphql.type.scalars import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    serialize_boolean,
    serialize_id,
    serialize_int,
    serialize_string,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from .request import CACHED_DOCUMENT_MAX_BYTES

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF
MAX_PLANS = 512
KNOWN_DIRECTIVES = frozenset({"skip", "include"})

# How a field's value is read.
TYPENAME, ATTRIBUTE, LEAN, RESOLVER = range(4)


class Unsupported(Exception):
    """What the compiler leaves to graphql-core."""


class CompiledField:
    __slots__ = (
        "key",
        "name",
        "nodes",
        "definition",
        "return_type",
        "parent",
        "kind",
        "read",
        "arguments",
        "complete",
        "needs_path",
        "non_null",
        "fast",
    )


class Plan:
    __slots__ = ("operation", "fields")

    def __init__(self, operation: OperationDefinitionNode, fields: list[CompiledField] | None) -> None:
        self.operation = operation  # kept, so that the id it is keyed on is not reused
        self.fields = fields  # None: graphql-core runs it


# (id of the operation node, values of the @skip/@include variables) -> Plan
PLANS: dict[tuple, Plan] = {}
# id of the operation node -> (operation, names of the variables @skip/@include read, or None
# when a directive is not one the compiler knows)
CONDITIONS: dict[int, tuple[OperationDefinitionNode, tuple[str, ...] | None]] = {}


class CompiledExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context, running a compiled plan where there is one."""

    def execute_operation(self, operation: OperationDefinitionNode, root_value: Any) -> Any:
        plan = self._plan(operation)
        if plan is None or plan.fields is None:
            return super().execute_operation(operation, root_value)
        self._info_tail = (
            self.schema,
            self.fragments,
            self.root_value,
            self.operation,
            self.variable_values,
            self.context_value,
            self.is_awaitable,
        )
        self._arguments: dict[int, dict] = {}
        return _run_object(self, plan.fields, root_value, None)

    def _plan(self, operation: OperationDefinitionNode) -> Plan | None:
        if (
            not settings.GRAPHQL_COMPILED_OPERATIONS
            or operation.operation != OperationType.QUERY
            or (self.middleware_manager is not None and self.middleware_manager.middlewares)
        ):
            return None
        request = getattr(self.context_value, "graphql", None)
        # Only the parse cache's documents: the same syntax tree comes back for the same text.
        if (
            request is None
            or request.operation is not operation
            or request.text is None
            or len(request.text) > CACHED_DOCUMENT_MAX_BYTES
        ):
            return None
        names = _condition_variables(operation, self.fragments)
        if names is None:
            return None
        values = self.variable_values
        key = (id(operation), tuple(values.get(name) for name in names))
        plan = PLANS.get(key)
        if plan is None or plan.operation is not operation:
            try:
                fields = _compile_root(self, operation)
            except Unsupported:
                fields = None
            plan = Plan(operation, fields)
            if len(PLANS) >= MAX_PLANS:
                PLANS.clear()
            PLANS[key] = plan
        return plan

    def arguments_of(self, field: CompiledField) -> dict:
        """The field's arguments: fixed at compile time, or read from this request's variables."""
        if field.arguments is not None:
            return field.arguments
        found = self._arguments.get(id(field))
        if found is None:
            found = self._arguments[id(field)] = get_argument_values(
                field.definition, field.nodes[0], self.variable_values
            )
        return found


def _condition_variables(operation: OperationDefinitionNode, fragments: dict) -> tuple[str, ...] | None:
    entry = CONDITIONS.get(id(operation))
    if entry is not None and entry[0] is operation:
        return entry[1]
    names: set[str] = set()
    known = True

    class Directives(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            nonlocal known
            if node.name.value not in KNOWN_DIRECTIVES:
                known = False
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)

    for node in (operation, *fragments.values()):
        visit(node, Directives())
    result = tuple(sorted(names)) if known else None
    if len(CONDITIONS) >= MAX_PLANS:
        CONDITIONS.clear()
    CONDITIONS[id(operation)] = (operation, result)
    return result


# ---------------------------------------------------------------- compiling


def _compile_root(context: ExecutionContext, operation: OperationDefinitionNode) -> list[CompiledField]:
    schema = context.schema
    root_type = schema.query_type
    if root_type is None:
        raise Unsupported("no query type")
    collected = collect_fields(
        schema, context.fragments, context.variable_values, root_type, operation.selection_set
    )
    return _compile_fields(context, root_type, collected)


def _compile_fields(
    context: ExecutionContext, parent: GraphQLObjectType, collected: dict[str, list[FieldNode]]
) -> list[CompiledField]:
    compiled = []
    for key, nodes in collected.items():
        name = nodes[0].name.value
        if name in ("__schema", "__type"):
            raise Unsupported("introspection")
        definition = get_field_def(context.schema, parent, nodes[0])
        if definition is None:
            raise Unsupported(f"{parent.name}.{name}")
        field = CompiledField()
        field.key = key
        field.name = name
        field.nodes = nodes
        field.definition = definition
        field.return_type = definition.type
        field.parent = parent
        field.non_null = isinstance(definition.type, GraphQLNonNull)
        _compile_read(field, definition, parent, nodes)
        field.complete, value_needs_path = _completer(context, definition.type, field)
        field.needs_path = value_needs_path
        field.fast = _fast_leaf(definition.type) if field.kind in (ATTRIBUTE, LEAN) else None
        compiled.append(field)
    return compiled


def _compile_read(field: CompiledField, definition: GraphQLField, parent: GraphQLObjectType, nodes) -> None:
    field.arguments = None
    if field.name == "__typename":
        field.kind, field.read, field.arguments = TYPENAME, parent.name, {}
        return
    strawberry_field = definition.extensions.get(DEFINITION) if definition.extensions else None
    if strawberry_field is not None and getattr(strawberry_field, "is_async", False):
        raise Unsupported("async field")
    resolve = definition.resolve or default_field_resolver
    lean_needs_info = getattr(resolve, "lean_needs_info", None)
    if lean_needs_info is False and not nodes[0].arguments and not definition.args:
        attname = resolve.lean_attname
        field.kind, field.read, field.arguments = (
            (ATTRIBUTE, attname, {}) if attname is not None else (LEAN, resolve, {})
        )
        return
    field.kind, field.read = RESOLVER, resolve
    if not any(_has_variable(argument.value) for argument in nodes[0].arguments or ()):
        try:
            field.arguments = get_argument_values(definition, nodes[0], {})
        except Exception:  # an error graphql-core raises per call: left to the request
            field.arguments = None


# The Python type a leaf's serialize returns unchanged (graphql-core's String, ID, Boolean, Int):
# such a value, or a null where one is allowed, is the response's value as it is.
_PASSED = {serialize_string: str, serialize_id: str, serialize_boolean: bool, serialize_int: int}


def _fast_leaf(return_type) -> tuple[type, bool] | None:
    """(the type a value passes as, whether null passes) for a plain leaf field, else None."""
    nullable = not isinstance(return_type, GraphQLNonNull)
    leaf = return_type if nullable else return_type.of_type
    if not is_leaf_type(leaf):
        return None
    passed = _PASSED.get(leaf.serialize)
    return None if passed is None else (passed, nullable)


def _has_variable(value) -> bool:
    if isinstance(value, VariableNode):
        return True
    for attribute in ("values", "fields"):
        for item in getattr(value, attribute, None) or ():
            if _has_variable(getattr(item, "value", item)):
                return True
    return False


def _completer(context: ExecutionContext, return_type, field: CompiledField):
    """(complete(context, value, path, info) -> the response's value, whether it needs a path)."""
    if isinstance(return_type, GraphQLNonNull):
        inner, needs_path = _completer(context, return_type.of_type, field)
        message = f"Cannot return null for non-nullable field {field.parent.name}.{field.name}."

        def complete_non_null(context, value, path, info):
            completed = inner(context, value, path, info)
            if completed is None:
                raise TypeError(message)
            return completed

        return complete_non_null, needs_path
    if isinstance(return_type, GraphQLList):
        return _list_completer(context, return_type, field), True
    if is_leaf_type(return_type):
        return _leaf_completer(return_type), False
    if isinstance(return_type, GraphQLObjectType):
        return _object_completer(context, return_type, field), True
    raise Unsupported(f"abstract type {return_type}")


def _leaf_completer(leaf):
    serialize = leaf.serialize
    # graphql-core's own String and ID return a str as it is.
    passes_str = serialize in (serialize_string, serialize_id)
    complete_leaf = ExecutionContext.complete_leaf_value

    def complete(context, value, path, info):
        if passes_str and type(value) is str:
            return value
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        return complete_leaf(leaf, value)

    return complete


def _list_completer(context: ExecutionContext, list_type: GraphQLList, field: CompiledField):
    item_type = list_type.of_type
    complete_item, _ = _completer(context, item_type, field)
    item_non_null = isinstance(item_type, GraphQLNonNull)
    nodes = field.nodes
    message = f"Expected Iterable, but did not find one for field '{field.parent.name}.{field.name}'."

    def complete(context, value, path, info):
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if not is_iterable(value):
            raise GraphQLError(message)
        completed = []
        append = completed.append
        for index, item in enumerate(value):
            item_path = Path(path, index, None)
            try:
                append(complete_item(context, item, item_path, info))
            except Exception as raw_error:
                error = located_error(raw_error, nodes, item_path.as_list())
                if item_non_null:
                    raise error from None
                context.errors.append(error)
                append(None)
        return completed

    return complete


def _object_completer(context: ExecutionContext, object_type: GraphQLObjectType, field: CompiledField):
    collected = collect_sub_fields(
        context.schema, context.fragments, context.variable_values, object_type, field.nodes
    )
    fields = _compile_fields(context, object_type, collected)
    is_type_of = object_type.is_type_of
    nodes = field.nodes

    def complete(context, value, path, info):
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if is_type_of is not None and not is_type_of(value, info):
            raise invalid_return_type_error(object_type, value, nodes)
        return _run_object(context, fields, value, path)

    return complete


# ---------------------------------------------------------------- running


def _run_object(context: CompiledExecutionContext, fields: list[CompiledField], source: Any, path) -> dict:
    """graphql-core's execute_fields + execute_field for one object, per compiled field."""
    data = {}
    tail = context._info_tail
    for field in fields:
        field_path = info = None
        try:
            kind = field.kind
            if kind is ATTRIBUTE:
                value = getattr(source, field.read)
            elif kind is LEAN:
                value = field.read(source, None)
            elif kind is TYPENAME:
                value = field.read
            else:
                field_path = Path(path, field.key, field.parent.name)
                info = GraphQLResolveInfo(
                    field.name, field.nodes, field.return_type, field.parent, field_path, *tail
                )
                value = field.read(source, info, **context.arguments_of(field))
            fast = field.fast
            if fast is not None and (
                (value is None and fast[1])
                or (
                    type(value) is fast[0]
                    and (fast[0] is not int or GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT)
                )
            ):
                data[field.key] = value  # what the leaf's completion would answer
                continue
            if field.needs_path and field_path is None:
                field_path = Path(path, field.key, field.parent.name)
                info = GraphQLResolveInfo(
                    field.name, field.nodes, field.return_type, field.parent, field_path, *tail
                )
            data[field.key] = field.complete(context, value, field_path, info)
        except Exception as raw_error:
            if field_path is None:
                field_path = Path(path, field.key, field.parent.name)
            error = located_error(raw_error, field.nodes, field_path.as_list())
            if field.non_null:
                raise error from None
            context.errors.append(error)
            data[field.key] = None
    return data
