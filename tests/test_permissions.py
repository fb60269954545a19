"""Who may call what, generated from the schema: every root Query and Mutation field of
graph.schema.schema must have a declared expectation for each role, so that a new operation without
one fails here. Each field is called with minimal valid arguments naming the seller's objects, and
the answer is compared with the table.

Outcomes: OK (no error at all), UNAUTHENTICATED / FORBIDDEN (the top-level code; nothing runs), or
("payload", CODE): the call is let in and the service refuses it in the payload (NOT_FOUND for
what the caller may not see, UNIQUE for a second store, ...). Every refusal, of either kind, is
shown to have changed nothing in the database.

This is the one role x operation table: the capability modules test what an allowed call does,
not again who may make it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from domain.catalog import services as catalog_services
from domain.catalog.services import OptionSetting
from domain.delivery import services as delivery_services
from domain.delivery.models import Province
from domain.promotions import coupons, sales
from domain.reviews.models import Review
from graph.schema import schema

from .conftest import ROLES, error_codes
from .factories import PASSWORD, make_category, make_product, make_seller, make_store
from .helpers import ADDRESS, PHONE, VALID_CARD, fill_cart, gid, place

pytestmark = pytest.mark.django_db

OK, UNAUTHENTICATED, FORBIDDEN = "OK", "UNAUTHENTICATED", "FORBIDDEN"


def payload(code: str) -> tuple[str, str]:
    return ("payload", code)


def roles(default, **overrides) -> dict:
    return {role: overrides.get(role, default) for role in ROLES}


ANYONE = roles(OK)
LOGGED_IN = roles(OK, anonymous=UNAUTHENTICATED)
ADMIN = roles(FORBIDDEN, anonymous=UNAUTHENTICATED, admin=OK)
BUYER = roles(FORBIDDEN, anonymous=UNAUTHENTICATED, buyer=OK)
SELLER = roles(FORBIDDEN, anonymous=UNAUTHENTICATED, unapproved_seller=OK, seller=OK, other_seller=OK)
NOT_SEEN = payload("NOT_FOUND")

# The seller's objects are named by the arguments below: "seller" owns them, "other_seller" does not.
EXPECTED = {
    "Query.me": ANYONE,
    "Query.categories": ANYONE,
    "Query.category": ANYONE,
    "Query.products": ANYONE,
    "Query.product": ANYONE,
    "Query.stores": ANYONE,
    "Query.store": ANYONE,
    "Query.cart": ANYONE,
    "Query.order": ANYONE,  # null for whoever may not see it
    "Query.myOrders": BUYER,
    "Query.myWishlist": LOGGED_IN,
    "Query.storeOrders": SELLER,
    "Query.storeProducts": SELLER,
    "Query.pendingSellers": ADMIN,
    "Mutation.register": ANYONE,
    "Mutation.tokenAuth": ANYONE,
    "Mutation.refreshToken": roles(payload("INVALID_TOKEN")),
    "Mutation.revokeToken": roles(payload("INVALID_TOKEN")),
    "Mutation.approveSeller": ADMIN,
    "Mutation.createCategory": ADMIN,
    "Mutation.deactivateStore": ADMIN,
    "Mutation.activateStore": ADMIN,
    "Mutation.createStore": {
        **ADMIN,
        "admin": FORBIDDEN,
        "unapproved_seller": FORBIDDEN,
        "seller": payload("UNIQUE"),
        "other_seller": payload("UNIQUE"),
    },
    "Mutation.updateStore": {**SELLER, "unapproved_seller": NOT_SEEN},
    "Mutation.createProduct": {**SELLER, "unapproved_seller": FORBIDDEN},
    "Mutation.updateProduct": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.deleteProduct": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.addToCart": ANYONE,
    # Anyone; only the buyer's cart holds the product, so the others have no such line.
    "Mutation.updateCartItem": roles(NOT_SEEN, buyer=OK),
    "Mutation.removeFromCart": roles(NOT_SEEN, buyer=OK),
    "Mutation.checkout": BUYER,
    "Mutation.cancelOrder": roles(NOT_SEEN, anonymous=UNAUTHENTICATED, buyer=OK, seller=OK, admin=OK),
    "Mutation.requestRefund": BUYER,
    "Mutation.updateOrderStatus": {
        **SELLER,
        "unapproved_seller": NOT_SEEN,
        "other_seller": NOT_SEEN,
        "admin": OK,
    },
    "Mutation.createReview": {**BUYER, "buyer": payload("NOT_ELIGIBLE")},  # no delivered order holds it
    # A review is public: others can see it but not change it (FORBIDDEN); admins may delete it.
    "Mutation.updateReview": roles(FORBIDDEN, anonymous=UNAUTHENTICATED, buyer=OK),
    "Mutation.deleteReview": roles(FORBIDDEN, anonymous=UNAUTHENTICATED, buyer=OK, admin=OK),
    "Mutation.addToWishlist": LOGGED_IN,
    "Mutation.removeFromWishlist": LOGGED_IN,
    "Query.exportMyData": LOGGED_IN,
    "Mutation.changePassword": roles(payload("INVALID_CREDENTIALS"), anonymous=UNAUTHENTICATED),
    "Mutation.requestPasswordReset": ANYONE,
    "Mutation.resetPassword": roles(payload("INVALID_TOKEN")),
    "Mutation.verifyEmail": roles(payload("INVALID_TOKEN")),
    "Mutation.resendVerification": LOGGED_IN,
    "Mutation.updateProfile": LOGGED_IN,
    "Mutation.changeEmail": roles(payload("INVALID_CREDENTIALS"), anonymous=UNAUTHENTICATED),
    "Mutation.deleteAccount": roles(payload("INVALID_CREDENTIALS"), anonymous=UNAUTHENTICATED),
    "Query.myStore": SELLER,  # null for a seller without a store
    "Query.payouts": ADMIN,
    "Query.storeStats": SELLER,
    "Query.platformStats": ADMIN,
    "Mutation.recordPayout": {**ADMIN, "admin": payload("NOT_ELIGIBLE")},  # nothing available yet
    "Mutation.recordAdjustment": ADMIN,
    "Mutation.setCategoryCommission": ADMIN,
    "Mutation.confirmReceipt": {**BUYER, "buyer": payload("NOT_ELIGIBLE")},  # not delivered yet
    "Mutation.setLowStockThreshold": {**SELLER, "unapproved_seller": payload("NOT_FOUND")},
    # Variants: the product's owner; anyone else sees the product, so may not change it.
    "Mutation.setProductOptions": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.createProductVariant": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.updateProductVariant": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.deleteProductVariant": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    "Mutation.setVariantStock": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": FORBIDDEN},
    # Delivery: the buyer's address book; the seller's zones, methods and pickup (another seller's are
    # not seen: NOT_FOUND); what a store offers and the provinces are public.
    "Query.provinces": ANYONE,
    "Query.storeDelivery": ANYONE,
    "Query.myAddresses": BUYER,
    "Query.myDeliveryZones": SELLER,  # empty without a store
    "Query.myStorePickup": SELLER,  # null without one
    "Mutation.createAddress": BUYER,
    "Mutation.updateAddress": BUYER,
    "Mutation.setDefaultAddress": BUYER,
    "Mutation.deleteAddress": BUYER,
    "Mutation.createDeliveryZone": {**SELLER, "unapproved_seller": FORBIDDEN},
    "Mutation.updateDeliveryZone": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.deleteDeliveryZone": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.createDeliveryMethod": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.updateDeliveryMethod": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.deleteDeliveryMethod": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.setStorePickup": {**SELLER, "unapproved_seller": FORBIDDEN},
    # Promotions: a seller's sales and coupons (another's not seen), the platform's coupons the admin's;
    # a coupon goes on the caller's own cart (no cart yet: NOT_FOUND).
    "Query.mySales": SELLER,  # empty without a store
    "Query.myCoupons": {**SELLER, "admin": OK},
    "Mutation.scheduleSale": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.cancelSale": {**SELLER, "unapproved_seller": FORBIDDEN, "other_seller": NOT_SEEN},
    "Mutation.createCoupon": {**SELLER, "unapproved_seller": FORBIDDEN, "admin": OK},
    "Mutation.setCouponActive": {
        **SELLER,
        "unapproved_seller": FORBIDDEN,
        "other_seller": NOT_SEEN,
        "admin": NOT_SEEN,
    },
    "Mutation.applyCoupon": {**roles(NOT_SEEN), "buyer": OK},
    "Mutation.removeCoupon": {**roles(NOT_SEEN), "buyer": OK},
}


def root_fields() -> list[str]:
    graphql_schema = schema._schema
    return [
        f"{root.name}.{name}"
        for root in (graphql_schema.query_type, graphql_schema.mutation_type)
        if root is not None
        for name in root.fields
    ]


def test_every_root_field_has_a_declared_expectation_for_every_role():
    assert sorted(root_fields()) == sorted(EXPECTED), "declare who may call each new root field here"
    for field, expected in EXPECTED.items():
        assert set(expected) == set(ROLES), field


@pytest.fixture
def targets(seller, other_seller, buyer):
    """What the calls name: the seller's store, product and a paid order of the buyer there, the
    buyer's review, a seller waiting for approval, and stores to switch on and off."""
    category = make_category(name="Mercearia")
    product = make_product(store=seller.store, category=category, name="Arroz", stock_quantity=20)
    reviewed = make_product(store=seller.store, category=category, name="Feijão")
    fill_cart(buyer, (product, 1))
    order = place(buyer)[0]
    fill_cart(buyer, (product, 1))  # a cart to check out
    # A shoe in sizes 40 (its former default variant) and 41; 42 is offered but not made yet.
    shoe = make_product(store=seller.store, category=category, name="Sapato")
    catalog_services.product_options_set(
        seller=seller, product_id=shoe.pk, options=[OptionSetting(name="Tamanho", values=["40", "41", "42"])]
    )
    catalog_services.product_variant_create(
        seller=seller, product_id=shoe.pk, price=Decimal("900.00"), options=[("Tamanho", "41")]
    )
    # The buyer's address, and the seller's zone with a method, in Luanda.
    luanda = Province.objects.get(code="luanda")
    address = delivery_services.address_create(
        user=buyer,
        values=delivery_services.AddressValues(
            recipient="Ana",
            phone=PHONE,
            province_id=luanda.pk,
            municipality="Luanda",
            neighbourhood="Maianga",
        ),
    )
    zone = delivery_services.delivery_zone_create(seller=seller, name="Luanda", province_ids=[luanda.pk])
    delivery_method = delivery_services.delivery_method_create(
        seller=seller,
        zone_id=zone.pk,
        values=delivery_services.MethodValues(name="Mota", fee=Decimal("1500.00"), min_days=0, max_days=1),
    )
    # The seller's sale next week and coupon.
    sale = sales.sale_schedule(
        seller=seller,
        name="Fim do mês",
        kind="percentage",
        value=Decimal("10"),
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=8),
        product_ids=[reviewed.pk],
    )
    coupon = coupons.coupon_create(
        issuer=seller, terms=coupons.CouponTerms(code="LOJA5", kind="percentage", value=Decimal("5"))
    )
    return {
        "sale": sale,
        "coupon": coupon,
        "luanda": luanda,
        "address": address,
        "zone": zone,
        "delivery_method": delivery_method,
        "shoe": shoe,
        "shoe_40": shoe.variants.get(name="40"),
        "shoe_41": shoe.variants.get(name="41"),
        "category": category,
        "product": product,
        "order": order,
        "review": Review.objects.create(product=reviewed, user=buyer, rating=4),
        "reviewed": reviewed,
        "pending": make_seller(approved=False, with_store=False, username="pending"),
        "active_store": make_store(name="Loja Activa"),
        "inactive_store": make_store(name="Loja Parada", is_active=False),
    }


def arguments(field: str, t: dict, seller) -> dict:
    """Minimal valid arguments of each root field that takes any."""
    product_id = gid(t["product"])
    return {
        "Query.category": {"slug": t["category"].slug},
        "Query.product": {"slug": t["product"].slug},
        "Query.store": {"slug": seller.store.slug},
        "Query.order": {"orderNumber": t["order"].order_number},
        "Mutation.register": {
            "input": {
                "username": "nova.conta",
                "email": "nova@example.ao",
                "password": "Mukua-Doce-2026!",
                "userType": "BUYER",
                "firstName": "Nova",
                "lastName": "Conta",
            }
        },
        "Mutation.tokenAuth": {"username": "seller", "password": PASSWORD},
        "Mutation.refreshToken": {"refreshToken": "not-a-token"},
        "Mutation.revokeToken": {"refreshToken": "not-a-token"},
        "Mutation.approveSeller": {"userId": gid(t["pending"])},
        "Mutation.createCategory": {"input": {"name": "Bebidas"}},
        "Mutation.deactivateStore": {"storeId": gid(t["active_store"])},
        "Mutation.activateStore": {"storeId": gid(t["inactive_store"])},
        "Mutation.createStore": {"input": {"name": "Nova Loja"}},
        "Mutation.updateStore": {"input": {"description": "Tudo fresco"}},
        "Mutation.createProduct": {
            "input": {"name": "Óleo", "price": "999.99", "stockQuantity": 3, "categoryId": gid(t["category"])}
        },
        "Mutation.updateProduct": {"id": product_id, "input": {"stockQuantity": 7}},
        "Mutation.deleteProduct": {"id": product_id},
        "Mutation.addToCart": {"productId": product_id},
        "Mutation.updateCartItem": {"productId": product_id, "quantity": 2},
        "Mutation.removeFromCart": {"productId": product_id},
        "Mutation.checkout": {
            "input": {
                "shippingAddress": ADDRESS,
                "contactPhone": PHONE,
                "paymentMethod": "CARD",
                "cardNumber": VALID_CARD,
            }
        },
        "Mutation.cancelOrder": {"orderNumber": t["order"].order_number},
        "Mutation.requestRefund": {"orderNumber": t["order"].order_number},
        "Mutation.updateOrderStatus": {"orderNumber": t["order"].order_number, "status": "PROCESSING"},
        "Mutation.createReview": {"input": {"productId": gid(t["reviewed"]), "rating": 5}},
        "Mutation.updateReview": {"id": gid(t["review"]), "input": {"rating": 3}},
        "Mutation.deleteReview": {"id": gid(t["review"])},
        "Mutation.addToWishlist": {"productId": product_id},
        "Mutation.removeFromWishlist": {"productId": product_id},
        "Mutation.changePassword": {"currentPassword": "wrong", "newPassword": "Nova-Senha-2026!"},
        "Mutation.requestPasswordReset": {"email": "ninguem@example.ao"},
        "Mutation.resetPassword": {"token": "not-a-token", "newPassword": "Nova-Senha-2026!"},
        "Mutation.verifyEmail": {"token": "not-a-token"},
        "Mutation.updateProfile": {"input": {"firstName": "Nova"}},
        "Mutation.changeEmail": {"newEmail": "novo@example.ao", "password": "wrong"},
        "Mutation.deleteAccount": {"password": "wrong"},
        "Query.payouts": {"storeId": gid(seller.store)},
        "Query.storeStats": {"from": "2026-11-01", "to": "2026-11-30"},
        "Query.platformStats": {"from": "2026-11-01", "to": "2026-11-30"},
        "Mutation.recordPayout": {
            "input": {"storeId": gid(seller.store), "amount": "100.00", "bankReference": "TRF-1"}
        },
        "Mutation.recordAdjustment": {
            "input": {"storeId": gid(seller.store), "amount": "50.00", "note": "Acerto"}
        },
        "Mutation.setCategoryCommission": {"categoryId": gid(t["category"]), "rate": "12.50"},
        "Mutation.confirmReceipt": {"orderNumber": t["order"].order_number},
        "Mutation.setLowStockThreshold": {"threshold": 3},
        "Mutation.setProductOptions": {
            "productId": gid(t["shoe"]),
            "options": [{"name": "Tamanho", "values": ["40", "41", "42", "43"]}],
        },
        "Mutation.createProductVariant": {
            "productId": gid(t["shoe"]),
            "input": {"price": "950.00", "options": [{"name": "Tamanho", "value": "42"}]},
        },
        "Mutation.updateProductVariant": {"id": gid(t["shoe_40"]), "input": {"stockQuantity": 4}},
        "Mutation.deleteProductVariant": {"id": gid(t["shoe_41"])},
        "Mutation.setVariantStock": {"items": [{"variantId": gid(t["shoe_40"]), "quantity": 9}]},
        "Query.storeDelivery": {"storeId": gid(seller.store)},
        "Mutation.createAddress": {"input": address_input(t)},
        "Mutation.updateAddress": {"id": gid(t["address"]), "input": address_input(t)},
        "Mutation.setDefaultAddress": {"id": gid(t["address"])},
        "Mutation.deleteAddress": {"id": gid(t["address"])},
        "Mutation.createDeliveryZone": {"input": {"name": "Sul", "provinceIds": [gid(t["luanda"])]}},
        "Mutation.updateDeliveryZone": {
            "id": gid(t["zone"]),
            "input": {"name": "Capital", "provinceIds": [gid(t["luanda"])]},
        },
        "Mutation.deleteDeliveryZone": {"id": gid(t["zone"])},
        "Mutation.createDeliveryMethod": {"zoneId": gid(t["zone"]), "input": method_input()},
        "Mutation.updateDeliveryMethod": {"id": gid(t["delivery_method"]), "input": method_input()},
        "Mutation.deleteDeliveryMethod": {"id": gid(t["delivery_method"])},
        "Mutation.setStorePickup": {
            "input": {
                "isEnabled": True,
                "provinceId": gid(t["luanda"]),
                "municipality": "Luanda",
                "address": "Rua da Missão 10",
                "openingHours": "Seg-Sex 8h-17h",
            }
        },
        "Mutation.scheduleSale": {
            "input": {
                "name": "Saldos",
                "kind": "PERCENTAGE",
                "value": "15",
                "startsAt": "2030-01-01T00:00:00+00:00",
                "endsAt": "2030-01-02T00:00:00+00:00",
                "productIds": [product_id],
            }
        },
        "Mutation.cancelSale": {"id": gid(t["sale"])},
        "Mutation.createCoupon": {"input": {"code": "FESTA", "kind": "AMOUNT", "value": "500.00"}},
        "Mutation.setCouponActive": {"id": gid(t["coupon"]), "active": False},
        "Mutation.applyCoupon": {"code": "loja5"},
    }.get(field, {})


def address_input(t: dict) -> dict:
    return {
        "recipient": "Ana Silva",
        "phone": PHONE,
        "provinceId": gid(t["luanda"]),
        "municipality": "Luanda",
        "neighbourhood": "Maianga",
    }


def method_input() -> dict:
    return {"name": "Carrinha", "fee": "2500.00", "minDays": 1, "maxDays": 2}


def document(field: str, variables: dict) -> str:
    """`query`/`mutation` calling just `field` with `variables`, typed as the schema declares its
    arguments, selecting `__typename` (and a payload's error codes)."""
    root_name, name = field.split(".")
    graphql_schema = schema._schema
    root = graphql_schema.query_type if root_name == "Query" else graphql_schema.mutation_type
    definition = root.fields[name]
    declared = ", ".join(f"${arg}: {definition.args[arg].type}" for arg in variables)
    passed = ", ".join(f"{arg}: ${arg}" for arg in variables)
    returned = definition.type
    while isinstance(returned, GraphQLNonNull | GraphQLList):
        returned = returned.of_type
    selection = ""
    if isinstance(returned, GraphQLObjectType):
        selection = "{ __typename errors { code } }" if "errors" in returned.fields else "{ __typename }"
    operation = "query" if root_name == "Query" else "mutation"
    return (
        f"{operation}{f'({declared})' if declared else ''} "
        f"{{ {name}{f'({passed})' if passed else ''} {selection} }}"
    )


def outcome(result: dict):
    if "errors" in result:
        codes = error_codes(result)
        refused = result["data"] is None or all(value is None for value in result["data"].values())
        return codes[0] if len(codes) == 1 and refused else result["errors"]  # (a nullable field is null)
    (value,) = result["data"].values()
    errors = value.get("errors") if isinstance(value, dict) else None
    return payload(errors[0]["code"]) if errors else OK


CASES = [(field, role) for field in EXPECTED for role in ROLES]


def everything() -> dict[str, list[dict]]:
    """Every row of every domain model: what a refused call must leave as it was."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for config in apps.get_app_configs()
        if config.name.startswith("domain.")
        for model in config.get_models()
    }


@pytest.mark.parametrize(("field", "role"), CASES, indirect=["role"])
def test_who_may_call_each_root_field(gql, targets, seller, field, role, request):
    expected = EXPECTED[field][request.node.callspec.params["role"]]
    variables = arguments(field, targets, seller)
    before = everything()
    result = gql(document(field, variables), variables, user=role)
    assert outcome(result) == expected, result
    if expected != OK:
        assert everything() == before, "a refused call changed the database"
