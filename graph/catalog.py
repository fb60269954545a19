"""Catalogue: categories and products, browsing (search, filters, sorting, cursor pages) and the
sellers' and admins' catalogue mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.utils.translation import gettext
from strawberry import Info, relay
from strawberry.file_uploads import Upload
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import is_optimized_by_prefetching

from domain.catalog import models, selectors, services

from .common import Connection, DeletePayload, connection, decode_id, media_url
from .errors import UserError, bad_input
from .permissions import Admin, ApprovedSeller, Public, Seller, allow, mutation

if TYPE_CHECKING:
    from .accounts import Store
    from .reviews import Review

ProductSort = strawberry.enum(selectors.ProductSort, name="ProductSort")

# Price filters beyond this are refused rather than sent to the database.
MAX_PRICE_FILTER = Decimal("1e15")


# Every Node type names its id field: without it strawberry re-scans the class's annotations for
# each id it resolves (milliseconds per object in a list).
@strawberry_django.type(models.Category, name="Category")
class Category(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    description: str


class PublicProducts(StrawberryDjangoField):
    """A relation to products that shows what the catalogue shows to everyone: the selectors'
    `product_filter_visible` decides, here asked with no viewer."""

    def get_queryset(self, queryset, info, **kwargs):
        if is_optimized_by_prefetching(queryset):  # already filtered when it was prefetched
            return queryset
        return super().get_queryset(selectors.product_filter_visible(queryset), info, **kwargs)


@strawberry_django.type(models.Product, name="Product")
class Product(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    description: str
    price: Decimal
    stock_quantity: int
    in_stock: bool
    is_active: bool
    on_sale: bool = strawberry_django.field(
        only=["is_active", "deleted_at", "store__is_active"],
        select_related=["store"],
        description="Buyable now: active, not deleted, and its store active. A cart line whose product "
        "is not on sale is left out of the cart's totals and refused at checkout.",
    )
    created_at: datetime
    updated_at: datetime
    store: Annotated[Store, strawberry.lazy("graph.accounts")]
    category: Category
    reviews: Connection[Annotated[Review, strawberry.lazy("graph.reviews")]] = connection(
        description="The product's reviews, newest first."
    )

    @strawberry_django.field(only=["image"])
    def image_url(self, info: Info) -> str | None:
        return media_url(info, self.image)

    @strawberry_django.field(
        only=["thumbnail"],
        description="A WebP of at most 400 px a side, made in the background from the image: null "
        "while there is no image, and for a new image until its thumbnail task has run (so "
        "createProduct and updateProduct with an image answer null here).",
    )
    def thumbnail_url(self, info: Info) -> str | None:
        return media_url(info, self.thumbnail)

    # Plain columns, no resolver: a resolver per field and row is a measurable cost in lists.
    average_rating: float | None = strawberry_django.field(
        field_name="rating_average", description="Null while the product has no review."
    )
    review_count: int = strawberry_django.field(field_name="rating_count")

    # Caller-specific: per-request loaders (graph/loaders.py), one query per page each, none when anonymous.
    @strawberry_django.field(
        only=["id"],
        description="The logged-in user's review of this product; null when anonymous or not reviewed yet.",
    )
    def my_review(self, info: Info) -> Annotated[Review, strawberry.lazy("graph.reviews")] | None:
        return info.context.loaders.my_review.load(self)

    @strawberry_django.field(
        only=["id"],
        description="Whether the product is in the logged-in user's wishlist (the storefront's heart); "
        "false when anonymous.",
    )
    def in_my_wishlist(self, info: Info) -> bool:
        return info.context.loaders.in_my_wishlist.load(self)


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input(name="CategoryInput")
class CategoryInput:
    name: str
    description: str | None = None


@strawberry.input(name="ProductInput")
class ProductInput:
    name: str
    price: Decimal
    stock_quantity: int
    category_id: strawberry.ID
    description: str | None = None
    image: Upload | None = strawberry.field(
        default=None, description="A JPEG, PNG or WebP image (multipart upload)."
    )


@strawberry.input(name="ProductUpdateInput", description="A field left out is unchanged.")
class ProductUpdateInput:
    name: str | None = None
    description: str | None = None
    price: Decimal | None = None
    stock_quantity: int | None = None
    category_id: strawberry.ID | None = None
    image: Upload | None = None
    is_active: bool | None = None


@strawberry.type(name="CategoryPayload")
class CategoryPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    category: Category | None = strawberry_django.field(default=None)


@strawberry.type(name="ProductPayload")
class ProductPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    product: Product | None = strawberry_django.field(default=None)


def _price_filter(value: Decimal | None, argument: str) -> Decimal | None:
    if value is not None and (not value.is_finite() or abs(value) >= MAX_PRICE_FILTER):
        raise bad_input(gettext("Argument '%(name)s' must be a price.") % {"name": argument})
    return value


# ---------------------------------------------------------------- root fields


@strawberry.type
class Query:
    @strawberry_django.field(extensions=allow(Public))
    def categories(self, info: Info) -> list[Category]:
        return selectors.category_list()

    @strawberry_django.field(extensions=allow(Public))
    def category(self, info: Info, slug: str) -> Category | None:
        return selectors.category_by_slug(slug=slug)

    @connection(Connection[Product], extensions=allow(Public))
    def products(
        self,
        info: Info,
        search: str | None = None,
        category: str | None = None,
        store: str | None = None,
        min_price: Decimal | None = None,
        max_price: Decimal | None = None,
        in_stock: bool | None = None,
        sort: ProductSort | None = None,
    ) -> QuerySet[models.Product]:
        """Products on sale: search (name, description, category; any case or accent), filters
        by category and store slug, price range and stock, sorted (NEWEST by default)."""
        return selectors.product_search(
            search=search,
            category_slug=category,
            store_slug=store,
            min_price=_price_filter(min_price, "minPrice"),
            max_price=_price_filter(max_price, "maxPrice"),
            in_stock=in_stock,
            sort=sort or selectors.ProductSort.NEWEST,
        )

    @strawberry_django.field(
        extensions=allow(Public),
        description="Active products of active stores only, unless the caller owns the product.",
    )
    def product(self, info: Info, slug: str) -> Product | None:
        return selectors.product_by_slug(slug=slug, user=info.context.request.user)

    @connection(
        Connection[Product],
        extensions=allow(Seller),
        description="SELLER: every product of the seller's own store, active or not, newest first "
        "(empty for a seller without a store).",
    )
    def store_products(self, info: Info) -> QuerySet[models.Product]:
        return selectors.product_list_for_seller(seller=info.context.request.user)


@strawberry.type
class Mutation:
    @mutation(Admin, description="ADMIN")
    def create_category(self, info: Info, input: CategoryInput) -> CategoryPayload:
        return CategoryPayload(
            category=services.category_create(name=input.name, description=input.description)
        )

    @mutation(ApprovedSeller, description="Approved SELLER with an active store")
    def create_product(self, info: Info, input: ProductInput) -> ProductPayload:
        product = services.product_create(
            seller=info.context.request.user,
            name=input.name,
            description=input.description,
            price=input.price,
            stock_quantity=input.stock_quantity,
            category_id=decode_id(input.category_id, "Category", field="category_id"),
            image=input.image,
        )
        return ProductPayload(product=product)

    @mutation(Seller, description="The product's store owner")
    def update_product(self, info: Info, id: strawberry.ID, input: ProductUpdateInput) -> ProductPayload:
        product = services.product_update(
            seller=info.context.request.user,
            product_id=decode_id(id, "Product", field="id"),
            name=input.name,
            description=input.description,
            price=input.price,
            stock_quantity=input.stock_quantity,
            category_id=None
            if input.category_id is None
            else decode_id(input.category_id, "Category", field="category_id"),
            image=input.image,
            is_active=input.is_active,
        )
        return ProductPayload(product=product)

    @mutation(
        Seller,
        description="The product's store owner: the product leaves the catalogue; past orders keep their snapshot.",
    )
    def delete_product(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.product_delete(
            seller=info.context.request.user, product_id=decode_id(id, "Product", field="id")
        )
        return DeletePayload(deleted=True)
