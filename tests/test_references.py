"""What the code and the README name exists, and what exists is used: no error type nobody raises,
no empty command package, no docstring pointing at a module, class or function that is gone."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

from domain import errors

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("backend", "demo", "domain", "graph")
SOURCES = sorted(
    path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
)
# `domain.errors.NotFound`, `domain.orders.payments.SimulatedGateway`, ...
DOTTED = re.compile(r"(?<![\w./])((?:" + "|".join(PACKAGES) + r")(?:\.[A-Za-z_]\w*)+)")
# `graph/guards.py`, `domain/catalog/versions.py`, ...
PATH = re.compile(r"(?<![\w./])((?:" + "|".join(PACKAGES) + r"|tests|bench)/[\w/]+\.py)\b")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def _prose() -> list[tuple[str, str]]:
    """(where, line) of every line of the sources and README that is not an import."""
    lines = []
    for path in [*SOURCES, ROOT / "README.md"]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.lstrip().startswith(("import ", "from ")):
                lines.append((f"{path.relative_to(ROOT)}:{number}", line))
    return lines


def test_every_dotted_name_in_the_code_and_readme_exists():
    missing = [
        f"{where} {match.rstrip('.')}"
        for where, line in _prose()
        for match in DOTTED.findall(line)
        if not _resolves(match.rstrip("."))
    ]
    assert missing == []


def test_every_module_path_in_the_code_and_readme_exists():
    missing = [
        f"{where} {named}"
        for where, line in _prose()
        for named in PATH.findall(line)
        if not (ROOT / named).exists()
    ]
    assert missing == []


def test_every_domain_error_is_raised_somewhere():
    """An error type is made (raised, or collected and raised) by some service or resolver, not only
    defined and mapped."""
    made = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }
    types = {
        name
        for name, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, errors.DomainError) and value is not errors.DomainError
    }
    assert types - made == set()


def test_every_command_package_holds_a_command():
    empty = [
        str(commands.relative_to(ROOT))
        for package in PACKAGES
        for commands in (ROOT / package).rglob("management/commands")
        if not [path for path in commands.glob("*.py") if path.name != "__init__.py"]
    ]
    assert empty == []


# A cache key as the code spells it: `graphql:response:`, `catalog:version:product:`, `login-throttle`.
CACHE_KEY = re.compile(r"^[a-z][a-z-]*(:[a-z{}_-]*)+$|^[a-z]+-[a-z-]+$")


def test_the_readme_names_every_key_the_code_keeps_in_the_cache():
    """What Redis holds (README) lists each kind of key, with its TTL and size: a new kind of key
    is a new line there, so the memory Redis needs stays known."""
    readme = (ROOT / "README.md").read_text()
    held = readme[readme.index("### What Redis holds") :]
    held = held[: held.index("\n## ")]
    keys = {
        f"{path.relative_to(ROOT)}: {node.value.split('{')[0].rstrip(':')}"
        for path in SOURCES
        if _uses_the_cache(tree := ast.parse(path.read_text()))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CACHE_KEY.match(node.value)
    }
    assert keys, "no cache key found: the pattern no longer matches the code"
    assert sorted(key for key in keys if f"`{key.split(': ')[1]}" not in held) == []


def _uses_the_cache(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "django.core.cache" for node in ast.walk(tree)
    )
