"""deploy/: what can be checked on one machine. The gunicorn config by starting the systemd unit's own
command; the nginx site with `nginx -t` in a wrapper config; the systemd units with
`systemd-analyze verify`; the backup and its restore into a throwaway database (services leg). Each
check that needs a tool this machine lacks is skipped, saying which."""

from __future__ import annotations

import os
import runpy
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from .services import (
    ROOT,
    database_url,
    eventually,
    free_port,
    running,
    services_leg,
    throwaway_certificate,
    wait_for_port,
)

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("kitanda-*"))


def unit_for_this_machine(path: Path, env_file: Path) -> str:
    """A unit with the install paths pointed at this checkout."""
    return (
        path.read_text()
        .replace("/srv/kitanda", str(ROOT))
        .replace("/etc/kitanda/kitanda.env", str(env_file))
        .replace(f"{ROOT}/.venv/bin/", f"{Path(sys.executable).parent}/")
    )


def exec_start(unit: str, key: str = "ExecStart") -> list[str]:
    line = next(line for line in unit.splitlines() if line.startswith(f"{key}="))
    return shlex.split(line.removeprefix(f"{key}="))


def production_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    """DEBUG off on a SQLite file of tmp_path (not migrated), gunicorn bound to a loopback port."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": "deploy-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **extra,
    }


# ---------------------------------------------------------------- gunicorn


def test_the_gunicorn_config_sets_recycling_timeouts_and_trusts_no_forwarding_header(monkeypatch):
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_MAX_REQUESTS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["forwarded_allow_ips"] == "" and config["secure_scheme_headers"] == {}
    assert config["max_requests"] == 2000 and config["max_requests_jitter"] == 200
    assert (config["timeout"], config["graceful_timeout"]) == (30, 30)
    assert config["bind"] == "127.0.0.1:8000"
    web = (DEPLOY / "systemd" / "kitanda-web.service").read_text()
    assert "-c /srv/kitanda/gunicorn.conf.py" in web  # the root file is THE config


def test_the_web_unit_starts_gunicorn_and_never_trusts_forwarding_headers(tmp_path):
    """The unit's ExecStart with the project's config, on a loopback port: it serves, answers with
    X-Response-Time, and a client claiming HTTPS through X-Forwarded-Proto is still redirected
    (TRUSTED_PROXY_COUNT=0: neither gunicorn nor Django believes it)."""
    port = free_port()
    env = production_env(tmp_path, port, WEB_CONCURRENCY="2", GUNICORN_THREADS="2")
    unit = unit_for_this_machine(DEPLOY / "systemd" / "kitanda-web.service", tmp_path / "env")
    subprocess.run(exec_start(unit, "ExecStartPre"), cwd=ROOT, env=env, check=True, capture_output=True)
    with running(exec_start(unit), env=env, log=tmp_path / "gunicorn.log") as process:
        wait_for_port(port, process=process, timeout=60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=30) as response:
            assert response.status == 200 and response.headers["X-Response-Time"].endswith("ms")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql/", headers={"X-Forwarded-Proto": "https"}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        assert redirected.value.code == 301
        assert redirected.value.headers["Location"] == f"https://127.0.0.1:{port}/graphql/"
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        own_socket = Path(config["control_socket_for"]([f"127.0.0.1:{port}"]))
        socket_seen = eventually(own_socket.exists, timeout=15) and own_socket.is_socket()
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Booting worker" in log and log.count("Booting worker") >= 2
    # The start says what production lacks, each warning naming its variable.
    assert "(kitanda.W101) FRONTEND_URL" in log and "(kitanda.W105) SENTRY_DSN" in log
    # Its own control socket, named after the address served (not the user's shared default).
    assert socket_seen, "no control socket of its own"


def test_the_web_unit_refuses_an_unmigrated_database_and_says_why(tmp_path):
    """Started without its migrate step, gunicorn does not serve queries that would all fail: the
    preflight stops it, naming the command to run."""
    env = production_env(tmp_path, free_port(), WEB_CONCURRENCY="1")
    unit = unit_for_this_machine(DEPLOY / "systemd" / "kitanda-web.service", tmp_path / "env")
    done = subprocess.run(exec_start(unit), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Kitanda is not ready" in done.stderr and "manage.py migrate" in done.stderr
    assert "Booting worker" not in done.stderr


def test_the_live_unit_refuses_an_unmigrated_database_and_says_why(tmp_path):
    """The websocket process runs the same preflight before daphne starts."""
    env = production_env(tmp_path, free_port())
    unit = unit_for_this_machine(DEPLOY / "systemd" / "kitanda-live.service", tmp_path / "env")
    done = subprocess.run(
        exec_start(unit, "ExecStartPre"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "Kitanda is not ready" in done.stderr and "manage.py migrate" in done.stderr


# ---------------------------------------------------------------- nginx

WRAPPER = """
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    access_log off;
    include {site};
}}
"""


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (apt-get install nginx-light)")
def test_the_nginx_site_passes_nginx_t(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: no throwaway certificate for the TLS server")
    throwaway_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "kitanda.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/api.kitanda.ao/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/letsencrypt/live/api.kitanda.ao/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(WRAPPER.format(tmp=tmp_path, site=tmp_path / "site.conf"))
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


def test_the_nginx_site_sets_the_forwarding_headers_instead_of_passing_them():
    site = (DEPLOY / "nginx" / "kitanda.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    directives = "\n".join(line.split("#")[0] for line in site.splitlines())
    assert "$proxy_add_x_forwarded_for" not in directives and "$http_x_forwarded" not in directives
    assert "limit_req zone=kitanda_graphql" in site and "client_max_body_size" in site


# ---------------------------------------------------------------- systemd


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    env_file = tmp_path / "kitanda.env"
    env_file.write_text("DEBUG=0\n")
    for path in UNITS:
        (tmp_path / path.name).write_text(unit_for_this_machine(path, env_file))
    names = [path.name for path in UNITS]
    assert {"kitanda-web.service", "kitanda-worker.service", "kitanda-beat.service"} <= set(names)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0 and "kitanda" not in done.stderr, done.stderr
    # The check is real: a unit with a mistake fails it.
    (tmp_path / "kitanda-broken.service").write_text("[Service]\nExecStart=celery -A backend worker\n")
    broken = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "kitanda-broken.service"], cwd=tmp_path, capture_output=True
    )
    assert broken.returncode != 0


# ---------------------------------------------------------------- backup and restore


def psql(url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", url, "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@services_leg
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_a_backup_restores_into_a_throwaway_database(tmp_path, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        server = database_url(connection.settings_dict | {"NAME": "postgres"})
    names = {side: f"kitanda_backup_{side}_{uuid.uuid4().hex[:8]}" for side in ("source", "restored")}
    urls = {side: server.rsplit("/", 1)[0] + f"/{name}" for side, name in names.items()}
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    try:
        for name in names.values():
            psql(server, f"CREATE DATABASE {name}")
        source_env = env | {"DATABASE_URL": urls["source"], "MEDIA_ROOT": str(tmp_path / "media")}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=source_env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo"],
            cwd=ROOT,
            env=source_env,
            check=True,
            capture_output=True,
        )
        (tmp_path / "media" / "products").mkdir(parents=True, exist_ok=True)
        (tmp_path / "media" / "products" / "foto.png").write_bytes(b"\x89PNG fake image")
        counts = "SELECT (SELECT count(*) FROM catalog_product), (SELECT count(*) FROM accounts_user)"
        before = psql(urls["source"], counts)

        done = subprocess.run(
            [str(DEPLOY / "backup.sh")],
            env=source_env | {"BACKUP_DIR": str(tmp_path / "backups")},
            capture_output=True,
            text=True,
            check=True,
        )
        dump, media = done.stdout.split()
        assert Path(dump).name.startswith("kitanda-db-") and Path(media).name.startswith("kitanda-media-")

        refused = subprocess.run([str(DEPLOY / "restore.sh"), dump], env=env, capture_output=True)
        assert refused.returncode == 2  # --yes is required
        restored_env = env | {
            "DATABASE_URL": urls["restored"],
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
        }
        subprocess.run(
            [str(DEPLOY / "restore.sh"), "--yes", dump, media],
            env=restored_env,
            check=True,
            capture_output=True,
        )
        assert psql(urls["restored"], counts) == before and before != "0|0"
        assert (tmp_path / "restored-media" / "products" / "foto.png").read_bytes() == b"\x89PNG fake image"
        # The restored database is current for the project: no migration left to apply.
        plan = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--plan"],
            cwd=ROOT,
            env=restored_env,
            capture_output=True,
            text=True,
        )
        assert "No planned migration operations." in plan.stdout
    finally:
        for name in names.values():
            psql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
