"""System checks of the build and of a production configuration, and the preflight gunicorn runs
before it serves (gunicorn.conf.py's on_starting):

- always: the message catalogues are compiled (`make locale`);
- with `--deploy` (`manage.py check --deploy`, and every start of the web process): a warning, naming
  its variable, for each thing production lacks: e-mailed links to localhost, e-mail printed to the
  console, GraphiQL or introspection on, no Sentry, HTTPS redirects with no proxy trusted;
- `unapplied_migrations()`, which the preflight (backend/preflight.py) refuses to serve with.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"}


@register()
def catalogues_compiled(app_configs, **kwargs) -> list[Error]:
    """Without its .mo (or with one older than its .po) Django silently answers in English."""
    errors = []
    for locale_path in settings.LOCALE_PATHS:
        for po in sorted(locale_path.glob("*/LC_MESSAGES/django.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                errors.append(
                    Error(
                        f"{po.relative_to(settings.BASE_DIR)} is not compiled, or changed since.",
                        hint="Run `make locale` (part of make run and make test, and of every install).",
                        id="kitanda.E001",
                    )
                )
    return errors


@register(Tags.security, deploy=True)
def production_lacks(app_configs, **kwargs) -> list[Warning]:
    """What a production deployment should set, each warning naming the variable to set."""
    lacking = []
    if (urlsplit(settings.FRONTEND_URL).hostname or "localhost") in {
        host.strip("[]") for host in LOCAL_HOSTS
    }:
        lacking.append(
            (
                "W101",
                f"FRONTEND_URL is {settings.FRONTEND_URL}: the links e-mailed to users (verification, "
                "password reset) lead to this machine.",
                "Set FRONTEND_URL to the storefront's address, e.g. https://kitanda.ao.",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        lacking.append(
            (
                "W102",
                "E-mail goes to the console (EMAIL_HOST is not set): nobody receives order e-mails, "
                "verification links or password resets.",
                "Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD), or EMAIL_BACKEND.",
            )
        )
    if settings.GRAPHIQL:
        lacking.append(("W103", "GraphiQL is served at /graphql/ to browsers.", "Set GRAPHIQL=0."))
    if settings.GRAPHQL_INTROSPECTION:
        lacking.append(
            (
                "W104",
                "Introspection is on: anyone can read the whole schema.",
                "Set GRAPHQL_INTROSPECTION=0 (codegen runs against schema.graphql).",
            )
        )
    if not settings.SENTRY_DSN:
        lacking.append(
            (
                "W105",
                "SENTRY_DSN is not set: errors reach the logs only.",
                "Set SENTRY_DSN to your project's DSN.",
            )
        )
    if settings.SECURE_SSL_REDIRECT and settings.TRUSTED_PROXY_COUNT == 0:
        lacking.append(
            (
                "W106",
                "SECURE_SSL_REDIRECT is on while TRUSTED_PROXY_COUNT is 0: behind a TLS-terminating proxy "
                "every request looks like plain HTTP and is redirected again and again.",
                "Set TRUSTED_PROXY_COUNT=1 behind one proxy (nginx), or SECURE_SSL_REDIRECT=0 if nothing "
                "terminates TLS in front of the app.",
            )
        )
    return [Warning(message, hint=hint, id=f"kitanda.{code}") for code, message, hint in lacking]


def unapplied_migrations() -> list[str]:
    """The migrations the default database still lacks ("app.name"), read from the database."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
