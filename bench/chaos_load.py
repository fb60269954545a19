"""The load of bench/chaos.py: logged-in buyers checking out (by card, or by reference that the bank
then pays through the signed webhook), anonymous shoppers browsing, and a /health/ poller, each
request counted under the phase it was sent in."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import random
import re
import threading
import time
import uuid
from collections import Counter, defaultdict

HOST = "127.0.0.1"
WEBHOOK_SECRET = "chaos-webhook-secret"
METRICS_TOKEN = "chaos-metrics-token"
CARD, ENTITY = "4111 1111 1111 1111", "11223"


class Load:
    """Buyers, shoppers and a /health/ poller against the app, counted per phase."""

    def __init__(self, port: int, data: dict):
        from graph.documents import operation

        self.port, self.data = port, data
        self.documents = {name: operation(name) for name in ("ProductList", "ProductDetail")}
        self.documents |= {name: operation(name) for name in ("AddToCart", "Checkout", "CancelOrder")}
        self.phase = "setup"
        self.lock = threading.Lock()
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.last_checkout = time.monotonic()

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[self.phase][key] += n

    def send(
        self, method: str, path: str, body: bytes | None = None, headers=None
    ) -> tuple[int | None, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body, headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return None, b""
        finally:
            connection.close()

    def graphql(self, name: str, variables: dict, token: str | None = None) -> dict | None:
        """The operation's data, or None when it got no answer, a 5xx or a masked internal error."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": self.documents[name], "variables": variables}).encode()
        status, payload = self.send("POST", "/graphql/", body, headers)
        self.count("requests")
        if status is None:
            self.count("dropped")
            return None
        if status >= 500:
            self.count("5xx")
        try:
            answer = json.loads(payload)
        except ValueError:
            return None
        codes = [(error.get("extensions") or {}).get("code") for error in answer.get("errors") or []]
        if "INTERNAL_SERVER_ERROR" in codes:
            self.count("internal errors")
            return None
        return answer.get("data") if status < 500 else None

    def checkout(self, token: str, method: str) -> list[dict]:
        """Check out; a try that got no answer is sent again once with the same idempotency key."""
        variables = {
            "input": {
                "shippingAddress": "Rua da Missão 10, Luanda",
                "contactPhone": "+244 923 456 789",
                "paymentMethod": method,
                "idempotencyKey": uuid.uuid4().hex,
            }
        }
        if method == "CARD":
            variables["input"]["cardNumber"] = CARD
        for attempt in range(2):
            self.last_checkout = time.monotonic()
            data = self.graphql("Checkout", variables, token)
            if data is not None:
                payload = data["checkout"]
                if payload["orders"]:
                    self.count("checkouts placed")
                    self.count("orders placed", len(payload["orders"]))
                    return payload["orders"]
                self.count(f"checkouts refused: {payload['errors'][0]['code']}")
                return []
            if attempt == 0:
                self.count("checkouts retried")
                time.sleep(0.5)
        self.count("checkouts unanswered")
        return []

    def pay_reference(self, order: dict) -> None:
        """The bank takes the buyer's money, then tells the app by the signed webhook (retried)."""
        from bench.chaos_gateway import bank_write  # imports the domain: after django.setup()

        transaction_id = f"BANK-{uuid.uuid4().hex[:16]}"
        reference, amount = order["payment"]["referenceNumber"], order["totalAmount"]
        bank_write("reference_paid", reference=reference, tx=transaction_id, amount=amount)
        body = json.dumps(
            {
                "event": "payment.completed",
                "entity": ENTITY,
                "referenceNumber": reference,
                "amount": amount,
                "transactionId": transaction_id,
            }
        ).encode()
        signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Kitanda-Signature": signature}
        for _ in range(10):
            status, _ = self.send("POST", "/payments/webhook/", body, headers)
            self.count("requests")
            if status is not None and status < 500:
                self.count(f"webhook {status}")
                return
            self.count("dropped" if status is None else "5xx")
            time.sleep(1)
        self.count("webhook never answered")

    def buyer(self, token: str, rng: random.Random, until: float) -> None:
        while time.monotonic() < until:
            for _ in range(rng.randint(1, 2)):
                product = rng.choice(self.data["ids"])
                self.graphql("AddToCart", {"productId": product, "quantity": rng.randint(1, 3)}, token)
            method = "REFERENCE" if rng.random() < 0.25 else "CARD"
            orders = self.checkout(token, method)
            if method == "REFERENCE":
                for order in orders:
                    self.pay_reference(order)
            elif orders and rng.random() < 0.2 and self.graphql("CancelOrder", self.number(orders), token):
                self.count("orders cancelled")
            if not orders:
                time.sleep(0.2)  # no busy loop while the app is down

    @staticmethod
    def number(orders: list[dict]) -> dict:
        return {"orderNumber": orders[0]["orderNumber"]}

    def shopper(self, rng: random.Random, until: float) -> None:
        while time.monotonic() < until:
            sort = rng.choice(["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME"])
            if self.graphql("ProductList", {"first": rng.choice([5, 10, 20]), "sort": sort}) is None:
                time.sleep(0.2)
            self.graphql("ProductDetail", {"slug": rng.choice(self.data["slugs"])})

    def health(self, until: float) -> None:
        while time.monotonic() < until:
            status, payload = self.send("GET", "/health/")
            try:
                state = json.loads(payload)["status"] if status else "no answer"
            except (ValueError, KeyError):
                state = f"HTTP {status}"
            self.count(f"health {state}")
            time.sleep(0.5)

    def reads(self) -> dict[str, float]:
        """SQL reads per database alias so far, summed over the workers (/metrics/)."""
        status, payload = self.send("GET", "/metrics/", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        reads: dict[str, float] = defaultdict(float)
        if status == 200:
            pattern = r'^kitanda_db_queries_total\{database="([^"]+)",kind="read"\} ([0-9.e+]+)$'
            for alias, value in re.findall(pattern, payload.decode(), re.M):
                reads[alias] += float(value)
        return reads

    def run(self, name: str, seconds: float, buyers: int, shoppers: int) -> None:
        self.phase = name
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self.buyer, args=(token, random.Random(n), until))
            for n, token in enumerate(self.data["tokens"][:buyers])
        ]
        threads += [
            threading.Thread(target=self.shopper, args=(random.Random(-n), until)) for n in range(shoppers)
        ]
        threads.append(threading.Thread(target=self.health, args=(until,)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
