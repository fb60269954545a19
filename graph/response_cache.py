"""Which GraphQL answers may be shared, and the server's cache of them.

Public: an anonymous request (no Authorization header at all) running a query whose root fields
are all public catalogue reads (PUBLIC_ROOT_FIELDS) and that selects nothing about the caller
(CALLER_FIELDS). Its answer without errors is the same for every anonymous caller, so:

- the server keeps it in the Django cache (Redis) under the document's hash, the operation, the
  variables, the scheme and host (image URLs are absolute) and the catalogue versions it was read
  under (domain/catalog/versions.py), read *before* the query runs, so a write committed meanwhile
  leaves it under a version nobody asks for any more;
- it carries `Cache-Control: public, max-age=GRAPHQL_CACHE_MAX_AGE`, an ETag and
  `Vary: Authorization, Accept`, for a CDN or proxy (graph/views.py).

Sales (domain/promotions/sales.py): every request first applies the sale boundaries that have
come (`sale_boundaries_catch_up`, one cache read when none has), which bumps the versions of the
products they move; and the key also holds the next boundary, and an answer's TTL ends at it, so
an answer cached before a sale starts or ends is never served after that instant, even by a
process whose boundary write failed.

Everything else is `private, no-store` and never cached. The cache is a convenience: when it is
down, requests run as if it were empty.

Scope: a query whose only root field is `product(slug:)` and whose selection stays within that
product (DETAIL_RELATIONS: its own fields, its store's and category's fields, its reviews and their
authors' names) depends on that product's own version (a reviewer's new name bumps the products
they reviewed) and on `shared` (what stores and categories show), so one product's sale keeps the
other products' details; the product's id for a slug is learned from a first answer. A selection
that reaches other catalogue objects (its store's `products`, or any relation not named there, a
future one included) depends, as anything else does, on the whole catalogue's version, which every
write bumps: a product's price or visibility is then never stale in another product's detail
that lists its store's products. tests/test_cache_freshness.py checks every public operation
against every write.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)
from strawberry import relay

from domain.catalog.versions import CATALOG, SHARED, product_version_key, versions_current
from domain.promotions.sales import next_boundary_cached, sale_boundaries_catch_up

from .documents import text_sha256
from .limits import fragment_definitions, level_fields
from .request import GraphQLRequest

logger = logging.getLogger("kitanda.graph")

PUBLIC_ROOT_FIELDS = frozenset(
    {"products", "product", "categories", "category", "stores", "store", "__typename"}
)
CALLER_FIELDS = frozenset({"myReview", "inMyWishlist"})
# The relations a product's detail may follow and still depend on its product's version and
# `shared` only: Product.store and .category (singular), Product.reviews with its connection's
# fields, and Review.product (the product whose reviews they are). Any other relation may list
# other catalogue objects.
DETAIL_RELATIONS = frozenset({"store", "category", "reviews", "edges", "node", "pageInfo", "product"})
SLUG_KEY = "graphql:product-slug:{}"
SLUG_TTL = 7 * 24 * 3600


@dataclass(frozen=True)
class Shape:
    """What the cache needs to know of an operation, computed once per document and name."""

    public: bool
    detail_field: str | None = None  # the response key of a lone `product(slug:)` root field
    slug_literal: str | None = None
    slug_variable: str | None = None


@dataclass
class Plan:
    public: bool
    key: str | None = None
    slug: str | None = None
    product_id: int | None = None  # the id the slug was known by when the versions were read
    detail_field: str | None = None
    versions: dict[str, int] = field(default_factory=dict)
    boundary: float | None = None  # the next sale boundary (a timestamp) when the key was made


def plan_for(request: HttpRequest, graphql: GraphQLRequest) -> Plan:
    """The plan of one request: whether it is public and, when the server's cache may answer it,
    the key it is answered under (the versions read now). Every request passes here before it runs:
    the sale boundaries due are applied first, so no request reads a price of a window gone."""
    sale_boundaries_catch_up()
    if "HTTP_AUTHORIZATION" in request.META:
        return Plan(public=False)
    shape = _shape(graphql)
    if not shape.public:
        return Plan(public=False)
    plan = Plan(public=True, detail_field=shape.detail_field)
    if not settings.GRAPHQL_RESPONSE_CACHE or graphql.variables_json is None:
        return plan
    slug = shape.slug_literal if shape.slug_variable is None else graphql.variables.get(shape.slug_variable)
    try:
        if shape.detail_field and isinstance(slug, str):
            plan.slug = slug
            plan.product_id = cache.get(SLUG_KEY.format(text_sha256(slug)))
        keys = [SHARED, product_version_key(plan.product_id)] if plan.product_id else [CATALOG]
        plan.versions = versions_current(keys)
        plan.boundary = next_boundary_cached()
    except Exception:
        logger.warning("Response cache skipped: the cache is unavailable")
        return plan
    parts = [
        graphql.sha256,
        graphql.operation_name or "",
        graphql.variables_json,
        request.scheme,
        request.get_host(),
        *(f"{key}={value}" for key, value in sorted(plan.versions.items())),
        f"sale-boundary={plan.boundary or ''}",
    ]
    plan.key = "graphql:response:" + text_sha256("\n".join(parts))
    return plan


def cached(plan: Plan) -> tuple[bytes, str] | None:
    """The stored (body, etag) of a plan, or None."""
    if plan.key is None:
        return None
    try:
        return cache.get(plan.key)
    except Exception:
        logger.warning("Response cache not read: the cache is unavailable")
        return None


def store(plan: Plan, graphql: GraphQLRequest, body: bytes, etag: str, data: dict | None) -> None:
    """Keep an answer without errors and of at most GRAPHQL_RESPONSE_CACHE_MAX_BYTES, unless it
    shows that the plan's product id was not the slug's, or it was read from a replica: a lagging
    replica's answer must not be kept under the catalogue's new version (backend/db_router.py), so
    only the primary's answers fill the cache."""
    if plan.key is None or graphql.replica_read or len(body) > settings.GRAPHQL_RESPONSE_CACHE_MAX_BYTES:
        return
    try:
        if plan.slug is not None:
            shown = _shown_product_id(data, plan.detail_field)
            if shown is not None and shown != plan.product_id:
                cache.set(SLUG_KEY.format(text_sha256(plan.slug)), shown, timeout=SLUG_TTL)
                if plan.product_id is not None:
                    return  # read under another product's version: not kept
        cache.set(plan.key, (body, etag), timeout=answer_ttl(plan))
    except Exception:
        logger.warning("Response not cached: the cache is unavailable")


def answer_ttl(plan: Plan, *, now: float | None = None) -> int:
    """GRAPHQL_RESPONSE_CACHE_TTL, cut short at the next sale boundary (at least a second)."""
    ttl = settings.GRAPHQL_RESPONSE_CACHE_TTL
    if plan.boundary is not None:
        ttl = min(ttl, max(1, int(plan.boundary - (now if now is not None else time.time()))))
    return ttl


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _shown_product_id(data: dict | None, response_key: str | None) -> int | None:
    product = (data or {}).get(response_key or "") if isinstance(data, dict) else None
    if not isinstance(product, dict) or not isinstance(product.get("id"), str):
        return None
    try:
        global_id = relay.GlobalID.from_id(product["id"])
        return int(global_id.node_id) if global_id.type_name == "Product" else None
    except (ValueError, TypeError):
        return None


_SHAPES: dict[tuple[str, str | None], Shape] = {}
MAX_SHAPES = 512


def _shape(graphql: GraphQLRequest) -> Shape:
    """The operation's shape, kept per document hash and operation name (a bounded memo); worked
    out from the request's document, which the limits have bounded already (graph/request.py)."""
    if graphql.operation is None or graphql.sha256 is None:
        return Shape(public=False)  # nothing to run, or refused: the guards answer it
    key = (graphql.sha256, graphql.operation_name)
    shape = _SHAPES.get(key)
    if shape is None:
        if len(_SHAPES) >= MAX_SHAPES:
            _SHAPES.clear()
        shape = _SHAPES[key] = _shape_of(graphql)
    return shape


def _shape_of(graphql: GraphQLRequest) -> Shape:
    operation = graphql.operation
    if operation.operation != OperationType.QUERY:
        return Shape(public=False)
    fragments = fragment_definitions(graphql.document)
    roots = list(level_fields(operation.selection_set, fragments))
    if not roots or any(root.name.value not in PUBLIC_ROOT_FIELDS for root in roots):
        return Shape(public=False)
    if _selects_caller(operation.selection_set, fragments):
        return Shape(public=False)
    if len(roots) == 1 and roots[0].name.value == "product" and _within_product(roots[0], fragments):
        root = roots[0]
        for argument in root.arguments or ():
            if argument.name.value == "slug":
                value = argument.value
                return Shape(
                    public=True,
                    detail_field=(root.alias or root.name).value,
                    slug_literal=value.value if isinstance(value, StringValueNode) else None,
                    slug_variable=value.name.value if isinstance(value, VariableNode) else None,
                )
    return Shape(public=True)


def _selects_caller(selection_set: SelectionSetNode, fragments: dict) -> bool:
    return any(field.name.value in CALLER_FIELDS for field in _fields_below(selection_set, fragments))


def _within_product(root: FieldNode, fragments: dict) -> bool:
    """Whether a `product` root's selection follows DETAIL_RELATIONS only."""
    return root.selection_set is not None and all(
        field.selection_set is None or field.name.value in DETAIL_RELATIONS
        for field in _fields_below(root.selection_set, fragments)
    )


def _fields_below(selection_set: SelectionSetNode, fragments: dict):
    """Every field selected in `selection_set` at any depth, each fragment followed once."""
    pending, seen = [selection_set], set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
                if selection.selection_set:
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
