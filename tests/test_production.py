"""What a newcomer and an operator meet first: / leads to /graphql/, a local frontend may call the API
in development (CORS), a verification e-mail's link works in development, and `manage.py check
--deploy` warns about what a production configuration lacks, naming each variable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest

from domain.accounts.links import verify_token_make
from domain.accounts.models import UserType

from .factories import make_user
from .processes import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#k2!pQ9@zL4$wM8^rT1&vB6*nC3(hJ5)yF0_gD-sA+eU=iOqWeRtYuIoP",
    "ALLOWED_HOSTS": "api.kitanda.ao",
    "PAYMENT_WEBHOOK_SECRET": "whsec-production-value",
}
COMPLETE = {
    "FRONTEND_URL": "https://kitanda.ao",
    "EMAIL_HOST": "smtp.kitanda.ao",
    "GRAPHIQL": "0",
    "GRAPHQL_INTROSPECTION": "0",
    "SENTRY_DSN": "https://public@127.0.0.1:9/1",
    "TRUSTED_PROXY_COUNT": "1",
}
# Each warning and the variable it must name.
WARNINGS = {
    "kitanda.W101": "FRONTEND_URL",
    "kitanda.W102": "EMAIL_HOST",
    "kitanda.W103": "GRAPHIQL",
    "kitanda.W104": "GRAPHQL_INTROSPECTION",
    "kitanda.W105": "SENTRY_DSN",
    "kitanda.W106": "TRUSTED_PROXY_COUNT",
}


def check_deploy(env: dict) -> str:
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    base = {key: value for key, value in base.items() if key not in {*PRODUCTION, *COMPLETE}}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr  # warnings, never a refusal
    return done.stdout + done.stderr


def test_check_deploy_warns_about_each_thing_production_lacks_naming_its_variable():
    printed = check_deploy(PRODUCTION)
    for code, variable in WARNINGS.items():
        line = next((line for line in printed.splitlines() if f"({code})" in line), "")
        assert variable in line + printed.split(f"({code})")[-1].split("\n?:")[0], code
    complete = check_deploy(PRODUCTION | COMPLETE)
    assert "kitanda.W" not in complete


@pytest.mark.parametrize("variable", sorted(set(WARNINGS.values())))
def test_each_deploy_warning_goes_once_its_variable_is_set(variable):
    setting = {key: value for key, value in COMPLETE.items() if key != variable}
    printed = check_deploy(PRODUCTION | setting)
    warned = set(re.findall(r"\((kitanda\.W\d+)\)", printed))
    assert warned == {code for code, named in WARNINGS.items() if named == variable}


def test_the_root_leads_to_graphql(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/graphql/"


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"])
def test_a_local_frontend_may_call_the_api_in_development(client, origin):
    preflight = client.options(
        "/graphql/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == origin
    assert "authorization" in preflight["Access-Control-Allow-Headers"]


def test_other_origins_are_not_allowed_and_production_allows_only_its_list(client):
    response = client.options(
        "/graphql/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in response
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CORS_ALLOWED_ORIGIN_REGEXES, settings.CORS_ALLOWED_ORIGINS)",
        ],
        cwd=ROOT,
        env=base
        | PRODUCTION
        | {"DJANGO_SETTINGS_MODULE": "backend.settings", "CORS_ALLOWED_ORIGINS": "https://kitanda.ao"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["[]", "['https://kitanda.ao']"], done.stderr


@pytest.mark.django_db
def test_in_development_the_verification_link_verifies_the_address(client, settings):
    settings.DEBUG = True
    seller = make_user(username="nova-vendedora", user_type=UserType.SELLER, email_verified_at=None)
    token = verify_token_make(seller, seller.email)
    response = client.get("/verificar-email", {"token": token})
    assert response.status_code == 200, response.content
    assert response.json() == {"emailVerified": True, "username": seller.username, "email": seller.email}
    seller.refresh_from_db()
    assert seller.email_verified
    again = client.get("/verificar-email", {"token": token})  # single use
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "INVALID_TOKEN"


@pytest.mark.django_db
def test_in_production_the_api_serves_no_verification_page(client, settings):
    settings.DEBUG = False
    seller = make_user(username="outra-vendedora", user_type=UserType.SELLER, email_verified_at=None)
    response = client.get("/verificar-email", {"token": verify_token_make(seller, seller.email)})
    assert response.status_code == 404
    seller.refresh_from_db()
    assert not seller.email_verified


@pytest.mark.django_db
def test_the_readmes_new_seller_step_works_from_the_printed_link_to_the_approval(
    gql, client, admin, settings, mailoutbox
):
    """Try it's "A new seller": the README's register mutation, the link of the e-mail it sends opened
    on the API (development), then approveSeller by the admin."""
    settings.DEBUG = True
    readme = (ROOT / "README.md").read_text()
    step = readme[readme.index("**A new seller, from registration to a store.**") :]
    mutation = step.split("```graphql\n", 1)[1].split("\n```", 1)[0]
    registered = gql.ok(mutation)["register"]
    assert registered["errors"] == [] and registered["user"]["emailVerified"] is False
    (sent,) = mailoutbox
    link = re.search(r"https?://\S+/verificar-email\?token=\S+", sent.body).group(0)
    assert link.startswith(settings.FRONTEND_URL.rstrip("/") + "/verificar-email?token=")
    opened = client.get(urlsplit(link).path, dict(parse_qsl(urlsplit(link).query)))
    assert opened.status_code == 200 and opened.json()["emailVerified"] is True
    approved = gql.ok(
        "mutation($id: ID!) { approveSeller(userId: $id) { user { isApprovedSeller } errors { code } } }",
        {"id": registered["user"]["id"]},
        user=admin,
    )["approveSeller"]
    assert approved == {"user": {"isApprovedSeller": True}, "errors": []}
