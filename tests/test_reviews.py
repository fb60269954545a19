"""Reviews: only buyers who received a product review it, once; the rating aggregate follows."""

from decimal import Decimal

import pytest

from domain.catalog.models import Product
from domain.errors import AccessDenied, AlreadyExists, InvalidInput, NotEligible
from domain.orders.models import Checkout, Order, OrderItem, OrderStatus
from domain.reviews import services
from domain.reviews.models import Review

from .conftest import error_codes
from .factories import make_product, make_user
from .helpers import gid

pytestmark = pytest.mark.django_db


def deliver(buyer, product, status=OrderStatus.DELIVERED) -> Order:
    checkout = Checkout.objects.create(buyer=buyer)
    order = Order.objects.create(
        order_number=f"KT-T{checkout.pk}",
        checkout=checkout,
        buyer=buyer,
        store=product.store,
        status=status,
        total_amount=product.price,
        shipping_address="Rua 1, Luanda",
        contact_phone="923000000",
    )
    OrderItem.objects.create(
        order=order, product=product, product_name=product.name, price=product.price, quantity=1
    )
    return order


@pytest.fixture
def product():
    return make_product(name="Café do Amboim")


# ---------------------------------------------------------------- services


def test_a_delivered_buyer_reviews_and_the_aggregate_follows(buyer, other_buyer, product):
    deliver(buyer, product)
    deliver(other_buyer, product)
    services.review_create(user=buyer, product_id=product.pk, rating=5, comment=" Óptimo ")
    review = services.review_create(user=other_buyer, product_id=product.pk, rating=2)
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("3.50"), 2)

    services.review_update(user=other_buyer, review_id=review.pk, rating=4)
    product.refresh_from_db()
    assert product.rating_average == Decimal("4.50")

    services.review_delete(user=other_buyer, review_id=review.pk)
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("5.00"), 1)
    assert Review.objects.get().comment == "Óptimo"


@pytest.mark.parametrize("status", [OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.CANCELLED])
def test_no_review_before_delivery(buyer, product, status):
    deliver(buyer, product, status=status)
    with pytest.raises(NotEligible):
        services.review_create(user=buyer, product_id=product.pk, rating=5)
    assert not Review.objects.exists()


def test_one_review_per_product_and_user(buyer, product):
    deliver(buyer, product)
    services.review_create(user=buyer, product_id=product.pk, rating=5)
    with pytest.raises(AlreadyExists):
        services.review_create(user=buyer, product_id=product.pk, rating=1)
    product.refresh_from_db()
    assert (Review.objects.count(), product.rating_count, product.rating_average) == (1, 1, Decimal("5.00"))


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rating_is_1_to_5(buyer, product, rating):
    deliver(buyer, product)
    with pytest.raises(InvalidInput) as error:
        services.review_create(user=buyer, product_id=product.pk, rating=rating)
    assert error.value.field == "rating"
    assert not Review.objects.exists()


def test_only_the_author_updates_and_the_author_or_an_admin_deletes(buyer, other_buyer, admin, product):
    deliver(buyer, product)
    review = services.review_create(user=buyer, product_id=product.pk, rating=3)
    with pytest.raises(AccessDenied):
        services.review_update(user=other_buyer, review_id=review.pk, rating=1)
    with pytest.raises(AccessDenied):
        services.review_update(user=admin, review_id=review.pk, rating=1)
    with pytest.raises(AccessDenied):
        services.review_delete(user=other_buyer, review_id=review.pk)
    assert Review.objects.get().rating == 3
    services.review_delete(user=admin, review_id=review.pk)
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (None, 0)


# ---------------------------------------------------------------- API


def test_create_review_through_the_api(gql, buyer, product):
    deliver(buyer, product)
    result = gql.op(
        "CreateReview",
        {"input": {"productId": gid("Product", product.pk), "rating": 4, "comment": "Bom café"}},
        user=buyer,
    )
    payload = result["data"]["createReview"]
    assert payload["errors"] == []
    assert payload["review"]["authorName"] == "Ana S."
    assert payload["review"]["product"] == {"slug": product.slug, "averageRating": 4.0, "reviewCount": 1}

    detail = gql.op("ProductDetail", {"slug": product.slug}, user=buyer)["data"]["product"]
    assert detail["myReview"]["rating"] == 4
    assert detail["reviews"]["totalCount"] == 1
    assert detail["reviews"]["edges"][0]["node"]["authorName"] == "Ana S."
    assert "buyer" not in str(detail["reviews"])  # never the username


def test_review_errors_come_in_the_payload(gql, buyer, product):
    result = gql.op(
        "CreateReview", {"input": {"productId": gid("Product", product.pk), "rating": 9}}, user=buyer
    )
    assert result["data"]["createReview"] == {
        "review": None,
        "errors": [
            {
                "field": "rating",
                "message": "A classificação deve ser um número inteiro de 1 a 5.",
                "code": "INVALID",
            }
        ],
    }
    result = gql.op(
        "CreateReview", {"input": {"productId": gid("Product", product.pk), "rating": 5}}, user=buyer
    )
    assert [e["code"] for e in result["data"]["createReview"]["errors"]] == ["NOT_ELIGIBLE"]
    result = gql.op("CreateReview", {"input": {"productId": "not-an-id", "rating": 5}}, user=buyer)
    assert [e["code"] for e in result["data"]["createReview"]["errors"]] == ["NOT_FOUND"]
    assert not Review.objects.exists()


def test_update_and_delete_review_through_the_api(gql, buyer, other_buyer, product):
    deliver(buyer, product)
    review = services.review_create(user=buyer, product_id=product.pk, rating=2)
    review_id = gid("Review", review.pk)

    assert error_codes(
        gql.op("UpdateReview", {"id": review_id, "input": {"rating": 1}}, user=other_buyer)
    ) == ["FORBIDDEN"]
    assert error_codes(gql.op("DeleteReview", {"id": review_id})) == ["UNAUTHENTICATED"]
    assert Review.objects.get().rating == 2

    updated = gql.op("UpdateReview", {"id": review_id, "input": {"comment": "Afinal bom"}}, user=buyer)
    assert updated["data"]["updateReview"]["review"]["rating"] == 2  # left out: unchanged
    assert updated["data"]["updateReview"]["review"]["comment"] == "Afinal bom"

    missing = gql.op("DeleteReview", {"id": gid("Review", review.pk + 1000)}, user=buyer)
    assert missing["data"]["deleteReview"]["errors"][0]["code"] == "NOT_FOUND"
    deleted = gql.op("DeleteReview", {"id": review_id}, user=buyer)
    assert deleted["data"]["deleteReview"] == {"deleted": True, "errors": []}
    assert Product.objects.get(pk=product.pk).rating_count == 0


def test_product_reviews_query_count_does_not_grow_with_the_page(gql, django_assert_num_queries, product):
    for n in range(12):
        buyer = make_user()
        Review.objects.create(product=product, user=buyer, rating=1 + n % 5)
    for first in (3, 12):
        with django_assert_num_queries(2):  # the product, then its page of reviews with their authors
            data = gql.op("ProductReviews", {"slug": product.slug, "first": first})["data"]
        assert len(data["product"]["reviews"]["edges"]) == first
