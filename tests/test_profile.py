"""The caller's own account: password change and reset, e-mail verification and change, profile,
export and deletion. E-mails are captured by Django's test outbox (sent after commit)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from freezegun import freeze_time
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.shortcuts import get_token

from domain.accounts.models import Store, User
from domain.cart.models import Cart
from domain.errors import NotEligible
from domain.orders import fulfilment
from domain.reviews.models import Review
from domain.wishlist.models import WishlistItem

from .conftest import error_codes
from .factories import PASSWORD, make_product, make_seller, make_user
from .helpers import fill_cart, place, world

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Outra-Senha-Segura-2026"
ME = "{ me { username email emailVerified pendingEmail } }"


def token_in(message) -> str:
    """The token of the link in an e-mail."""
    return re.search(r"[?&]token=([^\s&]+)", message.body).group(1).replace("%3A", ":").replace("%3D", "=")


def login(gql, username: str, password: str) -> dict:
    return gql.op("Login", {"username": username, "password": password})["data"]["tokenAuth"]


def codes(payload: dict) -> list[tuple]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


# ---------------------------------------------------------------- password change


def test_changing_the_password_revokes_every_token(gql, buyer):
    session = login(gql, "buyer", PASSWORD)
    old_access = session["token"]
    answer = gql.op(
        "ChangePassword", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, token=old_access
    )["data"]["changePassword"]
    assert answer["errors"] == []
    assert gql.ok(ME, token=old_access)["me"] is None  # the access token stopped at once
    refreshed = gql.op("Refresh", {"refreshToken": session["refreshToken"]})["data"]["refreshToken"]
    assert [e["code"] for e in refreshed["errors"]] == ["INVALID_TOKEN"]
    assert login(gql, "buyer", PASSWORD)["token"] is None
    fresh = login(gql, "buyer", NEW_PASSWORD)
    assert gql.ok(ME, token=fresh["token"])["me"]["username"] == "buyer"


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [("wrong", NEW_PASSWORD, [("currentPassword", "INVALID_CREDENTIALS")]), (PASSWORD, "123", None)],
)
def test_a_refused_password_change_changes_nothing(gql, buyer, current, new, expected):
    token = get_token(buyer)
    answer = gql.op("ChangePassword", {"currentPassword": current, "newPassword": new}, token=token)
    payload = answer["data"]["changePassword"]
    assert payload["user"] is None
    if expected:
        assert codes(payload) == expected
    else:
        assert {field for field, _ in codes(payload)} == {"newPassword"}
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD) and buyer.tokens_revoked_at is None
    assert gql.ok(ME, token=token)["me"]["username"] == "buyer"


# ---------------------------------------------------------------- password reset


def test_a_reset_link_sets_a_new_password_once(gql, buyer):
    session = login(gql, "buyer", PASSWORD)
    answer = gql.op("RequestPasswordReset", {"email": "BUYER@example.ao"})["data"]["requestPasswordReset"]
    assert answer == {"done": True, "errors": []}
    (message,) = mail.outbox
    assert message.to == [buyer.email] and "Repor a sua palavra-passe" in message.subject
    token = token_in(message)
    reset = gql.op("ResetPassword", {"token": token, "newPassword": NEW_PASSWORD})["data"]["resetPassword"]
    assert (reset["errors"], reset["user"]["username"]) == ([], "buyer")
    assert login(gql, "buyer", NEW_PASSWORD)["token"]
    assert gql.ok(ME, token=session["token"])["me"] is None  # every earlier token is revoked
    again = gql.op("ResetPassword", {"token": token, "newPassword": "Terceira-Senha-2026"})["data"]
    assert codes(again["resetPassword"]) == [("token", "INVALID_TOKEN")]  # single use


def test_a_reset_link_expires(gql, buyer, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    with freeze_time("2026-11-30 10:00:00"):
        gql.op("RequestPasswordReset", {"email": buyer.email})
    token = token_in(mail.outbox[0])
    with freeze_time("2026-11-30 11:00:06"):
        answer = gql.op("ResetPassword", {"token": token, "newPassword": NEW_PASSWORD})["data"]
    assert codes(answer["resetPassword"]) == [("token", "INVALID_TOKEN")]
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)
    with freeze_time("2026-11-30 10:59:00"):  # within the hour it works
        answer = gql.op("ResetPassword", {"token": token, "newPassword": NEW_PASSWORD})["data"]
    assert answer["resetPassword"]["errors"] == []


def test_a_verification_link_expires(gql, settings):
    settings.EMAIL_VERIFICATION_TIMEOUT = 3600
    with freeze_time("2026-11-30 10:00:00"):
        register(gql, username="ana", user_type="BUYER")
    token = token_in(mail.outbox[0])
    with freeze_time("2026-11-30 11:00:06"):
        answer = gql.op("VerifyEmail", {"token": token})["data"]["verifyEmail"]
    assert codes(answer) == [("token", "INVALID_TOKEN")]
    assert not User.objects.get(username="ana").email_verified


@pytest.mark.parametrize("token", ["", "junk", "MQ.junk", "MQ.", "x" * 5000, "Zm9v.bar-baz"])
def test_a_bad_reset_token_is_refused(gql, buyer, token):
    answer = gql.op("ResetPassword", {"token": token, "newPassword": NEW_PASSWORD})["data"]["resetPassword"]
    assert codes(answer) == [("token", "INVALID_TOKEN")]
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def test_unknown_addresses_get_the_same_answer_and_no_mail(gql, buyer):
    known = gql.op("RequestPasswordReset", {"email": buyer.email})
    unknown = gql.op("RequestPasswordReset", {"email": "ninguem@example.ao"})
    nonsense = gql.op("RequestPasswordReset", {"email": "not an address"})
    assert known == unknown == nonsense
    assert len(mail.outbox) == 1


def test_reset_requests_are_throttled_per_address(gql, buyer, settings):
    settings.ACCOUNT_EMAIL_THROTTLE_LIMIT = 2
    answers = [
        gql.op("RequestPasswordReset", {"email": buyer.email})["data"]["requestPasswordReset"]
        for _ in range(3)
    ]
    assert [a["done"] for a in answers] == [True, True, False]
    assert codes(answers[2]) == [(None, "RATE_LIMITED")]
    assert len(mail.outbox) == 2


# ---------------------------------------------------------------- e-mail verification


def register(gql, username="kiala", user_type="SELLER") -> dict:
    return gql.op(
        "Register",
        {
            "input": {
                "username": username,
                "email": f"{username}@example.ao",
                "password": NEW_PASSWORD,
                "userType": user_type,
                "firstName": "Kiala",
                "lastName": "Ngola",
            }
        },
    )["data"]["register"]


def test_registration_mails_a_verification_link_and_approval_waits_for_it(gql, admin):
    user_id = register(gql)["user"]["id"]
    (message,) = mail.outbox
    assert message.to == ["kiala@example.ao"] and "/verificar-email?token=" in message.body
    pending = gql.ok("{ pendingSellers { username emailVerified } }", user=admin)["pendingSellers"]
    assert pending == [{"username": "kiala", "emailVerified": False}]
    refused = gql.op("ApproveSeller", {"userId": user_id}, user=admin)["data"]["approveSeller"]
    assert codes(refused) == [("userId", "NOT_ELIGIBLE")]
    assert not User.objects.get(username="kiala").is_approved_seller

    verified = gql.op("VerifyEmail", {"token": token_in(message)})["data"]["verifyEmail"]
    assert verified["user"]["emailVerified"] is True
    approved = gql.op("ApproveSeller", {"userId": user_id}, user=admin)["data"]["approveSeller"]
    assert approved["user"]["isApprovedSeller"] is True
    again = gql.op("VerifyEmail", {"token": token_in(message)})["data"]["verifyEmail"]
    assert codes(again) == [("token", "INVALID_TOKEN")]  # single use


def test_resending_the_verification(gql, settings):
    register(gql, username="ana", user_type="BUYER")
    user = User.objects.get(username="ana")
    settings.ACCOUNT_EMAIL_THROTTLE_LIMIT = 1
    first = gql.op("ResendVerification", user=user)["data"]["resendVerification"]
    second = gql.op("ResendVerification", user=user)["data"]["resendVerification"]
    assert (first["done"], codes(second)) == (True, [(None, "RATE_LIMITED")])
    assert len(mail.outbox) == 2  # registration's and the resent one
    assert error_codes(gql.op("ResendVerification")) == ["UNAUTHENTICATED"]


def test_checkout_can_require_a_verified_email(gql, settings, gateway):
    settings.CHECKOUT_REQUIRES_VERIFIED_EMAIL = True
    buyer = make_user(username="fresh", email_verified_at=None)
    fill_cart(buyer, (make_product(stock_quantity=3), 1))
    before = world()
    with pytest.raises(NotEligible):
        place(buyer)
    assert world() == before
    buyer.email_verified_at = buyer.date_joined
    buyer.save()
    assert len(place(buyer)) == 1


# ---------------------------------------------------------------- profile and e-mail change


def test_update_profile(gql, buyer):
    answer = gql.op(
        "UpdateProfile", {"input": {"firstName": " Ana Maria ", "phone": "923 456 789"}}, user=buyer
    )["data"]["updateProfile"]
    assert (answer["user"]["firstName"], answer["user"]["lastName"], answer["user"]["phone"]) == (
        "Ana Maria",
        "Silva",
        "+244923456789",
    )
    refused = gql.op(
        "UpdateProfile", {"input": {"lastName": "\u200b", "phone": "+351 912 345 678"}}, user=buyer
    )
    assert sorted(codes(refused["data"]["updateProfile"])) == [("lastName", "INVALID"), ("phone", "INVALID")]
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name, buyer.phone) == ("Ana Maria", "Silva", "+244923456789")


def test_an_email_change_waits_for_the_new_address_link(gql, buyer):
    answer = gql.op("ChangeEmail", {"newEmail": "novo@example.ao", "password": PASSWORD}, user=buyer)
    assert answer["data"]["changeEmail"]["user"]["pendingEmail"] == "novo@example.ao"
    assert gql.ok(ME, user=buyer)["me"]["email"] == "buyer@example.ao"  # unchanged until confirmed
    (message,) = mail.outbox
    assert message.to == ["novo@example.ao"]
    verified = gql.op("VerifyEmail", {"token": token_in(message)})["data"]["verifyEmail"]["user"]
    assert (verified["email"], verified["pendingEmail"], verified["emailVerified"]) == (
        "novo@example.ao",
        "",
        True,
    )
    assert login(gql, "novo@example.ao", PASSWORD)["token"]


def test_a_refused_email_change_changes_nothing(gql, buyer, other_buyer):
    for variables, expected in (
        ({"newEmail": "novo@example.ao", "password": "wrong"}, [("password", "INVALID_CREDENTIALS")]),
        ({"newEmail": other_buyer.email.upper(), "password": PASSWORD}, [("newEmail", "UNIQUE")]),
        ({"newEmail": "nope", "password": PASSWORD}, [("newEmail", "INVALID")]),
    ):
        assert codes(gql.op("ChangeEmail", variables, user=buyer)["data"]["changeEmail"]) == expected
    buyer.refresh_from_db()
    assert (buyer.email, buyer.pending_email, len(mail.outbox)) == ("buyer@example.ao", "", 0)


# ---------------------------------------------------------------- export and deletion


def test_export_my_data(gql, buyer, gateway):
    product = make_product(name="Rádio", stock_quantity=5)
    fill_cart(buyer, (product, 2))
    (order,) = place(buyer)
    Review.objects.create(product=product, user=buyer, rating=4, comment="Bom")
    WishlistItem.objects.create(user=buyer, product=product)
    data = gql.ok("query { exportMyData }", user=buyer)["exportMyData"]
    assert data["profile"]["email"] == buyer.email and data["profile"]["userType"] == "BUYER"
    assert [o["orderNumber"] for o in data["orders"]] == [order.order_number]
    assert data["orders"][0]["items"] == [{"product": "Rádio", "price": str(product.price), "quantity": 2}]
    assert data["reviews"][0]["rating"] == 4 and data["wishlist"][0]["product"] == "Rádio"
    assert error_codes(gql("query { exportMyData }")) == ["UNAUTHENTICATED"]


def test_deleting_an_account_anonymises_the_person_and_keeps_orders(gql, buyer, gateway):
    product = make_product(stock_quantity=5)
    fill_cart(buyer, (product, 1))
    (order,) = place(buyer)
    Review.objects.create(product=product, user=buyer, rating=5)
    WishlistItem.objects.create(user=buyer, product=product)
    fill_cart(buyer, (make_product(), 1))
    token = get_token(buyer)
    before = person(buyer)
    refused = gql.op("DeleteAccount", {"password": "wrong"}, token=token)["data"]["deleteAccount"]
    assert codes(refused) == [("password", "INVALID_CREDENTIALS")]
    assert person(buyer) == before
    assert gql.op("DeleteAccount", {"password": PASSWORD}, token=token)["data"]["deleteAccount"]["done"]
    gone = User.objects.get(pk=buyer.pk)
    assert (gone.first_name, gone.last_name, gone.phone, gone.is_active) == ("Conta", "eliminada", "", False)
    assert "buyer" not in gone.username and "buyer" not in gone.email
    assert not User.objects.filter(email__icontains="buyer@").exists()
    assert not WishlistItem.objects.filter(user=gone).exists() and not Cart.objects.filter(user=gone).exists()
    assert Review.objects.get(user=gone).user.display_name == "Conta E."
    order.refresh_from_db()
    assert order.buyer_id == gone.pk and order.shipping_address  # the seller's records stay
    assert gql.ok(ME, token=token)["me"] is None
    assert login(gql, "buyer", PASSWORD)["token"] is None


def person(user) -> dict:
    """What deleting an account changes, to show that a refused one changed nothing."""
    return {
        "user": User.objects.filter(pk=user.pk).values().get(),
        "wishlist": list(WishlistItem.objects.filter(user=user).values_list("product_id", flat=True)),
        "cart": list(Cart.objects.filter(user=user).values_list("items__product_id", "items__quantity")),
        "store": list(Store.objects.filter(seller=user).values_list("is_active", flat=True)),
        "tokens": list(RefreshToken.objects.filter(user=user).values_list("revoked", flat=True)),
    }


def test_a_seller_with_open_orders_cannot_leave(gql, buyer, gateway):
    seller = make_seller(username="loja")
    fill_cart(buyer, (make_product(store=seller.store, stock_quantity=3), 1))
    place(buyer)
    before = person(seller)
    answer = gql.op("DeleteAccount", {"password": PASSWORD}, user=seller)["data"]["deleteAccount"]
    assert (answer["done"], [e["code"] for e in answer["errors"]]) == (False, ["NOT_ELIGIBLE"])
    assert answer["errors"][0]["message"].startswith("A sua loja ainda tem encomendas em aberto")
    assert person(seller) == before


def test_a_seller_with_money_not_yet_paid_out_cannot_leave(gql, buyer, gateway):
    seller = make_seller(username="loja")
    fill_cart(buyer, (make_product(store=seller.store, stock_quantity=3), 1))
    (order,) = place(buyer)
    for status in ("processing", "shipped", "delivered"):  # nothing open, the money still held
        fulfilment.order_update_status(actor=seller, order_number=order.order_number, status=status)
    before = person(seller)
    answer = gql.op("DeleteAccount", {"password": PASSWORD}, user=seller)["data"]["deleteAccount"]
    assert [(e["code"], e["message"]) for e in answer["errors"]] == [
        ("NOT_ELIGIBLE", "A sua loja ainda tem saldo por transferir: é liquidado antes de sair.")
    ]
    assert person(seller) == before


def test_every_new_operation_answers_anonymous_callers_as_declared(gql):
    for name, variables in (
        ("ChangePassword", {"currentPassword": "x", "newPassword": "y"}),
        ("UpdateProfile", {"input": {}}),
        ("ChangeEmail", {"newEmail": "a@b.ao", "password": "x"}),
        ("DeleteAccount", {"password": "x"}),
        ("ResendVerification", {}),
    ):
        assert error_codes(gql.op(name, variables)) == ["UNAUTHENTICATED"], name
