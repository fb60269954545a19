"""Catalogue: categories and products, browsing (search, filters, sorting, cursor pages) and the
sellers' and admins' catalogue mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from strawberry import Info, relay
from strawberry.file_uploads import Upload
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import is_optimized_by_prefetching

from domain.catalog import models, selectors, services

from . import kept_sql
from .common import Connection, DeletePayload, connection, decode_id, media_url
from .errors import UserError, bad_input
from .permissions import Admin, ApprovedSeller, Public, Seller, allow, mutation

if TYPE_CHECKING:
    from .accounts import Store
    from .reviews import Review

ProductSort = strawberry.enum(selectors.ProductSort, name="ProductSort")

# Price filters beyond this are refused rather than sent to the database.
MAX_PRICE_FILTER = Decimal("1e15")
# An option filter names at most one value of each of a product's groups.
MAX_OPTION_FILTERS = models.MAX_OPTIONS


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


class VisibleVariants(StrawberryDjangoField):
    """A product's variants as the caller may see them (selectors.variant_filter_visible): the
    active ones, and all of them for the product's owner."""

    def get_queryset(self, queryset, info, **kwargs):
        if is_optimized_by_prefetching(queryset):  # already filtered when it was prefetched
            return queryset
        viewer = info.context.request.user
        return super().get_queryset(selectors.variant_filter_visible(queryset, viewer=viewer), info, **kwargs)


@strawberry_django.type(models.ProductOptionValue, name="ProductOptionValue")
class ProductOptionValue(relay.Node):
    id: relay.NodeID[int]
    value: str


@strawberry_django.type(models.ProductOption, name="ProductOption")
class ProductOption(relay.Node):
    id: relay.NodeID[int]
    name: str
    position: int
    values: list[ProductOptionValue] = strawberry_django.field(description="In the seller's order.")


@strawberry.type(name="SelectedOption", description="A variant's value of one option group.")
class SelectedOption:
    name: str = strawberry.field(description='The option group\'s name ("Tamanho").')
    value: str = strawberry.field(description='The variant\'s value of it ("42").')


@strawberry.type(name="PriceRange")
class PriceRange:
    min: Decimal = strawberry.field(description="The lowest price of the product's active variants.")
    max: Decimal = strawberry.field(description="The highest price of the product's active variants.")


# A variant's values with their groups, in the groups' order: one query for a whole page of variants.
CHOICES = Prefetch(
    "choices",
    queryset=models.VariantOptionValue.objects.select_related("option", "value").order_by(
        "option__position", "option_id"
    ),
)


@strawberry_django.type(
    models.ProductVariant,
    name="ProductVariant",
    description="What a buyer buys: one combination of a product's option values, with its own SKU, "
    "price and stock. A product without options has one, its default variant (isDefault), never shown "
    "as a choice.",
)
class ProductVariant(relay.Node):
    id: relay.NodeID[int]
    sku: str = strawberry_django.field(description="Unique in its store; empty when the seller gave none.")
    name: str = strawberry_django.field(
        description='Its option values in the groups\' order ("40 / Preto"); empty for a default variant.'
    )
    price: Decimal
    compare_at_price: Decimal | None = strawberry_django.field(
        description="A former or reference price, shown struck through; null when there is none."
    )
    stock_quantity: int
    in_stock: bool
    is_active: bool = strawberry_django.field(
        description="Inactive variants are shown to the product's owner only, and cannot be bought."
    )
    is_default: bool = strawberry_django.field(
        description="The one variant of a product without options (not a choice to show)."
    )
    position: int
    product: Product = strawberry_django.field(description="The product it is a variant of.")

    @strawberry_django.field(only=["image"], description="Null when the variant has no image of its own.")
    def image_url(self, info: Info) -> str | None:
        return media_url(info, self.image)

    @strawberry_django.field(
        prefetch_related=[CHOICES], description="Its value of each option group, in the groups' order."
    )
    def options(self) -> list[SelectedOption]:
        return [
            SelectedOption(name=choice.option.name, value=choice.value.value) for choice in self.choices.all()
        ]


@strawberry_django.type(models.Product, name="Product")
class Product(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    description: str
    price: Decimal = strawberry_django.field(
        description="The product's price; for a product with options, the lowest price of its active "
        "variants (see priceRange)."
    )
    stock_quantity: int = strawberry_django.field(
        description="The product's stock; for a product with options, the total stock of its active "
        "variants (at most 2147483647)."
    )
    in_stock: bool = strawberry_django.field(description="Whether one of its active variants is in stock.")
    is_active: bool
    variants: Connection[ProductVariant] = connection(
        field_cls=VisibleVariants,
        description="What the product sells, in the seller's order: the active variants, and all of them "
        "for the product's owner. A product without options has one, its default variant.",
    )
    options: list[ProductOption] = strawberry_django.field(
        description="Its option groups (at most 3) in order, each with its values; empty for a product "
        "without options."
    )

    @strawberry_django.field(only=["price", "max_price"])
    def price_range(self) -> PriceRange:
        return PriceRange(min=self.price, max=self.max_price)

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


@strawberry.input(name="OptionFilter", description="An option value a product's variant must have.")
class OptionFilter:
    name: str = strawberry.field(description='The group, any case or accents ("tamanho").')
    value: str = strawberry.field(description='Its value, any case or accents ("42").')


@strawberry.input(name="ProductOptionInput")
class ProductOptionInput:
    name: str = strawberry.field(
        description="1 to 50 characters, unique in the product whatever its case and accents."
    )
    values: list[str] = strawberry.field(
        description="1 to 100 values of 1 to 50 characters, unique whatever their case and accents, in order."
    )


@strawberry.input(name="SelectedOptionInput")
class SelectedOptionInput:
    name: str
    value: str


@strawberry.input(name="ProductVariantInput")
class ProductVariantInput:
    price: Decimal
    options: list[SelectedOptionInput] = strawberry.field(
        description="One value of each of the product's option groups, by name (any case or accents)."
    )
    sku: str | None = strawberry.field(default=None, description="Unique in the store; up to 64 characters.")
    compare_at_price: Decimal | None = None
    stock_quantity: int = 0
    is_active: bool = True
    image: Upload | None = strawberry.field(
        default=None, description="A JPEG, PNG or WebP image (multipart upload)."
    )


@strawberry.input(name="ProductVariantUpdateInput", description="A field left out is unchanged.")
class ProductVariantUpdateInput:
    sku: str | None = None
    price: Decimal | None = None
    compare_at_price: Decimal | None = None
    stock_quantity: int | None = None
    is_active: bool | None = None
    image: Upload | None = None


@strawberry.input(name="VariantStockInput")
class VariantStockInput:
    variant_id: strawberry.ID
    quantity: int
    expected_quantity: int | None = strawberry.field(
        default=None,
        description="The stock the variant must still have (compare-and-set): when it has another, "
        "nothing changes and the error (STOCK_CHANGED) names it.",
    )


@strawberry.type(name="ProductVariantPayload")
class ProductVariantPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    variant: ProductVariant | None = strawberry_django.field(default=None)


@strawberry.type(name="VariantStockPayload")
class VariantStockPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    variants: list[ProductVariant] = strawberry_django.field(
        default_factory=list, description="The variants set, by id; empty when nothing changed."
    )


@strawberry.type(name="CategoryPayload")
class CategoryPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    category: Category | None = strawberry_django.field(default=None)


@strawberry.type(name="ProductPayload")
class ProductPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    product: Product | None = strawberry_django.field(default=None)


def _option_filters(options: list[OptionFilter] | None) -> list[tuple[str, str]]:
    options = options or []
    limit = models.ProductOption._meta.get_field("name").max_length
    if len(options) > MAX_OPTION_FILTERS or any(
        len(option.name.strip()) > limit or len(option.value.strip()) > limit for option in options
    ):
        raise bad_input(
            gettext("Argument 'options' takes at most %(max)s values of %(length)s characters.")
            % {"max": MAX_OPTION_FILTERS, "length": limit}
        )
    return [(option.name, option.value) for option in options]


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
        options: Annotated[
            list[OptionFilter] | None,
            strawberry.argument(
                description="Option values (at most 3) that one active variant must all have, together with "
                'inStock and the price range: [{name: "Tamanho", value: "42"}] with inStock: true is the '
                "products whose 42 is in stock."
            ),
        ] = None,
    ) -> QuerySet[models.Product]:
        """Products on sale: search (name, description, category; any case or accent), filters
        by category and store slug, price range and stock, sorted (NEWEST by default). The price
        range and stock are about variants: a product matches when one of its active variants has
        a price in the range, is in stock (inStock: true) and has the option values given, the same
        variant for all. Without options, inStock: false is the products without stock."""
        if not selectors.product_search_reads_rows(search):
            kept_sql.arguments_decide(info)
        return selectors.product_search(
            search=search,
            category_slug=category,
            store_slug=store,
            min_price=_price_filter(min_price, "minPrice"),
            max_price=_price_filter(max_price, "maxPrice"),
            in_stock=in_stock,
            options=_option_filters(options),
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

    @mutation(
        Seller,
        description="The product's store owner: its option groups (at most 3), each with its values, in "
        "order. Groups and values are matched by name (any case or accents). A new group gives every "
        "variant its first value (a product without options: its default variant becomes the variant of "
        "the first values, keeping its SKU, price and stock). A value that variants use cannot be removed, "
        "nor a group while the product has more than one variant (IN_USE).",
    )
    def set_product_options(
        self, info: Info, product_id: strawberry.ID, options: list[ProductOptionInput]
    ) -> ProductPayload:
        product = services.product_options_set(
            seller=info.context.request.user,
            product_id=decode_id(product_id, "Product", field="product_id"),
            options=[services.OptionSetting(name=option.name, values=option.values) for option in options],
        )
        return ProductPayload(product=product)

    @mutation(
        Seller,
        description="The product's store owner: a variant of a product with options (a combination no "
        "other variant has; at most 2048 a product).",
    )
    def create_product_variant(
        self, info: Info, product_id: strawberry.ID, input: ProductVariantInput
    ) -> ProductVariantPayload:
        variant = services.product_variant_create(
            seller=info.context.request.user,
            product_id=decode_id(product_id, "Product", field="product_id"),
            price=input.price,
            options=[(option.name, option.value) for option in input.options],
            sku=input.sku,
            compare_at_price=input.compare_at_price,
            stock_quantity=input.stock_quantity,
            is_active=input.is_active,
            image=input.image,
        )
        return ProductVariantPayload(variant=variant)

    @mutation(
        Seller,
        description="The product's store owner: a variant's SKU, prices, stock, image, or isActive "
        "(deactivated, it is no longer sold and only its owner sees it). Its options stay.",
    )
    def update_product_variant(
        self, info: Info, id: strawberry.ID, input: ProductVariantUpdateInput
    ) -> ProductVariantPayload:
        variant = services.product_variant_update(
            seller=info.context.request.user,
            variant_id=decode_id(id, "ProductVariant", field="id"),
            sku=input.sku,
            price=input.price,
            compare_at_price=input.compare_at_price,
            stock_quantity=input.stock_quantity,
            is_active=input.is_active,
            image=input.image,
        )
        return ProductVariantPayload(variant=variant)

    @mutation(
        Seller,
        description="The product's store owner: deletes a variant never ordered (one that was: IN_USE, "
        "deactivate it instead); a product keeps at least one.",
    )
    def delete_product_variant(self, info: Info, id: strawberry.ID) -> DeletePayload:
        services.product_variant_delete(
            seller=info.context.request.user, variant_id=decode_id(id, "ProductVariant", field="id")
        )
        return DeletePayload(deleted=True)

    @mutation(
        Seller,
        description="The store's owner: the stock of many variants (at most 250), all or nothing; an "
        "item with expectedQuantity changes only if the stock is still that (else nothing changes: "
        "STOCK_CHANGED names each variant whose stock moved).",
    )
    def set_variant_stock(self, info: Info, items: list[VariantStockInput]) -> VariantStockPayload:
        settings = [
            services.StockSetting(
                variant_id=decode_id(item.variant_id, "ProductVariant", field=f"items.{index}.variant_id"),
                quantity=item.quantity,
                expected_quantity=item.expected_quantity,
            )
            for index, item in enumerate(items)
        ]
        variants = services.variant_stock_set(seller=info.context.request.user, settings=settings)
        return VariantStockPayload(variants=variants)
