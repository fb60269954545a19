"""gunicorn's configuration, read from the project root (or given with `-c gunicorn.conf.py`). It is
THE config: deploy/systemd/kitanda-web.service runs gunicorn with it; the command line may override
the rest (command-line options win over this file).

By default it serves the WSGI application on gthread workers: measured with bench/catalog.py, the
fastest way to serve this stack (the GraphQL view is synchronous, so under ASGI every request pays
Django's thread hops on top of the ASGI stack). `WEB_CONCURRENCY` sets the workers and
`GUNICORN_THREADS` the threads of each (each thread may hold a database connection). The ASGI entry
point still works for whoever needs it:
`gunicorn -c gunicorn.conf.py backend.asgi:application -k backend.workers.KitandaUvicornWorker`.

The client address and scheme are the application's to decide, from TRUSTED_PROXY_COUNT (Django
reads X-Forwarded-For in backend.client_ip and X-Forwarded-Proto through
SECURE_PROXY_SSL_HEADER when proxies are trusted). So gunicorn trusts no forwarding header from
any peer, whatever TRUSTED_PROXY_COUNT says: by default it believes X-Forwarded-Proto (and
friends) from 127.0.0.1, which would let a local caller claim HTTPS while no proxy is trusted.

Before it serves, the master runs the preflight (backend/preflight.py, in a process of its own): the
deploy checks' warnings (what production lacks, each naming its variable) go to the error log, and
a database that cannot be reached or is not migrated stops gunicorn, saying why.

Each deployment has its own control socket (`gunicornc`): gunicorn's default, one per user
(~/.gunicorn/gunicorn.ctl), would be shared by every gunicorn the user runs. Here it is named after
the address served, in systemd's RuntimeDirectory (/run/kitanda) or the user's runtime directory;
GUNICORN_CONTROL_SOCKET sets it.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

wsgi_app = "backend.wsgi:application"
worker_class = "backend.workers.KitandaThreadWorker"  # gthread, refusing in JSON

forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# Where nginx reaches it (deploy/nginx/kitanda.conf's upstream): loopback or a private interface.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Workers: WEB_CONCURRENCY (gunicorn reads it itself), else 2 per core + 1.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))  # gthread workers only
# A worker is replaced after this many requests (give or take the jitter, so they do not all restart
# at once): whatever a long-lived process accumulates is returned.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# A request running longer than this gets its worker killed and replaced; shutdowns wait this long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than nginx's upstream keepalive_timeout, so nginx closes idle connections first.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Access lines come from Django (ACCESS_LOG, JSON with the request id); gunicorn logs its own events.
accesslog = None
errorlog = "-"
proc_name = "kitanda"


def control_socket_for(binds: list[str]) -> str:
    """The control socket of the gunicorn serving `binds`: GUNICORN_CONTROL_SOCKET, else one named after
    the first address, in the runtime directory (systemd's, the user's, or the temporary one)."""
    if os.environ.get("GUNICORN_CONTROL_SOCKET"):
        return os.environ["GUNICORN_CONTROL_SOCKET"]
    folder = os.environ.get("RUNTIME_DIRECTORY") or os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    name = re.sub(r"[^A-Za-z0-9.]+", "-", binds[0] if binds else "default").strip("-")
    return str(Path(folder.split(":")[0]) / f"kitanda-gunicorn-{name}.ctl")


def on_starting(server) -> None:
    """Before any worker: the control socket of this deployment, then the preflight, which stops
    gunicorn when the database is not ready (its reasons are already in the error log)."""
    server.cfg.set("control_socket", control_socket_for(server.cfg.bind))
    preflight = subprocess.run(
        [sys.executable, "-m", "backend.preflight"], cwd=Path(__file__).resolve().parent, check=False
    )
    if preflight.returncode != 0:
        raise SystemExit("Kitanda's preflight failed (see above): not serving.")


def child_exit(server, worker) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, a dead worker's metric files are merged away (backend/observability.py)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
