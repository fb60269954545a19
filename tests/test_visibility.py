"""Who sees which product: "not deleted" written once, the visibility rule decided in one place
(domain/catalog/selectors.py: product_filter_visible) that every API read asks, and the matrix of
callers x product states through the real /graphql/ endpoint."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.catalog.models import Product

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("domain", "graph", "demo", "bench")

# ---------------------------------------------------------------- "not deleted", once


def soft_delete_tests(tree: ast.AST) -> list[int]:
    """The lines that test `deleted_at` in a query: a `deleted_at__isnull` lookup (as a keyword or
    in a string, f-strings included) or `deleted_at=None`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg is not None:
            isnull = node.arg.endswith("deleted_at__isnull")
            is_none = node.arg.endswith("deleted_at") and isinstance(node.value, ast.Constant)
            if isnull or (is_none and node.value.value is None):
                lines.append(node.value.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "deleted_at__isnull" in node.value
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_not_deleted_is_written_only_in_the_model_modules():
    """ProductQuerySet.not_deleted() and not_deleted(path) in domain/catalog/models.py are the rule;
    everyone else asks them."""
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "models.py" and path.parent.parent.name == "domain":
                continue
            found += [
                f"{path.relative_to(ROOT)}:{line}" for line in soft_delete_tests(ast.parse(path.read_text()))
            ]
    assert found == []


def test_the_soft_delete_test_finds_every_spelling():
    source = """
Product.objects.filter(pk=1, deleted_at__isnull=True)
WishlistItem.objects.filter(product__deleted_at__isnull=True)
Q(**{f"{path}deleted_at__isnull": True})
Product.objects.exclude(deleted_at=None)
product.deleted_at = None
Product.objects.filter(deleted_at=now)
"""
    assert soft_delete_tests(ast.parse(source)) == [2, 3, 4, 5]


@pytest.mark.django_db
def test_not_deleted_keeps_hidden_products_and_drops_deleted_ones(seller):
    from django.utils import timezone

    from .factories import make_product

    kept, hidden, deleted = (make_product(store=seller.store) for _ in range(3))
    Product.objects.filter(pk=hidden.pk).update(is_active=False)
    Product.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now(), is_active=False)
    assert set(Product.objects.not_deleted()) == {kept, hidden}
    assert set(seller.store.products.not_deleted()) == {kept, hidden}
