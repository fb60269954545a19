"""Leaving (Lei 22/11): after deleteAccount nothing of the person can be found again, by the public
catalogue, by staff in the admin, or in the record of the e-mails sent; orders keep only what the
sellers must keep."""

from __future__ import annotations

import pytest
from django.core import mail

from domain.accounts.models import User
from domain.notifications.models import NoticeKind, Notification
from domain.orders import fulfilment
from domain.reviews.models import Review

from .factories import PASSWORD, make_product, make_seller, make_user
from .helpers import fill_cart, place

pytestmark = pytest.mark.django_db

SEARCH = "query($q: String) { products(search: $q, first: 20) { edges { node { name store { name } } } } }"
STORES = "{ stores(first: 50) { edges { node { name slug } } } }"
REVIEWS = "query($slug: String!) { product(slug: $slug) { reviews(first: 10) { edges { node { authorName comment } } } } }"


def admin_finds(client, admin, path: str, term: str) -> int:
    """How many rows the admin's search box finds for `term` on the changelist at `path`."""
    client.force_login(admin)
    response = client.get(path, {"q": term})
    assert response.status_code == 200
    return response.context["cl"].result_count


def delete(gql, user) -> None:
    answer = gql.op("DeleteAccount", {"password": PASSWORD}, user=user)["data"]["deleteAccount"]
    assert answer == {"done": True, "errors": []}


def test_nothing_of_a_deleted_buyer_can_be_found(
    gql, client, admin, gateway, django_capture_on_commit_callbacks
):
    buyer = make_user(
        username="nzinga", email="nzinga.mbande@example.ao", first_name="Nzinga", last_name="Mbande"
    )
    buyer.phone = "+244923456789"
    buyer.save()
    product = make_product(name="Café do Amboim", stock_quantity=5)
    fill_cart(buyer, (product, 1))
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(buyer)
    Review.objects.create(product=product, user=buyer, rating=5, comment="Muito bom")
    assert Notification.objects.filter(recipient=buyer.email).exists()

    delete(gql, buyer)

    for term in ("nzinga", "Mbande", "nzinga.mbande@example.ao"):
        assert admin_finds(client, admin, "/admin/accounts/user/", term) == 0, term
    for term in ("nzinga", "nzinga.mbande@example.ao"):
        assert admin_finds(client, admin, "/admin/orders/order/", term) == 0, term
    assert not Notification.objects.filter(recipient__icontains="nzinga").exists()
    assert Notification.objects.filter(order=order).exists()  # what went out is still known, not to whom
    reviews = gql.ok(REVIEWS, {"slug": product.slug})["product"]["reviews"]["edges"]
    assert [edge["node"] for edge in reviews] == [{"authorName": "Conta E.", "comment": "Muito bom"}]
    gone = User.objects.get(pk=buyer.pk)
    remaining = " ".join(str(value) for value in gone.__dict__.values())
    assert (
        "nzinga" not in remaining.lower()
        and "mbande" not in remaining.lower()
        and "923456789" not in remaining
    )
    order.refresh_from_db()
    assert order.shipping_address and order.contact_phone  # the seller's records of the delivery
    # The address is free again, for a new account of anyone's.
    mail.outbox.clear()
    again = gql.op(
        "Register",
        {
            "input": {
                "username": "nzinga",
                "email": "nzinga.mbande@example.ao",
                "password": "Outra-Senha-Segura-2026",
                "userType": "BUYER",
                "firstName": "Nzinga",
                "lastName": "Mbande",
            }
        },
    )["data"]["register"]
    assert again["errors"] == [] and User.objects.filter(username="nzinga").count() == 1


def test_nothing_of_a_deleted_seller_is_in_the_catalogue(gql, client, admin):
    seller = make_seller(username="kianda", first_name="Kianda", last_name="Sebastião")
    seller.store.name = "Loja da Kianda"
    seller.store.save()
    make_product(store=seller.store, name="Quitaba de Kianda", stock_quantity=3)
    assert gql.ok(SEARCH, {"q": "Kianda"})["products"]["edges"]
    delete(gql, seller)

    assert gql.ok(SEARCH, {"q": "Kianda"})["products"]["edges"] == []
    assert "kianda" not in str(gql.ok(STORES)).lower()
    assert (
        gql.ok("query($s: String!) { store(slug: $s) { name } }", {"s": seller.store.slug})["store"] is None
    )
    assert admin_finds(client, admin, "/admin/accounts/user/", "kianda") == 0
    assert admin_finds(client, admin, "/admin/accounts/store/", "kianda") == 1  # the business, by its name
    assert admin_finds(client, admin, "/admin/accounts/store/", f"deleted-{seller.pk}") == 1


def test_no_order_email_goes_to_a_person_who_left(gql, gateway, django_capture_on_commit_callbacks):
    """A buyer may leave with an order still on its way: its news are no one's to read any more."""
    seller = make_seller()
    buyer = make_user(username="kiluanje")
    fill_cart(buyer, (make_product(store=seller.store, stock_quantity=2), 1))
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(buyer)
    delete(gql, buyer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("processing", "shipped"):
            fulfilment.order_update_status(actor=seller, order_number=order.order_number, status=status)
    assert mail.outbox == []
    shipped = Notification.objects.get(order=order, kind=NoticeKind.BUYER_SHIPPED)
    assert shipped.sent_at is not None and shipped.recipient == ""  # done with, sent to no one
