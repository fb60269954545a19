"""Accounts: registration (services, the API, its rate limit), who may read a user, and seller
approval."""

from __future__ import annotations

import pytest
from django.db import connection
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from domain.accounts import selectors, services
from domain.accounts.models import User, UserType
from domain.errors import AlreadyExists, ErrorCode, RateLimited
from graph.schema import schema

from .conftest import error_codes
from .factories import make_seller, make_user
from .helpers import accounts_state, codes, gid

pytestmark = pytest.mark.django_db

STRONG = "Mukua-Doce-2026!"


def register_input(**overrides) -> dict:
    values = {
        "username": "ana.silva",
        "email": "ana@example.ao",
        "password": STRONG,
        "userType": "BUYER",
        "firstName": "Ana",
        "lastName": "Silva",
    }
    values.update(overrides)
    return values


# ---------------------------------------------------------------- registration: services


def register(**overrides) -> User:
    values = {
        "username": "ana.silva",
        "email": "ana@example.ao",
        "password": STRONG,
        "user_type": UserType.BUYER,
        "first_name": "Ana",
        "last_name": "Silva",
        "client_ip": "127.0.0.1",
    }
    return services.user_register(**(values | overrides))


def test_register_buyer_and_seller_sellers_start_unapproved():
    buyer = register(username="Ana_Silva-1.x", email="Ana@EXAMPLE.AO", first_name=" Ana ")
    seller = register(username="kitutu", email="kitutu@example.ao", user_type=UserType.SELLER)
    buyer.refresh_from_db()
    assert (buyer.username, buyer.email, buyer.first_name, buyer.user_type) == (
        "Ana_Silva-1.x",
        "Ana@example.ao",
        "Ana",
        UserType.BUYER,
    )
    assert buyer.check_password(STRONG) and buyer.password != STRONG
    assert (seller.user_type, seller.is_approved_seller) == (UserType.SELLER, False)


def test_a_registration_that_loses_a_race_reports_unique(monkeypatch):
    real_check = services._check_username
    calls = []

    def check_once_too_early(username):
        calls.append(username)
        if len(calls) == 1:
            make_user(username="ANA.silva", email="other@example.ao")  # committed meanwhile by someone else
            return None
        return real_check(username)

    monkeypatch.setattr(services, "_check_username", check_once_too_early)
    with pytest.raises(AlreadyExists) as raised:
        register()
    assert (raised.value.field, raised.value.code) == ("username", ErrorCode.UNIQUE)
    assert list(User.objects.values_list("username", flat=True)) == ["ANA.silva"]


KELVIN_K = "\u212a"  # KELVIN SIGN: EmailValidator accepts it, and PostgreSQL's lower() makes it "k"


def test_the_email_check_agrees_with_the_databases_unique_constraint():
    """Taken means what the constraint means: lower(email) as the database computes it. On
    PostgreSQL (UTF-8) the Kelvin sign lowers to "k", so the address is taken; SQLite's LOWER
    is ASCII-only, so there its constraint lets the second address in and so does the check."""
    register(username="kiala", email="kiala@example.ao")
    second = {"username": "kiala2", "email": f"{KELVIN_K}iala@example.ao"}
    if connection.vendor == "postgresql":
        with pytest.raises(AlreadyExists) as raised:
            register(**second)
        assert (raised.value.field, raised.value.code) == ("email", ErrorCode.UNIQUE)
        assert list(User.objects.values_list("username", flat=True)) == ["kiala"]
    else:
        register(**second)
        assert sorted(User.objects.values_list("username", flat=True)) == ["kiala", "kiala2"]


@pytest.mark.parametrize(
    ("check", "taken", "expected_field"),
    [
        ("email_error", {"username": "other", "email": "ANA@example.ao"}, "email"),
        ("_check_username", {"username": "ANA.SILVA", "email": "other@example.ao"}, "username"),
    ],
)
def test_a_unique_constraint_the_checks_missed_is_reported_as_unique(
    monkeypatch, check, taken, expected_field
):
    """Whatever slips past the checks, the database's case-insensitive constraints answer UNIQUE
    on the right field, never an internal error."""
    make_user(**taken)
    monkeypatch.setattr(services, check, lambda value, **kwargs: None)
    with pytest.raises(AlreadyExists) as raised:
        register()
    assert (raised.value.field, raised.value.code) == (expected_field, ErrorCode.UNIQUE)
    assert User.objects.count() == 1


# ---------------------------------------------------------------- registration: the API


@pytest.mark.parametrize("user_type", ["BUYER", "SELLER"])
def test_register_through_the_api(gql, user_type):
    result = gql.op("Register", {"input": register_input(userType=user_type)})
    data = result["data"]["register"]
    assert data["errors"] == []
    assert data["user"] == {
        "id": data["user"]["id"],
        "username": "ana.silva",
        "email": "ana@example.ao",
        "userType": user_type,
        "isApprovedSeller": False,
    }
    login = gql.op("Login", {"username": "ana.silva", "password": STRONG})["data"]["tokenAuth"]
    assert login["errors"] == [] and login["token"]


def test_admin_self_registration_is_refused(gql):
    result = gql.op("Register", {"input": register_input(userType="ADMIN")})
    assert result["data"]["register"] == {
        "user": None,
        "errors": [
            {
                "field": "userType",
                "message": "Só é possível registar contas de comprador e de vendedor.",
                "code": "FORBIDDEN",
            }
        ],
    }
    assert not User.objects.exists()


BAD_INPUTS = [
    pytest.param({"password": "123"}, [("password", "INVALID")] * 3, id="weak-password"),
    pytest.param({"password": "password"}, [("password", "INVALID")], id="common-password"),
    pytest.param({"password": "ana.silva-x"}, [("password", "INVALID")], id="password-like-username"),
    pytest.param({"password": ""}, [("password", "REQUIRED")], id="no-password"),
    pytest.param({"password": "Aa1!" * 33}, [("password", "INVALID")], id="over-long-password"),
    pytest.param({"email": "ana.example.ao"}, [("email", "INVALID")], id="malformed-email"),
    pytest.param({"email": "ana@"}, [("email", "INVALID")], id="email-without-domain"),
    pytest.param({"email": "a" * 250 + "@x.ao"}, [("email", "INVALID")], id="over-long-email"),
    pytest.param({"email": ""}, [("email", "REQUIRED")], id="no-email"),
    pytest.param({"username": "ana@example.ao"}, [("username", "INVALID")], id="email-as-username"),
    pytest.param({"username": "ana silva"}, [("username", "INVALID")], id="space-in-username"),
    pytest.param({"username": "anã"}, [("username", "INVALID")], id="non-ascii-username"),
    pytest.param({"username": "an"}, [("username", "INVALID")], id="short-username"),
    pytest.param({"username": "a" * 151}, [("username", "INVALID")], id="over-long-username"),
    pytest.param({"username": "  "}, [("username", "REQUIRED")], id="blank-username"),
    pytest.param({"firstName": ""}, [("firstName", "REQUIRED")], id="no-first-name"),
    pytest.param({"lastName": "   "}, [("lastName", "REQUIRED")], id="blank-last-name"),
    pytest.param({"firstName": "A" * 151}, [("firstName", "INVALID")], id="over-long-first-name"),
    pytest.param({"lastName": "S" * 151}, [("lastName", "INVALID")], id="over-long-last-name"),
    pytest.param(
        {"username": "a b", "email": "nope", "firstName": ""},
        [("username", "INVALID"), ("email", "INVALID"), ("firstName", "REQUIRED")],
        id="every-problem-at-once",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD_INPUTS)
def test_bad_registrations_are_clean_payload_errors(gql, overrides, expected):
    result = gql.op("Register", {"input": register_input(**overrides)})
    assert "errors" not in result
    data = result["data"]["register"]
    assert data["user"] is None
    assert codes(data["errors"]) == expected
    assert all(error["message"] for error in data["errors"])
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"username": "ANA.SILVA", "email": "new@example.ao"}, [("username", "UNIQUE")]),
        ({"username": "new.one", "email": "ANA@Example.AO"}, [("email", "UNIQUE")]),
    ],
    ids=["username-other-case", "email-other-case"],
)
def test_duplicate_username_or_email_whatever_the_case(gql, overrides, expected):
    make_user(username="ana.silva", email="ana@example.ao")
    before = accounts_state()
    data = gql.op("Register", {"input": register_input(**overrides)})["data"]["register"]
    assert (data["user"], codes(data["errors"])) == (None, expected)
    assert accounts_state() == before


def test_an_email_taken_under_postgresqls_lower_is_unique_through_the_api(gql):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's LOWER is ASCII-only: there the Kelvin sign and k are different addresses")
    make_user(username="kiala", email="kiala@example.ao")
    before = accounts_state()
    result = gql.op("Register", {"input": register_input(email=f"{KELVIN_K}iala@example.ao")})
    assert "errors" not in result
    data = result["data"]["register"]
    assert (data["user"], codes(data["errors"])) == (None, [("email", "UNIQUE")])
    assert accounts_state() == before


# ---------------------------------------------------------------- registration: the rate limit

TOO_MANY_REGISTRATIONS = [
    {
        "field": None,
        "message": "Demasiados registos a partir deste endereço. Tente novamente mais tarde.",
        "code": "RATE_LIMITED",
    }
]


@pytest.fixture
def register_limit(settings):
    settings.REGISTER_THROTTLE_LIMIT = 3
    settings.LOGIN_THROTTLE_WINDOW = 900
    settings.TRUSTED_PROXY_COUNT = 0
    settings.GRAPHQL_MAX_MUTATIONS = 100  # the throttle must hold by itself, whatever that cap
    return settings


def register_from(gql, ip: str, n: int, **overrides) -> dict:
    values = register_input(**({"username": f"ana{n}", "email": f"ana{n}@example.ao"} | overrides))
    return gql.op("Register", {"input": values}, headers={"REMOTE_ADDR": ip})["data"]["register"]


def test_registrations_are_limited_per_client_ip(gql, register_limit):
    for n in range(3):
        assert register_from(gql, "127.0.0.1", n)["errors"] == []
    before = accounts_state()
    assert register_from(gql, "127.0.0.1", 3) == {"user": None, "errors": TOO_MANY_REGISTRATIONS}
    assert accounts_state() == before
    assert register_from(gql, "127.0.0.2", 4)["errors"] == []


def test_refused_registrations_count_too_so_taken_emails_cannot_be_listed(gql, register_limit):
    make_user(username="taken", email="taken@example.ao")
    for n in range(3):
        assert codes(register_from(gql, "127.0.0.1", n, email="taken@example.ao")["errors"]) == [
            ("email", "UNIQUE")
        ]
    before = accounts_state()
    assert register_from(gql, "127.0.0.1", 3, email="taken@example.ao")["errors"] == TOO_MANY_REGISTRATIONS
    assert register_from(gql, "127.0.0.1", 4)["errors"] == TOO_MANY_REGISTRATIONS
    assert accounts_state() == before


def test_aliased_registrations_in_one_request_are_each_counted(gql, register_limit):
    fields = "\n".join(
        f'r{n}: register(input: {{username: "ana{n}", email: "ana{n}@example.ao", password: "{STRONG}", '
        f'userType: BUYER, firstName: "Ana", lastName: "Silva"}}) {{ errors {{ field message code }} }}'
        for n in range(5)
    )
    result = gql.ok(f"mutation {{\n{fields}\n}}")
    assert [result[f"r{n}"]["errors"] for n in range(5)] == [[]] * 3 + [TOO_MANY_REGISTRATIONS] * 2
    assert sorted(User.objects.values_list("username", flat=True)) == ["ana0", "ana1", "ana2"]


def test_the_registration_service_counts_each_attempt(register_limit):
    for n in range(3):
        register(username=f"ana{n}", email=f"ana{n}@example.ao")
    with pytest.raises(RateLimited):
        register(username="ana3", email="ana3@example.ao")
    assert User.objects.count() == 3


# ---------------------------------------------------------------- who may read a user


def test_users_are_reachable_only_as_oneself_or_by_admins():
    """Usernames and e-mails must not leak: the User type may only hang from these fields."""
    allowed = {"Query.me", "Query.pendingSellers", "UserPayload.user", "AuthPayload.user"}
    reaching = set()
    for type_name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            inner = field.type
            while isinstance(inner, GraphQLNonNull | GraphQLList):
                inner = inner.of_type
            if inner.name == "User":
                reaching.add(f"{type_name}.{field_name}")
    assert reaching == allowed


def test_me_is_the_caller_or_null(gql, seller):
    assert gql.op("Me")["data"] == {"me": None}
    me = gql.op("Me", user=seller)["data"]["me"]
    assert (me["username"], me["email"], me["userType"], me["isApprovedSeller"]) == (
        "seller",
        "seller@example.ao",
        "SELLER",
        True,
    )
    assert me["store"] == {
        "id": gid("Store", seller.store.pk),
        "slug": seller.store.slug,
        "name": seller.store.name,
        "isActive": True,
    }


# ---------------------------------------------------------------- seller approval


def test_pending_sellers_are_unapproved_active_sellers_oldest_first(gql, admin, seller, buyer):
    first = make_seller(approved=False, with_store=False, username="first")
    second = make_seller(approved=False, with_store=False, username="second")
    make_seller(approved=False, with_store=False, username="gone", is_active=False)
    assert list(selectors.seller_list_pending()) == [first, second]
    result = gql.op("PendingSellers", user=admin)["data"]["pendingSellers"]
    assert [row["username"] for row in result] == ["first", "second"]
    assert result[0] == {
        "id": gid("User", first.pk),
        "username": "first",
        "email": "first@example.ao",
        "dateJoined": first.date_joined.isoformat(),
    }


def test_approved_seller_leaves_the_list_and_can_open_a_store(gql, admin):
    newcomer = make_seller(approved=False, with_store=False, username="newcomer")
    refused = gql.op("CreateStore", {"input": {"name": "Cedo Demais"}}, user=newcomer)
    assert error_codes(refused) == ["FORBIDDEN"]

    approved = gql.op("ApproveSeller", {"userId": gid("User", newcomer.pk)}, user=admin)["data"]
    assert approved["approveSeller"] == {
        "user": {"id": gid("User", newcomer.pk), "username": "newcomer", "isApprovedSeller": True},
        "errors": [],
    }
    assert gql.op("PendingSellers", user=admin)["data"]["pendingSellers"] == []
    created = gql.op("CreateStore", {"input": {"name": "Agora Sim"}}, user=newcomer)["data"]["createStore"]
    assert (created["errors"], created["store"]["slug"]) == ([], "agora-sim")


@pytest.mark.parametrize(
    ("user_id", "expected"),
    [
        ("not-an-id", ("userId", "NOT_FOUND")),
        ("buyer", ("userId", "INVALID")),
        ("store-id", ("userId", "NOT_FOUND")),
        ("missing", ("userId", "NOT_FOUND")),
    ],
)
def test_approve_seller_bad_targets(gql, admin, buyer, seller, user_id, expected):
    user_id = {
        "buyer": gid("User", buyer.pk),
        "store-id": gid("Store", seller.store.pk),
        "missing": gid("User", 999_999),
    }.get(user_id, user_id)
    before = accounts_state()
    data = gql.op("ApproveSeller", {"userId": user_id}, user=admin)["data"]["approveSeller"]
    assert (data["user"], codes(data["errors"])) == (None, [expected])
    assert accounts_state() == before


def test_approving_twice_changes_nothing(admin):
    pending = make_seller(approved=False, with_store=False)
    assert services.seller_approve(user_id=pending.pk).is_approved_seller
    assert services.seller_approve(user_id=pending.pk).is_approved_seller


def test_the_django_admin_bulk_action_approves_sellers(client, admin):
    pending = [make_seller(approved=False, with_store=False) for _ in range(2)]
    buyer = make_user()
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "approve_sellers", "_selected_action": [user.pk for user in [*pending, buyer]]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"2 vendedor(es) aprovado(s)." in response.content
    assert User.objects.filter(is_approved_seller=True, pk__in=[u.pk for u in pending]).count() == 2
    buyer.refresh_from_db()
    assert not buyer.is_approved_seller


@pytest.mark.parametrize("count", [2, 12])
def test_pending_sellers_query_count_is_constant(gql, admin, django_assert_num_queries, count):
    for _ in range(count):
        make_seller(approved=False, with_store=False)
    with django_assert_num_queries(2):  # the caller from the token, the list
        data = gql.ok("{ pendingSellers { id username email store { slug } } }", user=admin)
    assert len(data["pendingSellers"]) == count
