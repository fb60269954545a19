"""The private parts of our libraries that Kitanda relies on, in one list (the README's upgrade notes
name the same ones). An upgrade that removes or renames one fails here with the name of the part
and the module of ours that needs it, instead of somewhere deep in a request."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (library, "module:attribute.path", our module that relies on it, what for). An instance attribute
# is looked for in its class's source, as "module:Class.attribute".
PRIVATE_APIS = [
    (
        "strawberry",
        "strawberry.schema.schema:Schema._schema",
        "graph/guards.py, graph/cost.py, graph/lean.py",
        "the graphql-core schema behind strawberry's (validation, cost, lean resolvers)",
    ),
    (
        "strawberry",
        "strawberry.types.info:Info._raw_info",
        "graph/plans.py",
        "graphql-core's resolve info behind strawberry's Info (the path and context of a kept plan)",
    ),
    (
        "strawberry",
        "strawberry.schema.schema:Schema._strawberry_schema",
        "graph/plans.py",
        "the strawberry schema a graphql-core schema was made from (`info.schema._strawberry_schema`)",
    ),
    (
        "strawberry",
        "strawberry.http.sync_base_view:SyncBaseHTTPView._handle_errors",
        "graph/views.py",
        "the view's hook for the errors of a result (the Sentry integration's seam)",
    ),
    (
        "strawberry-django",
        "strawberry_django.optimizer:_get_model_hints",
        "graph/plans.py",
        "the optimizer's plan of a queryset (only, select_related) before it is applied",
    ),
    (
        "strawberry-django",
        "strawberry_django.optimizer:_get_gql_definition",
        "graph/plans.py",
        "the strawberry type of a model type, as the optimizer finds it",
    ),
    (
        "gunicorn",
        "gunicorn.util:write_error",
        "backend/workers.py",
        "gunicorn's refusals are written through it to the client's socket, which our worker answers in JSON",
    ),
    (
        "django",
        "django.db.models.sql.query:Query.get_compiler",
        "graph/kept_sql.py, graph/sql_shapes.py",
        "the compiler a page's query (a Query subclass of ours) makes, which sends the kept SQL",
    ),
    (
        "django",
        "django.db.models.sql.query:Query.where",
        "graph/sql_shapes.py",
        "the WHERE clause, compiled alone before as_sql; the rest of the query's state is the shape's key",
    ),
    (
        "django",
        "django.db.models.sql.query:Query.alias_map",
        "graph/sql_shapes.py",
        "a query's state in its __dict__ (alias_map, select_related, ...), frozen into the shape's key",
    ),
    (
        "django",
        "django.db.models.expressions:Expression._constructor_args",
        "graph/sql_shapes.py",
        "an expression's arguments (as deconstructible records them), frozen with their types into the shape's key",
    ),
    (
        "django",
        "django.db.models.sql.datastructures:Join.identity",
        "graph/sql_shapes.py",
        "a join in the shape's key, with its join_type and nullable, which identity leaves out",
    ),
    (
        "django",
        "django.db.models.sql.query:Query.combinator",
        "graph/sql_shapes.py",
        "a combined query (UNION ...) is not kept per shape",
    ),
    (
        "django",
        "django.db.models.sql.datastructures:Join.filtered_relation",
        "graph/sql_shapes.py",
        "a join with a FilteredRelation (values in its condition) is not kept per shape",
    ),
    (
        "django",
        "django.db.models.sql.compiler:SQLCompiler.klass_info",
        "graph/kept_sql.py, graph/sql_shapes.py",
        "what as_sql leaves on the compiler for ModelIterable (select, klass_info, annotation_col_map), kept with the SQL",
    ),
    (
        "django",
        "django.db.models.sql.compiler:SQLCompiler.col_count",
        "graph/kept_sql.py, graph/sql_shapes.py",
        "what as_sql leaves on the compiler for results_iter (col_count, has_extra_select), kept with the SQL",
    ),
    (
        "django",
        "django.db.models.sql.compiler:SQLCompiler.has_extra_select",
        "graph/kept_sql.py, graph/sql_shapes.py",
        "whether results_iter trims extra ordering columns, kept with the SQL",
    ),
    (
        "django",
        "django.db.models.base:ModelState",
        "domain/loading.py",
        "the state (db, adding) of an instance Model.from_db makes, made without __init__",
    ),
    (
        "strawberry-django",
        "strawberry_django.pagination:apply_window_pagination._strawberry_row_number",
        "graph/plans.py",
        "the annotation that marks a nested connection's prefetch paged by window functions",
    ),
    (
        "django",
        "django.db.models.query:QuerySet._result_cache",
        "graph/plans.py",
        "whether a queryset was evaluated already (a kept plan applies only to one that was not)",
    ),
    (
        "django",
        "django.db.models.query:QuerySet._chain",
        "graph/plans.py",
        "a clone of a kept prefetch's queryset for one request (as QuerySet.all() makes)",
    ),
    (
        "django",
        "django.db.models.query:QuerySet._prefetch_related_lookups",
        "graph/plans.py",
        "the prefetches nested in a kept prefetch's queryset, cloned with it",
    ),
    (
        "django",
        "django.utils.log:log_response._has_been_logged",
        "graph/http.py",
        "tells Django's log_response that a refusal was logged already (at INFO)",
    ),
    (
        "django",
        "django.utils.functional:LazyObject._wrapped",
        "backend/observability.py",
        "whether request.user was ever evaluated (the access log does not load it)",
    ),
    (
        "graphql-core",
        "graphql.execution.execute:ExecutionContext.execute_operation",
        "graph/compiled.py",
        "where a compiled plan runs instead of graphql-core's walk (the rest of execute() stays theirs)",
    ),
    (
        "graphql-core",
        "graphql.execution.execute:get_field_def",
        "graph/compiled.py",
        "the field definition of a selection, __typename included, as graphql-core finds it",
    ),
    (
        "graphql-core",
        "graphql.execution.execute:invalid_return_type_error",
        "graph/compiled.py",
        "the error graphql-core raises when is_type_of refuses a value (the same message compiled)",
    ),
    (
        "graphql-core",
        "graphql.execution.collect_fields:collect_sub_fields",
        "graph/compiled.py, graph/plans.py",
        "the fields a selection set collects (fragments, @skip/@include) when a plan is compiled or its "
        "prefetches are checked",
    ),
    (
        "strawberry",
        "strawberry.schema.schema:StrawberryGraphQLCoreExecutionContext",
        "graph/compiled.py",
        "strawberry's execution context, which the compiled one extends",
    ),
]


def _present(target: str) -> bool:
    module_name, _, path = target.partition(":")
    value = importlib.import_module(module_name)
    *owners, name = path.split(".")
    for owner in owners:
        value = getattr(value, owner)
    return hasattr(value, name) or name in inspect.getsource(value)


@pytest.mark.parametrize(("library", "target", "ours", "why"), PRIVATE_APIS, ids=[p[1] for p in PRIVATE_APIS])
def test_a_private_api_we_rely_on_is_still_there(library, target, ours, why):
    try:
        present = _present(target)
    except (ImportError, AttributeError, OSError, TypeError) as error:
        present, why = False, f"{why} ({error!r})"
    if not present:
        pytest.fail(
            f"{library} no longer has {target}; {ours} relies on it: {why}. See the README's upgrade notes."
        )


def test_the_schema_has_its_graphql_core_schema():
    from graph.schema import schema

    assert schema._schema.query_type.name == "Query"


def test_the_token_limit_is_worded_as_we_read_it():
    from graphql import GraphQLSyntaxError, parse

    from graph.request import TOKEN_LIMIT_REACHED

    with pytest.raises(GraphQLSyntaxError) as refused:
        parse("{ a b c d }", max_tokens=3)
    assert TOKEN_LIMIT_REACHED in refused.value.message


def test_the_readme_names_every_private_api():
    readme = (ROOT / "README.md").read_text()
    notes = readme[readme.index("## Upgrade notes") :]
    missing = [target for _, target, _, _ in PRIVATE_APIS if f"`{target}`" not in notes]
    assert missing == []
