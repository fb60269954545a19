"""Per-request loaders of caller-specific fields (Product.myReview, Product.inMyWishlist): the
Loader itself, the peers it batches by, and one query per page and loader for any page size."""

from __future__ import annotations

import copy
import pickle
from types import SimpleNamespace

import pytest

from domain.accounts.models import Store
from domain.cart.models import Cart, CartItem
from domain.catalog import services as catalog_services
from domain.catalog.models import Product
from domain.peers import peers_of
from domain.reviews.models import Review
from domain.reviews.selectors import review_map_for_user
from domain.wishlist import services as wishlist_services
from domain.wishlist.models import WishlistItem
from domain.wishlist.selectors import wishlist_product_ids_for_user
from graph.loaders import Loader

from .factories import make_product, make_store
from .helpers import fill_cart, gid
from .test_reviews import deliver

# ---------------------------------------------------------------- the Loader


def page(*pks: int) -> list[SimpleNamespace]:
    """Instances fetched together, as a PeersQuerySet leaves them."""
    instances = [SimpleNamespace(pk=pk) for pk in pks]
    for instance in instances:
        instance._peers = instances
    return instances


class Batch:
    def __init__(self, values: dict):
        self.values = values
        self.calls: list[list] = []

    def __call__(self, keys: list) -> dict:
        self.calls.append(list(keys))
        return {key: self.values[key] for key in keys if key in self.values}


def test_the_first_load_batches_every_peer_and_the_others_come_from_the_cache():
    batch = Batch({1: "one", 3: "three"})
    loader = Loader(batch)
    first, second, third = page(2, 1, 3)
    assert [loader.load(first), loader.load(second), loader.load(third)] == [None, "one", "three"]
    assert batch.calls == [[2, 1, 3]]  # the asking instance first, then its peers, each once


def test_a_key_without_a_value_gets_the_default():
    loader = Loader(Batch({}), default=False)
    assert loader.load(page(7)[0]) is False


def test_an_instance_without_peers_loads_alone():
    batch = Batch({5: True})
    loader = Loader(batch, default=False)
    assert loader.load(SimpleNamespace(pk=5)) is True
    assert loader.load(SimpleNamespace(pk=6)) is False
    assert batch.calls == [[5], [6]]


def test_peers_loaded_already_are_not_asked_again():
    batch = Batch({})
    loader = Loader(batch)
    loader.load(page(1, 2)[0])
    loader.load(page(2, 3, 2)[1])  # a second list overlapping the first (and repeating a key)
    loader.load(SimpleNamespace(pk=1))  # the same product loaded through another path
    assert batch.calls == [[1, 2], [3]]


def test_a_loader_may_key_on_another_attribute():
    batch = Batch({"a": 1})
    loader = Loader(batch, key=lambda instance: instance.code, default=0)
    items = [SimpleNamespace(code="a"), SimpleNamespace(code="b")]
    for item in items:
        item._peers = items
    assert [loader.load(items[1]), loader.load(items[0])] == [0, 1]
    assert batch.calls == [["b", "a"]]


# ---------------------------------------------------------------- peers


@pytest.mark.django_db
def test_instances_of_one_query_are_peers_and_related_pages_share_theirs(buyer):
    store = make_store()
    products = [make_product(store=store) for _ in range(3)]
    other = make_product()

    fetched = list(Product.objects.filter(store=store))
    assert all(peers_of(product) is peers_of(fetched[0]) for product in fetched)
    assert {p.pk for p in peers_of(fetched[0])} == {p.pk for p in products}
    assert {p.pk for p in peers_of(Product.objects.get(pk=other.pk))} == {other.pk}
    assert peers_of(other) == [other]  # not fetched by a query: alone
    assert len(list(Product.objects.values("pk"))) == 4  # rows that are not instances: left alone

    # Prefetched through a related manager: peers across every store of the page.
    stores = list(Store.objects.filter(products__isnull=False).distinct().prefetch_related("products"))
    prefetched = [product for s in stores for product in s.products.all()]
    assert {p.pk for p in peers_of(prefetched[0])} == {p.pk for p in [*products, other]}

    # Brought along by select_related from a queryset of items: the items' products are peers.
    for product in products:
        wishlist_services.wishlist_add(user=buyer, product_id=product.pk)
    items = list(WishlistItem.objects.filter(user=buyer).select_related("product__store"))
    assert {p.pk for p in peers_of(items[0].product)} == {p.pk for p in products}
    assert not hasattr(items[0].product.store, "_peers")  # stores do not use peers: no work for them


@pytest.mark.django_db
def test_a_pickled_or_copied_instance_leaves_its_peers_behind():
    for _ in range(3):
        make_product()
    product = list(Product.objects.all())[1]
    for clone in (pickle.loads(pickle.dumps(product)), copy.deepcopy(product)):
        assert clone.pk == product.pk
        assert peers_of(clone) == [clone]


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
            CartItem.objects.create(cart=cart, product=product, quantity=1)
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
    # the user from the token; the page with its total
    "products": ("{ products(first: 100) { totalCount edges { node { slug %s } } } }", 2, 1),
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
