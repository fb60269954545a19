"""The operation documents clients send (graph/operations/*.graphql), one canonical text each.

The tests drive the API with them, the benchmarks send them, and the persisted-query manifest and
the generated client are built from them. The canonical text of an operation is the operation
plus exactly the fragments it uses (in order of first use), each printed by graphql-core's
`print_ast`, joined by a blank line: the same text wherever it is computed.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"


def text_sha256(text: str) -> str:
    """The sha256 of a text in hexadecimal: a document's persisted-query hash, and the response
    cache's digests (lone surrogates, which a JSON body may carry, hashed rather than refused)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def operation_files(folder: Path = OPERATIONS_DIR) -> list[Path]:
    return sorted(folder.glob("*.graphql"))


def canonical_operations(documents: list[DocumentNode]) -> dict[str, str]:
    """Every named operation of `documents` by name, as its canonical text."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    operations: dict[str, OperationDefinitionNode] = {}
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                _add_once(fragments, definition.name.value, definition, "fragment")
            elif isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise ValueError("every operation document must be named")
                _add_once(operations, definition.name.value, definition, "operation")
    return {
        name: "\n\n".join(
            print_ast(node)
            for node in [operation, *(fragments[f] for f in fragments_used(operation, fragments))]
        )
        for name, operation in operations.items()
    }


def fragments_used(node, fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Names of the fragments `node` spreads, directly or through other fragments, each once."""
    found: list[str] = []
    pending = [node]
    while pending:
        for name in _spreads(pending.pop(0)):
            if name not in found:
                if name not in fragments:
                    raise ValueError(f"unknown fragment {name!r}")
                found.append(name)
                pending.append(fragments[name])
    return found


def _spreads(node) -> list[str]:
    """The fragment names spread in `node`, in document order."""
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_):
            names.append(spread.name.value)

    visit(node, Spreads())
    return names


def _add_once(into: dict, name: str, node, kind: str) -> None:
    if name in into:
        raise ValueError(f"{kind} {name!r} is defined twice")
    into[name] = node


@functools.cache
def operations() -> dict[str, str]:
    """The project's operations by name (read once per process)."""
    return canonical_operations([parse(path.read_text()) for path in operation_files()])


def operation(name: str) -> str:
    return operations()[name]
