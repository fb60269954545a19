"""GraphiQL in a real browser: headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) opens /graphql/ on a live server, types the ProductList query and runs it, sets an
Authorization header in the Headers editor and runs `me`; both results must appear. A screenshot
is saved under $ARTIFACTS_DIR (default artifacts/). Skipped, saying why, where selenium, chromium
or chromedriver is missing (.ci/run installs the last two when it can)."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from graph.documents import operation

from .live import ROOT

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


def demo_buyer_token(url: str) -> str:
    body = json.dumps(
        {
            "query": operation("Login"),
            "variables": {"username": "demo-buyer", "password": "kitanda-demo-2026"},
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/graphql/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["data"]["tokenAuth"]["token"]


def test_graphiql_runs_product_list_then_me_with_a_header(browser, kitanda_server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, BROWSER_TIMEOUT)

    def editor_text(selector: str) -> str:
        return browser.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.CodeMirror.getValue() : '';",
            selector,
        )

    def type_into(selector: str, text: str) -> None:
        """Click the editor, select all, delete, and type `text` key by key, as a person would."""
        browser.find_element(By.CSS_SELECTOR, selector).click()
        ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
        ActionChains(browser).send_keys(Keys.DELETE).send_keys(text).perform()
        assert editor_text(selector) == text  # GraphiQL's bracket closing and hints changed nothing

    def run_and_read(expected: str) -> dict:
        """Run the editor's operation; GraphiQL picks the operation name up from the edited text a
        moment after typing, so a run that still names the previous operation is run again."""
        for _ in range(10):
            browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
            wait.until(
                lambda _: expected in editor_text(RESPONSE) or "Unknown operation" in editor_text(RESPONSE)
            )
            if expected in editor_text(RESPONSE):
                return json.loads(editor_text(RESPONSE))
            time.sleep(0.5)
        raise AssertionError(f"GraphiQL kept answering: {editor_text(RESPONSE)}")

    try:
        browser.get(f"{kitanda_server.url}/graphql/")
        wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, QUERY_EDITOR))

        # The storefront's ProductList, typed on one line, with its page size in the Variables editor.
        type_into(QUERY_EDITOR, " ".join(operation("ProductList").split()))
        browser.find_element(By.XPATH, "//button[normalize-space()='Variables']").click()
        type_into(TOOL_EDITORS, '{"first": 3, "sort": "PRICE_ASC"}')
        products = run_and_read('"totalCount"')["data"]["products"]
        assert products["totalCount"] >= 50 and len(products["edges"]) == 3
        prices = [float(edge["node"]["price"]) for edge in products["edges"]]
        assert prices == sorted(prices)
        browser.save_screenshot(str(artifacts_dir() / "graphiql-product-list.png"))

        # A logged-in query: the token goes in the Headers editor.
        browser.find_element(By.XPATH, "//button[normalize-space()='Headers']").click()
        token = demo_buyer_token(kitanda_server.url)
        type_into(TOOL_EDITORS, json.dumps({"Authorization": f"Bearer {token}"}))
        type_into(QUERY_EDITOR, "query Me { me { username userType } }")
        me = run_and_read('"username"')["data"]["me"]
        assert me == {"username": "demo-buyer", "userType": "BUYER"}
    finally:
        screenshot = artifacts_dir() / "graphiql.png"
        browser.save_screenshot(str(screenshot))
        print(f"screenshot: {screenshot}")
