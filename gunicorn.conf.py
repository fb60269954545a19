"""gunicorn's configuration, read from the project root (or given with `-c gunicorn.conf.py`), for the
ASGI workers (backend.workers.KitandaUvicornWorker) and the WSGI ones (gthread) alike.

The client address and scheme are the application's to decide, from TRUSTED_PROXY_COUNT (Django
reads X-Forwarded-For in domain.accounts.throttle.client_ip and X-Forwarded-Proto through
SECURE_PROXY_SSL_HEADER when proxies are trusted). So gunicorn trusts no forwarding header from
any peer, whatever TRUSTED_PROXY_COUNT says: by default it believes X-Forwarded-Proto (and
friends) from 127.0.0.1, which would let a local caller claim HTTPS while no proxy is trusted.
"""

forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
