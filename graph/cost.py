"""What an operation may cost, estimated before it runs from the document and the request's variables.

Each field costs 1. A connection (a field with `first`/`last`) multiplies what it selects by its page
size: `first`, else `last`, else the default page size, whether the value is written in the document,
sent as a variable or taken from the variable's default. A plain list counts once (our lists are
short: cart and order items, categories). Introspection lists (`types`, `fields`, `args`, ...) count
once too, but may nest at most MAX_INTROSPECTION_LISTS deep (the standard introspection query nests
three: types, fields, args), so that `fields { type { fields ... } }` cannot blow up a response.
Each fragment is costed once per request and added where it is spread, so the estimate takes time
linear in the document.
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from .limits import fragment_definitions

PAGE_ARGUMENTS = ("first", "last")
MAX_INTROSPECTION_LISTS = 3


class Estimate(NamedTuple):
    cost: int
    introspection_lists: int  # introspection lists nested along the deepest path


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: dict
) -> Estimate:
    """The estimate of `operation`; `variables` hold the values it runs with, defaults included."""
    fragments = fragment_definitions(document)
    estimates: dict[str, Estimate] = {}
    pagination = settings.STRAWBERRY_DJANGO
    default_page, max_page = pagination["PAGINATION_DEFAULT_LIMIT"], pagination["PAGINATION_MAX_LIMIT"]

    def page_size(node: FieldNode, definition: GraphQLField) -> int:
        if not any(name in definition.args for name in PAGE_ARGUMENTS):
            return 1
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name in PAGE_ARGUMENTS:
            value_node = given.get(name)
            if isinstance(value_node, IntValueNode):
                value = int(value_node.value)
            elif isinstance(value_node, VariableNode):
                value = variables.get(value_node.name.value)
            else:
                value = None
            if isinstance(value, int) and not isinstance(value, bool):
                return min(max(value, 0), max_page)  # out-of-range values are refused elsewhere
        return default_page

    def field_estimate(node: FieldNode, parent: GraphQLNamedType | None) -> Estimate:
        definition = _field_definition(node.name.value, parent, schema)
        if definition is None or node.selection_set is None:
            return Estimate(1, 0)
        inner = selection_estimate(node.selection_set, get_named_type(definition.type))
        lists = inner.introspection_lists
        if (
            parent is not None
            and parent.name.startswith("__")
            and is_list_type(get_nullable_type(definition.type))
        ):
            lists += 1
        return Estimate(1 + page_size(node, definition) * inner.cost, lists)

    def selection_estimate(selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> Estimate:
        cost = lists = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = field_estimate(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = selection_estimate(
                    selection.selection_set, schema.get_type(condition.name.value) if condition else parent
                )
            elif isinstance(selection, FragmentSpreadNode):
                inner = fragment_estimate(selection.name.value)
            else:
                continue
            cost, lists = cost + inner.cost, max(lists, inner.introspection_lists)
        return Estimate(cost, lists)

    def fragment_estimate(name: str) -> Estimate:
        if name not in estimates:
            fragment = fragments.get(name)
            estimates[name] = Estimate(0, 0)  # a cycle (the limits refuse it first) adds nothing
            if fragment is not None:
                inner = schema.get_type(fragment.type_condition.name.value)
                estimates[name] = selection_estimate(fragment.selection_set, inner)
        return estimates[name]

    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return selection_estimate(operation.selection_set, root)


def _field_definition(
    name: str, parent: GraphQLNamedType | None, schema: GraphQLSchema
) -> GraphQLField | None:
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None  # an unknown field or type: validation reports it
