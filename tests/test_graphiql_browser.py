"""GraphiQL in a real browser: headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) opens /graphql/ on a live server (tests/live.py: HTTP and websockets on one origin), types
the ProductList query and runs it, sets an Authorization header in the Headers editor and runs `me`;
both results must appear. Then a subscription: a new buyer's myOrderUpdates, run over GraphiQL's
websocket fetcher with the buyer's token from the Headers editor, shows the buyer's REFERENCE order
(replayed), then, live, its payment by the signed webhook. Screenshots are saved under $ARTIFACTS_DIR
(default artifacts/). Skipped, saying why, where selenium, chromium
or chromedriver is missing (.ci/run installs the last two when it can)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from graph.documents import operation

from .live import ROOT, WEBHOOK_SECRET

BROWSER_TIMEOUT = 60
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"
TOOL_EDITORS = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


def chromium_or_skip() -> tuple[str, str]:
    pytest.importorskip("selenium", reason="selenium is not installed (requirements-dev.txt)")
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed "
            "(apt-get install -y chromium chromium-driver; .ci/run does it as root when it can)"
        )
    return browser, driver


@pytest.fixture
def browser():
    binary, driver_path = chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(argument)
    # The driver is given, so Selenium Manager never tries to download one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(BROWSER_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR") or ROOT / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def graphql(url: str, name: str, variables: dict | None = None, token: str | None = None) -> dict:
    """One of the project's operations (graph/operations), POSTed; its data."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = post_json(f"{url}/graphql/", {"query": operation(name), "variables": variables or {}}, headers)
    assert not answer.get("errors"), answer
    return answer["data"]


def login(url: str, username: str, password: str = "kitanda-demo-2026") -> str:
    return graphql(url, "Login", {"username": username, "password": password})["tokenAuth"]["token"]


def demo_buyer_token(url: str) -> str:
    return login(url, "demo-buyer")


def new_buyer_with_a_reference_order(url: str) -> tuple[str, dict]:
    """A new buyer's token, and its REFERENCE order (PENDING) of one product."""
    username, password = f"graphiql-{os.getpid()}-{time.monotonic_ns()}", "Kizomba-graphiql-2026"
    registered = graphql(
        url,
        "Register",
        {
            "input": {
                "username": username,
                "email": f"{username}@example.ao",
                "password": password,
                "userType": "BUYER",
                "firstName": "Njinga",
                "lastName": "Teste",
            }
        },
    )["register"]
    assert registered["errors"] == [], registered
    token = login(url, username, password)
    product = graphql(url, "ProductList", {"first": 1, "inStock": True})["products"]["edges"][0]["node"]
    assert (
        graphql(url, "AddToCart", {"productId": product["id"], "quantity": 1}, token)["addToCart"]["errors"]
        == []
    )
    checkout = graphql(
        url,
        "Checkout",
        {
            "input": {
                "shippingAddress": "Rua Direita 1, Luanda",
                "contactPhone": "923000111",
                "paymentMethod": "REFERENCE",
            }
        },
        token,
    )["checkout"]
    assert checkout["errors"] == [], checkout
    return token, checkout["orders"][0]


def pay_by_webhook(server, order: dict) -> None:
    """The bank's payment of a REFERENCE order, signed as the gateway signs it."""
    body = {
        "event": "payment.completed",
        "entity": server.env.get("PAYMENT_REFERENCE_ENTITY", "11223"),
        "referenceNumber": order["payment"]["referenceNumber"],
        "amount": order["totalAmount"],
        "transactionId": f"BANK-{order['orderNumber']}",
    }
    raw = json.dumps(body).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{server.url}/payments/webhook/",
        data=raw,
        headers={"Content-Type": "application/json", "X-Kitanda-Signature": f"sha256={signature}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.load(response)["status"] == "confirmed"


class GraphiQLPage:
    """GraphiQL's editors, typed into and read as a person would use them."""

    def __init__(self, browser, url: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.browser, self.by = browser, By
        self.wait = WebDriverWait(browser, BROWSER_TIMEOUT)
        browser.get(f"{url}/graphql/")
        self.wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, QUERY_EDITOR))

    def editor_text(self, selector: str) -> str:
        return self.browser.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.CodeMirror.getValue() : '';",
            selector,
        )

    def type_into(self, selector: str, text: str) -> None:
        """Click the editor, select all, delete, and type `text` key by key, as a person would."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.browser.find_element(self.by.CSS_SELECTOR, selector).click()
        ActionChains(self.browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
        ActionChains(self.browser).send_keys(Keys.DELETE).send_keys(text).perform()
        assert self.editor_text(selector) == text  # GraphiQL's bracket closing and hints changed nothing

    def tab(self, name: str) -> None:
        self.browser.find_element(self.by.XPATH, f"//button[normalize-space()='{name}']").click()

    def run_and_read(self, expected: str) -> dict:
        """Run the editor's operation; GraphiQL picks the operation name up from the edited text a
        moment after typing, so a run that still names the previous operation is run again."""
        for _ in range(10):
            self.browser.find_element(self.by.CSS_SELECTOR, ".graphiql-execute-button").click()
            self.wait.until(lambda _: expected in self.response() or "Unknown operation" in self.response())
            if expected in self.response():
                return json.loads(self.response())
            time.sleep(0.5)
        raise AssertionError(f"GraphiQL kept answering: {self.response()}")

    def subscribe_and_read(self, expected: str) -> dict:
        """Start the editor's subscription: its button turns into Stop while it runs (a click may
        first only close the editor's hints, so it is clicked until it does), then read `expected`."""
        from selenium.common.exceptions import StaleElementReferenceException

        button = (self.by.CSS_SELECTOR, ".graphiql-execute-button")
        for _ in range(10):
            try:
                if (self.browser.find_element(*button).get_attribute("aria-label") or "").startswith("Stop"):
                    break
                self.browser.find_element(*button).click()
            except StaleElementReferenceException:  # re-rendered meanwhile (turning into Stop): look again
                pass
            time.sleep(1)
        self.wait.until(lambda _: expected in self.response())
        return json.loads(self.response())

    def response(self) -> str:
        return self.editor_text(RESPONSE)

    def screenshot(self, name: str) -> None:
        screenshot = artifacts_dir() / name
        self.browser.save_screenshot(str(screenshot))
        print(f"screenshot: {screenshot}")


def test_graphiql_runs_product_list_then_me_with_a_header(browser, kitanda_server):
    page = GraphiQLPage(browser, kitanda_server.url)
    try:
        # The storefront's ProductList, typed on one line, with its page size in the Variables editor.
        page.type_into(QUERY_EDITOR, " ".join(operation("ProductList").split()))
        page.tab("Variables")
        page.type_into(TOOL_EDITORS, '{"first": 3, "sort": "PRICE_ASC"}')
        products = page.run_and_read('"totalCount"')["data"]["products"]
        assert products["totalCount"] >= 50 and len(products["edges"]) == 3
        prices = [float(edge["node"]["price"]) for edge in products["edges"]]
        assert prices == sorted(prices)
        page.screenshot("graphiql-product-list.png")

        # A logged-in query: the token goes in the Headers editor.
        page.tab("Headers")
        token = demo_buyer_token(kitanda_server.url)
        page.type_into(TOOL_EDITORS, json.dumps({"Authorization": f"Bearer {token}"}))
        page.type_into(QUERY_EDITOR, "query Me { me { username userType } }")
        me = page.run_and_read('"username"')["data"]["me"]
        assert me == {"username": "demo-buyer", "userType": "BUYER"}
    finally:
        page.screenshot("graphiql.png")


def test_graphiql_runs_a_subscription_and_shows_the_payment_live(browser, kitanda_server):
    token, order = new_buyer_with_a_reference_order(kitanda_server.url)
    number = order["orderNumber"]
    page = GraphiQLPage(browser, kitanda_server.url)
    try:
        # The Headers editor's token goes in connection_init: myOrderUpdates is the buyer's own.
        page.tab("Headers")
        page.type_into(TOOL_EDITORS, json.dumps({"Authorization": f"Bearer {token}"}))
        page.type_into(
            QUERY_EDITOR,
            "subscription OrderUpdates { myOrderUpdates(since: 0) { orderNumber status paymentStatus } }",
        )
        # since: 0 replays the buyer's one event so far: once it shows, the subscription is listening.
        replayed = page.subscribe_and_read(number)["data"]["myOrderUpdates"]
        assert replayed == {"orderNumber": number, "status": "PENDING", "paymentStatus": "PENDING"}
        pay_by_webhook(kitanda_server, order)
        page.wait.until(lambda _: '"COMPLETED"' in page.response())  # live, on the same run
        paid = json.loads(page.response())["data"]["myOrderUpdates"]
        assert paid == {"orderNumber": number, "status": "CONFIRMED", "paymentStatus": "COMPLETED"}
    finally:
        page.screenshot("graphiql-subscription.png")
