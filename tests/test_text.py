"""Text people will read: names must show something, and may not reorder the text around them."""

import pytest

from domain.accounts.models import Store, User
from domain.catalog.models import Product
from domain.errors import ErrorCode
from domain.text import name_error

from .factories import make_category, make_seller
from .helpers import gid

pytestmark = pytest.mark.django_db

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200b\u200c\u200d\u2060",  # zero-width (non-)joiners, word joiner
    "\u00ad\u00ad",  # soft hyphens
    "\u3164",  # Hangul filler
    "\u115f\u1160",  # Hangul choseong/jungseong fillers
    "\u2800",  # braille blank
    "\u200e\u200f",  # bidi marks alone
    "\ufeff",  # byte order mark
    "\u0301\u0308",  # combining marks with nothing to sit on
    "\u3000\u2003",  # ideographic and em spaces
]
BIDI = ["Loja\u202eatnemem", "\u202aLoja", "Mel\u2066 de\u2069 Malanje", "\u202dX\u202c"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_name_without_a_visible_character_is_refused(value):
    error = name_error(value, field="name", label="Name", max_length=100)
    assert (error.code, error.field) == (ErrorCode.INVALID, "name")


@pytest.mark.parametrize("value", BIDI)
def test_bidi_embeddings_overrides_and_isolates_are_refused(value):
    error = name_error(value, field="name", label="Name", max_length=100)
    assert (error.code, error.message) == (
        ErrorCode.INVALID,
        "Name não pode conter caracteres de controlo bidireccional.",
    )


@pytest.mark.parametrize(
    "value", ["Café do Amboim", "电子产品", "محل", "João\u200dNeto", "Ñ", "A\u0301", "x"]
)
def test_real_names_in_any_script_pass(value):
    assert name_error(value, field="name", label="Name", max_length=100) is None


def test_the_api_refuses_invisible_names_and_writes_nothing(gql, seller):
    newcomer = make_seller(with_store=False, username="newcomer")
    store = gql.op("CreateStore", {"input": {"name": "\u200b\u3164"}}, user=newcomer)["data"]["createStore"]
    product = gql.op(
        "CreateProduct",
        {
            "input": {
                "name": "\u00ad",
                "price": "10.00",
                "stockQuantity": 1,
                "categoryId": gid(make_category()),
            }
        },
        user=seller,
    )["data"]["createProduct"]
    for payload in (store, product):
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", "INVALID")]
    assert (Store.objects.count(), Product.objects.count()) == (1, 0)


def test_registration_refuses_invisible_people_names(gql):
    data = gql.op(
        "Register",
        {
            "input": {
                "username": "ana",
                "email": "ana@example.ao",
                "password": "uma-senha-longa-2026",
                "userType": "BUYER",
                "firstName": "\u200b",
                "lastName": "Sil\u202eva",
            }
        },
    )["data"]["register"]
    assert sorted((e["field"], e["code"]) for e in data["errors"]) == [
        ("firstName", "INVALID"),
        ("lastName", "INVALID"),
    ]
    assert not User.objects.exists()
