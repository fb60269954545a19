"""What an operation may cost, estimated before it runs from the document and the request's variables.

Each field costs 1. A connection (a field with `first`/`last`) multiplies what it selects by its page
size: `first`, else `last`, else the default page size, whether the value is written in the document,
sent as a variable or taken from the variable's default. A plain list multiplies what it selects by
the most items it can hold (LIST_BOUNDS: the limits its writes enforce), so a connection nested under
a cart's or an order's lines costs what it may really return. Introspection lists count once:
graphql-core's MaxIntrospectionDepthRule bounds their nesting.
Each fragment is costed once per request and added where it is spread, so the estimate takes time
linear in the document.
"""

from __future__ import annotations

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

from domain.accounts.selectors import PENDING_SELLERS_MAX
from domain.cart.services import CART_MAX_LINES
from domain.catalog.models import MAX_OPTION_VALUES, MAX_OPTIONS
from domain.catalog.services import STOCK_SET_MAX
from domain.delivery.services import ADDRESSES_MAX, METHODS_PER_ZONE_MAX, ZONES_MAX
from domain.economics import stats
from domain.orders.models import OrderStatus
from domain.promotions import selectors as promotions
from domain.wishlist.services import WISHLIST_MAX_ITEMS

from .limits import fragment_definitions

PAGE_ARGUMENTS = ("first", "last")

# Categories are few and made by admins; an estimate, not a limit.
CATEGORIES_ESTIMATE = 100
# Angola has 21 provinces; the admin may add one, so an estimate, not a limit.
PROVINCES_ESTIMATE = 30
# A store's options for one province: its zones there (usually one) with their methods, and pickup.
# An estimate: zones may overlap, and every zone covering the province would give ZONES_MAX times more.
DELIVERY_OPTIONS_ESTIMATE = METHODS_PER_ZONE_MAX + 1
# The most items each plain list of the schema holds (a test keeps this table complete).
LIST_BOUNDS: dict[tuple[str, str], int] = {
    ("Cart", "items"): CART_MAX_LINES,
    ("Order", "items"): CART_MAX_LINES,  # an order holds lines of one cart
    ("CheckoutPayload", "orders"): CART_MAX_LINES,  # one order per store of the cart
    ("Query", "myWishlist"): WISHLIST_MAX_ITEMS,
    ("WishlistPayload", "items"): WISHLIST_MAX_ITEMS,
    ("Query", "pendingSellers"): PENDING_SELLERS_MAX,
    ("Query", "categories"): CATEGORIES_ESTIMATE,
    ("StoreStats", "revenueByDay"): stats.MAX_DAYS,
    ("StoreStats", "topProductsByUnits"): stats.TOP_PRODUCTS,
    ("StoreStats", "topProductsByRevenue"): stats.TOP_PRODUCTS,
    ("StoreStats", "lowStockProducts"): stats.LOW_STOCK_MAX,
    ("StoreStats", "lowStockVariants"): stats.LOW_STOCK_MAX,
    ("PlatformStats", "gmvByDay"): stats.MAX_DAYS,
    ("PlatformStats", "ordersByStatus"): len(OrderStatus.values),
    ("Product", "options"): MAX_OPTIONS,
    ("ProductOption", "values"): MAX_OPTION_VALUES,
    ("ProductVariant", "options"): MAX_OPTIONS,
    ("VariantStockPayload", "variants"): STOCK_SET_MAX,
    ("OrderItem", "options"): MAX_OPTIONS,
    ("Query", "provinces"): PROVINCES_ESTIMATE,
    ("Query", "myAddresses"): ADDRESSES_MAX,
    ("Query", "myDeliveryZones"): ZONES_MAX,
    ("StoreDelivery", "zones"): ZONES_MAX,
    ("DeliveryZone", "provinces"): PROVINCES_ESTIMATE,
    ("DeliveryZone", "methods"): METHODS_PER_ZONE_MAX,
    ("Cart", "deliveryOptions"): CART_MAX_LINES,  # one entry per store of the cart
    ("StoreDeliveryOptions", "options"): DELIVERY_OPTIONS_ESTIMATE,
    ("StoreStats", "ordersByProvince"): PROVINCES_ESTIMATE + 1,  # and orders without a province
    ("Query", "mySales"): promotions.LIST_MAX,
    ("Query", "myCoupons"): promotions.LIST_MAX,
    ("CartDiscount", "stores"): CART_MAX_LINES,  # one entry per store of the cart
}


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: dict
) -> int:
    """The estimated cost of `operation`; `variables` hold the values it runs with, defaults included."""
    fragments = fragment_definitions(document)
    costs: dict[str, int] = {}
    default_page, max_page = settings.GRAPHQL_PAGE_SIZE_DEFAULT, settings.GRAPHQL_PAGE_SIZE_MAX

    def page_size(node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType | None) -> int:
        if not any(name in definition.args for name in PAGE_ARGUMENTS):
            if parent is not None and is_list_type(get_nullable_type(definition.type)):
                return LIST_BOUNDS.get((parent.name, node.name.value), 1)
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

    def field_cost(node: FieldNode, parent: GraphQLNamedType | None) -> int:
        definition = _field_definition(node.name.value, parent, schema)
        if definition is None or node.selection_set is None:
            return 1
        return 1 + page_size(node, definition, parent) * selection_cost(
            node.selection_set, get_named_type(definition.type)
        )

    def selection_cost(selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                total += selection_cost(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_cost(selection.name.value)
        return total

    def fragment_cost(name: str) -> int:
        if name not in costs:
            fragment = fragments.get(name)
            costs[name] = 0  # a cycle (the limits refuse it first) adds nothing
            if fragment is not None:
                inner = schema.get_type(fragment.type_condition.name.value)
                costs[name] = selection_cost(fragment.selection_set, inner)
        return costs[name]

    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return selection_cost(operation.selection_set, root)


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
