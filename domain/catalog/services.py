"""Catalogue writes: categories (admins), products and their options and variants (the seller who
owns the store).

Input rules, each reported on its API field: a name of 1..200 characters (categories 1..100),
a price above 0 with at most two decimals, a stock that is an integer >= 0, an existing category,
an image that domain/images.py accepts. Every failed rule is reported at once and nothing changes.

Variants: a product sells through its variants (models.ProductVariant). A product without options
has one, its default variant, which createProduct and updateProduct's price and stock write; a
product with options is priced and stocked per variant, so updateProduct refuses price and stock
for it (VARIANT_REQUIRED). Every change to variants locks the product, then its variants in
primary-key order (the order checkout locks them in), and recomputes the product's price range
and total stock in the same transaction (variants.product_totals_refresh).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from domain.accounts.models import Store, User
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    InUse,
    InvalidInput,
    NotFound,
    Required,
    StockChanged,
    VariantRequired,
    collect,
)
from domain.images import PreparedImage, files_delete, image_prepare
from domain.live import product_availability_changed
from domain.money import MAX_AMOUNT, AmountFault, amount_fault, kwanza, money_round
from domain.slugs import insert_with_unique_slug
from domain.text import name_error, text_error

from .models import (
    MAX_OPTION_VALUES,
    MAX_OPTIONS,
    MAX_STOCK,
    MAX_VARIANTS,
    Category,
    Product,
    ProductOption,
    ProductOptionValue,
    ProductVariant,
    VariantOptionValue,
)
from .search import search_normalize, search_text_for
from .selectors import product_list_public
from .thumbnails import product_thumbnail_after_commit
from .variants import default_variant_create, product_totals_refresh
from .versions import catalog_changed

MAX_DESCRIPTION = 10_000


# ---------------------------------------------------------------- categories


def category_create(*, name: str, description: str | None = None) -> Category:
    """A category with a unique name (whatever its case); its slug comes from the name and never
    changes."""
    name = (name or "").strip()
    description = (description or "").strip()
    _check_category(name=name, description=description)
    category = insert_with_unique_slug(
        obj=Category(name=name, description=description), name=name, fallback="categoria"
    )
    catalog_changed()
    return category


@transaction.atomic
def category_update(
    *, category: Category, name: str | None = None, description: str | None = None
) -> Category:
    """Rename or describe a category (None leaves a value unchanged). The slug stays, so links keep
    working; its products' search text follows the new name."""
    name = category.name if name is None else name.strip()
    description = category.description if description is None else description.strip()
    _check_category(name=name, description=description, exclude_pk=category.pk)
    renamed = name != category.name
    category.name, category.description = name, description
    category.save(update_fields=["name", "description"])
    catalog_changed(shared=True)
    if renamed:
        products = list(Product.objects.filter(category=category).only("name", "description"))
        for product in products:
            product.search_text = search_text_for(
                name=product.name, description=product.description, category_name=name
            )
        Product.objects.bulk_update(products, ["search_text"], batch_size=500)
    return category


def category_errors(*, name: str, description: str = "", exclude_pk: int | None = None) -> list[DomainError]:
    """What is wrong with a category's name and description (empty when nothing is)."""
    name_problem = name_error(
        name, field="name", label=gettext("Name"), max_length=Category._meta.get_field("name").max_length
    )
    errors = [name_problem, _description_error(description)]
    # Looked up only for a valid name: a huge one would reach the database for nothing.
    if name_problem is None and Category.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors.append(AlreadyExists(gettext("A category with this name already exists."), field="name"))
    return [error for error in errors if error is not None]


def _check_category(*, name: str, description: str, exclude_pk: int | None = None) -> None:
    collect(*category_errors(name=name, description=description, exclude_pk=exclude_pk))


# ---------------------------------------------------------------- products


def product_create(
    *,
    seller: User,
    name: str,
    price: Decimal,
    stock_quantity: int,
    category_id: int,
    description: str | None = None,
    image: IO[bytes] | None = None,
) -> Product:
    """An approved seller with an active store puts a product on sale in that store."""
    store = _sellable_store(seller)
    name = (name or "").strip()
    description = (description or "").strip()
    category, prepared = _validated(
        name=name,
        description=description,
        price=price,
        stock_quantity=stock_quantity,
        category_id=category_id,
        image=image,
    )
    product = Product(
        store=store,
        category=category,
        name=name,
        description=description,
        price=money_round(price),
        max_price=money_round(price),
        stock_quantity=stock_quantity,
        search_text=search_text_for(name=name, description=description, category_name=category.name),
    )
    if prepared is not None:
        _attach_image(product, prepared)
    with transaction.atomic():
        product = insert_with_unique_slug(obj=product, name=name, fallback="produto", files=(product.image,))
        default_variant_create(product)  # a product without options sells through its default variant
    if prepared is not None:
        product_thumbnail_after_commit(product)
    catalog_changed()  # after the insert's commit, or the caller's
    return product


def product_update(
    *,
    seller: User,
    product_id: int,
    name: str | None = None,
    description: str | None = None,
    price: Decimal | None = None,
    stock_quantity: int | None = None,
    category_id: int | None = None,
    image: IO[bytes] | None = None,
    is_active: bool | None = None,
) -> Product:
    """The store's owner changes a product; an argument left as None is unchanged. Renaming
    keeps the slug, so links stay valid. A new image replaces the old one. The price and stock of
    a product without options are its default variant's; a product with options refuses them
    (VARIANT_REQUIRED: its variants have their own)."""
    current = _owned_product(seller, product_id)
    if name is not None:
        name = name.strip()
    if description is not None:
        description = description.strip()
    category, prepared = _validated(
        name=name,
        description=description,
        price=price,
        stock_quantity=stock_quantity,
        category_id=category_id,
        image=image,
        partial=True,
    )
    with transaction.atomic():
        # Locked, so a checkout's stock decrement cannot interleave with this write.
        product = _owned_product(seller, current.pk, lock=True)
        if price is not None or stock_quantity is not None:
            _default_variant_set(product, price=price, stock_quantity=stock_quantity)
        changed = {
            field: value
            for field, value in (
                ("name", name),
                ("description", description),
                ("category", category),
                ("is_active", is_active),
            )
            if value is not None
        }
        for field, value in changed.items():
            setattr(product, field, value)
        update_fields = [("category_id" if field == "category" else field) for field in changed]
        if {"name", "description", "category"} & changed.keys():
            product.search_text = search_text_for(
                name=product.name, description=product.description, category_name=product.category.name
            )
            update_fields.append("search_text")
        if prepared is not None:
            old_files = [product.image.name, product.thumbnail.name]
            _attach_image(product, prepared)
            update_fields += ["image", "thumbnail"]
            new_files = (product.image,)
            storage = product.image.storage
            transaction.on_commit(lambda: files_delete(*old_files, storage=storage))
            product_thumbnail_after_commit(product)
        else:
            new_files = ()
        try:
            product.save(update_fields=[*update_fields, "updated_at"])
        except BaseException:
            files_delete(*new_files)
            raise
        catalog_changed(product_ids=[product.pk])
    # The totals kept from the variants, and in_stock, computed by the database.
    product.refresh_from_db(fields=["price", "max_price", "stock_quantity", "in_stock"])
    return product


def _default_variant_set(product: Product, *, price: Decimal | None, stock_quantity: int | None) -> None:
    """updateProduct's price and stock, written to the default variant of a product without options
    (the product locked by the caller)."""
    variant = ProductVariant.objects.select_for_update().filter(product=product, is_default=True).first()
    if variant is None:  # a product with options
        collect(
            None if price is None else VariantRequired(_PRICE_PER_VARIANT, field="price"),
            None if stock_quantity is None else VariantRequired(_STOCK_PER_VARIANT, field="stock_quantity"),
        )
    if price is not None:
        variant.price = money_round(price)
    if stock_quantity is not None:
        variant.stock_quantity = stock_quantity
    variant.save(update_fields=["price", "stock_quantity", "updated_at"])
    product_totals_refresh(product_ids=[product.pk])
    if stock_quantity is not None:
        product_availability_changed(product_ids=[product.pk])


_PRICE_PER_VARIANT = gettext_lazy(
    "This product has options: set the price of each variant (updateProductVariant)."
)
_STOCK_PER_VARIANT = gettext_lazy(
    "This product has options: set the stock of each variant (updateProductVariant or setVariantStock)."
)


@transaction.atomic
def product_delete(*, seller: User, product_id: int) -> None:
    """The store's owner deletes a product, softly: it leaves the catalogue at once, while past
    orders keep their snapshot and references still resolve (inactive). Carts keep their line,
    shown as no longer sold, left out of the totals and refused by checkout."""
    product = _owned_product(seller, product_id, lock=True)
    product.deleted_at = timezone.now()
    product.is_active = False
    product.save(update_fields=["deleted_at", "is_active", "updated_at"])
    catalog_changed(product_ids=[product.pk])


@transaction.atomic
def product_set_active(*, product_id: int, active: bool) -> Product:
    """Staff hide a product from the catalogue, or show it again (the Django admin)."""
    product = Product.objects.select_for_update().get(pk=product_id)
    if product.is_active != active:
        product.is_active = active
        product.save(update_fields=["is_active", "updated_at"])
        catalog_changed(product_ids=[product.pk])
    return product


# ---------------------------------------------------------------- options and variants

# The most variants one setVariantStock call changes.
STOCK_SET_MAX = 250
SKU_MAX_LENGTH = ProductVariant._meta.get_field("sku").max_length
OPTION_TEXT_MAX = ProductOption._meta.get_field("name").max_length
VARIANT_NAME_SEPARATOR = " / "


@dataclass(frozen=True)
class OptionSetting:
    """One option group as the seller gives it: its name and its values, in order."""

    name: str
    values: list[str]


@dataclass(frozen=True)
class StockSetting:
    """A variant's new stock, and, for a compare-and-set, the stock it must still have."""

    variant_id: int
    quantity: int
    expected_quantity: int | None = None


def option_key(text: str) -> str:
    """How option names and values compare: trimmed, any case, any accent ("Tamanho" is " tamanho")."""
    return search_normalize(text)


def product_options_set(*, seller: User, product_id: int, options: list[OptionSetting]) -> Product:
    """The store's owner sets a product's option groups (at most MAX_OPTIONS, each with 1 to
    MAX_OPTION_VALUES values, names and values unique whatever their case and accents), in order.

    Groups and values are matched with the current ones by name (any case and accents: a new
    spelling renames). A new group gives every existing variant its first value: a product without
    options thus turns its default variant into the variant of the first value of each group,
    keeping its SKU, price and stock (and the cart lines that hold it), as Shopify does. A value
    that variants use cannot be removed (IN_USE), nor a group while the product has more than one
    variant; with every group removed, the one variant left becomes the default variant again."""
    cleaned = _options_cleaned(options)
    with transaction.atomic():
        product = _owned_product(seller, product_id, lock=True)
        variants = list(ProductVariant.objects.select_for_update().filter(product=product).order_by("pk"))
        current = {option.key: option for option in product.options.prefetch_related("values")}
        kept_keys = {key for _, key, _ in cleaned}
        removed = [option for key, option in current.items() if key not in kept_keys]
        if removed and len(variants) > 1:
            raise InUse(
                gettext(
                    "An option group can be removed only while the product has one variant: delete the others first."
                ),
                field="options",
            )
        for option in removed:
            option.delete()
        new_options = []
        for position, (name, key, values) in enumerate(cleaned):
            option = current.get(key)
            if option is None:
                option = ProductOption.objects.create(product=product, name=name, key=key, position=position)
                new_options.append(option)
            elif (option.name, option.position) != (name, position):
                option.name, option.position = name, position
                option.save(update_fields=["name", "position"])
            _option_values_set(option, values, index=position)
        if new_options and variants:
            firsts = {option.pk: option.values.order_by("position", "id").first() for option in new_options}
            VariantOptionValue.objects.bulk_create(
                VariantOptionValue(variant=variant, option_id=option_id, value=value)
                for variant in variants
                for option_id, value in firsts.items()
            )
        ProductVariant.objects.filter(product=product).update(is_default=not cleaned)
        _variant_names_refresh(product)
        catalog_changed(product_ids=[product.pk])
    return product


def _options_cleaned(options: list[OptionSetting]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The groups as (name, key, [(value, key)]), every problem reported at once."""
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(
            gettext("A product can have at most %(max)s option groups.") % {"max": MAX_OPTIONS},
            field="options",
        )
    errors: list[DomainError | None] = []
    cleaned, seen = [], set()
    for index, option in enumerate(options):
        name = (option.name or "").strip()
        field = f"options.{index}.name"
        problem = name_error(name, field=field, label=gettext("Option name"), max_length=OPTION_TEXT_MAX)
        key = option_key(name) if problem is None else None
        if problem is None and key in seen:
            problem = AlreadyExists(gettext("Two option groups have the same name."), field=field)
        errors.append(problem)
        seen.add(key)
        values = _option_values_cleaned(option.values, index=index, errors=errors)
        cleaned.append((name, key, values))
    collect(*errors)
    return cleaned


def _option_values_cleaned(values: list[str], *, index: int, errors: list) -> list[tuple[str, str]]:
    field = f"options.{index}.values"
    if not values:
        errors.append(Required(gettext("An option group needs at least one value."), field=field))
        return []
    if len(values) > MAX_OPTION_VALUES:
        errors.append(
            InvalidInput(
                gettext("An option group can have at most %(max)s values.") % {"max": MAX_OPTION_VALUES},
                field=field,
            )
        )
        return []
    cleaned, seen = [], set()
    for position, value in enumerate(values):
        value = (value or "").strip()
        problem = name_error(
            value, field=f"{field}.{position}", label=gettext("Option value"), max_length=OPTION_TEXT_MAX
        )
        key = option_key(value) if problem is None else None
        if problem is None and key in seen:
            problem = AlreadyExists(
                gettext("Two values of an option group are the same."), field=f"{field}.{position}"
            )
        errors.append(problem)
        seen.add(key)
        cleaned.append((value, key))
    return cleaned


def _option_values_set(option: ProductOption, values: list[tuple[str, str]], *, index: int) -> None:
    current = {value.key: value for value in option.values.all()}
    kept, created = [], []
    for position, (text, key) in enumerate(values):
        value = current.pop(key, None)
        if value is None:
            created.append(ProductOptionValue(option=option, value=text, key=key, position=position))
        elif (value.value, value.position) != (text, position):
            value.value, value.position = text, position
            kept.append(value)
    if current:
        gone = list(current.values())
        if VariantOptionValue.objects.filter(value__in=gone).exists():
            raise InUse(
                gettext("Variants use this value: delete them before removing it."),
                field=f"options.{index}.values",
            )
        ProductOptionValue.objects.filter(pk__in=[value.pk for value in gone]).delete()
    ProductOptionValue.objects.bulk_update(kept, ["value", "position"])
    ProductOptionValue.objects.bulk_create(created)


def _variant_names_refresh(product: Product) -> None:
    """Each variant's name: its values in the options' order, "40 / Preto" (empty for the default)."""
    names: dict[int, list[str]] = {}
    choices = (
        VariantOptionValue.objects.filter(variant__product=product)
        .order_by("variant_id", "option__position", "option_id")
        .values_list("variant_id", "value__value")
    )
    for variant_id, value in choices:
        names.setdefault(variant_id, []).append(value)
    variants = list(ProductVariant.objects.filter(product=product).only("pk", "name"))
    for variant in variants:
        variant.name = VARIANT_NAME_SEPARATOR.join(names.get(variant.pk, []))
    ProductVariant.objects.bulk_update(variants, ["name"], batch_size=500)


def product_variant_create(
    *,
    seller: User,
    product_id: int,
    price: Decimal,
    options: list[tuple[str, str]],
    sku: str | None = None,
    compare_at_price: Decimal | None = None,
    stock_quantity: int = 0,
    is_active: bool = True,
    image: IO[bytes] | None = None,
) -> ProductVariant:
    """The store's owner adds a variant to a product with options: one value of each of its
    groups (named by group and value, any case and accents), a combination no other variant has,
    a SKU unique in the store (optional), its own price, an optional compare-at price, its stock.
    At most MAX_VARIANTS variants a product."""
    sku = (sku or "").strip()
    prepared = _variant_validated(
        sku=sku, price=price, compare_at_price=compare_at_price, stock_quantity=stock_quantity, image=image
    )
    with transaction.atomic():
        product = _owned_product(seller, product_id, lock=True)
        count = ProductVariant.objects.filter(product=product).count()
        product_options = list(product.options.prefetch_related("values"))
        if not product_options:
            raise InvalidInput(
                gettext("This product has no options: give it options first (setProductOptions)."),
                field="options",
            )
        if count >= MAX_VARIANTS:
            raise InvalidInput(
                gettext("A product can have at most %(max)s variants.") % {"max": MAX_VARIANTS}, field="id"
            )
        values = _variant_values(product_options, options)
        same = ProductVariant.objects.filter(product=product)
        for value in values:
            same = same.filter(choices__value=value)
        collect(
            AlreadyExists(gettext("A variant with these options already exists."), field="options")
            if same.exists()
            else None,
            _sku_taken_error(sku, store_id=product.store_id),
        )
        variant = ProductVariant(
            product=product,
            store_id=product.store_id,
            sku=sku,
            name=VARIANT_NAME_SEPARATOR.join(value.value for value in values),
            price=money_round(price),
            compare_at_price=None if compare_at_price is None else money_round(compare_at_price),
            stock_quantity=stock_quantity,
            is_active=is_active,
            position=count,
        )
        if prepared is not None:
            variant.image.save(prepared.image.name, prepared.image, save=False)
        try:
            variant.save()
        except BaseException:
            files_delete(variant.image)
            raise
        VariantOptionValue.objects.bulk_create(
            VariantOptionValue(variant=variant, option_id=value.option_id, value=value) for value in values
        )
        _variants_changed(product.pk, stock_moved=is_active and stock_quantity > 0)
    variant.refresh_from_db(fields=["in_stock"])
    return variant


def _variant_values(
    product_options: list[ProductOption], given: list[tuple[str, str]]
) -> list[ProductOptionValue]:
    """The value of each of the product's groups that `given` names, in the groups' order."""
    by_key = {option.key: option for option in product_options}
    chosen: dict[int, ProductOptionValue] = {}
    errors = []
    for index, (name, value) in enumerate(given):
        option = by_key.get(option_key(name or ""))
        if option is None:
            errors.append(
                NotFound(
                    gettext("The product has no option group with this name."), field=f"options.{index}.name"
                )
            )
            continue
        found = next((v for v in option.values.all() if v.key == option_key(value or "")), None)
        if found is None:
            errors.append(
                NotFound(gettext("The option group has no such value."), field=f"options.{index}.value")
            )
        elif option.pk in chosen:
            errors.append(InvalidInput(gettext("One value per option group."), field=f"options.{index}.name"))
        else:
            chosen[option.pk] = found
    collect(*errors)
    missing = [option.name for option in product_options if option.pk not in chosen]
    if missing:
        raise Required(
            gettext("Choose a value of every option group (missing: %(names)s).")
            % {"names": ", ".join(missing)},
            field="options",
        )
    return [chosen[option.pk] for option in product_options]


def product_variant_update(
    *,
    seller: User,
    variant_id: int,
    sku: str | None = None,
    price: Decimal | None = None,
    compare_at_price: Decimal | None = None,
    stock_quantity: int | None = None,
    is_active: bool | None = None,
    image: IO[bytes] | None = None,
) -> ProductVariant:
    """The store's owner changes a variant (None leaves a value unchanged); its options stay (a
    new combination is a new variant). Deactivated, it leaves the storefront and carts' totals but
    keeps its orders. A product without options is hidden with updateProduct, not through its
    default variant."""
    if sku is not None:
        sku = sku.strip()
    prepared = _variant_validated(
        sku=sku,
        price=price,
        compare_at_price=compare_at_price,
        stock_quantity=stock_quantity,
        image=image,
        partial=True,
    )
    with transaction.atomic():
        variant = _owned_variant(seller, variant_id, lock=True)
        if is_active is False and variant.is_default:
            raise InvalidInput(
                gettext(
                    "A product without options is hidden with updateProduct (isActive), not its variant."
                ),
                field="is_active",
            )
        collect(None if not sku or sku == variant.sku else _sku_taken_error(sku, store_id=variant.store_id))
        changed = {
            field: value
            for field, value in (
                ("sku", sku),
                ("price", None if price is None else money_round(price)),
                ("compare_at_price", None if compare_at_price is None else money_round(compare_at_price)),
                ("stock_quantity", stock_quantity),
                ("is_active", is_active),
            )
            if value is not None
        }
        stock_before = variant.stock_quantity if variant.is_active else 0
        for field, value in changed.items():
            setattr(variant, field, value)
        new_files = ()
        if prepared is not None:
            old_file, storage = variant.image.name, variant.image.storage
            variant.image.save(prepared.image.name, prepared.image, save=False)
            new_files = (variant.image,)
            changed["image"] = variant.image
            transaction.on_commit(lambda: files_delete(old_file, storage=storage))
        try:
            variant.save(update_fields=[*changed, "updated_at"])
        except BaseException:
            files_delete(*new_files)
            raise
        stock_after = variant.stock_quantity if variant.is_active else 0
        _variants_changed(variant.product_id, stock_moved=stock_before != stock_after)
    variant.refresh_from_db(fields=["in_stock"])
    return variant


def product_variant_delete(*, seller: User, variant_id: int) -> None:
    """The store's owner deletes a variant that was never ordered (one that was is deactivated
    instead: IN_USE); a product keeps at least one variant. Cart lines holding it go with it."""
    with transaction.atomic():
        variant = _owned_variant(seller, variant_id, lock=True)
        if ProductVariant.objects.filter(product_id=variant.product_id).count() == 1:
            raise InvalidInput(
                gettext("A product keeps at least one variant: deactivate it, or delete the product."),
                field="id",
            )
        if _variant_referenced(variant):
            raise InUse(
                gettext(
                    "This variant has been ordered, so it is kept for the orders: deactivate it instead."
                ),
                field="id",
            )
        image = variant.image.name
        storage = variant.image.storage
        variant.delete()
        transaction.on_commit(lambda: files_delete(image, storage=storage))
        _variants_changed(variant.product_id, stock_moved=variant.is_active and variant.stock_quantity > 0)


def _variant_referenced(variant: ProductVariant) -> bool:
    """Whether a record above the catalogue and carts refers to the variant (an order line): the
    catalogue cannot import those apps, so it asks every relation Django knows of."""
    for relation in ProductVariant._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        related = relation.related_model
        if related._meta.app_label in ("catalog", "cart"):
            continue
        if related._base_manager.filter(**{relation.field.name: variant}).exists():
            return True
    return False


def variant_stock_set(*, seller: User, settings: list[StockSetting]) -> list[ProductVariant]:
    """The store's owner sets the stock of many variants at once (at most STOCK_SET_MAX), all or
    nothing. A setting with `expected_quantity` is a compare-and-set: when the variant's stock is
    no longer that (another clerk, a sale), nothing changes and every such variant is reported
    (STOCK_CHANGED, with its stock now). Products are locked in primary-key order, then variants in
    primary-key order (as checkout locks them), and the stock is written in one UPDATE."""
    _stock_settings_check(settings)
    ids = [setting.variant_id for setting in settings]
    with transaction.atomic():
        product_of = dict(ProductVariant.objects.filter(pk__in=ids).values_list("pk", "product_id"))
        collect(
            *(
                NotFound(gettext("No variant with this id."), field=f"items.{index}.variant_id")
                for index, setting in enumerate(settings)
                if setting.variant_id not in product_of
            )
        )
        _owned_products(seller, set(product_of.values()))
        current = dict(
            ProductVariant.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "stock_quantity")
        )
        if len(current) != len(ids):  # deleted meanwhile
            raise NotFound(gettext("No variant with this id."), field="items")
        collect(
            *(
                StockChanged(
                    gettext(
                        "The stock of this variant is now %(now)s, not %(expected)s: nothing was changed."
                    )
                    % {"now": current[setting.variant_id], "expected": setting.expected_quantity},
                    field=f"items.{index}.expected_quantity",
                )
                for index, setting in enumerate(settings)
                if setting.expected_quantity is not None
                and current[setting.variant_id] != setting.expected_quantity
            )
        )
        ProductVariant.objects.filter(pk__in=ids).update(
            stock_quantity=Case(*(When(pk=s.variant_id, then=Value(s.quantity)) for s in settings)),
            updated_at=timezone.now(),
        )
        product_ids = set(product_of.values())
        product_totals_refresh(product_ids=product_ids)
        catalog_changed(product_ids=product_ids)
        product_availability_changed(product_ids=product_ids)
    return list(ProductVariant.objects.filter(pk__in=ids).order_by("pk"))


def _stock_settings_check(settings: list[StockSetting]) -> None:
    if not settings:
        raise Required(gettext("Give at least one variant."), field="items")
    if len(settings) > STOCK_SET_MAX:
        raise InvalidInput(
            gettext("At most %(max)s variants per call.") % {"max": STOCK_SET_MAX}, field="items"
        )
    errors, seen = [], set()
    for index, setting in enumerate(settings):
        if setting.variant_id in seen:
            errors.append(
                InvalidInput(gettext("This variant is given twice."), field=f"items.{index}.variant_id")
            )
        seen.add(setting.variant_id)
        errors.append(_stock_error(setting.quantity, field=f"items.{index}.quantity"))
        if setting.expected_quantity is not None:
            errors.append(_stock_error(setting.expected_quantity, field=f"items.{index}.expected_quantity"))
    collect(*errors)


def _variants_changed(product_id: int, *, stock_moved: bool) -> None:
    product_totals_refresh(product_ids=[product_id])
    catalog_changed(product_ids=[product_id])
    if stock_moved:
        product_availability_changed(product_ids=[product_id])


def _variant_validated(
    *,
    sku: str | None,
    price: Decimal | None,
    compare_at_price: Decimal | None,
    stock_quantity: int | None,
    image: IO[bytes] | None,
    partial: bool = False,
) -> PreparedImage | None:
    prepared, image_error = None, None
    if image is not None:
        try:
            prepared = image_prepare(image, field="image")
        except DomainError as error:
            image_error = error
    collect(
        None if sku is None else _sku_error(sku),
        None if partial and price is None else _price_error(price),
        None if compare_at_price is None else _price_error(compare_at_price, field="compare_at_price"),
        None if partial and stock_quantity is None else _stock_error(stock_quantity),
        image_error,
    )
    return prepared


def _sku_error(sku: str) -> DomainError | None:
    if problem := text_error(sku, field="sku", label="SKU", max_length=SKU_MAX_LENGTH, required=False):
        return problem
    if any(character.isspace() for character in sku):
        return InvalidInput(gettext("A SKU has no spaces."), field="sku")
    return None


def _sku_taken_error(sku: str, *, store_id: int) -> DomainError | None:
    if sku and ProductVariant.objects.filter(store_id=store_id, sku=sku).exists():
        return AlreadyExists(gettext("Another variant of your store has this SKU."), field="sku")
    return None


def _owned_variant(seller: User, variant_id: int, *, lock: bool = False) -> ProductVariant:
    """The variant of a product the seller owns (see _owned_product), its product locked first,
    then the variant, when `lock`."""
    product_id = ProductVariant.objects.filter(pk=variant_id).values_list("product_id", flat=True).first()
    if product_id is None:
        raise NotFound(gettext("No variant with this id."), field="id")
    try:
        _owned_product(seller, product_id, lock=lock)
    except NotFound as error:
        raise NotFound(gettext("No variant with this id."), field="id") from error
    variants = ProductVariant.objects.select_for_update() if lock else ProductVariant.objects
    return variants.get(pk=variant_id)


def _owned_products(seller: User, product_ids: set[int]) -> None:
    """Lock the products in primary-key order; each must be the seller's (see _owned_product)."""
    products = list(
        Product.objects.select_for_update(of=("self",))
        .select_related("store")
        .not_deleted()
        .filter(pk__in=product_ids)
        .order_by("pk")
    )
    foreign = [product.pk for product in products if product.store.seller_id != seller.pk]
    if foreign and product_list_public().filter(pk__in=foreign).exists():
        raise AccessDenied(gettext("Only the store's owner can change this product."))
    if foreign or len(products) != len(product_ids):
        raise NotFound(gettext("No variant with this id."), field="items")


# ---------------------------------------------------------------- rules


def _sellable_store(seller: User) -> Store:
    if not seller.can_sell:
        raise AccessDenied(gettext("Only sellers approved by an admin can sell products."))
    store = Store.objects.filter(seller_id=seller.pk).first()
    if store is None:
        raise BusinessForbidden(gettext("Create your store before adding products."))
    if not store.is_active:
        raise BusinessForbidden(gettext("Your store is deactivated: it cannot add products."))
    return store


def _owned_product(seller: User, product_id: int, *, lock: bool = False) -> Product:
    """The product if it exists and is not deleted, owned by the seller. Another seller's product
    is FORBIDDEN while the catalogue shows it and NOT_FOUND while hidden, exactly as a product that
    does not exist, so nobody can probe for hidden products."""
    products = Product.objects.select_related("store", "category")
    if lock:
        products = products.select_for_update(of=("self",))
    product = products.not_deleted().filter(pk=product_id).first()
    if product is not None and product.store.seller_id != seller.pk:
        if not product_list_public().filter(pk=product.pk).exists():
            product = None
        else:
            raise AccessDenied(gettext("Only the store's owner can change this product."))
    if product is None:
        raise NotFound(gettext("No product with this id."), field="id")
    return product


def _validated(
    *,
    name: str | None,
    description: str | None,
    price: Decimal | None,
    stock_quantity: int | None,
    category_id: int | None,
    image: IO[bytes] | None,
    partial: bool = False,
) -> tuple[Category | None, PreparedImage | None]:
    """Check every input at once; returns the category and the prepared image (None when not
    given). With `partial`, None means "unchanged" instead of "missing"."""
    max_name = Product._meta.get_field("name").max_length
    category = None if category_id is None else Category.objects.filter(pk=category_id).first()
    prepared, image_error = None, None
    if image is not None:
        try:
            prepared = image_prepare(image, field="image")
        except DomainError as error:
            image_error = error
    collect(
        None
        if partial and name is None
        else name_error(name, field="name", label=gettext("Name"), max_length=max_name),
        None if description is None else _description_error(description),
        None if partial and price is None else _price_error(price),
        None if partial and stock_quantity is None else _stock_error(stock_quantity),
        None if partial and category_id is None else _category_error(category_id, category),
        image_error,
    )
    return category, prepared


def _description_error(description: str) -> DomainError | None:
    return text_error(
        description,
        field="description",
        label=gettext("Description"),
        max_length=MAX_DESCRIPTION,
        required=False,
    )


def _price_error(price: Decimal | None, *, field: str = "price") -> DomainError | None:
    if price is None:
        return Required(gettext("The price is required."), field=field)
    fault = amount_fault(price)
    if fault is AmountFault.NOT_POSITIVE:
        return InvalidInput(gettext("The price must be greater than 0."), field=field)
    if fault is AmountFault.TOO_LARGE:
        return InvalidInput(
            gettext("The price must be at most %(max)s.") % {"max": kwanza(MAX_AMOUNT)}, field=field
        )
    if fault is AmountFault.NOT_CENTS:
        return InvalidInput(gettext("The price can have at most two decimal places."), field=field)
    return None


def _stock_error(stock_quantity: int | None, *, field: str = "stock_quantity") -> DomainError | None:
    if stock_quantity is None:
        return Required(gettext("The stock quantity is required."), field=field)
    if isinstance(stock_quantity, bool) or not isinstance(stock_quantity, int):
        return InvalidInput(gettext("The stock quantity must be a whole number."), field=field)
    if stock_quantity < 0:
        return InvalidInput(gettext("The stock quantity must be 0 or more."), field=field)
    if stock_quantity > MAX_STOCK:
        return InvalidInput(
            gettext("The stock quantity must be at most %(max)s.") % {"max": MAX_STOCK},
            field=field,
        )
    return None


def _category_error(category_id: int | None, category: Category | None) -> DomainError | None:
    if category_id is None:
        return Required(gettext("The category is required."), field="category_id")
    if category is None:
        return NotFound(gettext("No category with this id."), field="category_id")
    return None


# ---------------------------------------------------------------- image files


def _attach_image(product: Product, prepared: PreparedImage) -> None:
    """Write the image to the storage (the row is saved by the caller); its thumbnail is made in
    the background once the row is committed (thumbnails.py), so until then it has none."""
    product.image.save(prepared.image.name, prepared.image, save=False)
    product.thumbnail = None
