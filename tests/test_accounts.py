"""Accounts: registration, seller approval, stores, who may call what, and who may read a user."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from graphql import GraphQLError, GraphQLList, GraphQLNonNull, GraphQLObjectType
from PIL import Image

from domain.accounts import selectors, services
from domain.accounts.models import Store, User, UserType
from domain.catalog.selectors import product_list_public
from domain.errors import (
    AccessDenied,
    AlreadyExists,
    ErrorCode,
    InvalidInput,
    NotFound,
    RateLimited,
    Required,
    collect,
)
from graph.accounts import StorePayload
from graph.errors import DomainErrors
from graph.schema import schema

from .conftest import ROLES, error_codes
from .factories import make_admin, make_product, make_seller, make_store, make_user
from .helpers import gid

pytestmark = pytest.mark.django_db

STRONG = "Mukua-Doce-2026!"


def codes(errors: list[dict]) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in errors]


def accounts_state() -> tuple[list, list]:
    """Everything an account or store operation could change."""
    users = list(
        User.objects.order_by("pk").values_list("pk", "username", "email", "user_type", "is_approved_seller")
    )
    stores = list(
        Store.objects.order_by("pk").values_list(
            "pk", "seller_id", "name", "slug", "description", "is_active", "logo"
        )
    )
    return users, stores


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


def png_bytes(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    return out.getvalue()


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


# ---------------------------------------------------------------- stores: services


@pytest.fixture
def approved():
    """An approved seller who has no store yet."""
    return make_seller(with_store=False, username="approved")


def test_store_slugs_are_unique_and_survive_a_rename(approved):
    taken = make_store(name="Loja da Ana", slug="loja-da-ana")
    store = services.store_create(seller=approved, name="  Loja da Ana ", description="Fruta")
    assert (store.name, store.slug, store.description, store.is_active) == (
        "Loja da Ana",
        "loja-da-ana-2",
        "Fruta",
        True,
    )

    renamed = services.store_update(seller=approved, name="Quitanda Nova")
    renamed.refresh_from_db()
    assert (renamed.name, renamed.slug, renamed.description) == ("Quitanda Nova", "loja-da-ana-2", "Fruta")
    assert taken.slug == "loja-da-ana"


def test_one_store_per_seller(seller):
    with pytest.raises(AlreadyExists):
        services.store_create(seller=seller, name="Segunda Loja")
    assert Store.objects.filter(seller=seller).count() == 1


def test_only_approved_sellers_open_stores():
    for user in (make_user(), make_seller(approved=False, with_store=False), make_admin()):
        with pytest.raises(AccessDenied):
            services.store_create(seller=user, name="Loja")
    assert not Store.objects.exists()


def test_a_concurrent_second_store_is_reported_as_unique(approved, monkeypatch):
    """Both requests passed the "has no store yet" check; the database keeps one store."""
    real_filter = Store.objects.filter
    make_store(seller=approved, name="Primeira")

    class NoStoreYet:
        def exists(self):
            return False

    calls = []

    def filter_once(*args, **kwargs):
        calls.append(kwargs)
        return NoStoreYet() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Store.objects, "filter", filter_once)
    with pytest.raises(AlreadyExists):
        services.store_create(seller=approved, name="Segunda")
    monkeypatch.undo()
    assert list(Store.objects.filter(seller=approved).values_list("name", flat=True)) == ["Primeira"]


def test_deactivated_store_takes_its_products_out_of_the_catalogue(seller):
    product = make_product(store=seller.store)
    services.store_set_active(store_id=seller.store.pk, active=False)
    assert product not in product_list_public()
    services.store_set_active(store_id=seller.store.pk, active=True)
    assert product in product_list_public()


def test_update_without_a_store_is_not_found():
    with pytest.raises(NotFound):
        services.store_update(seller=make_seller(with_store=False), name="X")


# ---------------------------------------------------------------- stores: the API


def test_create_store_through_the_api(gql, approved):
    result = gql.op("CreateStore", {"input": {"name": "Kitanda da Zungueira"}}, user=approved)
    data = result["data"]["createStore"]
    assert data["errors"] == []
    assert {key: data["store"][key] for key in ("name", "slug", "description", "logoUrl", "isActive")} == {
        "name": "Kitanda da Zungueira",
        "slug": "kitanda-da-zungueira",
        "description": "",
        "logoUrl": None,
        "isActive": True,
    }
    assert Store.objects.get(seller=approved).slug == "kitanda-da-zungueira"


@pytest.mark.parametrize(
    ("store_input", "expected"),
    [
        ({"name": ""}, [("name", "REQUIRED")]),
        ({"name": "   "}, [("name", "REQUIRED")]),
        ({"name": "L" * 121}, [("name", "INVALID")]),
        ({"name": "Loja", "description": "d" * 2001}, [("description", "INVALID")]),
        ({"name": "", "description": "d" * 2001}, [("name", "REQUIRED"), ("description", "INVALID")]),
    ],
)
def test_bad_store_inputs(gql, approved, store_input, expected):
    data = gql.op("CreateStore", {"input": store_input}, user=approved)["data"]["createStore"]
    assert (data["store"], codes(data["errors"])) == (None, expected)
    assert not Store.objects.filter(seller=approved).exists()


@pytest.mark.parametrize(
    ("store_input", "expected"),
    [({"name": ""}, [("name", "REQUIRED")]), ({"name": "L" * 121}, [("name", "INVALID")])],
)
def test_bad_store_updates_change_nothing(gql, seller, store_input, expected):
    before = accounts_state()
    data = gql.op("UpdateStore", {"input": store_input}, user=seller)["data"]["updateStore"]
    assert (data["store"], codes(data["errors"])) == (None, expected)
    assert accounts_state() == before


def test_update_store_renames_and_keeps_the_slug(gql, seller):
    slug = seller.store.slug
    data = gql.op("UpdateStore", {"input": {"name": "Nome Novo"}}, user=seller)["data"]["updateStore"]
    assert data["errors"] == []
    assert (data["store"]["name"], data["store"]["slug"], data["store"]["description"]) == (
        "Nome Novo",
        slug,
        "",
    )


def test_each_seller_updates_their_own_store(gql, seller, other_seller):
    data = gql.op("UpdateStore", {"input": {"description": "Tudo fresco"}}, user=other_seller)["data"]
    assert data["updateStore"]["errors"] == []
    descriptions = dict(Store.objects.values_list("seller_id", "description"))
    assert (descriptions[other_seller.pk], descriptions[seller.pk]) == ("Tudo fresco", "")


STORE_DETAIL = "query($slug: String!) { store(slug: $slug) { slug isActive } }"


@pytest.mark.parametrize("role", ROLES, indirect=True)
def test_an_inactive_store_is_visible_to_its_owner_and_admins_only(gql, role, request, seller):
    role_name = request.node.callspec.params["role"]
    Store.objects.filter(pk=seller.store.pk).update(is_active=False)
    result = gql.ok(STORE_DETAIL, {"slug": seller.store.slug}, user=role)
    expected = {"slug": seller.store.slug, "isActive": False} if role_name in ("seller", "admin") else None
    assert result["store"] == expected


def test_store_by_slug(gql, seller):
    assert gql.ok(STORE_DETAIL, {"slug": seller.store.slug}) == {
        "store": {"slug": seller.store.slug, "isActive": True}
    }
    assert gql.ok(STORE_DETAIL, {"slug": "no-such-store"}) == {"store": None}


def test_deactivate_and_activate_through_the_api(gql, admin, seller):
    store_id = gid("Store", seller.store.pk)
    off = gql.op("DeactivateStore", {"storeId": store_id}, user=admin)["data"]["deactivateStore"]
    assert off == {"store": {"id": store_id, "slug": seller.store.slug, "isActive": False}, "errors": []}
    assert gql.ok(STORE_DETAIL, {"slug": seller.store.slug}) == {"store": None}
    listed = gql.op("StoreList", {"first": 10})["data"]["stores"]
    assert seller.store.slug not in [edge["node"]["slug"] for edge in listed["edges"]]

    on = gql.op("ActivateStore", {"storeId": store_id}, user=admin)["data"]["activateStore"]
    assert on["store"]["isActive"] is True
    assert gql.ok(STORE_DETAIL, {"slug": seller.store.slug})["store"]["isActive"] is True


@pytest.mark.parametrize("store_id", ["garbage", "User:1", gid("Store", 999_999)])
def test_deactivate_unknown_store_is_not_found(gql, admin, seller, store_id):
    if store_id == "User:1":
        store_id = gid("User", seller.pk)
    before = accounts_state()
    data = gql.op("DeactivateStore", {"storeId": store_id}, user=admin)["data"]["deactivateStore"]
    assert (data["store"], codes(data["errors"])) == (None, [("storeId", "NOT_FOUND")])
    assert accounts_state() == before


def test_stores_lists_active_stores_by_name_page_by_page(gql):
    for name in ["Cacimba", "Bengo", "Arco", "Dondo"]:
        make_store(name=name)
    make_store(name="Apagada", is_active=False)
    first = gql.op("StoreList", {"first": 3})["data"]["stores"]
    assert first["totalCount"] == 4
    assert [edge["node"]["name"] for edge in first["edges"]] == ["Arco", "Bengo", "Cacimba"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = gql.op("StoreList", {"first": 3, "after": first["pageInfo"]["endCursor"]})["data"]["stores"]
    assert [edge["node"]["name"] for edge in rest["edges"]] == ["Dondo"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_stores_refuses_more_than_100(gql):
    result = gql.op("StoreList", {"first": 101})
    assert result["data"] is None
    assert error_codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("count", [3, 30])
def test_stores_query_count_does_not_grow_with_the_page(gql, django_assert_num_queries, count):
    for n in range(count):
        make_store(name=f"Loja {n:02}")
    query = (
        "query($first: Int) { stores(first: $first) { totalCount edges { node { id name slug logoUrl } } } }"
    )
    with django_assert_num_queries(1):  # the page, counted in the same query
        data = gql.ok(query, {"first": count})
    assert len(data["stores"]["edges"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_pending_sellers_query_count_is_constant(gql, admin, django_assert_num_queries, count):
    for _ in range(count):
        make_seller(approved=False, with_store=False)
    with django_assert_num_queries(2):  # the caller from the token, the list
        data = gql.ok("{ pendingSellers { id username email store { slug } } }", user=admin)
    assert len(data["pendingSellers"]) == count


# ---------------------------------------------------------------- logos


def multipart(client, query: str, variables: dict, files: dict[str, tuple[str, bytes]], user) -> dict:
    """A GraphQL multipart request (the upload spec), as the seller dashboard sends it."""
    from graphql_jwt.shortcuts import get_token

    operations = json.dumps({"query": query, "variables": variables})
    mapping = json.dumps({key: [path] for key, (path, _) in files.items()})
    data = {"operations": operations, "map": mapping}
    for key, (_, content) in files.items():
        data[key] = io.BytesIO(content)
        data[key].name = f"{key}.png"
    response = client.post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {get_token(user)}")
    assert response.status_code == 200, response.content
    return response.json()


CREATE_WITH_LOGO = """mutation($input: StoreInput!) {
  createStore(input: $input) { store { slug logoUrl } errors { field message code } }
}"""
UPDATE_WITH_LOGO = """mutation($input: StoreUpdateInput!) {
  updateStore(input: $input) { store { slug logoUrl } errors { field message code } }
}"""


def test_store_logo_upload(client, approved):
    result = multipart(
        client,
        CREATE_WITH_LOGO,
        {"input": {"name": "Loja Com Logo", "logo": None}},
        {"0": ("variables.input.logo", png_bytes())},
        approved,
    )
    data = result["data"]["createStore"]
    assert data["errors"] == []
    assert data["store"]["logoUrl"].startswith("http://testserver/media/stores/logos/")
    store = Store.objects.get(seller=approved)
    with default_storage.open(store.logo.name) as stored:
        assert Image.open(stored).format == "PNG"


def test_a_bad_logo_is_refused_and_nothing_is_stored(client, approved, settings):
    result = multipart(
        client,
        CREATE_WITH_LOGO,
        {"input": {"name": "Loja", "logo": None}},
        {"0": ("variables.input.logo", b"<?php echo 'not an image'; ?>")},
        approved,
    )
    data = result["data"]["createStore"]
    assert (data["store"], codes(data["errors"])) == (None, [("logo", "INVALID")])
    assert not Store.objects.filter(seller=approved).exists()
    assert not (settings.MEDIA_ROOT / "stores").exists()


def test_replacing_a_logo_deletes_the_old_file(client, seller, django_capture_on_commit_callbacks):
    files = {"0": ("variables.input.logo", png_bytes())}
    multipart(client, UPDATE_WITH_LOGO, {"input": {"logo": None}}, files, seller)
    seller.store.refresh_from_db()
    old_name = seller.store.logo.name
    assert default_storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        result = multipart(client, UPDATE_WITH_LOGO, {"input": {"logo": None}}, files, seller)
    assert result["data"]["updateStore"]["errors"] == []
    seller.store.refresh_from_db()
    assert seller.store.logo.name != old_name
    assert default_storage.exists(seller.store.logo.name)
    assert not default_storage.exists(old_name)


def test_a_bad_logo_update_changes_nothing(client, seller):
    before = accounts_state()
    result = multipart(
        client,
        UPDATE_WITH_LOGO,
        {"input": {"logo": None}},
        {"0": ("variables.input.logo", b"GIF89a....")},
        seller,
    )
    data = result["data"]["updateStore"]
    assert (data["store"], codes(data["errors"])) == (None, [("logo", "INVALID")])
    assert accounts_state() == before


# ---------------------------------------------------------------- how failures reach the client


def test_no_node_root_fields():
    query_fields = schema._schema.query_type.fields
    assert "node" not in query_fields and "nodes" not in query_fields


def test_an_unexpected_exception_is_logged_and_masked(gql, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("password=hunter2 at db.internal")

    monkeypatch.setattr(selectors, "store_visible", broken)
    with caplog.at_level("ERROR", logger="kitanda.graph"):
        result = gql('{ store(slug: "x") { slug } }', headers={"HTTP_X_REQUEST_ID": "req-42"})
    assert result == {
        "data": {"store": None},
        "errors": [
            {
                "message": "Erro interno.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["store"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
            }
        ],
    }
    assert "hunter2" not in json.dumps(result)
    [record] = [record for record in caplog.records if record.name == "kitanda.graph"]
    assert record.exc_info and "hunter2" in str(record.exc_info[1])
    assert record.request_id == "req-42"


def test_validation_errors_are_not_masked(gql):
    result = gql("{ me { password } }")
    assert "Cannot query field 'password'" in result["errors"][0]["message"]


def test_access_denied_from_the_domain_becomes_a_top_level_forbidden_error():
    error = AccessDenied("Not yours.")

    def action(source, info):
        raise error

    with pytest.raises(GraphQLError) as raised:
        _store_mutation().resolve(action, None, None)
    assert (raised.value.message, raised.value.extensions) == (error.message, {"code": "FORBIDDEN"})


def _store_mutation() -> DomainErrors:
    """The DomainErrors extension as a mutation returning StorePayload applies it."""
    extension = DomainErrors()
    extension.apply(SimpleNamespace(type=StorePayload))
    return extension


def test_domain_errors_become_payload_errors_with_api_field_names():
    def action(source, info):
        collect(
            Required("Name is required.", field="name"),
            InvalidInput("Too long.", field="description"),
            InvalidInput("Too many.", field="stock_quantity"),
        )

    result = _store_mutation().resolve(action, None, None)
    assert result.store is None
    assert [(e.field, e.message, e.code) for e in result.errors] == [
        ("name", "Name is required.", ErrorCode.REQUIRED),
        ("description", "Too long.", ErrorCode.INVALID),
        ("stockQuantity", "Too many.", ErrorCode.INVALID),
    ]


def test_the_django_admin_deactivates_and_activates_stores(client, admin, seller, other_seller):
    client.force_login(admin)
    chosen = [seller.store.pk, other_seller.store.pk]
    response = client.post(
        "/admin/accounts/store/", {"action": "deactivate_stores", "_selected_action": chosen}
    )
    assert response.status_code == 302
    assert not Store.objects.filter(pk__in=chosen, is_active=True).exists()
    client.post(
        "/admin/accounts/store/", {"action": "activate_stores", "_selected_action": [seller.store.pk]}
    )
    assert list(Store.objects.filter(is_active=True).values_list("pk", flat=True)) == [seller.store.pk]


def test_the_django_admin_store_pages_render(client, admin, seller):
    client.force_login(admin)
    assert client.get("/admin/accounts/store/add/").status_code == 200
    change = client.get(f"/admin/accounts/store/{seller.store.pk}/change/")
    assert change.status_code == 200
    assert b'name="slug"' not in change.content  # read-only once chosen
