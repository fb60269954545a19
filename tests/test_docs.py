"""What the documents promise a newcomer and an operator holds: every variable read from the
environment is in the README's configuration table, the production section names every step, the
Node version named is the one the locked packages accept, and the beat unit names every periodic job."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
CLIENT = ROOT / "clients" / "typescript"
NODE_NAMED = "22.15"  # the oldest Node the README and the client's README name


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def configuration_table() -> set[str]:
    """The variables named in the first column of the Configuration table."""
    names = set()
    for line in section("Configuration").splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z_0-9]+)`", line.split(" | ")[0]))
    return names


def test_every_variable_read_from_the_environment_is_in_the_configuration_table():
    read = set()
    for source in (ROOT / "backend" / "settings.py", ROOT / "gunicorn.conf.py"):
        read |= set(re.findall(r'(?:environ\.get|env_\w+)\(\s*"([A-Z][A-Z_0-9]+)"', source.read_text()))
        read |= set(re.findall(r'environ\["([A-Z][A-Z_0-9]+)"\]', source.read_text()))
    read -= {"RUNTIME_DIRECTORY", "XDG_RUNTIME_DIR"}  # set by systemd and the login session, not by us
    assert len(read) > 40
    assert sorted(read - configuration_table()) == []


def test_the_production_section_names_every_step():
    production = section("Serving in production")
    for step in [
        "make locale",
        "manage.py migrate",
        "manage.py check --deploy",
        "manage.py createsuperuser",
        "celery -A backend worker",
        "celery -A backend beat",
        "CORS_ALLOWED_ORIGINS",
        "TRUSTED_PROXY_COUNT=1",
        "X-Forwarded-Proto: https",
        "Kitanda is not ready",
        "/health/",
        "What Redis holds",
    ]:
        assert step in production, step
    assert "#what-redis-holds" in production and "\n### What Redis holds\n" in README


def satisfies(version: tuple[int, ...], wanted: str) -> bool:
    """npm's engines ranges as the lockfile writes them: `*`, `>=x.y.z`, `^x.y.z`, `x`, `x.*`, `a || b`."""
    for alternative in wanted.split("||"):
        alternative = alternative.strip().replace(" ", "")
        numbers = tuple(int(part) for part in re.findall(r"\d+", alternative))
        if alternative in {"*", ""}:
            return True
        if alternative.startswith(">="):
            if version >= numbers + (0,) * (3 - len(numbers)):
                return True
        elif alternative.startswith("^"):
            if version[0] == numbers[0] and version >= numbers + (0,) * (3 - len(numbers)):
                return True
        elif version[: len(numbers)] == numbers:
            return True
    return False


def test_the_node_version_named_is_the_one_every_locked_package_accepts():
    lock = json.loads((CLIENT / "package-lock.json").read_text())
    ranges = {
        package.get("engines", {}).get("node")
        for package in lock["packages"].values()
        if isinstance(package.get("engines"), dict)
    } - {None}
    oldest = tuple(int(part) for part in NODE_NAMED.split(".")) + (0,)
    assert [wanted for wanted in ranges if not satisfies(oldest, wanted)] == []
    assert [wanted for wanted in ranges if not satisfies((24, 0, 0), wanted)] == []
    # ... and no older release of that line would do: the named version is the oldest that works.
    assert [wanted for wanted in ranges if not satisfies((22, 14, 0), wanted)] != []
    declared = json.loads((CLIENT / "package.json").read_text())["engines"]["node"]
    assert lock["packages"][""]["engines"]["node"] == declared
    assert satisfies(oldest, declared) and not satisfies((20, 19, 0), declared)
    assert f"Node {NODE_NAMED}" in section("Build a client")
    assert f"Node {NODE_NAMED}" in (CLIENT / "README.md").read_text()


def test_the_beat_unit_names_every_periodic_job_and_its_interval():
    comment = "".join(
        line
        for line in (ROOT / "deploy" / "systemd" / "kitanda-beat.service").read_text().splitlines()
        if line.startswith("#")
    )
    for job in settings.CELERY_BEAT_SCHEDULE.values():
        assert job["task"] in comment, job["task"]
    for interval in re.findall(r"\b([A-Z_]+_INTERVAL)\b", (ROOT / "backend" / "settings.py").read_text()):
        assert interval in comment, interval


def test_the_worked_example_table_follows_its_paragraph():
    example = README.index("- **Worked example**")
    table = README.index("| entry | amount | IVA | order |")
    following = README.index("\n- **", example + 1)
    assert example < table < following
