"""Catalogue writes: categories (admins) and products (the seller who owns the store).

Input rules, each reported on its API field: a name of 1..200 characters (categories 1..100),
a price above 0 with at most two decimals, a stock that is an integer >= 0, an existing category,
an image that domain/images.py accepts. Every failed rule is reported at once and nothing changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.models import Store, User
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    BusinessForbidden,
    DomainError,
    InvalidInput,
    NotFound,
    Required,
    collect,
)
from domain.images import PreparedImage, files_delete, image_prepare
from domain.money import MAX_AMOUNT, AmountFault, amount_fault, kwanza, money_round
from domain.slugs import insert_with_unique_slug
from domain.text import name_error, text_error

from .models import MAX_STOCK, Category, Product
from .search import search_text_for
from .selectors import product_list_public
from .thumbnails import product_thumbnail_after_commit
from .variants import default_variant_create
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
    keeps the slug, so links stay valid. A new image replaces the old one."""
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
        changed = {
            field: value
            for field, value in (
                ("name", name),
                ("description", description),
                ("price", None if price is None else money_round(price)),
                ("stock_quantity", stock_quantity),
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
    # in_stock is computed by the database.
    product.refresh_from_db(fields=["in_stock"])
    return product


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


def _price_error(price: Decimal | None) -> DomainError | None:
    if price is None:
        return Required(gettext("The price is required."), field="price")
    fault = amount_fault(price)
    if fault is AmountFault.NOT_POSITIVE:
        return InvalidInput(gettext("The price must be greater than 0."), field="price")
    if fault is AmountFault.TOO_LARGE:
        return InvalidInput(
            gettext("The price must be at most %(max)s.") % {"max": kwanza(MAX_AMOUNT)}, field="price"
        )
    if fault is AmountFault.NOT_CENTS:
        return InvalidInput(gettext("The price can have at most two decimal places."), field="price")
    return None


def _stock_error(stock_quantity: int | None) -> DomainError | None:
    if stock_quantity is None:
        return Required(gettext("The stock quantity is required."), field="stock_quantity")
    if isinstance(stock_quantity, bool) or not isinstance(stock_quantity, int):
        return InvalidInput(gettext("The stock quantity must be a whole number."), field="stock_quantity")
    if stock_quantity < 0:
        return InvalidInput(gettext("The stock quantity must be 0 or more."), field="stock_quantity")
    if stock_quantity > MAX_STOCK:
        return InvalidInput(
            gettext("The stock quantity must be at most %(max)s.") % {"max": MAX_STOCK},
            field="stock_quantity",
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
