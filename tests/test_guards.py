"""Server guards that protect every operation: NUL characters, depth and alias limits."""

import pytest

from domain.accounts.models import User

from .conftest import error_codes

pytestmark = pytest.mark.django_db

NUL_ERROR = "O texto não pode conter caracteres NUL (\\u0000) nem Unicode inválido."


def test_nul_in_a_variable_is_refused_before_anything_runs(gql):
    result = gql.op(
        "Register",
        {
            "input": {
                "username": "ana",
                "email": "ana@example.ao",
                "password": "Kitanda-Pass-2026!",
                "userType": "BUYER",
                "firstName": "A\x00na",
                "lastName": "Silva",
            }
        },
    )
    assert result["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (NUL_ERROR, "BAD_USER_INPUT")
    ]
    assert not User.objects.exists()


def test_nul_in_a_document_literal_is_refused(gql):
    result = gql('{ product(slug: "a\\u0000b") { id } }')
    assert error_codes(result) == ["BAD_USER_INPUT"]


def test_nul_deep_in_a_list_variable_is_refused(gql):
    result = gql("query($s: String) { products(search: $s) { totalCount } }", {"s": "caf\x00e"})
    assert error_codes(result) == ["BAD_USER_INPUT"]


def test_a_lone_surrogate_is_refused(gql):
    result = gql("query($c: String) { cart(cartCode: $c) { id } }", {"c": "\ud800"})
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (NUL_ERROR, "BAD_USER_INPUT")
    ]


def test_too_deep_a_document_is_refused(gql):
    nested = "products { edges { node { store { %s } } } }"
    deep = "{ " + nested % (nested % (nested % "name")) + " }"  # 12 levels
    result = gql(deep)
    assert result["data"] is None
    assert "excede a profundidade máxima de operação" in result["errors"][0]["message"]


def test_too_many_aliases_are_refused(gql):
    aliases = " ".join(f"c{n}: categories {{ id }}" for n in range(31))
    result = gql(f"{{ {aliases} }}")
    assert result["data"] is None
    assert "Foram encontrados 31 aliases" in result["errors"][0]["message"]
