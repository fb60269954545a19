"""Login throttling: failures per client IP and per IP + account lock the login out for a window."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import RequestFactory
from graphql_jwt.refresh_token.models import RefreshToken

from backend.client_ip import client_ip
from domain.accounts import throttle
from domain.errors import RateLimited

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Pass-2026"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_THROTTLE_LIMIT = 5
    settings.LOGIN_THROTTLE_IP_LIMIT = 20
    settings.LOGIN_THROTTLE_WINDOW = 900
    settings.TRUSTED_PROXY_COUNT = 0
    # The throttle must hold by itself, even were the cap on mutations per request raised.
    settings.GRAPHQL_MAX_MUTATIONS = 100
    return settings


def attempt(gql, username: str, password: str, ip: str = "127.0.0.1", **headers) -> dict:
    return gql.op(
        "Login", {"username": username, "password": password}, headers={"REMOTE_ADDR": ip, **headers}
    )["data"]["tokenAuth"]


def code(data: dict) -> str | None:
    return data["errors"][0]["code"] if data["errors"] else None


def aliased(count: int) -> str:
    fields = "\n".join(
        f"a{n}: tokenAuth(username: $u{n}, password: $p{n}) {{ token refreshToken errors {{ code }} }}"
        for n in range(count)
    )
    variables = ", ".join(f"$u{n}: String!, $p{n}: String!" for n in range(count))
    return f"mutation({variables}) {{\n{fields}\n}}"


def test_after_the_limit_even_the_right_password_is_refused(gql, buyer):
    for _ in range(5):
        assert code(attempt(gql, "buyer", WRONG)) == "INVALID_CREDENTIALS"
    refused = attempt(gql, "buyer", PASSWORD)
    assert refused == {
        "token": None,
        "refreshToken": None,
        "user": None,
        "cart": None,
        "errors": [
            {
                "field": None,
                "message": "Demasiadas tentativas de início de sessão. Tente novamente mais tarde.",
                "code": "RATE_LIMITED",
            }
        ],
    }
    assert not RefreshToken.objects.exists()


def test_a_lock_out_survives_the_shared_cache_being_emptied(gql, buyer):
    """Strangers can fill the shared cache (public answers, persisted queries) until Redis evicts or
    an operator flushes it: the counters live apart (CACHES["throttle"], THROTTLE_REDIS_URL)."""
    from django.core.cache import cache

    for _ in range(5):
        attempt(gql, "buyer", WRONG)
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")  # everything of the shared cache's, as an eviction would
    else:
        cache.clear()
    assert code(attempt(gql, "buyer", PASSWORD)) == "RATE_LIMITED"


def test_the_account_counter_is_the_login_as_typed_whatever_its_case(gql, buyer):
    """Counted by the text typed, lowercased and stripped, never by the account it names (see
    the next test): the username and the e-mail have counters of their own."""
    for typed in ["buyer", "BUYER", " Buyer ", "buyer", "bUYER"]:
        assert code(attempt(gql, typed, WRONG)) == "INVALID_CREDENTIALS"
    assert code(attempt(gql, "Buyer", PASSWORD)) == "RATE_LIMITED"
    for typed in [
        "buyer@example.ao",
        "BUYER@example.ao",
        "buyer@EXAMPLE.AO",
        " buyer@example.ao",
        "Buyer@Example.Ao",
    ]:
        assert code(attempt(gql, typed, WRONG)) == "INVALID_CREDENTIALS"
    assert code(attempt(gql, "buyer@example.ao", PASSWORD)) == "RATE_LIMITED"


def test_a_locked_username_does_not_tell_which_email_is_its_own(gql, buyer):
    for _ in range(5):
        attempt(gql, "buyer", WRONG)
    assert code(attempt(gql, "buyer", WRONG)) == "RATE_LIMITED"
    own_email = attempt(gql, "buyer@example.ao", WRONG)
    unknown_email = attempt(gql, "stranger@example.ao", WRONG)
    assert own_email == unknown_email
    assert code(own_email) == "INVALID_CREDENTIALS"
    assert not RefreshToken.objects.exists()


def test_unknown_accounts_are_throttled_the_same_way(gql):
    for _ in range(5):
        assert code(attempt(gql, "nobody", WRONG)) == "INVALID_CREDENTIALS"
    assert code(attempt(gql, "nobody", WRONG)) == "RATE_LIMITED"


def test_the_lock_is_per_client_ip(gql, buyer):
    for _ in range(6):
        attempt(gql, "buyer", WRONG, ip="127.0.0.2")
    assert code(attempt(gql, "buyer", PASSWORD, ip="127.0.0.2")) == "RATE_LIMITED"
    assert code(attempt(gql, "buyer", PASSWORD, ip="127.0.0.3")) is None


def test_many_accounts_from_one_ip_hit_the_ip_limit(gql, buyer):
    for n in range(20):
        assert code(attempt(gql, f"user{n}", WRONG)) == "INVALID_CREDENTIALS"
    assert code(attempt(gql, "buyer", PASSWORD)) == "RATE_LIMITED"
    assert code(attempt(gql, "buyer", PASSWORD, ip="127.0.0.9")) is None


def test_a_successful_login_forgives_the_accounts_failures(gql, buyer):
    for _ in range(2):
        for _ in range(4):
            attempt(gql, "buyer", WRONG)
        assert code(attempt(gql, "buyer", PASSWORD)) is None


def test_successful_logins_do_not_use_up_the_ip_limit(gql):
    users = [make_user(username=f"office{n}") for n in range(25)]
    for user in users:
        assert code(attempt(gql, user.username, PASSWORD)) is None


def test_the_lock_out_ends_after_the_window(gql, buyer, limits):
    limits.LOGIN_THROTTLE_WINDOW = 1
    for _ in range(5):
        attempt(gql, "buyer", WRONG)
    assert code(attempt(gql, "buyer", PASSWORD)) == "RATE_LIMITED"
    time.sleep(1.1)
    assert code(attempt(gql, "buyer", PASSWORD)) is None


def test_sixty_aliased_attempts_in_one_request_never_get_a_token(gql, buyer):
    """5 wrong passwords then the right one 55 times: the alias cap rejects the whole document
    (and were it raised, the throttle would refuse every attempt after the fifth)."""
    variables = {f"u{n}": "buyer" for n in range(60)} | {
        f"p{n}": WRONG if n < 5 else PASSWORD for n in range(60)
    }
    result = gql(aliased(60), variables)
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "Foram encontrados 60 aliases. Máximo permitido: 30",
                "extensions": {"code": "QUERY_TOO_COMPLEX"},
            }
        ],
    }
    assert not RefreshToken.objects.exists()


def test_sixty_aliases_with_the_alias_cap_raised_still_get_no_token(gql, buyer, limits):
    limits.GRAPHQL_MAX_ALIASES = 100
    variables = {f"u{n}": "buyer" for n in range(60)} | {
        f"p{n}": WRONG if n < 5 else PASSWORD for n in range(60)
    }
    result = gql.ok(aliased(60), variables)
    assert [result[f"a{n}"]["errors"][0]["code"] for n in range(60)] == ["INVALID_CREDENTIALS"] * 5 + [
        "RATE_LIMITED"
    ] * 55
    assert all(result[f"a{n}"]["token"] is None for n in range(60))
    assert not RefreshToken.objects.exists()


def test_aliases_cannot_get_around_the_limit_within_one_request(gql, buyer):
    """25 aliases (under the alias cap): 5 wrong passwords, then the right one 20 times."""
    variables = {f"u{n}": "buyer" for n in range(25)}
    variables |= {f"p{n}": WRONG if n < 5 else PASSWORD for n in range(25)}
    result = gql.ok(aliased(25), variables)
    answers = [result[f"a{n}"] for n in range(25)]
    assert [answer["errors"][0]["code"] for answer in answers] == ["INVALID_CREDENTIALS"] * 5 + [
        "RATE_LIMITED"
    ] * 20
    assert all(answer["token"] is None and answer["refreshToken"] is None for answer in answers)
    assert not RefreshToken.objects.exists()


def test_aliases_on_many_accounts_hit_the_ip_limit_within_one_request(gql, buyer):
    variables = {f"u{n}": f"guess{n}" for n in range(24)} | {f"p{n}": WRONG for n in range(24)}
    variables |= {"u24": "buyer", "p24": PASSWORD}
    result = gql.ok(aliased(25), variables)
    assert result["a24"] == {"token": None, "refreshToken": None, "errors": [{"code": "RATE_LIMITED"}]}
    assert [result[f"a{n}"]["errors"][0]["code"] for n in range(19, 21)] == [
        "INVALID_CREDENTIALS",
        "RATE_LIMITED",
    ]


def test_concurrent_attempts_cannot_pass_the_limit_together(limits):
    """Counted before the password is checked: of 30 simultaneous attempts, exactly 5 go on."""
    passed, refused = [], []
    barrier = threading.Barrier(30)

    def one_attempt():
        barrier.wait()
        try:
            throttle.login_attempt_start(client_ip="127.0.0.1", login="buyer")
            passed.append(1)
        except RateLimited:
            refused.append(1)

    threads = [threading.Thread(target=one_attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(passed), len(refused)) == (5, 25)


# ---------------------------------------------------------------- the Django admin's login page

TOO_MANY = "Demasiadas tentativas de início de sessão. Tente novamente mais tarde."


def admin_login(client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def refusal(response) -> str | None:
    """Why the admin's login form refused: its error code, None when the login went through."""
    if response.status_code == 302:
        return None
    assert response.status_code == 200
    (error,) = response.context["form"].errors.as_data()["__all__"]
    return error.code


def test_the_admin_login_refuses_even_the_right_password_after_the_limit(client, admin):
    for _ in range(5):
        assert refusal(admin_login(client, "admin", WRONG)) == "invalid_login"
    throttled = admin_login(client, "admin", PASSWORD)
    assert refusal(throttled) == "rate_limited"
    assert TOO_MANY.encode() in throttled.content
    assert not logged_in(client)
    assert refusal(admin_login(client, "admin", PASSWORD, ip="127.0.0.2")) is None
    assert logged_in(client)


def test_many_usernames_on_the_admin_login_hit_the_ip_limit(client, admin):
    for n in range(20):
        assert refusal(admin_login(client, f"guess{n}", WRONG)) == "invalid_login"
    assert refusal(admin_login(client, "admin", PASSWORD)) == "rate_limited"
    assert not logged_in(client)


def test_a_successful_admin_login_forgives_the_failures(client, admin):
    for _ in range(2):
        for _ in range(4):
            assert refusal(admin_login(client, "ADMIN", WRONG)) == "invalid_login"
        assert refusal(admin_login(client, "admin", PASSWORD)) is None
        client.logout()


def test_the_admin_login_and_token_auth_share_one_count(client, gql, admin):
    for _ in range(3):
        admin_login(client, "admin", WRONG)
    for _ in range(2):
        assert code(attempt(gql, "Admin", WRONG)) == "INVALID_CREDENTIALS"
    assert code(attempt(gql, "admin", PASSWORD)) == "RATE_LIMITED"
    assert refusal(admin_login(client, "admin", PASSWORD)) == "rate_limited"
    assert not logged_in(client)


# ---------------------------------------------------------------- the client IP


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "127.0.0.1"),  # no proxy trusted: the header is the client's word
        (1, "", "127.0.0.1"),
        (1, "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 10.0.0.1", "10.0.0.1"),  # the spoofed left entry is ignored
        (2, "6.6.6.6, 10.0.0.1, 172.16.0.1", "10.0.0.1"),
        (2, "10.0.0.1", "127.0.0.1"),  # fewer entries than proxies: misconfigured, use the peer
    ],
)
def test_client_ip(limits, proxies, forwarded, expected):
    limits.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_spoofed_forwarded_for_header_does_not_reset_the_count(gql, buyer):
    for n in range(6):
        attempt(gql, "buyer", WRONG, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert code(attempt(gql, "buyer", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")) == "RATE_LIMITED"


def test_behind_a_trusted_proxy_clients_are_told_apart(gql, buyer, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    for _ in range(6):
        attempt(gql, "buyer", WRONG, HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert code(attempt(gql, "buyer", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.1")) == "RATE_LIMITED"
    assert code(attempt(gql, "buyer", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.1, 10.0.0.2")) is None
