"""Slug generation shared by stores, categories and products."""

import pytest

from domain.catalog.models import Category
from domain.slugs import create_with_unique_slug, slug_base


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Electrónicos", "electronicos"),
        ("Alimentação & Bebidas", "alimentacao-bebidas"),
        ("  Moda  ", "moda"),
    ],
)
def test_slug_base_transliterates_accents(name, slug):
    assert slug_base(name, max_length=120, fallback="categoria") == slug


def test_name_without_latin_letters_gets_a_usable_slug():
    slug = slug_base("电子产品", max_length=120, fallback="categoria")
    assert slug.startswith("categoria-") and len(slug) > len("categoria-")


@pytest.mark.django_db
def test_taken_slugs_get_a_suffix():
    def create(name):
        return create_with_unique_slug(
            model=Category,
            name=name,
            fallback="categoria",
            create=lambda slug: Category.objects.create(name=name, slug=slug),
        )

    assert [create("Moda").slug, create("Moda").slug, create("moda!").slug] == ["moda", "moda-2", "moda-3"]


@pytest.mark.django_db
def test_a_slug_taken_between_the_check_and_the_insert_moves_to_the_next_suffix(monkeypatch):
    # Another request inserted "moda" after this one looked for taken slugs.
    monkeypatch.setattr("domain.slugs.taken_slugs", lambda model, base: set())
    Category.objects.create(name="Moda", slug="moda")
    tried = []

    def create(slug):
        tried.append(slug)
        return Category.objects.create(name="Moda", slug=slug)

    category = create_with_unique_slug(model=Category, name="Moda", fallback="categoria", create=create)
    assert tried == ["moda", "moda-2"]
    assert category.slug == "moda-2"
    assert Category.objects.filter(name="Moda").count() == 2


@pytest.mark.django_db
def test_an_integrity_error_that_is_not_about_the_slug_is_raised():
    from django.db import IntegrityError

    def create(slug):
        return Category.objects.create(name="", slug=slug)  # violates category_name_required

    with pytest.raises(IntegrityError):
        create_with_unique_slug(model=Category, name="Moda", fallback="categoria", create=create)
    assert not Category.objects.exists()
