"""Inputs an attacker shapes (issue 20, item 11): names hold no control characters or line breaks,
whichever name it is; Decimal inputs are numbers as JSON writes them, nothing Python's Decimal()
forgives besides; stored images keep no comment and no colour profile."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from domain.accounts.models import Store, User
from domain.catalog.models import Category, Product
from domain.images import image_prepare
from domain.money import decimal_from_text
from domain.text import name_error

from .factories import make_category, make_product, make_seller
from .helpers import gid, world
from .test_payments import paid, pending, post, webhook_secret  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# Each beside visible characters: CR, LF, CRLF, ESC (a terminal colour), TAB, DEL, a C1 control,
# and Unicode's line and paragraph separators.
CONTROLLED = [
    "Ana\rSilva",
    "Ana\nSilva",
    "Loja\r\nNova",
    "Loja \x1b[31mVermelha",
    "Mel\tdoce",
    "Arroz\x7f",
    "Feij\x85o",
    "Linha\u2028dois",
    "Par\u2029dois",
]


@pytest.mark.parametrize("value", CONTROLLED)
def test_a_name_with_a_control_character_is_refused(value):
    error = name_error(value, field="name", label="Name", max_length=100)
    assert (error.code.value, error.field) == ("INVALID", "name")
    assert error.message == "Name não pode conter caracteres de controlo nem quebras de linha."


def payload_errors(result: dict) -> list[tuple]:
    (payload,) = result["data"].values()
    return [(error["field"], error["code"]) for error in payload["errors"]]


def name_inputs(seller, admin):
    """Every input that names someone or something, as (operation, variables, user, field)."""
    product = make_product(store=seller.store)
    newcomer = make_seller(with_store=False, username="newcomer")
    register = {
        "username": "ana",
        "email": "ana@example.ao",
        "password": "uma-senha-longa-2026",
        "userType": "BUYER",
        "firstName": "Ana",
        "lastName": "Silva",
    }
    product_input = {"name": "X", "price": "10.00", "stockQuantity": 1, "categoryId": gid(make_category())}
    return [
        ("Register", lambda bad: {"input": register | {"firstName": bad}}, None, "firstName"),
        ("Register", lambda bad: {"input": register | {"lastName": bad}}, None, "lastName"),
        ("UpdateProfile", lambda bad: {"input": {"firstName": bad}}, seller, "firstName"),
        ("UpdateProfile", lambda bad: {"input": {"lastName": bad}}, seller, "lastName"),
        ("CreateStore", lambda bad: {"input": {"name": bad}}, newcomer, "name"),
        ("UpdateStore", lambda bad: {"input": {"name": bad}}, seller, "name"),
        ("CreateProduct", lambda bad: {"input": product_input | {"name": bad}}, seller, "name"),
        ("UpdateProduct", lambda bad: {"id": gid(product), "input": {"name": bad}}, seller, "name"),
        ("CreateCategory", lambda bad: {"input": {"name": bad}}, admin, "name"),
    ]


def names_stored() -> tuple:
    return (
        sorted(User.objects.values_list("first_name", "last_name")),
        sorted(Store.objects.values_list("name", flat=True)),
        sorted(Product.objects.values_list("name", flat=True)),
        sorted(Category.objects.values_list("name", flat=True)),
    )


@pytest.mark.parametrize("bad", ["Nome\r\nBcc: x@example.ao", "Nome\x1b]0;x\x07"])
def test_every_name_input_refuses_control_characters_and_writes_nothing(gql, seller, admin, bad):
    inputs = name_inputs(seller, admin)
    before = names_stored()
    for operation, variables, user, field in inputs:
        result = gql.op(operation, variables(bad), user=user)
        assert payload_errors(result) == [(field, "INVALID")], (operation, result)
    assert names_stored() == before


# ---------------------------------------------------------------- Decimal inputs


@pytest.mark.parametrize(
    ("value", "number"),
    [("10.50", "10.50"), ("-1", "-1"), (".5", "0.5"), ("1e3", "1E+3"), (85000, "85000"), (12.5, "12.5")],
)
def test_numbers_as_json_writes_them_are_decimals(value, number):
    assert str(decimal_from_text(value)) == number


@pytest.mark.parametrize(
    "value", ["1_000", " 5", "5 ", "\t5", "\u0665", "\uff15", "sNaN", "", "0x10", True, None]
)
def test_what_only_pythons_decimal_forgives_is_no_decimal(value):
    assert decimal_from_text(value) is None


def refused(result: dict) -> bool:
    """Refused before anything ran: no data, an error naming the Decimal."""
    return result["data"] is None and "Decimal" in result["errors"][0]["message"]


@pytest.mark.parametrize("price", ["1_000", " 5", "5\n", "\u0665"])
def test_the_api_refuses_loose_decimal_spellings(gql, seller, price):
    assert refused(gql.op("ProductList", {"minPrice": price}))
    escaped = price.encode("unicode_escape").decode()
    assert refused(gql(f'{{ products(minPrice: "{escaped}", first: 1) {{ totalCount }} }}'))
    created = gql.op(
        "CreateProduct",
        {"input": {"name": "X", "price": price, "stockQuantity": 1, "categoryId": gid(make_category())}},
        user=seller,
    )
    assert refused(created)
    assert not Product.objects.exists()


@pytest.mark.parametrize("amount", ["85_000.00", " 85000.00", "85000.00\n", "\u0668\u0665000"])
def test_the_payment_webhook_refuses_loose_amounts(client, pending, amount):  # noqa: F811
    before = world()
    assert post(client, paid(pending, amount=amount)).status_code == 400
    assert world() == before
    assert post(client, paid(pending)).status_code == 200  # the amount as JSON writes it


def test_the_api_still_takes_numbers_and_their_text(gql):
    for price in ["5", "5.00", 5, 5.5]:
        assert "errors" not in gql.op("ProductList", {"minPrice": price})


# ---------------------------------------------------------------- images


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def upload(fmt: str, **save) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 40)).save(out, fmt, **save)
    return SimpleUploadedFile(f"photo.{fmt.lower()}", out.getvalue())


def markers(data: bytes) -> list[str]:
    """The JPEG's application and comment segments, by name."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return [name for name, _ in getattr(image, "applist", [])]


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [
        ("JPEG", {"comment": b"secret: Rua 5, Luanda"}),
        ("PNG", {}),
        ("WEBP", {}),
    ],
)
def test_stored_images_keep_no_comment_and_no_colour_profile(fmt, extra):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret: Rua 5, Luanda")
    save = {"icc_profile": srgb_profile(), **extra, **({"pnginfo": info} if fmt == "PNG" else {})}
    stored = image_prepare(upload(fmt, **save), field="image").image.read()
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert set(image.info) & {"comment", "icc_profile", "Comment", "exif", "xmp"} == set()
        assert image.getpixel((10, 10))[:3] == pytest.approx((200, 30, 40), abs=6)
    assert b"secret" not in stored
    if fmt == "JPEG":
        assert [name for name in markers(stored) if name in ("COM", "APP2", "APP1")] == []
