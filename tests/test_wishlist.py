"""Wishlists: any logged-in user, one item per product, at most 100 items."""

import pytest

from domain.errors import InvalidInput, NotFound
from domain.wishlist import services
from domain.wishlist.models import WishlistItem

from .conftest import ROLES, error_codes
from .factories import make_product
from .helpers import gid

pytestmark = pytest.mark.django_db


def test_adding_twice_keeps_one_item(buyer):
    product = make_product()
    services.wishlist_add(user=buyer, product_id=product.pk)
    services.wishlist_add(user=buyer, product_id=product.pk)
    assert WishlistItem.objects.filter(user=buyer).count() == 1


def test_a_product_not_on_sale_cannot_be_added(buyer):
    hidden = make_product(is_active=False)
    with pytest.raises(NotFound):
        services.wishlist_add(user=buyer, product_id=hidden.pk)
    assert not WishlistItem.objects.exists()


def test_at_most_100_items(buyer, monkeypatch):
    monkeypatch.setattr(services, "WISHLIST_MAX_ITEMS", 3)
    products = [make_product() for _ in range(4)]
    for product in products[:3]:
        services.wishlist_add(user=buyer, product_id=product.pk)
    with pytest.raises(InvalidInput):
        services.wishlist_add(user=buyer, product_id=products[3].pk)
    assert WishlistItem.objects.filter(user=buyer).count() == 3
    services.wishlist_add(user=buyer, product_id=products[0].pk)  # already there: fine


@pytest.mark.parametrize("role", ROLES, indirect=True)
def test_any_logged_in_user_keeps_a_wishlist(gql, role):
    product = make_product()
    result = gql.op("AddToWishlist", {"productId": gid("Product", product.pk)}, user=role)
    if role is None:
        assert error_codes(result) == ["UNAUTHENTICATED"]
        assert not WishlistItem.objects.exists()
        assert error_codes(gql.op("MyWishlist")) == ["UNAUTHENTICATED"]
    else:
        assert result["data"]["addToWishlist"]["items"][0]["product"] == {"slug": product.slug}
        assert [i["product"]["slug"] for i in gql.op("MyWishlist", user=role)["data"]["myWishlist"]] == [
            product.slug
        ]


def test_wishlists_are_private(gql, buyer, other_buyer):
    product = make_product()
    services.wishlist_add(user=buyer, product_id=product.pk)
    assert gql.op("MyWishlist", user=other_buyer)["data"]["myWishlist"] == []
    gql.op("RemoveFromWishlist", {"productId": gid("Product", product.pk)}, user=other_buyer)
    assert WishlistItem.objects.filter(user=buyer).count() == 1


def test_remove_and_bad_ids(gql, buyer):
    product = make_product()
    services.wishlist_add(user=buyer, product_id=product.pk)
    bad = gql.op("AddToWishlist", {"productId": "garbage"}, user=buyer)["data"]["addToWishlist"]
    assert [e["code"] for e in bad["errors"]] == ["NOT_FOUND"] and bad["items"] is None
    removed = gql.op("RemoveFromWishlist", {"productId": gid("Product", product.pk)}, user=buyer)["data"][
        "removeFromWishlist"
    ]
    assert removed == {"items": [], "errors": []}


def test_a_deactivated_product_stays_listed_with_is_active_false(gql, buyer):
    product = make_product()
    services.wishlist_add(user=buyer, product_id=product.pk)
    product.is_active = False
    product.save()
    query = "{ myWishlist { product { slug isActive } } }"
    assert gql.ok(query, user=buyer)["myWishlist"] == [{"product": {"slug": product.slug, "isActive": False}}]


def test_my_wishlist_query_count_does_not_grow(gql, buyer, django_assert_num_queries):
    for size in (2, 8):
        WishlistItem.objects.filter(user=buyer).delete()
        for _ in range(size):
            services.wishlist_add(user=buyer, product_id=make_product().pk)
        with django_assert_num_queries(2):  # the caller from the token, the items with their products
            items = gql.op("MyWishlist", user=buyer)["data"]["myWishlist"]
        assert len(items) == size


def test_items_of_deleted_products_do_not_count_against_the_limit(buyer, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(services, "WISHLIST_MAX_ITEMS", 2)
    first, second, third = make_product(), make_product(), make_product()
    services.wishlist_add(user=buyer, product_id=first.pk)
    services.wishlist_add(user=buyer, product_id=second.pk)
    type(first).objects.filter(pk=first.pk).update(deleted_at=timezone.now(), is_active=False)
    services.wishlist_add(user=buyer, product_id=third.pk)
    assert WishlistItem.objects.filter(user=buyer, product=third).exists()


def test_wishlist_mutations_load_their_items_in_constant_queries(gql, buyer, django_assert_num_queries):
    query = """mutation($id: ID!) { addToWishlist(productId: $id) {
        items { product { slug store { name } category { name } } } errors { code } } }"""
    for size in (3, 12):
        WishlistItem.objects.filter(user=buyer).delete()
        for _ in range(size - 1):
            services.wishlist_add(user=buyer, product_id=make_product().pk)
        new = make_product()
        with django_assert_num_queries(9):
            items = gql.ok(query, {"id": gid("Product", new.pk)}, user=buyer)["addToWishlist"]["items"]
        assert len(items) == size
