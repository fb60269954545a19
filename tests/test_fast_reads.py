"""The lean path of /graphql/: what it skips of the site's middleware, and what it keeps."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_skips_sessions_csrf_and_auth_but_keeps_security_headers(client):
    response = client.post(
        "/graphql/", json.dumps({"query": "{ categories { slug } }"}), content_type="application/json"
    )
    assert response.json() == {"data": {"categories": []}}
    assert "cookie" not in response.get("Vary", "").lower()  # no session, no CSRF cookie
    assert not response.cookies
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_cors_still_answers_the_api(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://loja.kitanda.ao"]
    response = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://loja.kitanda.ao",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response["Access-Control-Allow-Origin"] == "https://loja.kitanda.ao"


def test_the_admin_keeps_its_full_stack():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403  # CSRF
    page = browser.get("/admin/login/")
    assert page.status_code == 200 and "csrftoken" in page.cookies
    assert browser.get("/admin").status_code == 301  # APPEND_SLASH (CommonMiddleware)
