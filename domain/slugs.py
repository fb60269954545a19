"""Slugs for stores, categories and products: readable, unique, stable, safe under a race."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify

from domain.images import files_delete

M = TypeVar("M", bound=models.Model)
MAX_ATTEMPTS = 20


def slug_base(name: str, *, max_length: int, fallback: str) -> str:
    """ASCII slug of `name` ("Electrónicos" → "electronicos"); names without Latin letters
    ("电子产品") get `fallback` and a short random tag, so every name yields a usable slug."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = slugify(ascii_name)[: max_length - 8].strip("-")
    return base or f"{fallback}-{secrets.token_hex(3)}"


def taken_slugs(model: type[models.Model], base: str) -> set[str]:
    return set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))


def create_with_unique_slug(*, model: type[M], name: str, create: Callable[[str], M], fallback: str) -> M:
    """Call `create(slug)` with the first free slug of `name` ("nome", "nome-2", "nome-3", ...).

    Two requests may pick the same free slug at once: the unique index refuses the second, which
    then tries the next suffix. An IntegrityError that is not about the slug is raised as is.
    """
    max_length = model._meta.get_field("slug").max_length
    base = slug_base(name, max_length=max_length, fallback=fallback)
    taken = taken_slugs(model, base)
    suffix = 1
    for _ in range(MAX_ATTEMPTS):
        candidate = base if suffix == 1 else f"{base}-{suffix}"
        suffix += 1
        if candidate in taken:
            continue
        try:
            with transaction.atomic():
                return create(candidate)
        except IntegrityError:
            if not model.objects.filter(slug=candidate).exists():
                raise
            taken.add(candidate)
    # Pathological contention: a random tag cannot realistically collide.
    return create(f"{base}-{secrets.token_hex(4)}")


def insert_with_unique_slug(*, obj: M, name: str, fallback: str, files: Iterable[FieldFile] = ()) -> M:
    """Insert the unsaved `obj` with the first free slug of `name` (see create_with_unique_slug).

    If the insert fails for any reason, the files already written to storage for it (`files`, e.g.
    an uploaded image and its thumbnail) are deleted, so a refused row leaves no file behind.
    """

    def create(slug: str) -> M:
        obj.pk, obj.slug = None, slug
        obj.save(force_insert=True)
        return obj

    try:
        return create_with_unique_slug(model=type(obj), name=name, create=create, fallback=fallback)
    except BaseException:
        files_delete(*files)
        raise
