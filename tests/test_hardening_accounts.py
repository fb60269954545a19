"""Accounts under attack (issue 20): passwords re-checked by a logged-in user are throttled as at
login; every change of password or is_active ends the user's tokens, whatever path makes it (the
Django admin included); single-use links stay single use when presented at once; a reset request
does the same work for any address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.shortcuts import get_token

from domain.accounts import credentials, emails, links, verification
from domain.accounts.models import User
from domain.errors import InvalidToken

from .factories import PASSWORD, make_user
from .helpers import postgres_only, run_in_threads
from .test_throttling import limits  # noqa: F401 (autouse: tokenAuth's limits, the mutation cap raised)

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Pass-2026"
NEW_PASSWORD = "Outra-Senha-Segura-2026"
ME = "{ me { username } }"
CHANGE_PASSWORD = "changePassword(currentPassword: $p{n}, newPassword: $new) { errors { code } }"
CHANGE_EMAIL = 'changeEmail(newEmail: "novo{n}@example.ao", password: $p{n}) { errors { field code } }'
DELETE_ACCOUNT = "deleteAccount(password: $p{n}) { errors { code } }"


@pytest.fixture(autouse=True)
def email_limit(limits):  # noqa: F811
    limits.ACCOUNT_EMAIL_THROTTLE_LIMIT = 3


def aliased(field: str, passwords: list[str]) -> tuple[str, dict]:
    """One request with a mutation per password, each under its own alias."""
    fields = "\n".join(f"a{n}: " + field.replace("{n}", str(n)) for n in range(len(passwords)))
    declared = ", ".join(f"$p{n}: String!" for n in range(len(passwords)))
    extra = ", $new: String!" if "$new" in field else ""
    variables = {f"p{n}": password for n, password in enumerate(passwords)}
    if extra:
        variables["new"] = NEW_PASSWORD
    return f"mutation({declared}{extra}) {{\n{fields}\n}}", variables


def login(gql, username: str, password: str) -> dict:
    return gql.op("Login", {"username": username, "password": password})["data"]["tokenAuth"]


def first_codes(data: dict) -> list[str | None]:
    return [payload["errors"][0]["code"] if payload["errors"] else None for payload in data.values()]


# ---------------------------------------------------------------- 5. password re-checks are throttled


@pytest.mark.parametrize("field", [CHANGE_PASSWORD, CHANGE_EMAIL, DELETE_ACCOUNT])
def test_password_rechecks_are_throttled_as_logins(gql, buyer, field, limits):  # noqa: F811
    """Four aliases per request: the fifth wrong guess is the last one checked, and after it even
    the right password is refused; nothing changed."""
    limits.ACCOUNT_EMAIL_THROTTLE_LIMIT = 100  # changeEmail's own count comes first: out of the way
    token = get_token(buyer)
    query, variables = aliased(field, [WRONG] * 4)
    assert first_codes(gql.ok(query, variables, token=token)) == ["INVALID_CREDENTIALS"] * 4
    query, variables = aliased(field, [WRONG, WRONG, PASSWORD, PASSWORD])
    assert (
        first_codes(gql.ok(query, variables, token=token)) == ["INVALID_CREDENTIALS"] + ["RATE_LIMITED"] * 3
    )
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD) and buyer.is_active and buyer.pending_email == ""
    assert buyer.tokens_revoked_at is None
    assert not mail.outbox


def test_password_rechecks_and_logins_share_their_counters(gql, buyer):
    token = get_token(buyer)
    query, variables = aliased(CHANGE_PASSWORD, [WRONG] * 5)
    assert first_codes(gql.ok(query, variables, token=token)) == ["INVALID_CREDENTIALS"] * 5
    assert [e["code"] for e in login(gql, "buyer", PASSWORD)["errors"]] == ["RATE_LIMITED"]


def test_a_right_password_gives_its_count_back(gql, buyer, limits):  # noqa: F811
    limits.ACCOUNT_EMAIL_THROTTLE_LIMIT = 100
    token = get_token(buyer)
    for _ in range(3):
        query, variables = aliased(CHANGE_EMAIL, [WRONG, WRONG, PASSWORD])
        assert first_codes(gql.ok(query, variables, token=token))[:2] == ["INVALID_CREDENTIALS"] * 2
        mail.outbox.clear()
        (RefreshToken.objects.all().delete(), User.objects.filter(pk=buyer.pk).update(pending_email=""))
    assert login(gql, "buyer", PASSWORD)["token"]  # 6 failures in all, never 5 in a row


def test_change_email_counts_before_it_answers_unique(gql, buyer):
    """With the right password, probing addresses in use is counted like any address change: past
    ACCOUNT_EMAIL_THROTTLE_LIMIT the answer is RATE_LIMITED, never UNIQUE again."""
    taken = [make_user(username=f"taken{n}", email=f"taken{n}@example.ao") for n in range(5)]
    mutation = (
        "mutation($e: String!, $p: String!) { changeEmail(newEmail: $e, password: $p) { errors { code } } }"
    )
    answers = [
        gql.ok(mutation, {"e": user.email, "p": PASSWORD}, user=buyer)["changeEmail"]["errors"][0]["code"]
        for user in taken
    ]
    assert answers == ["UNIQUE"] * 3 + ["RATE_LIMITED"] * 2
    buyer.refresh_from_db()
    assert buyer.pending_email == ""


# ---------------------------------------------------------------- 6. tokens end with the credentials


def tokens_of(gql, user: User) -> dict:
    session = login(gql, user.username, PASSWORD)
    assert gql.ok(ME, token=session["token"])["me"] == {"username": user.username}
    return session


def assert_dead(gql, session: dict) -> None:
    assert gql.ok(ME, token=session["token"])["me"] is None
    refreshed = gql.op("Refresh", {"refreshToken": session["refreshToken"]})["data"]["refreshToken"]
    assert [e["code"] for e in refreshed["errors"]] == ["INVALID_TOKEN"]


def test_setting_a_password_through_the_orm_ends_the_tokens(gql, buyer):
    session = tokens_of(gql, buyer)
    user = User.objects.get(pk=buyer.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert_dead(gql, session)


def test_an_unusable_password_ends_the_tokens(gql, buyer):
    session = tokens_of(gql, buyer)
    user = User.objects.get(pk=buyer.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    assert_dead(gql, session)


def test_reactivating_a_user_does_not_revive_its_tokens(gql, buyer):
    session = tokens_of(gql, buyer)
    user = User.objects.get(pk=buyer.pk)
    user.is_active = False
    user.save()
    user = User.objects.get(pk=buyer.pk)
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert_dead(gql, session)
    assert tokens_of(gql, buyer)  # a new login works


def test_saves_that_change_neither_keep_the_tokens(gql, buyer):
    session = tokens_of(gql, buyer)
    user = User.objects.get(pk=buyer.pk)
    user.first_name = "Outra"
    user.save()
    user.check_password(PASSWORD)  # a login (a hash upgrade would save the password: no change)
    user.refresh_from_db()
    user.save()
    assert gql.ok(ME, token=session["token"])["me"] == {"username": "buyer"}


def admin_change_form(client, user: User) -> dict:
    """The admin's change form of `user` as the browser would post it back, unchanged."""
    form = client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name == "date_joined":
            data["date_joined_0"], data["date_joined_1"] = (
                value.date().isoformat(),
                value.strftime("%H:%M:%S"),
            )
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = (
                [item.pk for item in value]
                if hasattr(value, "__iter__")
                and name
                in (
                    "groups",
                    "user_permissions",
                )
                else value
            )
    return data


def test_a_password_set_in_the_admin_ends_the_tokens(gql, client, admin, buyer):
    session = tokens_of(gql, buyer)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{buyer.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD)
    assert_dead(gql, session)


def test_the_admin_change_form_deactivating_and_reactivating_ends_the_tokens(gql, client, admin, buyer):
    session = tokens_of(gql, buyer)
    client.force_login(admin)
    data = admin_change_form(client, buyer)
    assert data["is_active"] == "on"
    unchanged = client.post(f"/admin/accounts/user/{buyer.pk}/change/", data)
    assert unchanged.status_code == 302, unchanged.context["adminform"].form.errors
    assert gql.ok(ME, token=session["token"])["me"] == {"username": "buyer"}  # nothing changed
    del data["is_active"]
    assert client.post(f"/admin/accounts/user/{buyer.pk}/change/", data).status_code == 302
    data["is_active"] = "on"
    assert client.post(f"/admin/accounts/user/{buyer.pk}/change/", data).status_code == 302
    buyer.refresh_from_db()
    assert buyer.is_active
    assert_dead(gql, session)


# ---------------------------------------------------------------- 7. single use under concurrency


def reset_token(user: User) -> str:
    return links.reset_token_make(user)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_reset_link_presented_eight_times_at_once_works_once():
    user = make_user(username="racer")
    token = reset_token(user)
    results = run_in_threads(
        8, lambda i: credentials.password_reset(token=token, new_password=f"{NEW_PASSWORD}-{i}")
    )
    assert sum(isinstance(result, User) for result in results) == 1, results
    assert all(isinstance(result, User | InvalidToken) for result in results), results
    (winner,) = [n for n, result in enumerate(results) if isinstance(result, User)]
    assert User.objects.get(pk=user.pk).check_password(f"{NEW_PASSWORD}-{winner}")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_verification_link_presented_eight_times_at_once_works_once():
    user = make_user(username="verifier")
    user.pending_email = "nova@example.ao"
    user.save(update_fields=["pending_email"])
    token = links.verify_token_make(user, "nova@example.ao")
    results = run_in_threads(8, lambda i: verification.email_verify(token=token))
    assert sum(isinstance(result, User) for result in results) == 1, results
    assert all(isinstance(result, User | InvalidToken) for result in results), results
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("nova@example.ao", "")


# ---------------------------------------------------------------- 11. a reset request does the same work


def reset_request_work(email: str, monkeypatch) -> tuple[list, list]:
    """What a reset request does inside a request (the SQL it runs, the tasks it enqueues), with no
    broker; its held e-mail goes once the response has."""
    enqueued = []
    monkeypatch.setattr(emails, "enqueue_after_response", lambda task, **kwargs: enqueued.append(kwargs))
    with CaptureQueriesContext(connection) as queries:
        credentials.password_reset_request(email=email, client_ip="10.0.0.1")
    return [query["sql"] for query in queries.captured_queries], [
        {**kwargs, "address": "?"} for kwargs in enqueued
    ]


def test_a_reset_request_does_the_same_work_for_any_address(buyer, monkeypatch):
    known = reset_request_work(buyer.email, monkeypatch)
    unknown = reset_request_work("ninguem@example.ao", monkeypatch)
    assert known == unknown
    assert known[1] == [{"kind": "reset", "user_id": None, "address": "?", "language": "pt-ao"}]


def request_signal(signal) -> None:
    """Send request_started / request_finished as Django's test client does (the test's connection
    stays open)."""
    signal.disconnect(close_old_connections)
    try:
        signal.send(sender=__name__)
    finally:
        signal.connect(close_old_connections)


def test_without_a_broker_the_reset_mail_goes_after_the_response(buyer):
    request_signal(request_started)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            credentials.password_reset_request(email=buyer.email.upper(), client_ip="10.0.0.1")
            credentials.password_reset_request(email="ninguem@example.ao", client_ip="10.0.0.1")
        assert mail.outbox == []  # the response has not gone yet
    finally:
        request_signal(request_finished)
    (message,) = mail.outbox
    assert message.to == [buyer.email]
    token = message.body.split("token=")[1].split()[0]
    assert credentials.password_reset(token=token, new_password=NEW_PASSWORD).pk == buyer.pk
