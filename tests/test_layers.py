"""The rules of the layout, read from the code itself so that nobody has to remember them:
the domain never reaches up into the API layer, a rule lives in one place, and every field that
returns a queryset lets the optimizer see it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from strawberry.types.base import StrawberryList, StrawberryObjectDefinition, StrawberryOptional
from strawberry_django.fields.field import StrawberryDjangoField

from graph.schema import schema

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_MODULES = sorted(path for path in (ROOT / "domain").rglob("*.py") if "migrations" not in path.parts)
GRAPH_MODULES = sorted((ROOT / "graph").rglob("*.py"))
USER_MODEL = ROOT / "domain" / "accounts" / "models.py"
# What the domain never imports: the API layer, the project, the websocket layer and HTTP.
API_PACKAGES = {
    "backend",
    "channels",
    "django.http",
    "graphene",
    "graphene_django",
    "strawberry",
    "strawberry_django",
    "graphql_jwt",
    "graphql",
    "graph",
}
CAMEL_CASE = re.compile(r"^[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*$")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.ImportFrom):  # relative: resolve against the module's package
            package = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
            modules.add(".".join([*package, *(node.module.split(".") if node.module else [])]))
    return modules


def test_the_domain_imports_nothing_of_the_api_layer():
    offending = {
        str(path.relative_to(ROOT)): sorted(
            module for module in imported_modules(path) if _within(module, API_PACKAGES)
        )
        for path in DOMAIN_MODULES
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}


def _within(module: str, packages: set[str]) -> bool:
    """Is `module` one of `packages` or inside one of them (`django.http.request` is in `django.http`)?"""
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def test_the_api_layer_imports_nothing_of_the_project():
    """graph/ sits below backend/ (which wires it up): it reads settings, never the project's modules."""
    offending = {
        str(path.relative_to(ROOT)): sorted(
            module for module in imported_modules(path) if _within(module, {"backend"})
        )
        for path in GRAPH_MODULES
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}


def test_the_build_checks_are_registered_without_the_api_layer():
    from django.core.checks import registry

    from backend.checks import catalogues_compiled

    assert catalogues_compiled in registry.registry.get_checks()


@pytest.mark.parametrize("lower", ["accounts", "catalog"])
def test_lower_areas_know_nothing_of_carts(lower):
    # Management commands are entry points, like resolvers: seed_demo composes every area's services.
    reaching = [
        str(path.relative_to(ROOT))
        for path in DOMAIN_MODULES
        if path.is_relative_to(ROOT / "domain" / lower)
        and "commands" not in path.relative_to(ROOT / "domain" / lower).parts
        and any(module.startswith("domain.cart") for module in imported_modules(path))
    ]
    assert reaching == []


def test_the_domain_names_fields_in_python():
    camel = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value}"
        for path in DOMAIN_MODULES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CAMEL_CASE.match(node.value)
    ]
    assert camel == []


def _outside_the_user_model(found) -> list[str]:
    """Where in domain/ and graph/, the user model aside, `found(node)` holds."""
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted({*DOMAIN_MODULES, *GRAPH_MODULES})
        if path != USER_MODEL
        for node in ast.walk(ast.parse(path.read_text()))
        if found(node)
    ]


def _role_comparison(node: ast.AST) -> bool:
    """`user.user_type == UserType.SELLER`: a role the user model's properties name (is_seller)."""
    return isinstance(node, ast.Compare) and any(
        isinstance(side, ast.Attribute) and side.attr == "user_type"
        for side in [node.left, *node.comparators]
    )


ROLE_QUERIES = {"Q", "filter", "exclude"}


def _role_lookup(node: ast.AST) -> bool:
    """`Q(user_type=...)`, `.filter(user_type__in=...)`, `.exclude(buyer__user_type=...)`: rows chosen
    by role, which the user model's Q objects name (SELLER, PENDING_SELLER)."""
    if not isinstance(node, ast.Call):
        return False
    called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    return called in ROLE_QUERIES and any(
        keyword.arg is not None and "user_type" in keyword.arg.split("__") for keyword in node.keywords
    )


def test_roles_are_decided_by_the_user_model_only():
    assert _outside_the_user_model(_role_comparison) == []


def test_roles_are_queried_through_the_user_model_only():
    assert _outside_the_user_model(_role_lookup) == []


# ---------------------------------------------------------------- the optimizer's rule


def _django_type(graphql_type) -> bool:
    """Is this (or the list, optional or connection it wraps) a strawberry-django model type?"""
    while isinstance(graphql_type, StrawberryList | StrawberryOptional):
        graphql_type = graphql_type.of_type
    definition = getattr(graphql_type, "__strawberry_definition__", None)
    if definition is not None and definition.name.endswith("Connection"):
        return True
    return hasattr(graphql_type, "__strawberry_django_definition__")


def _object_fields():
    for graphql_type in schema.schema_converter.type_map.values():
        definition = graphql_type.definition
        if isinstance(definition, StrawberryObjectDefinition) and definition.name != "Mutation":
            yield from ((definition.name, field) for field in definition.fields)


@pytest.mark.django_db
def test_every_field_that_may_return_a_queryset_is_a_strawberry_django_field():
    """The optimizer plans only strawberry-django fields (graph/schema.py drops its per-field hook),
    so a plain field handed a queryset would load its relations one query per row. Payload fields
    included: a mutation may fill them with a queryset. The only plain fields of model types are the
    connection's own edges and two root queries that return instances."""
    plain = {
        f"{type_name}.{field.python_name}"
        for type_name, field in _object_fields()
        if _django_type(field.type) and not isinstance(field, StrawberryDjangoField)
    }
    assert plain == {"Query.me", "Query.store", "Edge.node"}
    info = SimpleNamespace(context=SimpleNamespace(request=SimpleNamespace(user=AnonymousUser())))
    for _, field in _object_fields():
        if f"Query.{field.python_name}" in plain and field.base_resolver is not None:
            arguments = {argument.python_name: "slug" for argument in field.arguments}
            assert not isinstance(field.base_resolver.wrapped_func(None, info, **arguments), QuerySet)


# ---------------------------------------------------------------- the domain apps stand in one order

# Lowest first. A domain app imports its own modules, the shared ones (domain/*.py) and the apps of
# the layers below its own, never a sibling of its layer nor anything above: a lower app announces
# what happened through the signals it owns (domain/accounts/signals.py, domain/orders/signals.py),
# which the apps above it receive. The shared modules import no app.
DOMAIN_APP_LAYERS = [
    ["accounts"],
    ["catalog"],
    ["cart", "wishlist"],
    ["delivery", "promotions"],
    ["orders"],
    ["economics", "notifications", "reviews"],
    ["privacy"],
]


def _domain_app(module: str) -> str | None:
    """The domain app a dotted module belongs to (None for the shared modules and anything else)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "domain":
        return None
    return parts[1] if (ROOT / "domain" / parts[1] / "__init__.py").exists() else None


def _app_imports(modules: list[Path]) -> list[tuple[str, str | None, str, str]]:
    """(module's path, its app, what it imports, that one's app) for each import of another app."""
    found = []
    for path in modules:
        app = _domain_app(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in sorted(imported_modules(path)):
            other = _domain_app(module)
            if other is not None and other != app:
                found.append((str(path.relative_to(ROOT)), app, module, other))
    return found


def _app_loops(edges: dict[str, set[str]]) -> list[str]:
    """Every loop of the app graph, once each, as 'a -> b -> a'."""
    loops = set()

    def walk(app: str, trail: list[str]) -> None:
        for other in sorted(edges.get(app, ())):
            if other in trail:
                loop = trail[trail.index(other) :]
                start = loop.index(min(loop))
                loops.add(" -> ".join([*loop[start:], *loop[:start], min(loop)]))
            else:
                walk(other, [*trail, other])

    for app in sorted(edges):
        walk(app, [app])
    return sorted(loops)


def test_the_domain_apps_stand_in_one_order():
    rank = {app: level for level, apps in enumerate(DOMAIN_APP_LAYERS) for app in apps}
    apps = sorted(path.parent.name for path in (ROOT / "domain").glob("*/__init__.py"))
    assert sorted(rank) == apps, "every domain app has its one place in DOMAIN_APP_LAYERS"
    imports = _app_imports(DOMAIN_MODULES)
    upward = [
        f"{path} imports {module}, and {other} is not below {app or 'the shared modules'}"
        for path, app, module, other in imports
        if app is None or rank[other] >= rank[app]
    ]
    edges: dict[str, set[str]] = {}
    for _, app, _, other in imports:
        edges.setdefault(app or "domain", set()).add(other)
    loops = [f"loop: {loop}" for loop in _app_loops(edges)]
    assert upward + loops == [], "\n".join(upward + loops)
