"""Logging in, refresh-token rotation, logout, and how the request user comes from the header."""

from __future__ import annotations

import jwt
import pytest
from django.utils import timezone
from freezegun import freeze_time
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.shortcuts import get_token
from strawberry import relay

from domain.accounts import services
from domain.accounts.models import RefreshTokenRotation
from domain.cart.models import Cart
from domain.errors import InvalidCredentials, InvalidToken
from graph import auth

from .conftest import error_codes
from .factories import PASSWORD, make_product, make_user
from .helpers import cart_line

pytestmark = pytest.mark.django_db

ME = "{ me { username } }"
PROTECTED = "{ pendingSellers { id } }"


def login(gql, username: str, password: str = PASSWORD, **variables) -> dict:
    return gql.op("Login", {"username": username, "password": password, **variables})["data"]["tokenAuth"]


def refresh(gql, token: str) -> dict:
    return gql.op("Refresh", {"refreshToken": token})["data"]["refreshToken"]


def logout(gql, token: str) -> dict:
    return gql.op("Logout", {"refreshToken": token})["data"]["revokeToken"]


def me(gql, token: str | None = None, **headers) -> dict | None:
    return gql.ok(ME, token=token, headers=headers)["me"]


INVALID_TOKEN = [{"field": "refreshToken", "message": auth.BAD_REFRESH_TOKEN, "code": "INVALID_TOKEN"}]


# ---------------------------------------------------------------- logging in


@pytest.mark.parametrize("typed", ["buyer", "BUYER", "buyer@example.ao", "Buyer@EXAMPLE.ao", " buyer "])
def test_login_by_username_or_email_in_any_case(gql, buyer, typed):
    data = login(gql, typed)
    assert data["errors"] == []
    assert data["user"] == {
        "id": data["user"]["id"],
        "username": "buyer",
        "userType": "BUYER",
        "isApprovedSeller": False,
    }
    assert data["cart"] is None
    assert me(gql, data["token"]) == {"username": "buyer"}
    assert RefreshToken.objects.get(token=data["refreshToken"]).user == buyer


def test_access_token_lives_an_hour_and_refresh_token_a_week(gql, buyer):
    with freeze_time("2026-11-29 10:00:00"):
        data = login(gql, "buyer")
        claims = jwt.decode(data["token"], options={"verify_signature": False})
        assert claims["exp"] - timezone.now().timestamp() == 3600
    with freeze_time("2026-11-29 10:59:59"):
        assert me(gql, data["token"]) == {"username": "buyer"}
    with freeze_time("2026-11-29 11:00:01"):
        assert me(gql, data["token"]) is None
        result = gql(PROTECTED, token=data["token"])
        assert error_codes(result) == ["UNAUTHENTICATED"]
    with freeze_time("2026-12-06 09:59:00"):
        assert refresh(gql, data["refreshToken"])["errors"] == []
    with freeze_time("2026-11-29 10:00:00"):
        second = login(gql, "buyer")
    with freeze_time("2026-12-06 10:00:01"):
        assert refresh(gql, second["refreshToken"]) == {
            "token": None,
            "refreshToken": None,
            "errors": INVALID_TOKEN,
        }


def test_an_email_login_names_the_account_its_unique_constraint_names(gql):
    """E-mails are unique by lower() (models.User), and logins look them up the same way: on
    PostgreSQL "kiri" and "k\u0131r\u0131" (dotless i) lower differently, so they are two
    accounts, though they are equal in upper case."""
    kiri = make_user(username="kiri", email="kiri@example.ao")
    dotless = make_user(username="kiri2", email="k\u0131r\u0131@example.ao")
    dotless.set_password("Other-Pass-2026!")
    dotless.save()
    assert login(gql, "KIRI@example.ao")["user"]["id"] == str(relay.GlobalID("User", str(kiri.pk)))
    assert login(gql, "k\u0131r\u0131@example.ao", "Other-Pass-2026!")["user"]["id"] == str(
        relay.GlobalID("User", str(dotless.pk))
    )


def test_wrong_password_and_unknown_user_get_the_same_answer(gql, buyer):
    wrong_password = gql.op("Login", {"username": "buyer", "password": "wrong-Pass-1"})
    unknown_user = gql.op("Login", {"username": "nobody", "password": "wrong-Pass-1"})
    unknown_email = gql.op("Login", {"username": "nobody@example.ao", "password": PASSWORD})
    expected = {
        "data": {
            "tokenAuth": {
                "token": None,
                "refreshToken": None,
                "user": None,
                "cart": None,
                "errors": [
                    {
                        "field": None,
                        "message": "Nome de utilizador, e-mail ou palavra-passe errados.",
                        "code": "INVALID_CREDENTIALS",
                    }
                ],
            }
        }
    }
    assert wrong_password == unknown_user == unknown_email == expected
    assert not RefreshToken.objects.exists()


def test_inactive_users_cannot_log_in(gql):
    make_user(username="gone", is_active=False)
    data = login(gql, "gone")
    assert (data["token"], [error["code"] for error in data["errors"]]) == (None, ["INVALID_CREDENTIALS"])
    with pytest.raises(InvalidCredentials):
        services.user_login(login="gone", password=PASSWORD, client_ip="127.0.0.1")


def test_a_stale_authorization_header_does_not_break_a_login(gql, buyer):
    data = gql.op(
        "Login", {"username": "buyer", "password": PASSWORD}, headers={"HTTP_AUTHORIZATION": "Bearer junk"}
    )
    assert data["data"]["tokenAuth"]["errors"] == []


def test_login_records_last_login(gql, buyer):
    login(gql, "buyer")
    buyer.refresh_from_db()
    assert buyer.last_login is not None


# ---------------------------------------------------------------- the cart at login


def anonymous_cart(*lines) -> Cart:
    cart = Cart.objects.create(cart_code="c" * 32)
    for product, quantity in lines:
        cart_line(cart, product, quantity)
    return cart


def test_login_with_cart_code_merges_the_anonymous_cart(gql, buyer):
    kept, added = make_product(slug="kept", stock_quantity=5), make_product(slug="added")
    own = Cart.objects.create(user=buyer)
    cart_line(own, kept, 2)
    anonymous_cart((kept, 4), (added, 1))

    cart = login(gql, "buyer", cartCode="c" * 32)["cart"]
    assert cart["cartCode"] is None
    assert sorted((item["product"]["slug"], item["quantity"]) for item in cart["items"]) == [
        ("added", 1),
        ("kept", 5),
    ]
    assert not Cart.objects.filter(cart_code="c" * 32).exists()


def test_login_without_cart_code_returns_the_users_cart(gql, buyer):
    product = make_product(slug="mine")
    cart_line(Cart.objects.create(user=buyer), product, 3)
    anonymous = anonymous_cart((product, 1))
    cart = login(gql, "buyer")["cart"]
    assert (cart["totalQuantity"], cart["items"][0]["product"]["slug"]) == (3, "mine")
    assert Cart.objects.filter(pk=anonymous.pk).exists()


def test_login_loads_the_merged_cart_in_constant_queries(gql, buyer, django_assert_num_queries):
    for lines in (1, 6):
        code = f"{lines}" * 32
        cart = Cart.objects.create(cart_code=code)
        for _ in range(lines):
            cart_line(cart, make_product(), 1)
        # 23: the anonymous cart's delete also deletes its coupon code (promotions.CartCoupon).
        with django_assert_num_queries(23):
            merged = login(gql, "buyer", cartCode=code)["cart"]
        assert (merged["totalQuantity"], len(merged["items"])) == (lines, lines)
        Cart.objects.filter(user=buyer).delete()


def test_a_failed_login_does_not_touch_the_anonymous_cart(gql, buyer):
    anonymous = anonymous_cart((make_product(), 1))
    data = login(gql, "buyer", password="wrong", cartCode="c" * 32)
    assert data["cart"] is None
    assert Cart.objects.get(pk=anonymous.pk).user is None


# ---------------------------------------------------------------- refresh rotation, reuse, logout


def test_refresh_rotates_and_the_old_token_stops_working(gql, buyer):
    first = login(gql, "buyer")
    second = refresh(gql, first["refreshToken"])
    assert second["errors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert me(gql, second["token"]) == {"username": "buyer"}
    assert RefreshToken.objects.get(token=first["refreshToken"]).revoked is not None

    third = refresh(gql, second["refreshToken"])
    assert third["errors"] == [] and third["refreshToken"] not in (
        first["refreshToken"],
        second["refreshToken"],
    )
    families = set(RefreshTokenRotation.objects.values_list("family", flat=True))
    assert len(families) == 1


def test_reusing_a_rotated_token_revokes_its_whole_family(gql, buyer):
    other_session = login(gql, "buyer")
    first = login(gql, "buyer")
    second = refresh(gql, first["refreshToken"])

    assert refresh(gql, first["refreshToken"]) == {
        "token": None,
        "refreshToken": None,
        "errors": INVALID_TOKEN,
    }
    # The thief's copy and the rightful holder's newer token are both dead now...
    assert refresh(gql, second["refreshToken"])["errors"] == INVALID_TOKEN
    # ...but another login of the same user (another device) is untouched.
    assert refresh(gql, other_session["refreshToken"])["errors"] == []


def test_logout_revokes_the_refresh_token(gql, buyer):
    session = login(gql, "buyer")
    assert logout(gql, session["refreshToken"]) == {"revoked": True, "errors": []}
    assert refresh(gql, session["refreshToken"])["errors"] == INVALID_TOKEN
    assert logout(gql, session["refreshToken"]) == {"revoked": False, "errors": INVALID_TOKEN}


def test_logout_with_an_already_rotated_token_ends_the_session(gql, buyer):
    first = login(gql, "buyer")
    second = refresh(gql, first["refreshToken"])
    assert logout(gql, first["refreshToken"])["errors"] == INVALID_TOKEN
    assert refresh(gql, second["refreshToken"])["errors"] == INVALID_TOKEN


@pytest.mark.parametrize("token", ["", "nope", "f" * 40, "x" * 300])
def test_unknown_refresh_tokens_are_invalid(gql, buyer, token):
    login(gql, "buyer")
    assert refresh(gql, token)["errors"] == INVALID_TOKEN
    assert logout(gql, token)["errors"] == INVALID_TOKEN
    assert RefreshToken.objects.filter(revoked__isnull=False).count() == 0


def test_a_deactivated_users_refresh_token_is_refused(gql, buyer):
    session = login(gql, "buyer")
    buyer.is_active = False
    buyer.save()
    with pytest.raises(InvalidToken):
        auth.token_refresh(refresh_token=session["refreshToken"])
    assert me(gql, session["token"]) is None


def test_refresh_returns_the_user(gql, buyer):
    session = login(gql, "buyer")
    query = "mutation($t: String!) { refreshToken(refreshToken: $t) { user { username } cart { id } } }"
    assert gql.ok(query, {"t": session["refreshToken"]}) == {
        "refreshToken": {"user": {"username": "buyer"}, "cart": None}
    }


# ---------------------------------------------------------------- the request user


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Basic YnV5ZXI6cGFzcw==",
        "Token {token}",
        "JWT {token}",
        "Bearer {token} extra",
        "Bearer {forged}",
        "Bearer {unknown_user}",
        "Bearer {no_username}",
        "Bearer {by_username}",
        "Bearer {bad_subject}",
        "{token}",
    ],
)
def test_a_bad_authorization_header_is_an_anonymous_request(gql, buyer, header):
    forged = jwt.encode(
        {"username": "buyer", "exp": 9_999_999_999}, "not-the-secret-key-0123456789-abcdef", "HS256"
    )
    header = header.format(
        token=get_token(buyer),
        forged=forged,
        unknown_user=_token_of_deleted_user(),
        no_username=jwt.encode({"exp": 9_999_999_999}, _secret(), "HS256"),
        # Tokens of earlier versions named the user by username: no longer accepted.
        by_username=jwt.encode({"username": "buyer", "exp": 9_999_999_999}, _secret(), "HS256"),
        bad_subject=jwt.encode({"sub": "buyer", "exp": 9_999_999_999}, _secret(), "HS256"),
    )
    assert me(gql, HTTP_AUTHORIZATION=header) is None
    assert error_codes(gql(PROTECTED, headers={"HTTP_AUTHORIZATION": header})) == ["UNAUTHENTICATED"]


def _secret() -> str:
    from django.conf import settings

    return settings.GRAPHQL_JWT["JWT_SECRET_KEY"]


def _token_of_deleted_user() -> str:
    ghost = make_user(username="ghost")
    token = get_token(ghost)
    ghost.delete()
    return token


def test_access_tokens_name_the_user_by_primary_key_not_by_username(gql, buyer):
    token = get_token(buyer)
    assert jwt.decode(token, _secret(), algorithms=["HS256"])["sub"] == str(buyer.pk)
    buyer.username = "renamed"
    buyer.save()
    newcomer = make_user(username="buyer", email="newcomer@example.ao")  # takes the old name
    assert me(gql, token) == {"username": "renamed"}
    assert me(gql, get_token(newcomer)) == {"username": "buyer"}


def test_the_bearer_scheme_is_case_insensitive(gql, buyer):
    assert me(gql, HTTP_AUTHORIZATION=f"bearer {get_token(buyer)}") == {"username": "buyer"}


def test_an_inactive_users_access_token_is_anonymous(gql):
    user = make_user(username="sleeper")
    token = get_token(user)
    user.is_active = False
    user.save()
    assert me(gql, token) is None


def test_a_session_cookie_never_authenticates_graphql(gql, client, admin):
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200  # the session is valid for the admin site
    assert me(gql) is None
    assert error_codes(gql(PROTECTED)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("cookie", ["JWT", "kitanda-unused-jwt-cookie"])
def test_a_jwt_cookie_never_authenticates_graphql(gql, client, admin, cookie):
    client.cookies[cookie] = get_token(admin)
    assert me(gql) is None
    assert error_codes(gql(PROTECTED)) == ["UNAUTHENTICATED"]


def test_a_login_that_fails_to_issue_its_tokens_leaves_the_carts_alone(gql, buyer, monkeypatch):
    anonymous = Cart.objects.create(cart_code="c" * 32)
    cart_line(anonymous, make_product(), 1)

    def broken(**kwargs):
        raise RuntimeError("token store down")

    monkeypatch.setattr(auth, "token_pair_issue", broken)
    result = gql.op("Login", {"username": "buyer", "password": PASSWORD, "cartCode": "c" * 32})
    assert error_codes(result) == ["INTERNAL_SERVER_ERROR"]
    assert Cart.objects.filter(cart_code="c" * 32).exists() and not Cart.objects.filter(user=buyer).exists()
    buyer.refresh_from_db()
    assert buyer.last_login is None
