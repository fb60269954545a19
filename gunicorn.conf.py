"""gunicorn's configuration, read from the project root (or given with `-c gunicorn.conf.py`).

By default it serves the WSGI application on gthread workers: measured with bench/catalog.py, the
fastest way to serve this stack (the GraphQL view is synchronous, so under ASGI every request pays
Django's thread hops on top of the ASGI stack). `WEB_CONCURRENCY` sets the workers (one per core
is a good start) and `GUNICORN_THREADS` the threads of each (each thread may hold a database
connection). The ASGI entry point still works for whoever needs it:
`gunicorn -c gunicorn.conf.py backend.asgi:application -k backend.workers.KitandaUvicornWorker`
(command-line options win over this file).

The client address and scheme are the application's to decide, from TRUSTED_PROXY_COUNT (Django
reads X-Forwarded-For in domain.accounts.throttle.client_ip and X-Forwarded-Proto through
SECURE_PROXY_SSL_HEADER when proxies are trusted). So gunicorn trusts no forwarding header from
any peer, whatever TRUSTED_PROXY_COUNT says: by default it believes X-Forwarded-Proto (and
friends) from 127.0.0.1, which would let a local caller claim HTTPS while no proxy is trusted.
"""

import os

wsgi_app = "backend.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
