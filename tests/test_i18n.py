"""Portuguese (Angola) first, English on request: the catalogue is complete and compiled, no message
escapes gettext, and each request, error and e-mail speaks its caller's language."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.utils import translation

import domain.errors
from domain.accounts.models import Language, User

from .factories import make_product, make_seller
from .helpers import fill_cart, place

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUE = LOCALE / "pt_AO" / "LC_MESSAGES" / "django.po"
SOURCES = ("domain", "graph", "backend")
# The keywords `make messages` adds to Babel's (gettext, ngettext, pgettext, ...).
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext_lazy": None, "ngettext_lazy": (1, 2), "pgettext_lazy": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")


def extracted() -> dict[str, str]:
    """Every message of the code that answers clients, as `make messages` finds it: msgid -> where."""
    with open(LOCALE / "babel.cfg") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = {}
    for top in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / top, method_map, options_map, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault(msgid, f"{top}/{filename}:{lineno}")
    return found


def catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po, locale="pt_AO")


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_message_has_a_portuguese_translation():
    entries = {
        entry.id if isinstance(entry.id, str) else entry.id[0]: entry for entry in catalogue() if entry.id
    }
    problems = []
    for msgid, where in sorted(extracted().items()):
        entry = entries.get(msgid)
        translations = (
            [] if entry is None else entry.string if isinstance(entry.string, tuple) else [entry.string]
        )
        if entry is None or not all(translations):
            problems.append(
                f"{where}: no Portuguese translation for {msgid!r} (make messages, then translate)"
            )
        elif entry.fuzzy:
            problems.append(f"{where}: the translation of {msgid!r} is marked fuzzy")
        else:
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
            wanted = placeholders(ids[-1])
            problems += [
                f"{where}: {text!r} has placeholders {placeholders(text)}, not {wanted}"
                for text in translations
                if placeholders(text) != wanted and placeholders(text) != placeholders(ids[0])
            ]
    assert problems == []


def test_the_catalogue_holds_only_messages_of_the_code():
    kept = {entry.id if isinstance(entry.id, str) else entry.id[0] for entry in catalogue() if entry.id}
    unused = kept - set(extracted())
    assert unused == set(), "make messages drops them"


def test_the_compiled_catalogue_is_the_current_one():
    """What Django serves is the .po as it is now (make locale compiled it after its last change)."""
    stale = []
    with translation.override("pt-ao"):
        for entry in catalogue():
            if entry.id and isinstance(entry.id, str) and translation.gettext(entry.id) != entry.string:
                stale.append(entry.id)
    assert stale == [], "run make locale"


# ---------------------------------------------------------------- messages given as plain text

# Callables whose message reaches a client, and the position of that message among their arguments.
MESSAGE_ARGUMENT = {
    "AccessError": 0,
    "unauthenticated": 0,
    "forbidden": 0,
    "bad_input": 0,
    "too_complex": 0,
    "GraphQLError": 0,
    "refusal": 1,
    "HTTPException": 1,
    "message_user": 1,  # the admin's messages to staff
    "DocumentTooComplex": 0,
    "PersistedQueryProblem": 0,
    "ValidationError": 0,
    "add_error": 1,
    "Charge": None,  # a payment gateway's answer: its `reason` reaches the buyer
}
# Keyword arguments that carry a message, whichever the callable above.
MESSAGE_KEYWORDS = frozenset({"message", "reason"})


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _plain_text(node: ast.expr) -> bool:
    """A message written out in the code instead of asked of gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _plain_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _plain_text(node.func.value)
    return False


def test_no_message_bypasses_gettext():
    subclasses = {"DomainError"}
    pending = [domain.errors.DomainError]
    while pending:
        for cls in pending.pop().__subclasses__():
            subclasses.add(cls.__name__)
            pending.append(cls)
    argument_of = {**MESSAGE_ARGUMENT, **dict.fromkeys(subclasses, 0)}
    found = []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if {"migrations", "management"} & set(path.parts):
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call) or _callee(node) not in argument_of:
                    continue
                position = argument_of[_callee(node)]
                messages = [keyword.value for keyword in node.keywords if keyword.arg in MESSAGE_KEYWORDS]
                if position is not None and len(node.args) > position:
                    messages.append(node.args[position])
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno}" for message in messages if _plain_text(message)
                ]
    assert found == []


def test_the_checker_sees_plain_messages():
    call = ast.parse('raise NotFound(f"No store {slug}.", field="slug")').body[0].exc
    assert _plain_text(call.args[0]) and not _plain_text(ast.parse('gettext("x") % {}').body[0].value)


# ---------------------------------------------------------------- each request in its language

LOGIN = 'mutation { tokenAuth(username: "ninguem", password: "x") { token errors { message code } } }'
WRONG_LOGIN = {
    "pt-ao": "Nome de utilizador, e-mail ou palavra-passe errados.",
    "en": "Wrong username, e-mail or password.",
}


def post(client, query: str, accept: str | None = None, **extra):
    if accept is not None:
        extra["HTTP_ACCEPT_LANGUAGE"] = accept
    return client.post("/graphql/", json.dumps({"query": query}), content_type="application/json", **extra)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "language"),
    [
        (None, "pt-ao"),
        ("pt-AO", "pt-ao"),
        ("pt-BR,pt;q=0.9,en;q=0.5", "pt-ao"),
        ("fr-FR,fr;q=0.9", "pt-ao"),  # one we do not speak: the default
        ("en", "en"),
        ("en-GB,en;q=0.9,pt;q=0.5", "en"),
        ("EN-us", "en"),
        ("*", "pt-ao"),
        ("en;q=banana, ;;, ,q=1", "pt-ao"),  # nonsense gets the default, never an error
        ("en-" + "x" * 5000, "pt-ao"),  # over Django's header limit: not parsed at all
        ("\u00e9n, pt-\u00c1O", "pt-ao"),
    ],
)
def test_a_business_error_speaks_the_language_asked_for(client, accept, language):
    response = post(client, LOGIN, accept)
    answer = response.json()["data"]["tokenAuth"]
    assert answer["errors"] == [{"message": WRONG_LOGIN[language], "code": "INVALID_CREDENTIALS"}]
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "portuguese", "english", "code"),
    [
        (
            "{ exportMyData }",
            "Tem de iniciar sessão para fazer isto.",
            "You must be logged in to do this.",
            "UNAUTHENTICATED",
        ),
        (
            "{ products(first: 101) { edges { node { name } } } }",
            "O argumento 'first' tem de estar entre 0 e 100.",
            "Argument 'first' must be between 0 and 100.",
            "BAD_USER_INPUT",
        ),
    ],
)
def test_top_level_errors_speak_it_too_with_the_same_codes(client, query, portuguese, english, code):
    for accept, message in ((None, portuguese), ("en", english)):
        (error,) = post(client, query, accept).json()["errors"]
        assert (error["message"], error["extensions"]["code"]) == (message, code)


def test_a_refused_request_speaks_it_too(client):
    for accept, message in (
        (None, "O corpo do pedido tem de ser um objecto JSON."),
        ("en", "The request body must be a JSON object."),
    ):
        extra = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
        response = client.post("/graphql/", '"text"', content_type="application/json", **extra)
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == message


# A request for each refusal strawberry words itself (graph/http.py's LIBRARY_REASONS), with the
# library's English it replaces.
LIBRARY_REFUSALS = [
    ({"data": "{}"}, "No GraphQL query found in the request"),
    ({"data": "x", "content_type": "text/plain"}, "Unsupported content type"),
    ({"data": '[{"query": "{ __typename }"}]'}, "Batching is not enabled"),
    ({"data": '{"query": "fragment F on Query { __typename }"}'}, "Can't get GraphQL operation type"),
    (
        {"method": "get", "data": {"query": 'mutation { revokeToken(refreshToken: "x") { revoked } }'}},
        "mutations are not allowed when using GET",
    ),
    ({"data": '{"query": 1}'}, "The GraphQL operation's `query` must be a string or null, if provided."),
    (
        {"data": '{"query": "{ __typename }", "variables": 3}'},
        "The GraphQL operation's `variables` must be an object or null, if provided.",
    ),
    (
        {"data": '{"query": "{ __typename }", "extensions": 3}'},
        "The GraphQL operation's `extensions` must be an object or null, if provided.",
    ),
    ({"data": '{"query": "query A { __typename }", "operationName": "B"}'}, 'Unknown operation named "B".'),
]


def test_every_refusal_of_the_library_we_translate_is_sent():
    from graph.http import LIBRARY_REASONS

    assert {reason for _, reason in LIBRARY_REFUSALS} - {'Unknown operation named "B".'} == set(
        LIBRARY_REASONS
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("request_", "reason"), LIBRARY_REFUSALS)
def test_the_librarys_refusals_speak_it_too(client, request_, reason):
    """Strawberry words these itself, in English: the endpoint answers them in the caller's language."""
    from graph.http import library_reason

    answers = {}
    for language in ("pt-ao", "en"):
        extra = {"HTTP_ACCEPT_LANGUAGE": language}
        if request_.get("method") == "get":
            response = client.get("/graphql/", request_["data"], HTTP_ACCEPT="application/json", **extra)
        else:
            content_type = request_.get("content_type", "application/json")
            response = client.post("/graphql/", request_["data"], content_type=content_type, **extra)
        assert response.status_code in (400, 405, 415)
        answers[language] = response.json()["errors"][0]["message"]
        with translation.override(language):
            assert answers[language] == library_reason(reason)
    assert answers["pt-ao"] != answers["en"] != reason


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ([], "O corpo do pedido tem mais de 1024 bytes."),
        ([(b"accept-language", b"en-US")], "The request body is larger than 1024 bytes."),
        ([(b"cookie", b"django_language=en")], "The request body is larger than 1024 bytes."),
    ],
)
def test_a_body_refused_by_the_asgi_server_speaks_it_too(settings, accept, message):
    """Under ASGI a body over the limit is refused before Django's middleware: same negotiation."""
    from .test_bad_requests import Chunks, asgi_post

    settings.UPLOAD_MAX_BODY_BYTES = 1024
    headers = [(b"content-length", b"4096"), *accept]
    status, payload = asgi_post(headers, Chunks(b"x", count=1))
    assert (status, payload["errors"][0]["message"]) == (413, message)


@pytest.mark.django_db
def test_a_document_refused_once_is_refused_again_in_the_next_callers_language(client):
    """What the guards keep between requests (passes, validation per document text) never carries
    one caller's language to the next."""
    aliases = " ".join(f"c{n}: categories {{ id }}" for n in range(31))
    query = f"{{ {aliases} }}"
    for accept, start in (
        (None, "Foram encontrados 31 aliases"),
        ("en", "31 aliases found"),
        (None, "Foram"),
    ):
        (error,) = post(client, query, accept).json()["errors"]
        assert error["message"].startswith(start)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("accept", "language"), [(b"", "pt-ao"), (b"en", "en")])
def test_the_asgi_server_speaks_it_too(accept, language):
    """Under ASGI the view runs in a worker thread: the request's language goes along."""
    from .test_bad_requests import asgi_post

    body = json.dumps({"query": LOGIN}).encode()

    class Body:
        """The body once, then a client that stays connected until the answer."""

        sent = False

        async def receive(self) -> dict:
            if self.sent:
                await asyncio.Event().wait()
            self.sent = True
            return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-length", str(len(body)).encode()), (b"accept-language", accept)]
    status, payload = asgi_post(headers, Body())
    assert status == 200
    assert payload["data"]["tokenAuth"]["errors"][0]["message"] == WRONG_LOGIN[language]


@pytest.mark.django_db
def test_djangos_own_messages_are_in_portuguese_too(client):
    """The password validators' messages (Django's catalogue, and ours where it has a gap)."""
    register = (
        'mutation { register(input: {username: "kiala", email: "kiala@example.ao", password: "123", '
        'userType: BUYER, firstName: "Kiala", lastName: "Ngola"}) { errors { field message code } } }'
    )
    messages = {
        accept: [e["message"] for e in post(client, register, accept).json()["data"]["register"]["errors"]]
        for accept in (None, "en")
    }
    assert messages[None] == [
        "Esta palavra-passe é demasiado curta. Deve ter pelo menos 8 caracteres.",
        "Esta palavra-passe é muito comum.",
        "Esta palavra-passe é inteiramente numérica.",
    ]
    assert messages["en"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]


@pytest.mark.django_db
def test_a_public_answer_is_the_same_in_every_language(client):
    """It holds catalogue data and no message: one entry in a shared cache, whatever the language."""
    make_product(name="Mandioca")
    query = "{ products(first: 5) { edges { node { name } } } }"
    portuguese, english = post(client, query), post(client, query, "en")
    assert portuguese.content == english.content and b"Mandioca" in english.content
    static = client.get("/static/admin/css/base.css")  # WhiteNoise: "max-age=..., public"
    for response in (portuguese, english, static):
        assert "public" in response["Cache-Control"]
        assert "Accept-Language" not in response.get("Vary", "") and "Content-Language" not in response


# ---------------------------------------------------------------- e-mails in their reader's language


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "language", "subject"),
    [(None, "pt-ao", "Confirme o seu e-mail na Kitanda"), ("en", "en", "Confirm your e-mail on Kitanda")],
)
def test_registration_keeps_the_language_and_mails_in_it(client, accept, language, subject):
    register = (
        'mutation { register(input: {username: "kiala", email: "kiala@example.ao", '
        'password: "Uma-Senha-Segura-2026", userType: BUYER, firstName: "Kiala", lastName: "Ngola"}) '
        "{ user { language } errors { code } } }"
    )
    answer = post(client, register, accept).json()["data"]["register"]
    assert answer == {"user": {"language": language.upper().replace("-", "_")}, "errors": []}
    assert User.objects.get(username="kiala").language == language
    (message,) = mail.outbox
    assert message.subject == subject


@pytest.mark.django_db
def test_a_reset_link_comes_in_the_language_of_the_request(client, buyer):
    for accept, subject in (
        (None, "Repor a sua palavra-passe da Kitanda"),
        ("en", "Reset your Kitanda password"),
    ):
        mail.outbox.clear()
        query = f'mutation {{ requestPasswordReset(email: "{buyer.email}") {{ done }} }}'
        assert post(client, query, accept).json()["data"]["requestPasswordReset"]["done"]
        assert [m.subject for m in mail.outbox] == [subject]


@pytest.mark.django_db
def test_order_emails_speak_each_readers_language(gql, buyer, gateway, django_capture_on_commit_callbacks):
    """The buyer reads Portuguese and the seller, who chose English, reads English: from one checkout."""
    seller = make_seller()
    gql.ok("mutation { updateProfile(input: {language: EN}) { user { language } } }", user=seller)
    assert User.objects.get(pk=seller.pk).language == "en"
    fill_cart(buyer, (make_product(store=seller.store, stock_quantity=3), 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(buyer)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        buyer.email: f"Kitanda: recebemos a sua encomenda {order.order_number}",
        seller.email: f"Kitanda: new order {order.order_number} at the store {seller.store.name}",
    }
    bodies = {message.to[0]: message.body for message in mail.outbox}
    # Each body is all in its reader's language, down to the signature.
    assert "Obrigado por usar a Kitanda." in bodies[buyer.email] and "order" not in bodies[buyer.email]
    assert "Thank you for using Kitanda." in bodies[seller.email]
    assert not {"encomenda", "Olá", "loja", "Obrigado"} & set(re.findall(r"\w+", bodies[seller.email]))


def test_the_languages_of_people_are_the_languages_of_requests():
    assert Language.choices == [tuple(language) for language in settings.LANGUAGES]
    assert settings.LANGUAGE_CODE == Language.PT_AO


def test_the_system_check_refuses_a_catalogue_not_compiled(settings, tmp_path):
    from backend.checks import catalogues_compiled

    settings.LOCALE_PATHS = [tmp_path]
    (tmp_path / "pt_AO" / "LC_MESSAGES").mkdir(parents=True)
    po = tmp_path / "pt_AO" / "LC_MESSAGES" / "django.po"
    po.write_bytes(CATALOGUE.read_bytes())
    settings.BASE_DIR = tmp_path
    assert [error.id for error in catalogues_compiled(None)] == ["kitanda.E001"]
    mo = po.with_suffix(".mo")
    mo.write_bytes(b"compiled")
    assert catalogues_compiled(None) == []
    os.utime(po, (mo.stat().st_mtime + 10,) * 2)  # the .po changed since
    assert [error.id for error in catalogues_compiled(None)] == ["kitanda.E001"]
