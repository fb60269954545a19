"""The response cache is never stale after a write (graph/response_cache.py keys public answers on
the catalogue's versions, domain/catalog/versions.py): a matrix of every cached operation × every
write that production can make.

- The operations: every query of graph/operations (graph.documents.operations()) that the server's
  cache shares (anonymous, public root fields, nothing about the caller: graph/response_cache.py
  decides), and PROBES, shapes any client may send that the folder does not hold. A new operation
  joins by itself.
- The writes: WRITES, each through the entry point production uses (a service, an admin screen's
  save, a management command), on a fresh world, committed (its on-commit callbacks run).
- Each write: every operation is primed (MISS, then HIT), the write runs, then each operation's
  next answer must equal a fresh one (computed with GRAPHQL_RESPONSE_CACHE off).
- Every public function of the domain's write modules is exercised by a write (`covers`) or named
  in CHANGES_NOTHING_PUBLIC with why; whole areas whose writes no public answer shows are
  PRIVATE_MODULES. So a new write cannot be forgotten.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from freezegun import freeze_time
from graphql import FieldNode, OperationDefinitionNode, VariableNode, parse

from demo.catalogue import bulk_products
from domain.accounts import credentials, profile
from domain.accounts import services as accounts
from domain.accounts.admin import KitandaUserAdmin, StoreAdmin
from domain.accounts.models import Store, User
from domain.catalog import services as catalog
from domain.catalog import thumbnails
from domain.catalog.admin import CategoryAdmin, ProductAdmin
from domain.catalog.models import Category, Product
from domain.orders import checkout, fulfilment, stock
from domain.orders.models import Order, OrderStatus, PaymentMethod
from domain.privacy import services as privacy
from domain.promotions import coupons, sales
from domain.promotions.models import DiscountKind
from domain.reviews import services as reviews
from domain.reviews.admin import ReviewAdmin
from domain.reviews.models import Review
from graph import response_cache
from graph.documents import operations, text_sha256
from graph.request import GraphQLRequest
from graph.schema import schema

from .factories import PASSWORD, make_admin, make_seller, make_user
from .helpers import add_product, fill_cart, order_of, place, png

ROOT = Path(__file__).resolve().parents[1]

# Shapes the cache shares that graph/operations does not send: a product's detail without the
# caller's fields (ProductDetail has myReview, so it is never shared), one that reaches its store's
# other products, and a category.
PROBES = {
    "ProbeProductDetail": """query ProbeProductDetail($slug: String!) { product(slug: $slug) {
        id name slug description price stockQuantity inStock isActive onSale imageUrl thumbnailUrl
        averageRating reviewCount store { name slug description logoUrl isActive }
        category { name slug description }
        reviews(first: 10) { totalCount edges { node { rating comment authorName } } } } }""",
    "ProbeProductWithItsStoresProducts": """query ProbeProductWithItsStoresProducts($slug: String!) {
        product(slug: $slug) { id name store { name products(first: 20) { totalCount
        edges { node { slug name price inStock averageRating category { name } } } } } } }""",
    "ProbeCategory": """query ProbeCategory($slug: String!) {
        category(slug: $slug) { id name slug description } }""",
}


def shared_operations() -> dict[str, str]:
    """The folder's operations the server's cache would share, and the probes."""
    found = {}
    for name, text in operations().items():
        request = GraphQLRequest.prepared(
            text, sha256=text_sha256(text), operation_name=name, schema=schema._schema
        )
        if response_cache._shape(request).public:
            found[name] = text
    return found | PROBES


OPERATIONS = shared_operations()


def test_the_matrix_holds_the_storefronts_public_reads():
    assert {"Categories", "ProductList", "ProductReviews", "StoreList", "StoreDetail"} <= OPERATIONS.keys()
    assert "ProductDetail" not in OPERATIONS  # myReview: the caller's


@pytest.mark.parametrize(
    "name, own_version",
    [("ProductReviews", True), ("ProbeProductDetail", True), ("ProbeProductWithItsStoresProducts", False)],
)
def test_a_detail_reaching_other_products_depends_on_the_whole_catalogue(name, own_version):
    text = OPERATIONS[name]
    request = GraphQLRequest.prepared(
        text, sha256=text_sha256(text), operation_name=name, schema=schema._schema
    )
    assert (response_cache._shape(request).detail_field == "product") is own_version


# ---------------------------------------------------------------- the world and the reads


def build_world() -> SimpleNamespace:
    """A store with two products (the detail's `product` and its `neighbour`), a review of the
    product by `reviewer`, a second buyer who received it and may review it, a seller who may
    leave, an approved seller without a store, an unapproved one."""
    w = SimpleNamespace()
    w.category = catalog.category_create(name="Mel e doces", description="Do campo")
    w.other_category = catalog.category_create(name="Cafés")
    w.seller = make_seller(username="vendedor")
    w.store = w.seller.store
    w.product = add_product(w.seller, name="Mel", price="100.00", stock=10, category=w.category)
    w.neighbour = add_product(w.seller, name="Doce", price="50.00", stock=5, category=w.category)
    w.reviewer = make_user(username="leitora", first_name="Ana", last_name="Silva")
    order_of(w.reviewer, w.product, quantity=1, status=OrderStatus.DELIVERED)
    w.review = reviews.review_create(user=w.reviewer, product_id=w.product.pk, rating=4, comment="Bom")
    w.buyer = make_user(username="comprador", first_name="Rui", last_name="Costa")
    order_of(w.buyer, w.product, quantity=1, status=OrderStatus.DELIVERED)
    w.leaving = make_seller(username="saindo")
    add_product(w.leaving, name="Chá", category=w.other_category)
    w.newcomer = make_seller(username="novato", with_store=False)
    w.pending = make_seller(username="pendente", approved=False, with_store=False)
    return w


def variables_for(text: str, w: SimpleNamespace) -> dict:
    """What an operation is sent with: a root field's `slug` names the world's object of that
    kind, `first` is 20, any other variable is left out (a required one the test cannot fill fails)."""
    slugs = {"product": w.product.slug, "store": w.store.slug, "category": w.category.slug}
    (operation,) = (d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode))
    found = {}
    for root in operation.selection_set.selections:
        for argument in (root.arguments or ()) if isinstance(root, FieldNode) else ():
            if argument.name.value == "slug" and isinstance(argument.value, VariableNode):
                found[argument.value.name.value] = slugs[root.name.value]
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name == "first":
            found[name] = 20
        elif name not in found and definition.type.kind == "non_null_type":
            pytest.fail(f"tests/test_cache_freshness.py cannot fill ${name}: teach variables_for")
    return found


def answer(client, text: str, variables: dict) -> tuple[dict, str | None]:
    body = json.dumps({"query": text, "variables": variables})
    response = client.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json(), response.get("X-Cache")


def primed(client, text: str, variables: dict) -> dict:
    """The answer once the cache holds it: a detail learns its product's id from a first answer,
    so it may take a second miss."""
    seen = []
    for _ in range(3):
        result, state = answer(client, text, variables)
        assert "errors" not in result, result
        seen.append(state)
        if state == "HIT":
            return result
    raise AssertionError(f"never answered from the cache: {seen}")


# ---------------------------------------------------------------- the writes


@dataclass(frozen=True)
class Write:
    run: Callable[[SimpleNamespace], object]
    covers: tuple[Callable, ...]  # the domain functions it goes through
    shows: bool = True  # whether some public answer changes (else: nothing may change)
    prepare: Callable[[SimpleNamespace], None] | None = None  # before the cache is primed


def _admin_saves(model_admin, obj, **changes) -> None:
    """An admin screen's save of `obj` as read from the database, with `changes` typed in."""
    model = type(obj)
    edited = model.objects.get(pk=obj.pk)
    for name, value in changes.items():
        setattr(edited, name, value)
    model_admin(model, admin.site).save_model(RequestFactory().post("/admin/"), edited, None, True)


def _admin_deletes_review(w):
    ReviewAdmin(Review, admin.site).delete_model(RequestFactory().post("/admin/"), w.review)


def _a_placed_order(method=PaymentMethod.CARD):
    def prepare(w):
        fill_cart(w.buyer, (w.neighbour, 5))
        (w.order,) = place(w.buyer, payment_method=method)
        if method == PaymentMethod.REFERENCE:
            Order.objects.filter(pk=w.order.pk).update(created_at=timezone.now() - timedelta(hours=49))

    return prepare


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(size=(64, 64)), content_type="image/png")


def _sizes(w):
    catalog.product_options_set(
        seller=w.seller,
        product_id=w.product.pk,
        options=[catalog.OptionSetting(name="Tamanho", values=["P", "G"])],
    )


def _sizes_and_a_variant(w):
    _sizes(w)
    w.variant = catalog.product_variant_create(
        seller=w.seller,
        product_id=w.product.pk,
        price=Decimal("150.00"),
        stock_quantity=1,
        options=[("Tamanho", "G")],
    )


def _sale(w, *, starts_in: timedelta, lasts: timedelta = timedelta(days=1)):
    now = timezone.now()
    w.sale = sales.sale_schedule(
        seller=w.seller,
        name="Fim do mês",
        kind=DiscountKind.PERCENTAGE,
        value=Decimal("20"),
        starts_at=now + starts_in,
        ends_at=now + starts_in + lasts,
        product_ids=[w.product.pk],
    )
    return w.sale


def _first_request_after(moment: str):
    """What the first request at the sale's start or end does before it reads (graph/response_cache)."""

    def run(w):
        w.sale.refresh_from_db()
        with freeze_time(getattr(w.sale, moment) + timedelta(seconds=1)):
            assert sales.sale_boundaries_catch_up() == 1

    return run


def _coupons(w):
    w.coupon = coupons.coupon_create(
        issuer=w.seller,
        terms=coupons.CouponTerms(code="LOJA20", kind=DiscountKind.PERCENTAGE, value=Decimal("20")),
    )
    coupons.coupon_set_active(issuer=w.seller, coupon_id=w.coupon.pk, active=False)
    admin_user = make_admin(username="gestor")
    coupons.coupon_create(
        issuer=admin_user,
        terms=coupons.CouponTerms(code="KITANDA10", kind=DiscountKind.PERCENTAGE, value=Decimal("10")),
    )


def _a_coupon_on_the_cart(w):
    coupons.coupon_create(
        issuer=w.seller,
        terms=coupons.CouponTerms(code="LOJA20", kind=DiscountKind.PERCENTAGE, value=Decimal("20")),
    )
    cart = fill_cart(w.buyer, (w.neighbour, 1))
    coupons.cart_coupon_apply(cart=cart, buyer=w.buyer, code="loja20")
    coupons.cart_coupon_remove(cart=cart)


WRITES: dict[str, Write] = {
    # ---- who shows in public answers: reviewers' names, sellers' stores
    "reviewer renames themself": Write(
        lambda w: profile.profile_update(user=w.reviewer, first_name="Beatriz"), (profile.profile_update,)
    ),
    "admin renames a reviewer": Write(
        lambda w: _admin_saves(KitandaUserAdmin, w.reviewer, last_name="Mendes"), (accounts.user_save,)
    ),
    "reviewer leaves": Write(
        lambda w: privacy.account_delete(user=w.reviewer, password=PASSWORD, client_ip="10.0.0.1"),
        (privacy.account_delete,),
    ),
    "seller leaves": Write(
        lambda w: privacy.account_delete(user=w.leaving, password=PASSWORD, client_ip="10.0.0.1"),
        (privacy.account_delete, accounts.store_set_active),
    ),
    "reviewer changes only their phone": Write(
        lambda w: profile.profile_update(user=w.reviewer, phone="923456789"), (), shows=False
    ),
    "admin locks a reviewer": Write(
        lambda w: credentials.user_lock(user=w.reviewer), (credentials.user_lock,), shows=False
    ),
    "admin approves a seller": Write(
        lambda w: accounts.seller_approve(user_id=w.pending.pk), (accounts.seller_approve,), shows=False
    ),
    # ---- stores
    "store renamed": Write(
        lambda w: accounts.store_update(seller=w.seller, name="Loja do Mel", description="Nova"),
        (accounts.store_update,),
    ),
    "store logo": Write(
        lambda w: accounts.store_update(seller=w.seller, logo=_upload("logo.png")), (accounts.store_update,)
    ),
    "store opened": Write(
        lambda w: accounts.store_create(seller=w.newcomer, name="Loja Nova"), (accounts.store_create,)
    ),
    "admin deactivates a store": Write(
        lambda w: accounts.store_set_active(store_id=w.store.pk, active=False), (accounts.store_set_active,)
    ),
    "admin deletes a store without products": Write(
        lambda w: StoreAdmin(Store, admin.site).delete_model(RequestFactory().post("/admin/"), w.opened),
        (accounts.store_delete,),
        prepare=lambda w: setattr(w, "opened", accounts.store_create(seller=w.newcomer, name="Loja Breve")),
    ),
    "admin edits a store": Write(
        lambda w: _admin_saves(StoreAdmin, w.store, description="Agora com entregas"), (accounts.store_save,)
    ),
    # ---- categories
    "category created": Write(
        lambda w: catalog.category_create(name="Artesanato"), (catalog.category_create,)
    ),
    "category renamed": Write(
        lambda w: catalog.category_update(category=w.category, name="Doçaria"), (catalog.category_update,)
    ),
    "admin edits a category": Write(
        lambda w: _admin_saves(CategoryAdmin, w.category, description="Do campo e da cidade"),
        (catalog.category_update,),
    ),
    # ---- products
    "product price": Write(
        lambda w: catalog.product_update(seller=w.seller, product_id=w.product.pk, price=Decimal("120.00")),
        (catalog.product_update,),
    ),
    "product text, stock and category": Write(
        lambda w: catalog.product_update(
            seller=w.seller,
            product_id=w.product.pk,
            name="Mel puro",
            description="De Malanje",
            stock_quantity=0,
            category_id=w.other_category.pk,
        ),
        (catalog.product_update,),
    ),
    "product image and its thumbnail": Write(
        lambda w: catalog.product_update(seller=w.seller, product_id=w.product.pk, image=_upload("mel.png")),
        (
            catalog.product_update,
            thumbnails.product_thumbnail_after_commit,
            thumbnails.product_thumbnail_make,
        ),
    ),
    # ---- options and variants (w.product's default variant becomes its "P")
    "product gets options": Write(_sizes, (catalog.product_options_set,)),
    "a new variant": Write(
        lambda w: catalog.product_variant_create(
            seller=w.seller,
            product_id=w.product.pk,
            price=Decimal("90.00"),
            stock_quantity=2,
            options=[("Tamanho", "G")],
        ),
        (catalog.product_variant_create,),
        prepare=_sizes,
    ),
    "variant deactivated": Write(
        lambda w: catalog.product_variant_update(seller=w.seller, variant_id=w.variant.pk, is_active=False),
        (catalog.product_variant_update,),
        prepare=_sizes_and_a_variant,
    ),
    "variant deleted": Write(
        lambda w: catalog.product_variant_delete(seller=w.seller, variant_id=w.variant.pk),
        (catalog.product_variant_delete,),
        prepare=_sizes_and_a_variant,
    ),
    "stock set in bulk": Write(
        lambda w: catalog.variant_stock_set(
            seller=w.seller,
            settings=[catalog.StockSetting(variant_id=w.product.variants.get().pk, quantity=0)],
        ),
        (catalog.variant_stock_set,),
    ),
    "other product's price": Write(
        lambda w: catalog.product_update(seller=w.seller, product_id=w.neighbour.pk, price=Decimal("55.00")),
        (catalog.product_update,),
    ),
    "other product hidden": Write(
        lambda w: catalog.product_update(seller=w.seller, product_id=w.neighbour.pk, is_active=False),
        (catalog.product_update,),
    ),
    "other product deleted": Write(
        lambda w: catalog.product_delete(seller=w.seller, product_id=w.neighbour.pk),
        (catalog.product_delete,),
    ),
    "admin hides a product": Write(
        lambda w: _admin_saves(ProductAdmin, w.neighbour, is_active=False), (catalog.product_set_active,)
    ),
    "product created": Write(
        lambda w: add_product(w.seller, name="Geleia", category=w.category), (catalog.product_create,)
    ),
    "demo bulk products": Write(
        lambda w: bulk_products(Product.objects.count() + 2, [w.store], [w.category], StringIO()), ()
    ),
    # ---- reviews and ratings
    "review written": Write(
        lambda w: reviews.review_create(user=w.buyer, product_id=w.product.pk, rating=2, comment="Caro"),
        (reviews.review_create, reviews.product_rating_refresh),
    ),
    "review edited": Write(
        lambda w: reviews.review_update(user=w.reviewer, review_id=w.review.pk, rating=5, comment="Óptimo"),
        (reviews.review_update,),
    ),
    "review deleted": Write(
        lambda w: reviews.review_delete(user=w.reviewer, review_id=w.review.pk), (reviews.review_delete,)
    ),
    "admin edits a review": Write(
        lambda w: _admin_saves(ReviewAdmin, w.review, rating=1, comment="Mudei de ideias"),
        (reviews.product_rating_refresh,),
    ),
    "admin deletes a review": Write(_admin_deletes_review, (reviews.product_rating_refresh,)),
    # ---- promotions: a sale moves prices at its boundaries; coupons show in no public answer
    "seller schedules a sale that starts now": Write(
        lambda w: _sale(w, starts_in=-timedelta(minutes=1)),
        (sales.sale_schedule, sales.sale_boundaries_apply),
    ),
    "a scheduled sale starts (the first request after its start)": Write(
        _first_request_after("starts_at"),
        (sales.sale_boundaries_catch_up,),
        prepare=lambda w: _sale(w, starts_in=timedelta(hours=1)),
    ),
    "a running sale ends (the first request after its end)": Write(
        _first_request_after("ends_at"),
        (sales.sale_boundaries_catch_up,),
        prepare=lambda w: _sale(w, starts_in=-timedelta(minutes=1), lasts=timedelta(hours=1)),
    ),
    "seller cancels a running sale": Write(
        lambda w: sales.sale_cancel(seller=w.seller, sale_id=w.sale.pk),
        (sales.sale_cancel,),
        prepare=lambda w: _sale(w, starts_in=-timedelta(minutes=1)),
    ),
    "seller and admin issue coupons, one switched off": Write(
        _coupons, (coupons.coupon_create, coupons.coupon_set_active), shows=False
    ),
    "buyer applies a coupon and takes it off": Write(
        _a_coupon_on_the_cart, (coupons.cart_coupon_apply, coupons.cart_coupon_remove), shows=False
    ),
    # ---- stock
    "checkout takes the last units": Write(
        lambda w: place(w.buyer),
        (checkout.checkout_place, stock.stock_lock, stock.stock_take),
        prepare=lambda w: fill_cart(w.buyer, (w.neighbour, 5)),
    ),
    "order cancelled": Write(
        lambda w: fulfilment.order_cancel(actor=w.buyer, order_number=w.order.order_number),
        (fulfilment.order_cancel, stock.stock_return),
        prepare=_a_placed_order(),
    ),
    "order refunded": Write(
        lambda w: fulfilment.order_refund(actor=w.buyer, order_number=w.order.order_number),
        (fulfilment.order_refund, stock.stock_return),
        prepare=_a_placed_order(),
    ),
    "unpaid orders expire (expire_pending_orders)": Write(
        lambda w: call_command("expire_pending_orders", stdout=StringIO()),
        (fulfilment.order_expire_unpaid, stock.stock_return),
        prepare=_a_placed_order(PaymentMethod.REFERENCE),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_no_cached_answer_outlives_a_write(client, settings, write, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = build_world()
        if write.prepare:
            write.prepare(w)
    sent = {name: (text, variables_for(text, w)) for name, text in OPERATIONS.items()}
    before = {name: primed(client, text, variables) for name, (text, variables) in sent.items()}

    with django_capture_on_commit_callbacks(execute=True):
        write.run(w)

    after = {name: answer(client, text, variables)[0] for name, (text, variables) in sent.items()}
    settings.GRAPHQL_RESPONSE_CACHE = False
    fresh = {name: answer(client, text, variables)[0] for name, (text, variables) in sent.items()}
    stale = sorted(name for name in sent if after[name] != fresh[name])
    assert stale == [], f"cached answers older than the write: {stale}"
    changed = sorted(name for name in sent if fresh[name] != before[name])
    assert bool(changed) == write.shows, f"answers the write changed: {changed}"


# ---------------------------------------------------------------- no write forgotten

# Every public function of these modules writes, or is named below.
WRITE_MODULES = sorted(
    {
        *(
            ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for path in (ROOT / "domain").glob("*/services.py")
        ),
        "domain.accounts.profile",
        "domain.accounts.credentials",
        "domain.accounts.verification",
        "domain.catalog.thumbnails",
        "domain.orders.checkout",
        "domain.orders.fulfilment",
        "domain.orders.refunds",
        "domain.orders.stock",
        "domain.orders.reference_payments",
        "domain.economics.payouts",
        "domain.economics.release",
        "domain.economics.ledger",
        "domain.promotions.sales",
        "domain.promotions.coupons",
    }
)
# Areas whose writes no public answer shows (the catalogue's stock moves through domain.orders.stock).
PRIVATE_MODULES = {
    "domain.cart.services": "a cart is its owner's",
    "domain.wishlist.services": "a wishlist is its owner's",
    "domain.notifications.services": "e-mails sent",
    "domain.orders.refunds": "money owed back",
    "domain.orders.reference_payments": "payments",
    "domain.economics.payouts": "a store's money, its owner's alone",
    "domain.economics.release": "a store's money, its owner's alone",
    "domain.economics.ledger": "a store's money, its owner's alone",
    "domain.delivery.services": "addresses are their owner's; a store's zones, methods and pickup show "
    "in storeDelivery and the cart's options, which are not public catalogue reads (PUBLIC_ROOT_FIELDS): "
    "answered fresh, never cached",
    "domain.promotions.coupons": "a coupon shows to its issuer and on carts, never in a public answer "
    "(the matrix's coupon writes prove it); its discount is taken at checkout, not off a listed price",
}
CHANGES_NOTHING_PUBLIC = {
    "domain.accounts.services.email_error": "a check",
    "domain.accounts.services.password_error": "a check",
    "domain.accounts.services.user_register": "a new account shows nowhere until it reviews or sells",
    "domain.accounts.services.user_login": "last_login",
    "domain.accounts.credentials.password_confirm": "a check",
    "domain.accounts.credentials.password_change": "a password",
    "domain.accounts.credentials.password_reset_request": "an e-mail",
    "domain.accounts.credentials.password_reset": "a password",
    "domain.accounts.verification.email_verify": "an e-mail address, never public",
    "domain.accounts.verification.verification_resend": "an e-mail",
    "domain.accounts.verification.email_change": "an e-mail address, never public",
    "domain.catalog.services.category_errors": "a check",
    "domain.catalog.services.option_key": "a normalization",
    "domain.orders.checkout.order_number_new": "a number",
    "domain.orders.fulfilment.order_update_status": "an order's status; stock does not move",
    "domain.orders.fulfilment.orders_confirm_paid": "an order's status",
    "domain.orders.fulfilment.orders_paid_as_placed": "an order's status, before it is inserted",
    "domain.orders.fulfilment.order_confirm_reference_paid": "an order's status",
    "domain.orders.fulfilment.order_mark_received": "an order's status",
    "domain.privacy.services.account_export": "a read",
    "domain.promotions.sales.sale_price_of": "a computation",
    "domain.promotions.sales.next_boundary": "a read",
    "domain.promotions.sales.next_boundary_cached": "a read",
    "domain.promotions.sales.next_boundary_refresh": "the cached time of the next boundary (the key's part)",
}


# What public answers show, and whose admin screens must therefore write through services.
PUBLIC_MODELS = (User, Store, Category, Product, Review)
# Whom the admin cannot delete while a public answer shows them: a reviewer has a delivered order
# (Order.buyer is PROTECT), a seller's store protects them (Store.seller is PROTECT).
ADMIN_DELETES_NOTHING_PUBLIC = {User}


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=lambda model: model.__name__)
def test_the_admin_writes_what_the_public_sees_through_services(model):
    model_admin = type(admin.site._registry[model])
    superuser = User(is_active=True, is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = superuser
    assert model_admin.save_model is not ModelAdmin.save_model
    if model not in ADMIN_DELETES_NOTHING_PUBLIC and admin.site._registry[model].has_delete_permission(
        request
    ):
        assert model_admin.delete_model is not ModelAdmin.delete_model
        assert model_admin.delete_queryset is not ModelAdmin.delete_queryset


def test_every_write_of_the_domain_is_in_the_matrix_or_changes_nothing_public():
    covered = {
        f"{function.__module__}.{function.__name__}" for write in WRITES.values() for function in write.covers
    }
    unclassified = []
    for module_name in WRITE_MODULES:
        if module_name in PRIVATE_MODULES:
            continue
        module = importlib.import_module(module_name)
        unclassified += [
            f"{module_name}.{name}"
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module_name and not name.startswith("_")
        ]
    unclassified = [name for name in unclassified if name not in covered | CHANGES_NOTHING_PUBLIC.keys()]
    assert unclassified == [], (
        "add a write to WRITES, or say in CHANGES_NOTHING_PUBLIC why no public answer shows it"
    )
    assert not covered & CHANGES_NOTHING_PUBLIC.keys()
