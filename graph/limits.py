"""Limits on the shape of a GraphQL document, checked in time linear in the document before any of
graphql-core's validation rules run.

Every measure through fragments is memoised per fragment: a fragment's depth, aliases and selections
are computed once, in an order where the fragments it spreads come first, and added (or multiplied)
where it is spread. A document whose fragments each spread the next twice over 20 levels therefore
costs 20 steps here, where walking every path (strawberry's depth and alias limiters) costs 2^20.

What graphql-core's OverlappingFieldsCanBeMergedRule costs is bounded too: it compares every pair of
fields that answer at the same place in the response (same response path), so the document may
select at most GRAPHQL_MAX_SELECTIONS selections with fragments expanded, and one response path at
most GRAPHQL_MAX_REPEATED_FIELDS times; the comparisons then stay below the product of the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from .errors import too_complex

# Selection sets and fragment spreads along one path. Far below what real documents need and far
# from Python's recursion limit, so that no walk over the document (ours, graphql-core's) overflows.
MAX_NESTING = 64


@dataclass(frozen=True)
class Measures:
    """One fragment's or operation's measures, its spread fragments included as often as spread."""

    depth: int  # as strawberry's QueryDepthLimiter counts: fields with a selection set, nested
    aliases: int
    selections: int  # fields, fragment spreads and inline fragments
    nesting: int  # selection sets and spreads along the deepest path


class DocumentTooComplex(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def document_problems(document: DocumentNode) -> list[GraphQLError]:
    """The document's first limit problem (an error with code QUERY_TOO_COMPLEX), or none."""
    try:
        _check(document)
    except DocumentTooComplex as problem:
        return [too_complex(problem.message)]
    return []


def fragment_definitions(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operation_definitions(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def operation_named(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation a request runs: the one it names, or the only one; None when there is none."""
    operations = operation_definitions(document)
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def level_fields(selection_set: SelectionSetNode, fragments: dict, seen: frozenset[str] = frozenset()):
    """The fields of one level, through inline fragments and spreads (run after the limits, so
    spreads nest boundedly)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from level_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                yield from level_fields(fragments[name].selection_set, fragments, seen | {name})


def _check(document: DocumentNode) -> None:
    fragments = fragment_definitions(document)
    operations = operation_definitions(document)
    for definition in (*operations, *fragments.values()):
        if _local_nesting(definition.selection_set) > MAX_NESTING:
            raise DocumentTooComplex(gettext("The document is nested too deeply."))
    measures: dict[str, Measures] = {}
    for name in _fragments_in_dependency_order(operations, fragments):
        measures[name] = _measure(fragments[name].selection_set, measures)
    used = used_fragments(operations, fragments)
    roots: list[OperationDefinitionNode | FragmentDefinitionNode] = [
        *operations,
        *(fragment for name, fragment in fragments.items() if name not in used),
    ]
    totals = [_measure(root.selection_set, measures) for root in roots]
    if any(total.nesting > MAX_NESTING for total in totals):
        raise DocumentTooComplex(gettext("The document is nested too deeply."))
    max_depth = settings.GRAPHQL_MAX_DEPTH
    for root, total in zip(roots, totals, strict=True):
        if isinstance(root, OperationDefinitionNode) and total.depth > max_depth:
            name = root.name.value if root.name else "anonymous"
            raise DocumentTooComplex(
                gettext("'%(name)s' exceeds maximum operation depth of %(max_depth)s")
                % {"name": name, "max_depth": max_depth}
            )
    aliases = sum(total.aliases for root, total in zip(roots, totals, strict=True) if root in operations)
    if aliases > settings.GRAPHQL_MAX_ALIASES:
        raise DocumentTooComplex(
            gettext("%(aliases)s aliases found. Allowed: %(allowed)s")
            % {"aliases": aliases, "allowed": settings.GRAPHQL_MAX_ALIASES}
        )
    selections = sum(total.selections for total in totals)
    if selections > settings.GRAPHQL_MAX_SELECTIONS:
        raise DocumentTooComplex(
            gettext(
                "The document makes %(selections)s selections, counting each fragment where it is "
                "spread. Allowed: %(allowed)s"
            )
            % {"selections": selections, "allowed": settings.GRAPHQL_MAX_SELECTIONS}
        )
    # Bounded by the selections just checked: the walk expands fragments.
    repeats = max((_most_repeated(root.selection_set, fragments) for root in roots), default=0)
    if repeats > settings.GRAPHQL_MAX_REPEATED_FIELDS:
        raise DocumentTooComplex(
            gettext(
                "A field is selected %(repeats)s times at the same place in the response. Allowed: %(allowed)s"
            )
            % {"repeats": repeats, "allowed": settings.GRAPHQL_MAX_REPEATED_FIELDS}
        )


def root_field_count(operation: OperationDefinitionNode, document: DocumentNode) -> int:
    """Fields at the top of `operation`, through inline fragments and spreads."""
    return sum(1 for _ in level_fields(operation.selection_set, fragment_definitions(document)))


def _local_nesting(selection_set: SelectionSetNode) -> int:
    """Selection sets nested in one definition, without fragments (iterative: any depth is safe)."""
    deepest, pending = 0, [(selection_set, 1)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        for selection in current.selections:
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append((selection.selection_set, level + 1))
    return deepest


def _spreads(selection_set: SelectionSetNode) -> list[str]:
    names, pending = [], [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif selection.selection_set:
                pending.append(selection.selection_set)
    return names


def used_fragments(
    operations: list[OperationDefinitionNode], fragments: dict[str, FragmentDefinitionNode]
) -> set[str]:
    """The fragments the operations use, directly or through other fragments."""
    used: set[str] = set()
    pending = [name for operation in operations for name in _spreads(operation.selection_set)]
    while pending:
        name = pending.pop()
        if name in fragments and name not in used:
            used.add(name)
            pending.extend(_spreads(fragments[name].selection_set))
    return used


def _fragments_in_dependency_order(
    operations: list[OperationDefinitionNode], fragments: dict[str, FragmentDefinitionNode]
) -> list[str]:
    """Every fragment after those it spreads (an iterative depth-first walk); a cycle is refused."""
    spreads = {
        name: [s for s in _spreads(f.selection_set) if s in fragments] for name, f in fragments.items()
    }
    order: list[str] = []
    state: dict[str, str] = {}  # "open" while its spreads are being ordered, then "done"
    for start in fragments:
        if start in state:
            continue
        stack = [(start, iter(spreads[start]))]
        state[start] = "open"
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[name] = "done"
                order.append(name)
            elif state.get(child) == "open":
                raise DocumentTooComplex(
                    gettext('Cannot spread fragment "%(name)s" within itself.') % {"name": child}
                )
            elif child not in state:
                state[child] = "open"
                stack.append((child, iter(spreads[child])))
    return order


def _measure(selection_set: SelectionSetNode, fragments: dict[str, Measures]) -> Measures:
    """Measures of one selection set; the fragments it spreads are measured already."""
    depth = aliases = selections = nesting = 0
    for selection in selection_set.selections:
        selections += 1
        if isinstance(selection, FieldNode):
            aliases += selection.alias is not None
            if selection.selection_set:
                inner = _measure(selection.selection_set, fragments)
                aliases += inner.aliases
                selections += inner.selections
                nesting = max(nesting, inner.nesting)
                if not selection.name.value.startswith("__"):  # introspection is not counted
                    depth = max(depth, 1 + inner.depth)
        elif isinstance(selection, InlineFragmentNode):
            inner = _measure(selection.selection_set, fragments)
            depth, nesting = max(depth, inner.depth), max(nesting, inner.nesting)
            aliases, selections = aliases + inner.aliases, selections + inner.selections
        elif isinstance(selection, FragmentSpreadNode):
            spread = fragments.get(selection.name.value)
            if spread is not None:  # an unknown fragment is validation's to report
                depth, nesting = max(depth, spread.depth), max(nesting, spread.nesting)
                aliases, selections = aliases + spread.aliases, selections + spread.selections
    return Measures(depth, aliases, selections, nesting + 1)


def _most_repeated(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> int:
    """How often the most repeated response path is selected, fragments expanded."""
    most = 0

    def walk(current: SelectionSetNode, place: dict) -> None:
        nonlocal most
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                name = selection.alias.value if selection.alias else selection.name.value
                entry = place.setdefault(name, [0, {}])
                entry[0] += 1
                most = max(most, entry[0])
                if selection.selection_set:
                    walk(selection.selection_set, entry[1])
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, place)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                walk(fragments[selection.name.value].selection_set, place)

    walk(selection_set, {})
    return most
