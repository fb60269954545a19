"""The operation documents of graph/operations: valid against the exported schema, one text each."""

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from graph.documents import canonical_operations, operation_files, operations

ROOT = Path(__file__).resolve().parents[1]
EXPORTED = build_schema((ROOT / "schema.graphql").read_text())


def test_the_operations_folder_holds_every_client_document():
    names = {path.name for path in operation_files()}
    assert {"admin.graphql", "auth.graphql", "seller.graphql", "storefront.graphql"} <= names
    assert len(operations()) >= 35


def test_every_document_of_the_folder_validates_against_the_exported_schema():
    # One document of every file: unknown fields, wrong arguments, unused or duplicate fragments
    # and duplicate operation names across files all fail here.
    document = parse("\n".join(path.read_text() for path in operation_files()))
    assert [error.message for error in validate(EXPORTED, document)] == []


@pytest.mark.parametrize("name", sorted(operations()))
def test_each_canonical_operation_validates_alone(name):
    assert [error.message for error in validate(EXPORTED, parse(operations()[name]))] == []


def test_canonical_text_holds_the_operation_and_exactly_its_fragments():
    document = parse(
        """
        query A { products { ...Card } }
        fragment Unused on Product { id }
        fragment Card on ProductConnection { edges { node { ...Node } } }
        fragment Node on Product { id name }
        """
    )
    text = canonical_operations([document])["A"]
    assert "fragment Card" in text and "fragment Node" in text and "Unused" not in text
    # Printing is canonical: the same text from a differently spaced source.
    assert canonical_operations([parse(text)])["A"] == text


@pytest.mark.parametrize(
    "source, problem",
    [
        ("query A { me { id } } query A { me { id } }", "defined twice"),
        ("query A { me { ...Missing } }", "unknown fragment"),
        ("{ me { id } }", "must be named"),
    ],
)
def test_bad_operation_folders_are_refused(source, problem):
    with pytest.raises(ValueError, match=problem):
        canonical_operations([parse(source)])
