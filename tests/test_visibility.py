"""Who sees which product and store: "not deleted" written once, each visibility rule decided in
one place that every API read asks (domain/catalog/selectors.py: product_filter_visible and
product_unless_deleted; domain/accounts/selectors.py: store_filter_visible), and the matrix of
callers x states through the real /graphql/ endpoint."""

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


# ---------------------------------------------------------------- the matrix, through /graphql/

CALLERS = ["anonymous", "buyer", "seller", "other_seller", "admin"]  # `seller` owns the product
STATES = ["active", "hidden", "deleted", "store_inactive"]

BY_SLUG = "query($slug: String!) { product(slug: $slug) { slug } }"
LIST = "{ products(first: 100) { edges { node { slug } } } }"
SEARCH = "query($word: String!) { products(first: 100, search: $word) { edges { node { slug } } } }"
STORE = "query($slug: String!) { store(slug: $slug) { products(first: 100) { edges { node { slug } } } } }"
OWN = "{ storeProducts(first: 100) { edges { node { slug } } } }"
STORES = "{ stores(first: 100) { edges { node { slug } } } }"
STORE_BY_SLUG = "query($slug: String!) { store(slug: $slug) { slug } }"


def put_in(state: str, product: Product) -> None:
    from django.utils import timezone

    from domain.accounts.models import Store

    if state == "hidden":
        Product.objects.filter(pk=product.pk).update(is_active=False)
    elif state == "deleted":
        Product.objects.filter(pk=product.pk).update(is_active=False, deleted_at=timezone.now())
    elif state == "store_inactive":
        Store.objects.filter(pk=product.store_id).update(is_active=False)


def slugs_of(connection: dict | None) -> list[str]:
    return [edge["node"]["slug"] for edge in (connection or {}).get("edges", [])]


@pytest.fixture
def sighted(seller):
    """`sighted(state)`: a product of `seller`'s store in that state, named for the search."""
    from .factories import make_product

    def make(state: str) -> Product:
        product = make_product(store=seller.store, name="Rádio Kuduro")
        put_in(state, product)
        return product

    return make


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", CALLERS, indirect=True)
def test_who_sees_a_product_by_slug_in_lists_search_and_its_store(gql, role, seller, sighted, state):
    product = sighted(state)
    on_sale = state == "active"
    owner = role is not None and role.pk == seller.pk

    found = gql.ok(BY_SLUG, {"slug": product.slug}, user=role)["product"]
    assert (found is not None) == (on_sale or (owner and state != "deleted"))
    # Lists are the catalogue, the same for every caller: the owner finds hidden ones in storeProducts.
    assert slugs_of(gql.ok(LIST, user=role)["products"]) == ([product.slug] if on_sale else [])
    searched = gql.ok(SEARCH, {"word": "kuduro"}, user=role)["products"]
    assert slugs_of(searched) == ([product.slug] if on_sale else [])
    store = gql.ok(STORE, {"slug": seller.store.slug}, user=role)["store"]
    assert slugs_of((store or {}).get("products")) == ([product.slug] if on_sale else [])


@pytest.mark.parametrize("state", STATES)
def test_store_products_shows_the_owner_every_product_but_deleted_ones_and_no_one_else(
    gql, seller, other_seller, sighted, state
):
    product = sighted(state)
    assert slugs_of(gql.ok(OWN, user=seller)["storeProducts"]) == (
        [] if state == "deleted" else [product.slug]
    )
    assert slugs_of(gql.ok(OWN, user=other_seller)["storeProducts"]) == []


@pytest.mark.parametrize("state", STATES)
def test_an_order_line_shows_its_product_until_it_is_deleted(gql, buyer, seller, sighted, state):
    from .test_reviews import deliver

    product = sighted("active")
    deliver(buyer, product)
    put_in(state, product)
    query = "{ myOrders(first: 10) { edges { node { items { productName product { slug } } } } } }"
    (line,) = gql.ok(query, user=buyer)["myOrders"]["edges"][0]["node"]["items"]
    assert line == {
        "productName": "Rádio Kuduro",
        "product": None if state == "deleted" else {"slug": product.slug},
    }


@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("role", CALLERS, indirect=True)
def test_who_sees_a_store_in_the_list_and_by_slug(gql, role, seller, active):
    from domain.accounts.models import Store

    Store.objects.filter(pk=seller.store.pk).update(is_active=active)
    owner_or_admin = role is not None and (role.pk == seller.pk or role.is_marketplace_admin)
    listed = [edge["node"]["slug"] for edge in gql.ok(STORES, user=role)["stores"]["edges"]]
    assert (seller.store.slug in listed) == active  # the list is the same for everyone
    found = gql.ok(STORE_BY_SLUG, {"slug": seller.store.slug}, user=role)["store"]
    assert (found is not None) == (active or owner_or_admin)


# ---------------------------------------------------------------- one place decides


def test_every_read_of_products_asks_the_one_rule(gql, seller, sighted, monkeypatch):
    """With the rule changed in domain/catalog/selectors.py alone (here: nobody sees anything),
    every field that shows products follows: none decides by itself."""
    from domain.catalog import selectors

    product = sighted("active")
    monkeypatch.setattr(selectors, "product_filter_visible", lambda products, *, viewer=None: products.none())

    for user in (None, seller):
        assert gql.ok(BY_SLUG, {"slug": product.slug}, user=user)["product"] is None
        assert slugs_of(gql.ok(LIST, user=user)["products"]) == []
        assert slugs_of(gql.ok(SEARCH, {"word": "kuduro"}, user=user)["products"]) == []
        assert slugs_of(gql.ok(STORE, {"slug": seller.store.slug}, user=user)["store"]["products"]) == []
    assert slugs_of(gql.ok(OWN, user=seller)["storeProducts"]) == []


def test_an_order_line_asks_the_catalogue_whether_its_product_shows(gql, buyer, sighted, monkeypatch):
    from domain.catalog import selectors

    from .test_reviews import deliver

    deliver(buyer, sighted("active"))
    monkeypatch.setattr(selectors, "product_unless_deleted", lambda product: None)
    query = "{ myOrders(first: 10) { edges { node { items { product { slug } } } } } }"
    assert gql.ok(query, user=buyer)["myOrders"]["edges"][0]["node"]["items"] == [{"product": None}]


def test_graph_decides_no_product_visibility_itself():
    """graph/ asks the selectors: it names no rule of its own (on_sale's Q, is_deleted, is_active)."""
    for path in sorted((ROOT / "graph").rglob("*.py")):
        text = path.read_text()
        for rule in ("ON_SALE", "on_sale(", ".is_deleted", "is_active=True", "deleted_at__"):
            assert rule not in text, f"{path.relative_to(ROOT)} decides visibility itself ({rule})"


def test_every_read_of_stores_asks_the_one_rule(gql, seller, admin, monkeypatch):
    """With domain/accounts/selectors.py's store_filter_visible alone changed, both fields follow."""
    from domain.accounts import selectors

    monkeypatch.setattr(selectors, "store_filter_visible", lambda stores, *, viewer=None: stores.none())
    for user in (None, seller, admin):
        assert gql.ok(STORES, user=user)["stores"]["edges"] == []
        assert gql.ok(STORE_BY_SLUG, {"slug": seller.store.slug}, user=user)["store"] is None
