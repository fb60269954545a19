"""One home per rule, read from the code: a valid amount and a valid rate are decided in
domain/money.py, the ledger is written in domain/economics/ledger.py, an order's status moves in
domain/orders/fulfilment.py, the client IP is worked out by the HTTP layer, and a login that merges
a cart is one domain service. Each test names the home and fails on a second one."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from backend.client_ip import ClientIpMiddleware
from domain.money import MAX_AMOUNT, AmountFault, amount_fault, percentage

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_MODULES = sorted(path for path in (ROOT / "domain").rglob("*.py") if "migrations" not in path.parts)


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _root_name(node: ast.AST) -> str | None:
    """`LedgerEntry` of `LedgerEntry.objects.filter(...).create`."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


# ---------------------------------------------------------------- money: domain/money.py


def test_amounts_and_rates_are_checked_and_rounded_in_money_only():
    """Whole cents, MAX_AMOUNT and two decimals half-up are domain/money.py's (amount_fault,
    percentage, money_round); the settings read a rate through percentage too."""
    elsewhere = []
    for path in [*DOMAIN_MODULES, ROOT / "backend" / "settings.py"]:
        if path == ROOT / "domain" / "money.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _called_name(node) in {"quantize", "is_cents"}:
                elsewhere.append(f"{_where(path, node)} calls {_called_name(node)}")
            elif isinstance(node, ast.Compare) and "MAX_AMOUNT" in _names(node):
                elsewhere.append(f"{_where(path, node)} compares with MAX_AMOUNT")
    assert elsewhere == [], "\n".join(elsewhere)


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        ("0.01", None),
        ("12.5", None),
        (str(MAX_AMOUNT), None),
        ("0", AmountFault.NOT_POSITIVE),
        ("-3", AmountFault.NOT_POSITIVE),
        ("NaN", AmountFault.NOT_POSITIVE),
        ("Infinity", AmountFault.NOT_POSITIVE),
        ("10000000000", AmountFault.TOO_LARGE),
        ("1E+400", AmountFault.TOO_LARGE),
        ("1.005", AmountFault.NOT_CENTS),
        ("1E-400", AmountFault.NOT_CENTS),
    ],
)
def test_a_valid_amount_of_kwanza(value, fault):
    assert amount_fault(Decimal(value)) is fault


@pytest.mark.parametrize(
    ("value", "rate"),
    [("0", "0.00"), ("14", "14.00"), ("12.5", "12.50"), ("100", "100.00"), ("100.01", None), ("-1", None)],
)
def test_a_valid_percentage(value, rate):
    found = percentage(Decimal(value))
    assert (None if found is None else str(found)) == rate
    assert percentage(Decimal("1.005")) is None and percentage(Decimal("NaN")) is None


# ---------------------------------------------------------------- the ledger: domain/economics/ledger.py

WRITES = {
    "create",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "update",
    "bulk_update",
    "delete",
    "save",
}


def test_the_ledger_is_written_in_ledger_py_only():
    writes = [
        f"{_where(path, node)} {_called_name(node)}"
        for path in DOMAIN_MODULES
        if path != ROOT / "domain" / "economics" / "ledger.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "LedgerEntry")  # a new entry
            or (_called_name(node) in WRITES and _root_name(node.func) == "LedgerEntry")
        )
    ]
    assert writes == [], "\n".join(writes)


# ---------------------------------------------------------------- order status: domain/orders/fulfilment.py


def _status_write(node: ast.AST) -> bool:
    """`x.status = OrderStatus...`, `.update(status=OrderStatus...)` or a call of order_status_set."""
    if isinstance(node, ast.Assign):
        targets = [
            target
            for assigned in node.targets
            for target in (assigned.elts if isinstance(assigned, ast.Tuple) else [assigned])
        ]
        return "OrderStatus" in _names(node.value) and any(
            isinstance(target, ast.Attribute) and target.attr == "status" for target in targets
        )
    if isinstance(node, ast.Call):
        if _called_name(node) in {"order_status_set", "_order_status_set"}:
            return True
        return _called_name(node) == "update" and any(
            keyword.arg == "status" and "OrderStatus" in _names(keyword.value) for keyword in node.keywords
        )
    return False


def test_an_orders_status_moves_in_fulfilment_only():
    writes = [
        _where(path, node)
        for path in DOMAIN_MODULES
        if path != ROOT / "domain" / "orders" / "fulfilment.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if _status_write(node)
    ]
    assert writes == [], "\n".join(writes)


# ---------------------------------------------------------------- the client IP: backend/client_ip.py


def test_the_client_ip_is_worked_out_by_the_http_layer_only():
    """X-Forwarded-For is read in backend/client_ip.py alone; the domain takes the IP as a string."""
    readers = [
        str(path.relative_to(ROOT))
        for path in [*DOMAIN_MODULES, *sorted((ROOT / "graph").rglob("*.py"))]
        if "X_FORWARDED_FOR" in path.read_text() or "REMOTE_ADDR" in path.read_text()
    ]
    assert readers == [], "\n".join(readers)


def test_every_request_carries_its_client_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = []
    middleware = ClientIpMiddleware(lambda request: seen.append(request.client_ip) or HttpResponse())
    middleware(RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7"))
    assert seen == ["10.0.0.7"]
    # Before the throttled views: the GraphQL endpoint and the admin's login.
    assert "backend.client_ip.ClientIpMiddleware" in settings.MIDDLEWARE


# ---------------------------------------------------------------- login and cart merge: domain/cart/services.py


def test_no_resolver_opens_a_transaction():
    """A write's transaction is its domain service's (tokenAuth's login and cart merge: cart_login);
    graph/auth.py, the tokens' own store, is the one module of graph/ that writes in one."""
    opened = [
        _where(path, node)
        for path in sorted((ROOT / "graph").rglob("*.py"))
        if path != ROOT / "graph" / "auth.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "atomic"
    ]
    assert opened == [], "\n".join(opened)


@pytest.mark.django_db
def test_a_login_merges_the_anonymous_cart_and_issues_its_session_in_one_transaction(buyer):
    from domain.cart.models import Cart
    from domain.cart.services import cart_login
    from domain.errors import InvalidCredentials

    from .factories import PASSWORD, make_product
    from .helpers import cart_line

    anonymous = Cart.objects.create(cart_code="c" * 32)
    product = make_product()
    cart_line(anonymous, product, 2)

    def broken(*, user):
        raise RuntimeError("token store down")

    with pytest.raises(RuntimeError):
        cart_login(login="buyer", password=PASSWORD, client_ip="10.0.0.1", cart_code="c" * 32, session=broken)
    assert Cart.objects.filter(cart_code="c" * 32).exists() and not Cart.objects.filter(user=buyer).exists()
    buyer.refresh_from_db()
    assert buyer.last_login is None
    with pytest.raises(InvalidCredentials):
        cart_login(login="buyer", password="wrong", client_ip="10.0.0.1", cart_code="c" * 32, session=broken)

    cart, session = cart_login(
        login="buyer",
        password=PASSWORD,
        client_ip="10.0.0.1",
        cart_code="c" * 32,
        session=lambda user: user.pk,
    )
    assert session == buyer.pk and cart.user_id == buyer.pk
    assert list(cart.items.values_list("product_id", "quantity")) == [(product.pk, 2)]
    assert not Cart.objects.filter(cart_code="c" * 32).exists()


# ---------------------------------------------------------------- the cart's tables: domain/cart/services.py


def test_the_carts_tables_are_written_by_the_cart_services_only():
    """Checkout takes the buyer's lines through cart_lines_locked and cart_lines_remove; an account
    that leaves deletes its cart through cart_delete_for_user."""
    writes = [
        f"{_where(path, node)} {_root_name(node.func)}.{_called_name(node)}"
        for path in DOMAIN_MODULES
        if not path.is_relative_to(ROOT / "domain" / "cart")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and _called_name(node) in WRITES
        and _root_name(node.func) in {"Cart", "CartItem"}
    ]
    assert writes == [], "\n".join(writes)
