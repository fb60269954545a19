"""Promotions (issue 23): sales on a schedule and coupons, their rules tested on the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time

from domain.catalog.models import Product, ProductVariant
from domain.catalog.selectors import ProductSort, product_search
from domain.errors import DomainError, ErrorCode
from domain.promotions import coupons, sales
from domain.promotions.models import Coupon, CouponRedemption, DiscountKind, SaleItem, SaleState
from graph.schema import schema  # built before any frozen clock (freezegun's dates are not dates)

from . import factories
from .helpers import add_product, default_variant, fill_cart

D = Decimal
START = datetime(2027, 3, 8, 0, 0, tzinfo=UTC)  # Dia da Mulher
END = START + timedelta(days=1)


def price_of(product) -> tuple[D, D | None, D]:
    variant = default_variant(product)
    return variant.price, variant.compare_at_price, Product.objects.get(pk=product.pk).price


@pytest.fixture
def goods(seller, category):
    return [
        add_product(seller, name="Capulana", price="10000.00", stock=9, category=category),
        add_product(seller, name="Cesto", price="4000.00", stock=9, category=category),
    ]


def schedule(seller, products, **changes):
    arguments = {
        "seller": seller,
        "name": "Dia da Mulher",
        "kind": DiscountKind.PERCENTAGE,
        "value": D("20"),
        "starts_at": START,
        "ends_at": END,
        "product_ids": [product.pk for product in products],
    }
    return sales.sale_schedule(**(arguments | changes))


# ---------------------------------------------------------------- sales


def test_a_sale_starts_and_ends_on_time_without_a_worker(seller, goods):
    capulana, cesto = goods
    with freeze_time(START - timedelta(hours=1)):
        sale = schedule(seller, [capulana])
        assert sale.state == SaleState.SCHEDULED
        assert sales.sale_boundaries_catch_up() == 0
        assert price_of(capulana) == (D("10000.00"), None, D("10000.00"))
        assert cache.get(sales.NEXT_BOUNDARY) == START.timestamp()
    with freeze_time(START - timedelta(microseconds=1)):
        assert sales.sale_boundaries_catch_up() == 0
    with freeze_time(START):
        assert sales.sale_boundaries_catch_up() == 1  # the first reader at the start moves it
        assert sales.sale_boundaries_catch_up() == 0  # once
        assert price_of(capulana) == (D("8000.00"), D("10000.00"), D("8000.00"))
        assert price_of(cesto) == (D("4000.00"), None, D("4000.00"))
        assert cache.get(sales.NEXT_BOUNDARY) == END.timestamp()
        # Listings, price filters and sorting read the products' own columns: the window's price.
        cheap = product_search(max_price=D("8000.00"), sort=ProductSort.PRICE_ASC)
        assert [product.name for product in cheap] == ["Cesto", "Capulana"]
    with freeze_time(END):
        assert sales.sale_boundaries_catch_up() == 1
        assert price_of(capulana) == (D("10000.00"), None, D("10000.00"))
        assert [product.name for product in product_search(max_price=D("8000.00"))] == ["Cesto"]
        assert cache.get(sales.NEXT_BOUNDARY) == sales.NO_BOUNDARY
    sale.refresh_from_db()
    assert sale.state == SaleState.ENDED
    assert not SaleItem.objects.filter(open=True).exists()


def test_a_new_price_sale_on_one_variant_and_a_compare_at_price_kept(seller, goods):
    capulana, _ = goods
    variant = default_variant(capulana)
    ProductVariant.objects.filter(pk=variant.pk).update(compare_at_price=D("12000.00"))
    with freeze_time(START):
        schedule(
            seller, [], product_ids=[], variant_ids=[variant.pk], kind=DiscountKind.AMOUNT, value=D("7500")
        )
        assert price_of(capulana) == (D("7500.00"), D("10000.00"), D("7500.00"))
    with freeze_time(END + timedelta(minutes=5)):  # nobody read at the end itself: the next reader
        assert sales.sale_boundaries_catch_up() == 1
        assert price_of(capulana) == (D("10000.00"), D("12000.00"), D("10000.00"))


def test_a_price_the_seller_changed_during_the_sale_stays_after_it(seller, goods):
    capulana, _ = goods
    with freeze_time(START):
        schedule(seller, [capulana])
        ProductVariant.objects.filter(product=capulana).update(price=D("9000.00"))
    with freeze_time(END):
        sales.sale_boundaries_catch_up()
        assert price_of(capulana)[:2] == (D("9000.00"), None)


def test_a_sale_cancelled_while_running_puts_the_prices_back(seller, goods):
    capulana, _ = goods
    with freeze_time(START):
        sale = schedule(seller, [capulana])
        sales.sale_cancel(seller=seller, sale_id=sale.pk)
        assert price_of(capulana) == (D("10000.00"), None, D("10000.00"))
        assert cache.get(sales.NEXT_BOUNDARY) == sales.NO_BOUNDARY
        with pytest.raises(DomainError):
            sales.sale_cancel(seller=seller, sale_id=sale.pk)


def test_a_sale_is_refused_plainly(seller, other_seller, goods, category):
    capulana, cesto = goods
    theirs = add_product(other_seller, name="Outro", price="100.00", category=category)
    with freeze_time(START - timedelta(days=1)):
        schedule(seller, [capulana])
        cases = [
            ({"product_ids": [capulana.pk]}, ErrorCode.IN_USE, "product_ids"),
            ({"product_ids": [theirs.pk]}, ErrorCode.NOT_FOUND, "product_ids"),
            ({"product_ids": [cesto.pk], "value": D("100")}, ErrorCode.INVALID, "value"),
            (
                {"product_ids": [cesto.pk], "kind": DiscountKind.AMOUNT, "value": D("4000")},
                ErrorCode.INVALID,
                "value",
            ),
            ({"product_ids": [cesto.pk], "ends_at": START}, ErrorCode.INVALID, "ends_at"),
            ({"product_ids": []}, ErrorCode.REQUIRED, "product_ids"),
        ]
        for changes, code, field in cases:
            with pytest.raises(DomainError) as refused:
                schedule(seller, [], **changes)
            assert (refused.value.code, refused.value.field) == (code, field), changes
        assert SaleItem.objects.count() == 1


# ---------------------------------------------------------------- the discount's split


@pytest.mark.parametrize(
    "total, weights, expected",
    [
        (D("10.00"), [D("1"), D("1"), D("1")], [D("3.34"), D("3.33"), D("3.33")]),
        (D("0.02"), [D("5"), D("3"), D("2")], [D("0.01"), D("0.01"), D("0.00")]),
        (D("100.00"), [D("100.00")], [D("100.00")]),
        (D("1000.00"), [D("8000.00"), D("4000.00"), D("3.00")], [D("666.50"), D("333.25"), D("0.25")]),
    ],
)
def test_the_discount_is_split_by_largest_remainder_to_the_centimo(total, weights, expected):
    shares = coupons.discount_split(total, list(enumerate(weights)))
    assert [shares[i] for i in range(len(weights))] == expected
    assert sum(shares.values()) == total


def test_no_share_exceeds_its_line():
    weights = [(i, D(w)) for i, w in enumerate(["0.01", "0.01", "999.98"])]
    shares = coupons.discount_split(D("1000.00"), weights)
    assert all(shares[key] <= weight for key, weight in weights)


# ---------------------------------------------------------------- coupons


def terms(code="KITANDA10", **changes):
    return coupons.CouponTerms(
        code=code,
        kind=changes.pop("kind", DiscountKind.PERCENTAGE),
        value=changes.pop("value", D("10")),
        **changes,
    )


def test_codes_are_case_insensitive_and_unique_per_issuer(seller, other_seller, admin):
    coupons.coupon_create(issuer=seller, terms=terms("Festa-2026"))
    with pytest.raises(DomainError) as taken:
        coupons.coupon_create(issuer=seller, terms=terms("FESTA-2026"))
    assert (taken.value.code, taken.value.field) == (ErrorCode.UNIQUE, "code")
    coupons.coupon_create(issuer=other_seller, terms=terms("festa-2026"))  # another issuer
    coupons.coupon_create(issuer=admin, terms=terms("festa-2026"))
    assert Coupon.objects.filter(code_key="FESTA-2026").count() == 3


def test_bad_terms_are_all_reported(seller, buyer):
    with pytest.raises(DomainError) as refused:
        coupons.coupon_create(
            issuer=seller,
            terms=terms("x", value=D("150"), min_spend=D("-1"), max_uses=0, category_ids=(1,)),
        )
    fields = sorted(problem.field for problem in refused.value.errors)
    assert fields == ["category_ids", "code", "max_uses", "min_spend", "value"]
    with pytest.raises(DomainError) as refused:
        coupons.coupon_create(issuer=buyer, terms=terms())
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_store_coupon_applies_to_its_store_only_and_shows_per_store(
    seller, other_seller, buyer, goods, category
):
    capulana, cesto = goods
    theirs = add_product(other_seller, name="Livro", price="5000.00", category=category)
    coupons.coupon_create(issuer=seller, terms=terms("LOJA10"))
    cart = fill_cart(buyer, (capulana, 1), (cesto, 2), (theirs, 1))
    shown = coupons.cart_coupon_apply(cart=cart, buyer=buyer, code=" loja10 ")
    assert shown.by_store == {seller.store.pk: D("1800.00")}
    again = coupons.cart_discount(cart=cart, buyer=buyer)
    assert (again.code, again.by_store, again.problem) == ("LOJA10", {seller.store.pk: D("1800.00")}, None)
    coupons.cart_coupon_remove(cart=cart)
    assert coupons.cart_discount(cart=cart, buyer=buyer) is None


def test_a_platform_coupon_spans_stores_or_its_categories(admin, seller, other_seller, buyer, goods):
    capulana, _ = goods
    books = factories.make_category(name="Livros")
    theirs = add_product(other_seller, name="Livro", price="5000.00", category=books)
    cart = fill_cart(buyer, (capulana, 1), (theirs, 1))
    coupons.coupon_create(issuer=admin, terms=terms("TUDO", kind=DiscountKind.AMOUNT, value=D("1500")))
    shown = coupons.cart_coupon_apply(cart=cart, buyer=buyer, code="tudo")
    assert shown.by_store == {seller.store.pk: D("1000.00"), other_seller.store.pk: D("500.00")}
    coupons.coupon_create(issuer=admin, terms=terms("LIVROS", category_ids=(books.pk,)))
    shown = coupons.cart_coupon_apply(cart=cart, buyer=buyer, code="livros")
    assert shown.by_store == {other_seller.store.pk: D("500.00")}


def test_a_coupon_that_does_not_apply_says_why_and_changes_nothing(admin, buyer, other_buyer, goods):
    capulana, _ = goods
    cart = fill_cart(buyer, (capulana, 1))
    now = timezone.now()
    cases = [
        # the messages in the default language (pt-AO), as a request without Accept-Language reads them
        (terms("OFF", is_active=False) if False else terms("OFF"), {"is_active": False}, "já não é válido"),
        (terms("SOON", starts_at=now + timedelta(days=1)), {}, "ainda não é válido"),
        (
            terms("GONE", ends_at=now - timedelta(seconds=1), starts_at=now - timedelta(days=1)),
            {},
            "já não é válido",
        ),
        (terms("BIG", min_spend=D("10000.01")), {}, "pelo menos 10000.01"),
        (terms("USED", max_uses=1), {"uses": 1}, "limite de utilizações"),
    ]
    for coupon_terms, changes, words in cases:
        coupon = coupons.coupon_create(issuer=admin, terms=coupon_terms)
        Coupon.objects.filter(pk=coupon.pk).update(**changes) if changes else None
        with pytest.raises(DomainError) as refused:
            coupons.cart_coupon_apply(cart=cart, buyer=buyer, code=coupon_terms.code)
        assert refused.value.code == ErrorCode.NOT_ELIGIBLE and words in str(refused.value.message), words
    with pytest.raises(DomainError) as unknown:
        coupons.cart_coupon_apply(cart=cart, buyer=buyer, code="NOPE")
    assert unknown.value.code == ErrorCode.NOT_FOUND
    assert coupons.cart_discount(cart=cart, buyer=buyer) is None
    # The minimum spend is on the eligible goods at their price now: exactly 10,000 passes.
    coupons.coupon_create(issuer=admin, terms=terms("EXACT", min_spend=D("10000.00")))
    coupons.cart_coupon_apply(cart=cart, buyer=buyer, code="exact")


def test_uses_per_buyer_are_the_accounts_and_first_order_only(admin, buyer, goods):
    capulana, _ = goods
    once = coupons.coupon_create(issuer=admin, terms=terms("UMA", max_uses_per_buyer=1))
    first = coupons.coupon_create(issuer=admin, terms=terms("PRIMEIRA", first_order_only=True))
    lines = [
        coupons.DiscountLine(
            key=1, store_id=capulana.store_id, category_id=capulana.category_id, amount=D("100")
        )
    ]
    coupons.coupon_redeem(buyer=buyer, checkout_id=1, code="uma", lines=lines)
    buyer.email = "another@example.ao"  # a new address is the same account
    buyer.save()
    with pytest.raises(DomainError) as refused:
        coupons.coupon_redeem(buyer=buyer, checkout_id=2, code="UMA", lines=lines)
    assert "as vezes todas" in str(refused.value.message)
    assert coupons.coupon_release(checkout_id=1) == 1
    assert coupons.coupon_release(checkout_id=1) == 0  # once
    coupons.coupon_redeem(buyer=buyer, checkout_id=3, code="UMA", lines=lines)
    once.refresh_from_db()
    assert once.uses == 1
    assert CouponRedemption.objects.filter(coupon=once).count() == 2
    coupons.coupon_redeem(buyer=buyer, checkout_id=4, code="primeira", lines=lines)
    first.refresh_from_db()
    assert first.uses == 1


# ---------------------------------------------------------------- the window through the API


PRODUCTS = 'query { products(sort: PRICE_ASC, maxPrice: "8000.00") { edges { node { name price } } } }'


def test_no_cached_answer_of_before_the_start_is_served_after_it(gql, client, seller, goods):
    assert schema is not None
    capulana, _ = goods
    with freeze_time(START - timedelta(minutes=1)):
        schedule(seller, [capulana])
        first = client.post("/graphql/", {"query": PRODUCTS}, content_type="application/json")
        again = client.post("/graphql/", {"query": PRODUCTS}, content_type="application/json")
        assert (first["X-Cache"], again["X-Cache"]) == ("MISS", "HIT")
        assert [edge["node"]["name"] for edge in again.json()["data"]["products"]["edges"]] == ["Cesto"]
    with freeze_time(START):
        during = client.post("/graphql/", {"query": PRODUCTS}, content_type="application/json")
        assert during["X-Cache"] == "MISS"
        nodes = [edge["node"] for edge in during.json()["data"]["products"]["edges"]]
        assert nodes == [{"name": "Cesto", "price": "4000.00"}, {"name": "Capulana", "price": "8000.00"}]
    with freeze_time(END):
        after = gql.ok(PRODUCTS)
        assert [edge["node"]["name"] for edge in after["products"]["edges"]] == ["Cesto"]


def test_the_cached_answer_expires_at_the_next_boundary():
    from graph.response_cache import Plan, answer_ttl

    assert answer_ttl(Plan(public=True, boundary=1000.0), now=990.0) == 10
    assert answer_ttl(Plan(public=True, boundary=1000.0), now=1000.5) == 1
    assert answer_ttl(Plan(public=True, boundary=None), now=0) > 10


def test_a_seller_schedules_and_cancels_a_sale_through_the_api(gql, seller, other_seller, goods):
    capulana, _ = goods
    from .helpers import gid

    created = gql(
        """mutation ($input: SaleInput!) { scheduleSale(input: $input) {
             sale { id name kind value state variantCount } errors { field code } } }""",
        {
            "input": {
                "name": "Fim do mês",
                "kind": "PERCENTAGE",
                "value": "25",
                "startsAt": "2000-01-01T00:00:00+00:00",
                "endsAt": (timezone.now() + timedelta(days=2)).isoformat(),
                "productIds": [gid(capulana)],
            }
        },
        user=seller,
    )["data"]["scheduleSale"]
    assert created["errors"] == []
    assert created["sale"] | {"id": None} == {
        "id": None,
        "name": "Fim do mês",
        "kind": "PERCENTAGE",
        "value": "25.00",
        "state": "RUNNING",
        "variantCount": 1,
    }
    assert price_of(capulana) == (D("7500.00"), D("10000.00"), D("7500.00"))
    refused = gql(
        "mutation ($id: ID!) { cancelSale(id: $id) { errors { field code } } }",
        {"id": created["sale"]["id"]},
        user=other_seller,
    )["data"]["cancelSale"]
    assert refused["errors"] == [{"field": "saleId", "code": "NOT_FOUND"}]
    gql(
        "mutation ($id: ID!) { cancelSale(id: $id) { sale { state } } }",
        {"id": created["sale"]["id"]},
        user=seller,
    )
    assert price_of(capulana) == (D("10000.00"), None, D("10000.00"))


def test_a_buyer_applies_a_code_and_sees_the_discount_per_store(
    gql, admin, seller, other_seller, buyer, goods, category
):
    capulana, _ = goods
    theirs = add_product(other_seller, name="Livro", price="5000.00", category=category)
    fill_cart(buyer, (capulana, 1), (theirs, 1))
    coupons.coupon_create(issuer=admin, terms=terms("KITANDA", kind=DiscountKind.AMOUNT, value=D("3000")))
    applied = gql(
        """mutation { applyCoupon(code: "kitanda") { discount { code amount platformFunded stores { store { name } amount } }
             cart { subtotal discount { amount problem } } errors { code } } }""",
        user=buyer,
    )["data"]["applyCoupon"]
    assert applied["errors"] == []
    assert applied["discount"] == {
        "code": "KITANDA",
        "amount": "3000.00",
        "platformFunded": True,
        "stores": sorted(
            [
                {"store": {"name": seller.store.name}, "amount": "2000.00"},
                {"store": {"name": other_seller.store.name}, "amount": "1000.00"},
            ],
            key=lambda row: row["store"]["name"] != seller.store.name,
        ),
    }
    assert applied["cart"] == {"subtotal": "15000.00", "discount": {"amount": "3000.00", "problem": None}}
    Coupon.objects.update(is_active=False)
    shown = gql.ok("query { cart { discount { code amount problem } } }", user=buyer)
    assert shown["cart"]["discount"] == {
        "code": "KITANDA",
        "amount": "0.00",
        "problem": "Este cupão já não é válido.",  # the default language, pt-AO
    }
    removed = gql.ok("mutation { removeCoupon { cart { discount { code } } errors { code } } }", user=buyer)
    assert removed["removeCoupon"] == {"cart": {"discount": None}, "errors": []}
