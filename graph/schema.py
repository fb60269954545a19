"""The schema: the root Query and Mutation merged from the areas, and the server's guards."""

import functools

from django.conf import settings
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from . import accounts, cart, catalog, orders, reviews, wishlist
from .errors import MaskUnexpectedErrors
from .guards import MAX_PAGE_SIZE, CheckPageArguments, RefuseUnstorableText

AREAS = (accounts, catalog, cart, orders, reviews, wishlist)

Query = merge_types("Query", tuple(area.Query for area in AREAS if hasattr(area, "Query")))
_mutations = tuple(area.Mutation for area in AREAS if hasattr(area, "Mutation"))
Mutation = merge_types("Mutation", _mutations) if _mutations else None


class Optimizer(DjangoOptimizerExtension):
    """The strawberry-django optimizer without its per-field hook: every field that returns a
    queryset here is a strawberry-django field, which optimizes its queryset itself, so the hook
    would only add a call to each of the hundreds of fields of a page.

    Its prefetches start from each model's default manager rather than the plain base manager,
    so products prefetched for a page of stores know their peers (domain/peers.py)."""

    resolve = SchemaExtension.resolve

    def __init__(self, **options) -> None:
        super().__init__(prefetch_custom_queryset=True, **options)


@functools.cache
def guard_rules(max_depth: int, max_aliases: int) -> list:
    """The depth and alias rules, built once per limit: the validation cache is keyed by the rule
    classes, so building new ones per request would validate every document again."""
    return [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]


schema = Schema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE),
    extensions=[
        Optimizer,
        lambda: AddValidationRules(guard_rules(settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_ALIASES)),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        RefuseUnstorableText,
        CheckPageArguments,
    ],
)
