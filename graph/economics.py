"""Marketplace economics: commission rates, the stores' ledgers, balances and payouts, receipt
confirmation, and the sellers' and admin's dashboards."""

from __future__ import annotations

from decimal import Decimal

import strawberry
import strawberry_django

from domain.catalog import selectors as catalog_selectors
from domain.economics import rates

from .catalog import Category
from .common import decode_id
from .errors import UserError
from .permissions import Admin, mutation


@strawberry.type(name="CategoryCommissionPayload")
class CategoryCommissionPayload:
    category: Category | None = strawberry_django.field(default=None)
    rate: Decimal | None = strawberry.field(
        default=None, description="The commission rate now in force for the category, in percent."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @mutation(
        Admin,
        description="ADMIN: a category's own commission rate in percent (null: the platform's rate "
        "applies again). Orders placed already keep the rates copied onto their lines.",
    )
    def set_category_commission(
        self, category_id: strawberry.ID, rate: Decimal | None = None
    ) -> CategoryCommissionPayload:
        pk = decode_id(category_id, "Category", field="category_id")
        rates.category_commission_set(category_id=pk, rate=rate)
        return CategoryCommissionPayload(
            category=catalog_selectors.category_list().filter(pk=pk),
            rate=rates.commission_rates_in_force(category_ids=[pk])[pk],
        )
