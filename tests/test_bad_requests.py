"""Every bad request is a clean 4xx JSON error or a GraphQL error with a code: never a 500, never a
traceback, and logged at INFO without the client's text (only our bugs are logged at ERROR)."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.asgi import application as asgi_application

from .conftest import error_codes

pytestmark = pytest.mark.django_db

SECRET = "client-secret-text-7731"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def assert_quiet(logs) -> None:
    """Nothing above INFO, and never the client's text."""
    assert [r.getMessage() for r in logs.records if r.levelno > logging.INFO] == []
    assert not [r for r in logs.records if SECRET in r.getMessage()]


def refused(response, status: int = 400, code: str = "BAD_REQUEST") -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    return error["message"]


def post(client, body: str | bytes, content_type: str = "application/json"):
    return client.post("/graphql/", body, content_type=content_type)


# ---------------------------------------------------------------- bodies that are not a GraphQL request


@pytest.mark.parametrize(
    "body",
    [
        '"str"',
        "null",
        "123",
        "[]",
        b'{"query": "{ me { id } }", "x": "\xff\xfe"}',  # not UTF-8
        '{"query": "{ me { id } }", "variables": ' + "[" * 5000 + "]" * 5000 + "}",  # beyond json's recursion
        '{"query": "{ me { id } }", "variables": {"a": '
        + "[" * 100
        + "]" * 100
        + "}}",  # decodable, too deep
        '{"query": "{ me { id } }", "variables": "abc"}',
        '{"query": "{ me { id } }", "variables": [1]}',
        '{"query": 5}',
        "{not json",
    ],
)
def test_an_unreadable_body_is_a_json_400(client, logs, body):
    refused(post(client, body))
    assert_quiet(logs)


MAPS = [
    ('{"query": "{ me { id } }"}', "[1]"),
    ('{"query": "{ me { id } }"}', '{"0": "variables.file"}'),  # a string, not a list of paths
    ('{"query": "{ me { id } }"}', '{"0": [1]}'),
    ('{"query": "{ me { id } }"}', '{"0": ["variables.missing.deeper"]}'),
    ('{"query": "{ me { id } }"}', '{"9": ["variables.file"]}'),  # no such file
    ('{"query": "{ me { id } }", "variables": {"l": []}}', '{"0": ["variables.l.7"]}'),
    ('{"query": "{ me { id } }", "variables": {"l": "s"}}', '{"0": ["variables.l.x"]}'),
    ('"x"', "{}"),
    ("[1, 2]", "{}"),
    ("{bad", "{}"),
]


@pytest.mark.parametrize(("operations", "files_map"), MAPS)
def test_a_malformed_multipart_request_is_a_json_400(client, logs, operations, files_map):
    upload = SimpleUploadedFile("a.png", b"x", content_type="image/png")
    response = client.post("/graphql/", {"operations": operations, "map": files_map, "0": upload})
    refused(response)
    assert_quiet(logs)


def test_a_get_with_variables_that_are_not_an_object(client, logs):
    response = client.get("/graphql/", {"query": "{ me { id } }", "variables": "[1]"})
    refused(response)
    assert_quiet(logs)


def test_an_unsupported_method_is_json_too(client):
    refused(client.put("/graphql/", "{}", content_type="application/json"), status=405)


# ---------------------------------------------------------------- NUL, however it is spelled

NUL_SPELLINGS = {
    "escape in a literal": '{ product(slug: "a\\u0000b") { id } }',
    "braced escape in a literal": '{ product(slug: "a\\u{0}b") { id } }',
    "long braced escape": '{ product(slug: "a\\u{00000000}b") { id } }',
    "block string": '{ product(slug: """a\x00b""") { id } }',
    "escape in a default": 'query($s: String = "a\\u0000") { product(slug: $s) { id } }',
    "braced escape in a default": 'query($s: String = "\\u{0}") { product(slug: $s) { id } }',
    "in a default input object": (
        'mutation($i: ReviewInput = {productId: "x", rating: 5, comment: "\\u{0}"}) '
        "{ createReview(input: $i) { errors { code } } }"
    ),
}


@pytest.mark.parametrize("document", NUL_SPELLINGS.values(), ids=NUL_SPELLINGS.keys())
def test_nul_is_refused_in_every_spelling(gql, logs, document):
    result = gql(document)
    assert result["data"] is None
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert_quiet(logs)


def test_nul_in_a_variable_sent_with_a_default(gql):
    result = gql('query($s: String = "fine") { product(slug: $s) { id } }', {"s": "\x00"})
    assert error_codes(result) == ["BAD_USER_INPUT"]


# ---------------------------------------------------------------- page arguments from variable defaults


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "query($f: Int = 1000) { products(first: $f) { totalCount } }",
            "O argumento 'first' tem de estar entre 0 e 100.",
        ),
        (
            "query($f: Int = -1) { products(last: $f) { totalCount } }",
            "O argumento 'last' tem de estar entre 0 e 100.",
        ),
        (
            'query($a: String = "zzz") { products(after: $a) { totalCount } }',
            "O argumento 'after' não é um cursor válido.",
        ),
        (
            'query($b: String = "YXJyYXljb25uZWN0aW9uOi0x") { ...F } fragment F on Query { stores(before: $b) { totalCount } }',
            "O argumento 'before' não é um cursor válido.",
        ),
    ],
)
def test_page_arguments_from_variable_defaults_are_checked(gql, logs, document, message):
    result = gql(document)
    assert result["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (message, "BAD_USER_INPUT")
    ]
    assert_quiet(logs)


def test_a_sent_variable_wins_over_its_default(gql):
    assert gql.ok("query($f: Int = 1000) { products(first: $f) { totalCount } }", {"f": 5})


# ---------------------------------------------------------------- which operation runs

TWO = "query A { categories { id } } query B { me { id } }"


def test_several_operations_need_an_operation_name(gql, logs):
    result = gql(TWO)
    assert result["data"] is None
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "nome da operação" in result["errors"][0]["message"]
    assert gql.ok(TWO, operation_name="B") == {"me": None}
    assert_quiet(logs)


def test_an_unknown_operation_name_is_a_json_400(client):
    body = json.dumps({"query": TWO, "operationName": "C"})
    refused(post(client, body))


# ---------------------------------------------------------------- logging


def test_a_client_mistake_is_logged_at_info_without_its_text(gql, logs):
    result = gql(f"{{ me {{ {SECRET.replace('-', '_')} }} }}")
    assert result["data"] is None
    assert_quiet(logs)
    assert "GraphQL request refused: GRAPHQL_VALIDATION_FAILED" in [r.getMessage() for r in logs.records]
    assert not [r for r in logs.records if SECRET.replace("-", "_") in r.getMessage()]


# ---------------------------------------------------------------- request bodies and their size


def test_a_body_over_the_limit_is_refused_by_its_length(client, settings, logs):
    settings.UPLOAD_MAX_BODY_BYTES = 1000
    upload = SimpleUploadedFile("a.png", b"x" * 2000, content_type="image/png")
    operations = json.dumps({"query": "mutation($f: Upload!) { x: __typename }", "variables": {"f": None}})
    response = client.post(
        "/graphql/", {"operations": operations, "map": '{"0": ["variables.f"]}', "0": upload}
    )
    assert "mais de 1000 bytes" in refused(response, status=413, code="PAYLOAD_TOO_LARGE")
    assert_quiet(logs)


class Chunks:
    """An ASGI client that streams a body in chunks for as long as it is read."""

    def __init__(self, chunk: bytes, count: int | None):
        self.chunk, self.count, self.read = chunk, count, 0

    async def receive(self) -> dict:
        self.read += 1
        more = self.count is None or self.read < self.count
        return {"type": "http.request", "body": self.chunk, "more_body": more}


def asgi_post(headers: list[tuple[bytes, bytes]], body: Chunks) -> tuple[int, dict]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql/",
        "raw_path": b"/graphql/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8300),
    }
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(asgi_application(scope, body.receive, send))
    [start] = [m for m in sent if m["type"] == "http.response.start"]
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(payload)


def test_an_endless_chunked_body_is_cut_off_while_it_is_read(settings):
    settings.UPLOAD_MAX_BODY_BYTES = 64 * 1024
    endless = Chunks(b"x" * 1024, count=None)  # no Content-Length, never ends
    status, payload = asgi_post([(b"transfer-encoding", b"chunked")], endless)
    assert status == 413 and payload["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert endless.read == 64 + 1  # stopped at the first chunk over the limit


def test_a_declared_length_over_the_limit_is_refused_unread(settings):
    settings.UPLOAD_MAX_BODY_BYTES = 64 * 1024
    body = Chunks(b"x", count=1)
    status, _ = asgi_post([(b"content-length", str(300 * 1024 * 1024).encode())], body)
    assert (status, body.read) == (413, 0)


# ---------------------------------------------------------------- request ids and switches


def test_a_sane_request_id_is_kept_and_others_replaced(client):
    kept = client.get("/health/", HTTP_X_REQUEST_ID="edge-1234.abc")
    assert kept["X-Request-ID"] == "edge-1234.abc"
    for insane in ["has spaces", "x" * 200, "new\nline", ""]:
        made = client.get("/health/", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert made != insane and len(made) == 32


def test_graphiql_can_be_turned_off(client, settings):
    assert client.get("/graphql/", HTTP_ACCEPT="text/html").status_code == 200
    settings.GRAPHIQL = False
    refused(client.get("/graphql/", HTTP_ACCEPT="text/html"), status=404)
