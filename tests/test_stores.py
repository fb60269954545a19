"""Stores: opened, changed, listed, switched off and on (services, the API, the Django admin), and
their logos."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from domain.accounts import services
from domain.accounts.models import Store
from domain.catalog.selectors import product_list_public
from domain.errors import AccessDenied, AlreadyExists, NotFound

from .conftest import ROLES, error_codes
from .factories import make_admin, make_product, make_seller, make_store, make_user
from .helpers import accounts_state, codes, gid, multipart, png

pytestmark = pytest.mark.django_db


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
    with django_assert_num_queries(2):  # the page, and totalCount capped at 1,001 in a query of its own
        data = gql.ok(query, {"first": count})
    assert len(data["stores"]["edges"]) == count


# ---------------------------------------------------------------- logos


def test_store_logo_upload(client, approved):
    result = multipart(
        client,
        "CreateStore",
        {"input": {"name": "Loja Com Logo", "logo": None}},
        {"input.logo": ("logo.png", png((64, 64)))},
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
        "CreateStore",
        {"input": {"name": "Loja", "logo": None}},
        {"input.logo": ("logo.png", b"<?php echo 'not an image'; ?>")},
        approved,
    )
    data = result["data"]["createStore"]
    assert (data["store"], codes(data["errors"])) == (None, [("logo", "INVALID")])
    assert not Store.objects.filter(seller=approved).exists()
    assert not (settings.MEDIA_ROOT / "stores").exists()


def test_replacing_a_logo_deletes_the_old_file(client, seller, django_capture_on_commit_callbacks):
    files = {"input.logo": ("logo.png", png((64, 64)))}
    multipart(client, "UpdateStore", {"input": {"logo": None}}, files, seller)
    seller.store.refresh_from_db()
    old_name = seller.store.logo.name
    assert default_storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        result = multipart(client, "UpdateStore", {"input": {"logo": None}}, files, seller)
    assert result["data"]["updateStore"]["errors"] == []
    seller.store.refresh_from_db()
    assert seller.store.logo.name != old_name
    assert default_storage.exists(seller.store.logo.name)
    assert not default_storage.exists(old_name)


def test_a_bad_logo_update_changes_nothing(client, seller):
    before = accounts_state()
    result = multipart(
        client,
        "UpdateStore",
        {"input": {"logo": None}},
        {"input.logo": ("logo.png", b"GIF89a....")},
        seller,
    )
    data = result["data"]["updateStore"]
    assert (data["store"], codes(data["errors"])) == (None, [("logo", "INVALID")])
    assert accounts_state() == before


# ---------------------------------------------------------------- the Django admin


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
