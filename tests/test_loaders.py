"""Per-request loaders of caller-specific fields (Product.myReview, Product.inMyWishlist): the
Loader itself, the rows it batches (those made during the operation's execution), and one query
per page and loader for any page size."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models.signals import post_init

from domain.accounts.models import Store
from domain.cart.models import Cart
from domain.catalog import services as catalog_services
from domain.catalog.models import Category, Product
from domain.reviews.models import Review
from domain.reviews.selectors import review_map_for_user
from domain.wishlist import services as wishlist_services
from domain.wishlist.models import WishlistItem
from domain.wishlist.selectors import wishlist_product_ids_for_user
from graph.loaders import LOADED_FIELDS, FetchedRows, Loader

from .factories import make_product, make_store
from .helpers import cart_line, fill_cart, gid
from .test_reviews import deliver

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- the Loader


class Batch:
    def __init__(self, values: dict):
        self.values = values
        self.calls: list[list] = []

    def __call__(self, keys: list) -> dict:
        self.calls.append(list(keys))
        return {key: self.values[key] for key in keys if key in self.values}


def execution(*, query: str | None):
    """FetchedRows' hooks around the execution of `query` (None: the text is unknown)."""
    extension = FetchedRows()
    extension.execution_context = SimpleNamespace(query=query)
    return extension.on_execute()


@pytest.fixture
def executing():
    """The scope FetchedRows gives one operation's execution, opened by hand: `executing()` opens
    one (closing the previous), and the last is closed at the end of the test."""
    scopes = []

    def open_scope():
        if scopes:
            next(scopes.pop(), None)
        hooks = execution(query=None)
        next(hooks)
        scopes.append(hooks)

    yield open_scope
    for hooks in scopes:
        next(hooks, None)


def rows(*pks: int) -> list[Product]:
    """Products as a query makes them (Django makes each row through the model's __init__)."""
    return [Product(pk=pk) for pk in pks]


def test_the_first_load_batches_every_row_of_the_execution_and_the_others_come_from_the_cache(executing):
    executing()
    batch = Batch({1: "one", 3: "three"})
    loader = Loader(Product, batch)
    first, second, third = rows(2, 1, 3)
    assert [loader.load(second), loader.load(first), loader.load(third)] == ["one", None, "three"]
    assert batch.calls == [[1, 2, 3]]  # the asking row first, then the others, each once


def test_a_key_without_a_value_gets_the_default(executing):
    executing()
    loader = Loader(Product, Batch({}), default=False)
    assert loader.load(rows(7)[0]) is False


def test_rows_made_later_are_loaded_by_the_next_miss_and_loaded_ones_are_not_asked_again(executing):
    executing()
    batch = Batch({})
    loader = Loader(Product, batch)
    first_page = rows(1, 2)
    loader.load(first_page[0])
    second_page = rows(2, 3, 2)  # a second list overlapping the first (and repeating a key)
    loader.load(second_page[1])
    loader.load(first_page[1])  # the same product loaded through another path
    assert batch.calls == [[1, 2], [3]]


def test_outside_an_execution_nothing_is_kept_and_each_row_loads_alone():
    batch = Batch({5: True})
    loader = Loader(Product, batch, default=False)
    first, second = rows(5, 6)
    assert (loader.load(first), loader.load(second)) == (True, False)
    assert batch.calls == [[5], [6]]


def test_each_execution_batches_its_own_rows(executing):
    batch = Batch({})
    loader = Loader(Product, batch)
    executing()
    before = rows(1, 2)
    executing()
    after = rows(3, 4)
    loader.load(after[0])
    loader.load(before[0])  # made in an execution that is over: alone
    assert batch.calls == [[3, 4], [1]]


def test_a_loader_batches_only_rows_of_its_model(executing):
    executing()
    batch = Batch({})
    loader = Loader(Product, batch)
    Category(pk=9)
    product = rows(1)[0]
    loader.load(product)
    assert batch.calls == [[1]]


def test_rows_are_noted_only_while_an_operation_that_names_a_loaded_field_executes():
    assert set(LOADED_FIELDS) == {"myReview", "inMyWishlist"}  # the loaders' names are their fields'

    def noting_during(query: str) -> bool:
        hooks = execution(query=query)
        next(hooks)
        noting = post_init.has_listeners(Product)
        next(hooks, None)
        return noting

    assert not post_init.has_listeners(Product)  # nothing per row outside
    assert noting_during("{ products { edges { node { slug inMyWishlist } } } }")
    assert noting_during("query($s: String!) { product(slug: $s) { mine: myReview { id } } }")
    assert not noting_during("{ products { edges { node { slug } } } }")  # no Django signal at all
    assert not post_init.has_listeners(Product)


def test_a_loader_of_a_model_whose_rows_are_not_noted_is_refused():
    with pytest.raises(TypeError, match="note_fetched"):
        Loader(Category, Batch({}))


# ---------------------------------------------------------------- the rows of an execution


@pytest.mark.django_db
def test_rows_fetched_by_queries_prefetches_and_joins_are_batched_together(buyer, executing):
    store = make_store()
    products = [make_product(store=store) for _ in range(3)]
    other = make_product()
    for product in products:
        wishlist_services.wishlist_add(user=buyer, product_id=product.pk)

    def first_batch(fetch) -> set[int]:
        executing()
        batch = Batch({})
        Loader(Product, batch).load(fetch())
        return set(batch.calls[0])

    everything = {p.pk for p in [*products, other]}
    assert first_batch(lambda: list(Product.objects.filter(store=store))[0]) == {p.pk for p in products}
    # Prefetched through a related manager: across every store of the page.
    stores = Store.objects.filter(products__isnull=False).distinct().prefetch_related("products")
    assert first_batch(lambda: list(stores.all())[0].products.all()[0]) == everything
    # Joined by select_related from a queryset of items.
    items = WishlistItem.objects.filter(user=buyer).select_related("product__store")
    assert first_batch(lambda: list(items.all())[0].product) == {p.pk for p in products}


@pytest.mark.django_db
def test_a_pickled_or_copied_row_is_not_made_again(executing):
    for _ in range(3):
        make_product()
    product = list(Product.objects.all())[1]
    executing()
    batch = Batch({})
    for clone in (pickle.loads(pickle.dumps(product)), copy.deepcopy(product)):
        assert clone.pk == product.pk
        Loader(Product, batch).load(clone)
    assert batch.calls == [[product.pk], [product.pk]]


# ---------------------------------------------------------------- the domain does not know


def test_no_domain_module_knows_of_the_loaders():
    """The loaders' bookkeeping is graph's: no domain module names them (domain/peers.py did), and
    no domain model's queryset hooks how rows are fetched for them (PeersQuerySet did)."""
    for path in sorted([*(ROOT / "domain").rglob("*.py"), *(ROOT / "demo").rglob("*.py")]):
        text = path.read_text().lower()
        for word in ("peers", "loader", "post_init"):
            if word == "post_init" and path == ROOT / "domain" / "loading.py":
                continue  # it steps aside for post_init listeners (Django's from_db then runs)
            assert word not in text, f"{path.relative_to(ROOT)} mentions {word}"
    for model in apps.get_models():
        if not model.__module__.startswith("domain."):
            continue
        for queryset in type(model._default_manager)._queryset_class.__mro__:
            if not queryset.__module__.startswith("django."):
                hooks = {"_fetch_all", "iterator", "__iter__", "_clone"} & set(vars(queryset))
                assert not hooks, f"{model.__name__}'s {queryset.__name__} overrides {hooks}"


# ---------------------------------------------------------------- selectors


@pytest.mark.django_db
def test_selectors_answer_for_the_products_asked_and_nothing_for_anonymous(
    buyer, other_buyer, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    first, second, third = make_product(), make_product(), make_product()
    mine = Review.objects.create(product=first, user=buyer, rating=4)
    Review.objects.create(product=second, user=other_buyer, rating=2)
    for product in (first, third):
        wishlist_services.wishlist_add(user=buyer, product_id=product.pk)
    wishlist_services.wishlist_add(user=other_buyer, product_id=second.pk)
    ids = [first.pk, second.pk, third.pk]

    with django_assert_num_queries(1):
        reviews = review_map_for_user(user=buyer, product_ids=ids)
        assert reviews == {first.pk: mine} and reviews[first.pk].user.display_name == "Ana S."
    assert wishlist_product_ids_for_user(user=buyer, product_ids=ids) == {first.pk, third.pk}
    assert wishlist_product_ids_for_user(user=buyer, product_ids=[second.pk]) == set()
    with django_assert_num_queries(0):
        assert review_map_for_user(user=AnonymousUser(), product_ids=ids) == {}
        assert wishlist_product_ids_for_user(user=AnonymousUser(), product_ids=ids) == set()


# ---------------------------------------------------------------- inMyWishlist through /graphql/


HEART = "query($slug: String!) { product(slug: $slug) { inMyWishlist } }"
ADD = """mutation($id: ID!) { addToWishlist(productId: $id) { items { product { slug inMyWishlist } } } }"""
REMOVE = """mutation($id: ID!) { removeFromWishlist(productId: $id) { items { product { slug } } } }"""


def heart(gql, product, user) -> bool:
    return gql.ok(HEART, {"slug": product.slug}, user=user)["product"]["inMyWishlist"]


@pytest.mark.django_db
def test_in_my_wishlist_follows_add_and_remove_and_is_false_when_anonymous(gql, buyer, other_buyer):
    product, other = make_product(), make_product()
    assert heart(gql, product, buyer) is False

    items = gql.ok(ADD, {"id": gid(product)}, user=buyer)["addToWishlist"]["items"]
    assert items == [{"product": {"slug": product.slug, "inMyWishlist": True}}]
    assert (heart(gql, product, buyer), heart(gql, other, buyer)) == (True, False)
    assert heart(gql, product, other_buyer) is False  # someone else's wishlist
    assert heart(gql, product, None) is False  # anonymous

    gql.ok(REMOVE, {"id": gid(product)}, user=buyer)
    assert heart(gql, product, buyer) is False


@pytest.mark.django_db
def test_the_item_of_a_deleted_product_is_not_in_my_wishlist(gql, seller, buyer):
    product = make_product(store=seller.store)
    fill_cart(buyer, (product, 1))  # the cart line keeps referring to the product once it is deleted
    wishlist_services.wishlist_add(user=buyer, product_id=product.pk)
    query = "{ cart { items { product { slug inMyWishlist } } } }"
    line = gql.ok(query, user=buyer)["cart"]["items"][0]
    assert line["product"] == {"slug": product.slug, "inMyWishlist": True}

    catalog_services.product_delete(seller=seller, product_id=product.pk)

    assert WishlistItem.objects.filter(user=buyer, product=product).exists()  # hidden, not gone
    line = gql.ok(query, user=buyer)["cart"]["items"][0]
    assert line["product"] == {"slug": product.slug, "inMyWishlist": False}
    assert gql.ok("{ myWishlist { id } }", user=buyer)["myWishlist"] == []


# ---------------------------------------------------------------- one query per page and loader

FIELDS = {
    "none": ("", 0),
    "myReview": ("myReview { id rating authorName }", 1),
    "inMyWishlist": ("inMyWishlist", 1),
    "both": ("myReview { id } inMyWishlist", 2),
}


@pytest.fixture
def shelf(buyer, seller):
    """`shelf(count)`: `count` products of two stores, each in an order delivered to the buyer and
    in the buyer's cart; the buyer reviewed every second one and wishes for every third."""

    def fill(count: int) -> list[Product]:
        cart, _ = Cart.objects.get_or_create(user=buyer)
        stores = [seller.store, make_store()]
        products = [make_product(store=stores[n % 2]) for n in range(count)]
        for n, product in enumerate(products):
            deliver(buyer, product)
            cart_line(cart, product, 1)
            if n % 2 == 0:
                Review.objects.create(product=product, user=buyer, rating=1 + n % 5)
            if n % 3 == 0:
                WishlistItem.objects.create(user=buyer, product=product)
        return products

    return fill


def check_values(nodes: list[dict], buyer, *, logged_in: bool) -> None:
    """Each product's answer is the truth for the caller (null / false when anonymous)."""
    reviewed = set(Review.objects.filter(user=buyer).values_list("product__slug", flat=True))
    wished = set(WishlistItem.objects.filter(user=buyer).values_list("product__slug", flat=True))
    for node in nodes:
        if "myReview" in node:
            assert (node["myReview"] is not None) == (logged_in and node["slug"] in reviewed)
        if "inMyWishlist" in node:
            assert node["inMyWishlist"] == (logged_in and node["slug"] in wished)


# (query, queries without the loaders' fields when logged in, when anonymous or None if refused)
LISTS = {
    # the user from the token; the page; its capped total
    "products": ("{ products(first: 100) { totalCount edges { node { slug %s } } } }", 3, 2),
    # the user; the stores; their products (prefetched for both stores at once)
    "stores": (
        "{ stores(first: 10) { edges { node { products(first: 100) { edges { node { slug %s } } } } } } }",
        3,
        2,
    ),
    # the user; the items with their products
    "myWishlist": ("{ myWishlist { product { slug %s } } }", 2, None),
    # the user; the cart; its lines with their products
    "cart": ("{ cart { items { product { slug %s } } } }", 3, None),
    # the user; the orders with their total; their lines with their products (every order at once)
    "myOrders": ("{ myOrders(first: 100) { edges { node { items { product { slug %s } } } } } }", 3, None),
}


def nodes_of(data: dict) -> list[dict]:
    """Every product object of a response, wherever it sits."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "slug" in value:
                found.append(value)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return found


@pytest.mark.parametrize("fields", FIELDS)
@pytest.mark.parametrize("where", LISTS)
@pytest.mark.parametrize("count", [5, 20])
def test_each_loader_adds_one_query_per_page_when_logged_in_and_none_when_anonymous(
    gql, buyer, shelf, django_assert_num_queries, count, where, fields
):
    shelf(count)
    query, logged_in, anonymous = LISTS[where]
    selection, loaders = FIELDS[fields]
    document = query % selection
    with django_assert_num_queries(logged_in + loaders):
        data = gql.ok(document, user=buyer)
    products = nodes_of(data)
    assert len(products) == (len(range(0, count, 3)) if where == "myWishlist" else count)
    check_values(products, buyer, logged_in=True)
    if anonymous is not None:
        with django_assert_num_queries(anonymous):
            data = gql.ok(document)
        check_values(nodes_of(data), buyer, logged_in=False)


def test_the_cache_lasts_the_request_a_second_list_of_the_same_products_costs_nothing(
    gql, buyer, shelf, django_assert_num_queries
):
    shelf(6)
    query = """{ a: products(first: 6) { edges { node { slug inMyWishlist } } }
                 b: products(first: 3) { edges { node { slug inMyWishlist } } } }"""
    # the user; the two pages; the wishlist once
    with django_assert_num_queries(4):
        data = gql.ok(query, user=buyer)
    check_values(nodes_of(data), buyer, logged_in=True)
