"""Run by tests/test_replicas.py in its own process, configured (DATABASE_URL, DATABASE_REPLICA_URLS)
for a throwaway primary and its streaming replica: what each kind of caller reads while the replica
lags on purpose (its replay paused). Prints one JSON object of findings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from graphql_jwt.shortcuts import get_token  # noqa: E402
from prometheus_client import REGISTRY  # noqa: E402

from domain.orders.models import Order  # noqa: E402
from graph.documents import operations  # noqa: E402
from tests import factories  # noqa: E402
from tests.helpers import gid  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402


def graphql(client: Client, name: str, variables: dict | None = None, user=None) -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {get_token(user)}"} if user is not None else {}
    body = json.dumps({"query": operations()[name], "variables": variables or {}})
    result = client.post("/graphql/", body, content_type="application/json", **headers).json()
    assert "errors" not in result, result
    return result["data"]


def catalogue(client: Client, user=None) -> list[str]:
    return sorted(
        edge["node"]["slug"] for edge in graphql(client, "ProductList", user=user)["products"]["edges"]
    )


def reads(alias: str) -> float:
    return REGISTRY.get_sample_value("kitanda_db_queries_total", {"database": alias, "kind": "read"}) or 0


def main() -> dict:
    cluster = Cluster(
        base=Path(sys.argv[3]), ports={"primary": int(sys.argv[1]), "replica": int(sys.argv[2])}
    )
    call_command("migrate", verbosity=0)  # the primary only: the replica follows through the WAL
    seller = factories.make_seller(username="seller")
    buyer = factories.make_user(username="buyer")
    old = factories.make_product(store=seller.store, slug="old-product", stock_quantity=5)
    cluster.caught_up()
    cluster.replay(paused=True)  # from here on the replica lags behind every write
    factories.make_product(store=seller.store, slug="new-product", stock_quantity=5)
    client = Client()
    found = {"anonymous_before": catalogue(client), "buyer_before": catalogue(client, buyer)}

    replica_reads = reads("replica1")
    found["anonymous_used_replica"] = (
        catalogue(client) == ["old-product"] and reads("replica1") > replica_reads
    )

    graphql(client, "AddToCart", {"productId": gid("Product", old.pk)}, user=buyer)
    checkout = graphql(
        client,
        "Checkout",
        {
            "input": {
                "shippingAddress": "Rua 1, Luanda",
                "contactPhone": "+244923456789",
                "paymentMethod": "CARD",
                "cardNumber": "4111111111111111",
            }
        },
        user=buyer,
    )["checkout"]
    number = checkout["orders"][0]["orderNumber"]
    found["checkout_errors"] = checkout["errors"]
    found["my_orders"] = [
        edge["node"]["orderNumber"] for edge in graphql(client, "MyOrders", user=buyer)["myOrders"]["edges"]
    ]
    found["order_number"] = number
    found["buyer_after_writing"] = catalogue(client, buyer)  # pinned to the primary: sees the new product
    found["anonymous_after"] = catalogue(client)
    found["order_on_primary"] = Order.objects.using("default").filter(order_number=number).exists()
    found["order_on_replica"] = Order.objects.using("replica1").filter(order_number=number).exists()
    cluster.replay(paused=False)
    cluster.caught_up()
    found["anonymous_caught_up"] = catalogue(client)
    found["order_on_replica_caught_up"] = Order.objects.using("replica1").filter(order_number=number).exists()
    found["reads"] = {"primary": reads("default"), "replica": reads("replica1")}
    # The replica goes down: catalogue reads go back to the primary (the router's circuit breaker).
    connections.close_all()
    cluster.stop("replica")
    found["anonymous_replica_down"] = catalogue(client)
    found["anonymous_replica_down_again"] = catalogue(client)
    connections.close_all()
    return found


if __name__ == "__main__":
    print(json.dumps(main()))
