"""The schema: the root Query and Mutation merged from the areas, and the server's guards."""

from decimal import Decimal

from django.conf import settings
from graphql import OperationType
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension, OptimizerConfig

from . import (
    accounts,
    cart,
    catalog,
    dashboard,
    delivery,
    economics,
    orders,
    profile,
    promotions,
    reviews,
    sql_shapes,
    wishlist,
)
from .common import DECIMAL_SCALAR
from .compiled import CompiledExecutionContext
from .errors import MaskUnexpectedErrors, log_refused
from .guards import GuardedDocument, SmallDocumentsValidationCache, disable_introspection
from .lean import install_lean_resolvers
from .loaders import FetchedRows
from .plans import optimize_with_plan
from .subscriptions import Subscription

AREAS = (
    accounts,
    profile,
    catalog,
    cart,
    delivery,
    promotions,
    orders,
    reviews,
    wishlist,
    economics,
    dashboard,
)

Query = merge_types("Query", tuple(area.Query for area in AREAS if hasattr(area, "Query")))
_mutations = tuple(area.Mutation for area in AREAS if hasattr(area, "Mutation"))
Mutation = merge_types("Mutation", _mutations) if _mutations else None


class Optimizer(DjangoOptimizerExtension):
    """The strawberry-django optimizer without its per-field hook: every field that returns a
    queryset here is a strawberry-django field, which optimizes its queryset itself, so the hook
    would only add a call to each of the hundreds of fields of a page."""

    resolve = SchemaExtension.resolve

    def optimize(self, qs, info, *, store=None):
        """The library's, with its plan kept per document where that is safe (graph/plans.py)."""
        if store is not None or not self.enabled.get():
            return super().optimize(qs, info, store=store)
        config = OptimizerConfig(
            enable_only=self.enable_only and info.operation.operation == OperationType.QUERY,
            enable_select_related=self.enable_select_related,
            enable_prefetch_related=self.enable_prefetch_related,
            enable_annotate=self.enable_annotate_optimization,
            prefetch_custom_queryset=self.prefetch_custom_queryset,
        )
        return sql_shapes.mark(optimize_with_plan(qs, info, config=config, fallback=super().optimize))


class KitandaSchema(Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Strawberry logs every error at ERROR, the client's text included; ours logs refusals at
        # INFO without it, and bugs are logged (with their traceback) where they are masked.
        log_refused(errors)


schema = KitandaSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_PAGE_SIZE_MAX),
    scalar_overrides={Decimal: DECIMAL_SCALAR},
    # Query documents seen before run as compiled plans (graph/compiled.py).
    execution_context_class=CompiledExecutionContext,
    # Strawberry's validation cache runs before the guards' checks of the variables, which need a
    # valid document; introspection is turned off with strawberry's rule, per request.
    extensions=[
        Optimizer,
        MaskUnexpectedErrors,
        disable_introspection,
        SmallDocumentsValidationCache,
        GuardedDocument,
        FetchedRows,
    ],
)
# Plain columns and relay ids skip Strawberry's per-field machinery (graph/lean.py).
LEAN_FIELDS = install_lean_resolvers(schema) if settings.GRAPHQL_LEAN_RESOLVERS else []
