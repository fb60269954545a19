"""Fuzz: every mutation of graph/operations, sent through /graphql/ with values drawn from its
variables' types (and deliberately wrong ones): odd unicode, NUL, lone surrogates, huge strings and
numbers, nulls, missing fields, wrong types. Never a 5xx, never INTERNAL_SERVER_ERROR, and an
answer with errors has changed nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    parse,
    type_from_ast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.cart.models import Cart
from domain.catalog import services as catalog_services
from domain.catalog.services import OptionSetting
from domain.delivery import services as delivery_services
from domain.delivery.models import Province
from domain.orders.models import OrderStatus
from domain.promotions import coupons, sales
from domain.promotions.models import DiscountKind
from domain.reviews.models import Review
from graph.auth import token_pair_issue
from graph.documents import operations
from graph.schema import schema

from .conftest import error_codes
from .factories import make_category, make_product, make_seller
from .helpers import fill_cart, gid, place

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MUTATION = 15

# Who sends each mutation: a caller who gets past the permission check, so the inputs are what is tested.
CALLERS = {
    "Register": None,
    "Login": None,
    "Refresh": None,
    "Logout": None,
    "ApproveSeller": "admin",
    "CreateCategory": "admin",
    "DeactivateStore": "admin",
    "ActivateStore": "admin",
    "CreateStore": "new_seller",
    "UpdateStore": "seller",
    "CreateProduct": "seller",
    "UpdateProduct": "seller",
    "DeleteProduct": "seller",
    "UpdateOrderStatus": "seller",
    "AddToCart": None,
    "UpdateCartItem": "buyer",
    "RemoveFromCart": "buyer",
    "Checkout": "buyer",
    "CancelOrder": "buyer",
    "RequestRefund": "buyer",
    "CreateReview": "buyer",
    "UpdateReview": "buyer",
    "DeleteReview": "buyer",
    "AddToWishlist": "buyer",
    "RemoveFromWishlist": "buyer",
    "ChangePassword": "buyer",
    "RequestPasswordReset": None,
    "ResetPassword": None,
    "VerifyEmail": None,
    "ResendVerification": "buyer",
    "UpdateProfile": "buyer",
    "ChangeEmail": "buyer",
    "DeleteAccount": "buyer",
    "ConfirmReceipt": "buyer",
    "SetCategoryCommission": "admin",
    "RecordPayout": "admin",
    "RecordAdjustment": "admin",
    "SetLowStockThreshold": "seller",
    "SetProductOptions": "seller",
    "CreateProductVariant": "seller",
    "UpdateProductVariant": "seller",
    "DeleteProductVariant": "seller",
    "SetVariantStock": "seller",
    "AddVariantToCart": None,
    "UpdateCartVariant": "buyer",
    "RemoveCartVariant": "buyer",
    "CreateAddress": "buyer",
    "UpdateAddress": "buyer",
    "SetDefaultAddress": "buyer",
    "DeleteAddress": "buyer",
    "CheckoutWithDelivery": "buyer",
    "CreateDeliveryZone": "seller",
    "UpdateDeliveryZone": "seller",
    "DeleteDeliveryZone": "seller",
    "CreateDeliveryMethod": "seller",
    "UpdateDeliveryMethod": "seller",
    "DeleteDeliveryMethod": "seller",
    "SetStorePickup": "seller",
    "ScheduleSale": "seller",
    "CancelSale": "seller",
    "CreateCoupon": "seller",
    "SetCouponActive": "seller",
    "CreatePlatformCoupon": "admin",
    "ApplyCoupon": "buyer",
    "RemoveCoupon": "buyer",
}


def mutation_names() -> list[str]:
    names = []
    for name, text in operations().items():
        (operation,) = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
        if operation.operation == OperationType.MUTATION:
            names.append(name)
    return sorted(names)


def test_every_mutation_of_the_operations_is_fuzzed():
    assert set(mutation_names()) == set(CALLERS)


# ---------------------------------------------------------------- strategies from the schema

LONE_SURROGATES = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
STRINGS = st.one_of(
    st.text(max_size=40),
    st.text(max_size=40),
    st.text(st.characters(codec=None), max_size=40),  # any code point but surrogates
    st.sampled_from(["", " ", "\u200b", "\ufeff", "😀" * 3, "İ", "\u212a", "a" * 100_001, "é" * 5_000]),
)
# Refused as a whole by the endpoint (BAD_USER_INPUT), wherever they are: drawn among the broken values.
WITH_NUL = st.builds(lambda s: f"a{s}\x00b", st.text(max_size=5))
WITH_SURROGATE = st.builds(lambda a, s: a + s, st.text(max_size=5), LONE_SURROGATES)
INTS = st.one_of(
    st.integers(-3, 120), st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**64), 10**30])
)
DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6).map(
        str
    ),
    st.sampled_from(
        ["0", "-1", "1e1000", "1E-1000", "NaN", "Infinity", "-0", "0.001", "12,5", "1" * 60, "abc"]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    INTS,
)
DATETIMES = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
    st.sampled_from(["2000-01-01T00:00:00+00:00", "2099-12-31T23:59:59Z", "2026-02-30T00:00:00", "ontem"]),
)
WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.just({"a": 1}),
    WITH_NUL,
    WITH_SURROGATE,
)


def value_of(graphql_type, name: str, hints: dict, *, broken: bool) -> st.SearchStrategy:
    """Values for a variable or input field of this type. Well typed: nulls only where allowed,
    required input fields present. Broken: also nulls, wrong types, NUL characters, missing fields
    anywhere (the document is then refused before anything runs)."""
    if isinstance(graphql_type, GraphQLNonNull):
        right = _right(graphql_type.of_type, name, hints, broken=broken)
        return st.one_of(right, right, WRONG_TYPES) if broken else right
    right = _right(graphql_type, name, hints, broken=broken)
    return st.one_of(st.none(), right, right, *([WRONG_TYPES] if broken else []))


def _right(graphql_type, name: str, hints: dict, *, broken: bool) -> st.SearchStrategy:
    if isinstance(graphql_type, GraphQLList):
        return st.lists(value_of(graphql_type.of_type, name, hints, broken=broken), max_size=3)
    if isinstance(graphql_type, GraphQLEnumType):
        return st.sampled_from(list(graphql_type.values)) | (STRINGS if broken else st.nothing())
    if isinstance(graphql_type, GraphQLInputObjectType):
        fields = {
            field_name: value_of(field.type, field_name, hints, broken=broken)
            for field_name, field in graphql_type.fields.items()
        }
        required = {
            k: v for k, v in fields.items() if isinstance(graphql_type.fields[k].type, GraphQLNonNull)
        }
        optional = {k: v for k, v in fields.items() if k not in required}
        whole = st.fixed_dictionaries(required, optional=optional)
        return whole | st.fixed_dictionaries({}, optional=fields) if broken else whole
    assert isinstance(graphql_type, GraphQLScalarType), graphql_type
    known = st.sampled_from(hints[name]) if hints.get(name) else st.nothing()
    by_scalar = {
        "String": STRINGS,
        "ID": st.one_of(st.sampled_from(hints["ids"]), STRINGS),
        "Int": INTS,
        "Decimal": DECIMALS,
        "Boolean": st.booleans(),
        "Upload": st.none(),
        "DateTime": st.one_of(DATETIMES, STRINGS),
    }
    return st.one_of(known, known, by_scalar[graphql_type.name])


def variables_of(operation_name: str, hints: dict) -> st.SearchStrategy:
    """Mostly well-typed variables (they reach the services), sometimes broken ones."""
    (operation,) = [
        d for d in parse(operations()[operation_name]).definitions if isinstance(d, OperationDefinitionNode)
    ]
    types = {
        definition.variable.name.value: type_from_ast(schema._schema, definition.type)
        for definition in operation.variable_definitions
    }

    def variables(broken: bool) -> st.SearchStrategy:
        values = {name: value_of(kind, name, hints, broken=broken) for name, kind in types.items()}
        if broken:
            return st.fixed_dictionaries({}, optional=values)
        required = {name: v for name, v in values.items() if isinstance(types[name], GraphQLNonNull)}
        return st.fixed_dictionaries(
            required, optional={n: v for n, v in values.items() if n not in required}
        )

    typed = variables(broken=False)
    return st.one_of(typed, typed, typed, variables(broken=True))


# ---------------------------------------------------------------- the world and its snapshot


def written_by_the_api(model) -> bool:
    """Every model of ours (domain/), and the refresh tokens of django-graphql-jwt."""
    return model.__module__.startswith("domain.") or model._meta.app_label == "refresh_token"


# Refusals that write on purpose: a revoked refresh token presented again revokes its whole family
# (graph/auth.py, the README), so those refusals may set `revoked` on the family's tokens, nothing else.
WRITES_ON_REFUSAL = {
    "Refresh": {"refresh_token.RefreshToken": "revoked"},
    "Logout": {"refresh_token.RefreshToken": "revoked"},
}


def snapshot(operation_name: str) -> dict:
    """Every row of every table the API writes to (but a column a refusal may set on purpose)."""
    ignored = WRITES_ON_REFUSAL.get(operation_name, {})
    rows = {}
    for model in apps.get_models():
        if not written_by_the_api(model):
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.name != ignored.get(model._meta.label)]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return rows


def make_world(users: dict) -> dict:
    """Objects the fuzzed ids, order numbers, codes and tokens may name, and the values to try."""
    seller, buyer = users["seller"], users["buyer"]
    category = make_category(name="Mercearia")
    products = [make_product(store=seller.store, category=category, stock_quantity=50) for _ in range(2)]
    foreign = make_product(store=make_seller().store)
    fill_cart(buyer, (products[0], 1), (foreign, 1))
    order = place(buyer)[0]
    delivered = place_delivered(buyer, products[1])
    review = Review.objects.create(product=products[1], user=buyer, rating=4, comment="Bom")
    anonymous_cart = Cart.objects.create(cart_code="fuzz-cart-code-" + "x" * 30)
    # A shoe with sizes, two of them made: the variants' ids, names and values to try.
    shoe = make_product(store=seller.store, category=category, stock_quantity=5)
    catalog_services.product_options_set(
        seller=seller, product_id=shoe.pk, options=[OptionSetting(name="Tamanho", values=["40", "41", "42"])]
    )
    catalog_services.product_variant_create(
        seller=seller, product_id=shoe.pk, price=Decimal("900.00"), options=[("Tamanho", "41")], sku="SAP-41"
    )
    variants = [*shoe.variants.all(), *products[0].variants.all(), *foreign.variants.all()]
    # Delivery: the buyer's address in Huambo, the seller's zone there with a method, provinces.
    huambo, luanda = Province.objects.get(code="huambo"), Province.objects.get(code="luanda")
    address = delivery_services.address_create(
        user=buyer,
        values=delivery_services.AddressValues(
            recipient="Ana",
            phone="+244923456789",
            province_id=huambo.pk,
            municipality="Huambo",
            neighbourhood="Benfica",
        ),
    )
    zone = delivery_services.delivery_zone_create(seller=seller, name="Planalto", province_ids=[huambo.pk])
    method = delivery_services.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=delivery_services.MethodValues(
            name="Normal", fee=Decimal("3500.00"), min_days=3, max_days=7, free_from=Decimal("50000.00")
        ),
    )
    fill_cart(buyer, (products[0], 1))  # a cart for CheckoutWithDelivery
    # Promotions: a sale of the seller's running, a store coupon and a platform coupon.
    sale = sales.sale_schedule(
        seller=seller,
        name="Fim do mês",
        kind=DiscountKind.PERCENTAGE,
        value=Decimal("10"),
        starts_at=datetime.now(UTC),
        ends_at=datetime.now(UTC) + timedelta(days=1),
        product_ids=[products[1].pk],
    )
    store_coupon, platform_coupon = (
        coupons.coupon_create(
            issuer=issuer,
            terms=coupons.CouponTerms(code=code, kind=DiscountKind.PERCENTAGE, value=Decimal("10")),
        )
        for issuer, code in ((seller, "LOJA10"), (users["admin"], "KITANDA10"))
    )
    ids = (
        [gid(p) for p in (*products, foreign, shoe)]
        + [gid(v) for v in variants]
        + [
            gid(seller.store),
            gid(foreign.store),
            gid(users["new_seller"]),
            gid(buyer),
            gid(category),
            gid(review),
            gid(huambo),
            gid(luanda),
            gid(address),
            gid(zone),
            gid(method),
            gid(sale),
            gid(store_coupon),
            gid(platform_coupon),
            gid("Address", 10**9),
            gid("Product", 10**12),
            gid("Review", -1),
        ]
    )
    return {
        "ids": ids,
        "orderNumber": [order.order_number, delivered.order_number, "KT-AAAAA-AAAAA"],
        "cartCode": [anonymous_cart.cart_code],
        "refreshToken": [token_pair_issue(user=buyer).refresh_token],
        "status": list(OrderStatus.values),
        "username": ["buyer", "seller", "buyer@example.ao", "nova.conta"],
        "email": ["nova@example.ao", "BUYER@example.ao"],
        "password": ["Kitanda-Pass-2026!", "Mukua-Doce-2026!"],
        "cardNumber": ["4111 1111 1111 1111", "4000 0000 0000 0002"],
        "contactPhone": ["+244 923 456 789"],
        "phoneNumber": ["923456789", "900000000"],
        "price": ["1500.00", "0.01"],
        "name": ["Tamanho", "tamanho", "Cor"],
        "value": ["40", "41", "42", "Preto"],
        "values": ["40", "41", "42", "Preto"],
        "sku": ["SAP-41", "SAP-42"],
        "quantity": [0, 3, 5],
        "expectedQuantity": [0, 5],
        "phone": ["+244 923 456 789", "923456789", "+351912345678"],
        "recipient": ["Ana Silva"],
        "municipality": ["Huambo", "Luanda"],
        "neighbourhood": ["Benfica", "Maianga"],
        "fee": ["0", "1500.00", "3500.00"],
        "expectedFee": ["0.00", "3500.00"],
        "minDays": [0, 3],
        "maxDays": [1, 7],
        "freeFrom": ["50000.00"],
        "code": ["LOJA10", "kitanda10", "KITANDA10", "NADA"],
        "minSpend": ["1000.00"],
        "maxUses": [1, 10],
        "maxUsesPerBuyer": [1],
    }


def place_delivered(buyer, product):
    fill_cart(buyer, (product, 1))
    order = place(buyer)[0]
    type(order).objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    return order


def payload_errors(data: dict | None) -> list:
    return [
        error
        for value in (data or {}).values()
        if isinstance(value, dict)
        for error in value.get("errors") or []
    ]


@pytest.fixture
def fuzz_world(settings, admin, buyer, seller):
    # The throttles would soon answer RATE_LIMITED to everything: the inputs are what is tested.
    settings.LOGIN_THROTTLE_LIMIT = settings.LOGIN_THROTTLE_IP_LIMIT = settings.REGISTER_THROTTLE_LIMIT = (
        10**6
    )
    users = {"admin": admin, "buyer": buyer, "seller": seller}
    users["new_seller"] = make_seller(with_store=False, username="newstore")
    return users, make_world(users)


@pytest.mark.parametrize("operation_name", sorted(CALLERS))
def test_fuzzed_mutation_inputs_are_answered_cleanly_and_refusals_change_nothing(
    gql, fuzz_world, operation_name
):
    users, hints = fuzz_world
    caller = users.get(CALLERS[operation_name])

    @settings(
        max_examples=EXAMPLES_PER_MUTATION,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(variables=variables_of(operation_name, hints))
    def one_call(variables):
        before = snapshot(operation_name)
        result = gql.op(operation_name, variables, user=caller)  # asserts HTTP 200 or 400
        assert "INTERNAL_SERVER_ERROR" not in error_codes(result), result
        if result.get("errors") or payload_errors(result.get("data")):
            assert snapshot(operation_name) == before, result

    one_call()
