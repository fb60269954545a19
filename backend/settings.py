"""Kitanda settings: everything comes from the environment, with defaults that run anywhere.

With no variable set, the project runs in development mode on a SQLite file and Django's
local-memory cache. Production sets DEBUG=0, SECRET_KEY, DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from domain.languages import DEFAULT_LANGUAGE, Language
from domain.money import percentage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_percent(name: str, default: str) -> Decimal:
    """A rate in percent from 0 to 100 with at most two decimals, e.g. "14" or "12.5"."""
    raw = os.environ.get(name) or default
    try:
        value = percentage(Decimal(raw.strip()))
    except InvalidOperation:
        value = None
    if value is None:
        raise ImproperlyConfigured(
            f"{name} must be a percentage from 0 to 100 (two decimals at most), not {raw!r}."
        )
    return value


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=0 the server refuses to start without a secret "
            "key: set SECRET_KEY to a long random string (for instance the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "kitanda-development-only-secret-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    # First: its `runserver` (make run) serves ASGI_APPLICATION, HTTP and the websockets of live updates.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "strawberry_django",
    "backend.apps.BackendConfig",  # the build's system checks (backend/checks.py)
    "graph.apps.GraphConfig",
    "graphql_jwt.refresh_token.apps.RefreshTokenConfig",
    "domain.accounts",
    "domain.catalog",
    "domain.cart",
    "domain.delivery",
    "domain.promotions",
    "domain.orders",
    "domain.reviews",
    "domain.wishlist",
    "domain.economics",
    "domain.notifications",
    # manage.py seed_demo: above every domain app (it makes its data through their services).
    "demo",
]

MIDDLEWARE = [
    # What /graphql/ needs: the request id, compression, the body limit, security headers, CORS.
    "backend.middleware.RequestIdMiddleware",
    "backend.client_ip.ClientIpMiddleware",  # request.client_ip, for the throttles
    "backend.observability.ObservabilityMiddleware",
    "backend.locale.LanguageMiddleware",
    "backend.db_router.ReplicaReadsMiddleware",
    "backend.compression.CompressionMiddleware",
    "backend.middleware.BodyLimitMiddleware",
    "backend.middleware.GraphQLInternalErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # The site's (admin, static files): the API path passes them untouched (backend/site_middleware.py).
    "backend.site_middleware.SiteWhiteNoiseMiddleware",
    "backend.site_middleware.SiteSessionMiddleware",
    "backend.site_middleware.SiteCommonMiddleware",
    "backend.site_middleware.SiteCsrfViewMiddleware",
    "backend.site_middleware.SiteAuthenticationMiddleware",
    "backend.site_middleware.SiteMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Django's deploy check looks for CsrfViewMiddleware by its exact path; SiteCsrfViewMiddleware is
# that class, applied to every path but the header-authenticated API (tests/test_fast_reads.py).
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "graph" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def database_from_url(url: str) -> dict:
    """A DATABASES entry for a URL (SQLite's file when empty), with this project's connection options."""
    database = (
        dj_database_url.parse(url)
        if url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SQLITE_PATH)}
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Writers queue for the lock instead of failing with "database is locked".
        database.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    elif database["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", False):
        # Under ASGI workers, Django's psycopg pool replaces persistent connections.
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        }
    else:
        database["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    if database["ENGINE"] != "django.db.backends.sqlite3":
        # A connection the server dropped (restart, failover, pg_terminate_backend) is checked and
        # replaced before a request uses it: persistent ones by Django, pooled ones by the pool's check.
        database["CONN_HEALTH_CHECKS"] = True
    return database


DATABASES = {"default": database_from_url(DATABASE_URL)}
# Read replicas (streaming standbys of the primary): backend/db_router.py sends the catalogue reads
# that may lag to them, everything else to the primary. Tests and migrations use the primary only.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{number}"] = database_from_url(url) | {"TEST": {"MIRROR": "default"}}
    if DATABASES[f"replica{number}"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that is down is found out quickly (and skipped: backend/db_router.py).
        DATABASES[f"replica{number}"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))
        )
    DATABASE_REPLICAS.append(f"replica{number}")
DATABASE_ROUTERS = ["backend.db_router.PrimaryReplicaRouter"]
# Read-your-writes: for this many seconds after a request that wrote, the caller reads the primary.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# A replica that could not be reached is skipped (its reads go to the primary) for this many seconds.
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- cache
REDIS_URL = os.environ.get("REDIS_URL", "")
# The login and e-mail throttles' counters, apart: a Redis that never evicts (maxmemory-policy
# noeviction, deploy/README.md), so that strangers filling the shared cache cannot evict a lock-out.
THROTTLE_REDIS_URL = os.environ.get("THROTTLE_REDIS_URL", "") or REDIS_URL


def redis_cache(url: str, prefix: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }


CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "kitanda")
if REDIS_URL:
    CACHES = {
        "default": redis_cache(REDIS_URL, CACHE_KEY_PREFIX),
        "throttle": redis_cache(THROTTLE_REDIS_URL, f"{CACHE_KEY_PREFIX}-throttle"),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kitanda"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kitanda-throttle",
        },
    }

# ---------------------------------------------------------------- live updates (websockets)
# GraphQL subscriptions (graph/live.py) run in an ASGI process of their own (backend/asgi.py);
# every process publishes the domain's events (domain/live.py) on the channel layer: Redis with
# REDIS_URL, else in memory (one process only: tests, a single development process).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # group_expiry above LIVE_CONNECTION_MAX_SECONDS: a connection is cycled before its groups expire.
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 10, "group_expiry": 86400},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }
LIVE_INIT_TIMEOUT_SECONDS = int(os.environ.get("LIVE_INIT_TIMEOUT_SECONDS", "10"))
LIVE_MAX_SUBSCRIPTIONS = int(os.environ.get("LIVE_MAX_SUBSCRIPTIONS", "10"))
LIVE_MAX_CONNECTIONS_PER_IP = int(os.environ.get("LIVE_MAX_CONNECTIONS_PER_IP", "20"))
# Events waiting for one subscription; a client that falls this far behind is disconnected.
LIVE_QUEUE_SIZE = 100
# How often a connection's token is checked again (expired, revoked, account locked).
LIVE_AUTH_CHECK_SECONDS = 2.0
LIVE_CONNECTION_MAX_SECONDS = int(os.environ.get("LIVE_CONNECTION_MAX_SECONDS", "3600"))

# ---------------------------------------------------------------- auth
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", SECRET_KEY)
GRAPHQL_JWT = {
    "JWT_SECRET_KEY": JWT_SECRET_KEY,
    "JWT_ALGORITHM": "HS256",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(hours=1),
    "JWT_LONG_RUNNING_REFRESH_TOKEN": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=7),
    "JWT_AUTH_HEADER_PREFIX": "Bearer",
    # Tokens name the user by primary key (graph/auth.py), not by username.
    "JWT_PAYLOAD_HANDLER": "graph.auth.jwt_payload",
    "JWT_PAYLOAD_GET_USERNAME_HANDLER": "graph.auth.jwt_user_id",
    "JWT_GET_USER_BY_NATURAL_KEY_HANDLER": "graph.auth.user_by_id",
    "JWT_COOKIE_NAME": "kitanda-unused-jwt-cookie",
    "JWT_REFRESH_TOKEN_COOKIE_NAME": "kitanda-unused-refresh-cookie",
}

# Failed logins per client IP and per IP + username within the window lock the login out.
LOGIN_THROTTLE_LIMIT = int(os.environ.get("LOGIN_THROTTLE_LIMIT", "5"))
LOGIN_THROTTLE_IP_LIMIT = int(os.environ.get("LOGIN_THROTTLE_IP_LIMIT", "20"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", "900"))
# Number of proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# ---------------------------------------------------------------- payments
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "domain.orders.payments.SimulatedGateway")
PAYMENT_WEBHOOK_SECRET = os.environ.get(
    "PAYMENT_WEBHOOK_SECRET", "kitanda-development-webhook-secret" if DEBUG else ""
)
PAYMENT_REFERENCE_ENTITY = os.environ.get("PAYMENT_REFERENCE_ENTITY", "11223")

# ---------------------------------------------------------------- marketplace economics
# The platform's commission on each order line, in percent (categories may have their own rate).
COMMISSION_RATE = env_percent("COMMISSION_RATE", "10")
# Angola's IVA, in percent: prices are gross of it; each order line records its rate and amount.
IVA_RATE = env_percent("IVA_RATE", "14")
# Whether the commission is taken on delivery fees too (at COMMISSION_RATE); off: the fee is the
# store's income whole, commission on goods only.
DELIVERY_FEE_COMMISSION = env_bool("DELIVERY_FEE_COMMISSION", False)
# Whether checkout refuses the contract's original input (free-text address, no delivery choice),
# which places orders without a fee, their delivery arranged by the store (domain/delivery/checkout.py).
DELIVERY_CHOICE_REQUIRED = env_bool("DELIVERY_CHOICE_REQUIRED", False)
# Days after DELIVERED before a paid order's money is released to its store (unless the buyer
# confirms receipt first); `manage.py release_funds` releases what is due.
PAYOUT_HOLD_DAYS = int(os.environ.get("PAYOUT_HOLD_DAYS", "7"))
# A product at or below this stock is "low" on a seller's dashboard (each store may set its own).
LOW_STOCK_THRESHOLD = int(os.environ.get("LOW_STOCK_THRESHOLD", "5"))

# ---------------------------------------------------------------- background work (Celery)
# With no broker, tasks run eagerly in-process right after the commit that enqueued them.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "kitanda")
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once it has run, so a worker that dies mid-task leaves it to another one:
# every task is idempotent (a retried notification sends nothing twice).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Africa/Luanda"
# The periodic jobs (celery beat). Intervals in seconds.
ORDER_EXPIRY_INTERVAL = int(os.environ.get("ORDER_EXPIRY_INTERVAL", "3600"))
ORDER_EXPIRY_HOURS = int(os.environ.get("ORDER_EXPIRY_HOURS", "48"))
CART_CLEANUP_INTERVAL = int(os.environ.get("CART_CLEANUP_INTERVAL", "86400"))
CART_IDLE_DAYS = int(os.environ.get("CART_IDLE_DAYS", "30"))
REFUND_RETRY_INTERVAL = int(os.environ.get("REFUND_RETRY_INTERVAL", "900"))
FUNDS_RELEASE_INTERVAL = int(os.environ.get("FUNDS_RELEASE_INTERVAL", "3600"))
# Charges recorded before the gateway was asked and still without an order after
# CHARGE_ATTEMPT_TIMEOUT seconds (their worker died) are voided (domain/orders/attempts.py).
CHARGE_ATTEMPT_SWEEP_INTERVAL = int(os.environ.get("CHARGE_ATTEMPT_SWEEP_INTERVAL", "300"))
CHARGE_ATTEMPT_TIMEOUT = int(os.environ.get("CHARGE_ATTEMPT_TIMEOUT", "600"))
# Sales start and end at the first request after their boundary (domain/promotions/sales.py); beat
# applies what is due every so many seconds too, a backstop for a site nobody is asking.
SALE_BOUNDARY_INTERVAL = int(os.environ.get("SALE_BOUNDARY_INTERVAL", "60"))
CELERY_BEAT_SCHEDULE = {
    "expire-pending-orders": {
        "task": "orders.expire_pending_orders",
        "schedule": float(ORDER_EXPIRY_INTERVAL),
    },
    "cleanup-old-carts": {"task": "cart.cleanup_old_carts", "schedule": float(CART_CLEANUP_INTERVAL)},
    "retry-refunds": {"task": "orders.retry_refunds", "schedule": float(REFUND_RETRY_INTERVAL)},
    "release-funds": {"task": "economics.release_funds", "schedule": float(FUNDS_RELEASE_INTERVAL)},
    "void-lost-charges": {
        "task": "orders.void_lost_charges",
        "schedule": float(CHARGE_ATTEMPT_SWEEP_INTERVAL),
    },
    "apply-sale-boundaries": {
        "task": "promotions.apply_sale_boundaries",
        "schedule": float(SALE_BOUNDARY_INTERVAL),
    },
}

# ---------------------------------------------------------------- e-mail
# Console by default (printed by the process that sends it); SMTP once EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "") or None
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kitanda <nao-responder@kitanda.ao>")

# ---------------------------------------------------------------- GraphQL
# The page size of every list: its default, and the most a client may ask for (`first`/`last`),
# which the guards (graph/guards.py), the cost estimate (graph/cost.py), strawberry-django and
# strawberry's relay all read from here.
GRAPHQL_PAGE_SIZE_DEFAULT = 20
GRAPHQL_PAGE_SIZE_MAX = 100
STRAWBERRY_DJANGO = {
    "PAGINATION_DEFAULT_LIMIT": GRAPHQL_PAGE_SIZE_DEFAULT,
    "PAGINATION_MAX_LIMIT": GRAPHQL_PAGE_SIZE_MAX,
    "GENERATE_ENUMS_FROM_CHOICES": False,
}
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "10"))
GRAPHQL_MAX_ALIASES = int(os.environ.get("GRAPHQL_MAX_ALIASES", "30"))
GRAPHQL_MAX_TOKENS = int(os.environ.get("GRAPHQL_MAX_TOKENS", "2000"))
# Documents over this size are refused before they are parsed.
GRAPHQL_MAX_DOCUMENT_BYTES = int(os.environ.get("GRAPHQL_MAX_DOCUMENT_BYTES", "65536"))
# Fields, fragment spreads and inline fragments, each fragment counted where it is spread.
GRAPHQL_MAX_SELECTIONS = int(os.environ.get("GRAPHQL_MAX_SELECTIONS", "500"))
# How often one response path may be selected (`{ me { id id } }` selects me.id twice).
GRAPHQL_MAX_REPEATED_FIELDS = int(os.environ.get("GRAPHQL_MAX_REPEATED_FIELDS", "10"))
# Estimated cost of one operation: each field 1, a connection multiplies by its page size.
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "100000"))
# Root fields of one mutation operation.
GRAPHQL_MAX_MUTATIONS = int(os.environ.get("GRAPHQL_MAX_MUTATIONS", "4"))
# Codegen and explorers need introspection and GraphiQL; each can be turned off.
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", True)
GRAPHIQL = env_bool("GRAPHIQL", True)
# Persisted queries (graph/persisted.py): `1` runs only the manifest's operations (and introspection
# while it is on); hashes registered by clients are kept this many seconds.
GRAPHQL_PERSISTED_ONLY = env_bool("GRAPHQL_PERSISTED_ONLY", False)
GRAPHQL_PERSISTED_TTL = int(os.environ.get("GRAPHQL_PERSISTED_TTL", "86400"))
# Plain columns and relay ids resolved without strawberry's per-field machinery (graph/lean.py):
# the same answers, cheaper; 0 turns it off (to measure it with bench/catalog.py).
GRAPHQL_LEAN_RESOLVERS = env_bool("GRAPHQL_LEAN_RESOLVERS", True)
# Query documents seen before run as compiled plans (graph/compiled.py): the same answers as
# graphql-core's execution, cheaper; 0 runs every operation through graphql-core.
GRAPHQL_COMPILED_OPERATIONS = env_bool("GRAPHQL_COMPILED_OPERATIONS", True)
# A root list's SQL compiled once per document, operation and variables where its queryset is a
# function of them (graph/kept_sql.py); 0 compiles it on every request. _VERIFY compiles it again on
# each use and fails on any difference (the test suite turns it on).
GRAPHQL_KEPT_SQL = env_bool("GRAPHQL_KEPT_SQL", True)
GRAPHQL_KEPT_SQL_VERIFY = env_bool("GRAPHQL_KEPT_SQL_VERIFY", False)
# The largest text a client may register under its hash (graph/persisted.py); larger ones run, unkept.
GRAPHQL_PERSISTED_MAX_BYTES = int(os.environ.get("GRAPHQL_PERSISTED_MAX_BYTES", "8192"))
# Anonymous public catalogue queries (graph/response_cache.py): answered from the cache, keyed on
# the catalogue's versions, for at most GRAPHQL_RESPONSE_CACHE_TTL seconds; what a CDN or proxy may
# keep is bounded by GRAPHQL_CACHE_MAX_AGE seconds (Cache-Control: public, max-age) and revalidated
# by ETag.
GRAPHQL_RESPONSE_CACHE = env_bool("GRAPHQL_RESPONSE_CACHE", True)
GRAPHQL_RESPONSE_CACHE_TTL = int(os.environ.get("GRAPHQL_RESPONSE_CACHE_TTL", "600"))
# The largest answer kept (a page of 100 products is about 60 KB); larger ones are answered, unkept.
GRAPHQL_RESPONSE_CACHE_MAX_BYTES = int(os.environ.get("GRAPHQL_RESPONSE_CACHE_MAX_BYTES", "262144"))
GRAPHQL_CACHE_MAX_AGE = int(os.environ.get("GRAPHQL_CACHE_MAX_AGE", "30"))
# Responses of this many bytes and more are compressed (brotli where accepted, else gzip).
COMPRESS_MIN_BYTES = int(os.environ.get("COMPRESS_MIN_BYTES", "1024"))

# ---------------------------------------------------------------- i18n, static, media
# Portuguese (Angola) first: every message of the API, its e-mails and the admin; English for a
# client that asks for it (Accept-Language: en). Our catalogue is locale/pt_AO (English msgids),
# compiled by `make locale` (Babel); Django's own texts come from its pt catalogue.
LANGUAGE_CODE = DEFAULT_LANGUAGE.value
LANGUAGES = Language.choices  # domain/languages.py
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Luanda"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Unset by default: WhiteNoise serves static files from the finders, no collectstatic needed.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# GraphiQL's assets are vendored here so the explorer works without internet access.
STATICFILES_DIRS = [BASE_DIR / "graph" / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (product images, thumbnails, store logos): the local folder, or `s3` for any S3-compatible
# object storage through django-storages (boto3), public-read, under AWS_LOCATION in the bucket.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            # A CDN (or the bucket's public host) in front: URLs are https://<domain>/<location>/<name>.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": os.environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # Public objects and plain URLs; an empty AWS_DEFAULT_ACL leaves access to the bucket policy.
            "default_acl": os.environ.get("AWS_DEFAULT_ACL", "public-read") or None,
            "querystring_auth": False,
            # Names are never reused (a suffix is added when taken), so objects can be cached for ever.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
elif MEDIA_STORAGE == "filesystem":
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    media_storage = {"BACKEND": MEDIA_STORAGE}  # a storage class's dotted path
STORAGES = {
    "default": media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_STORAGE == "s3" and not STORAGES["default"]["OPTIONS"]["bucket_name"]:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
# Absolute media URLs are built from the request; this base wins when set (CDN, proxy).
MEDIA_BASE_URL = os.environ.get("MEDIA_BASE_URL", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Largest request body, files included (Django's limit above leaves files out): over it, 413 before
# the body is read (by Content-Length) or as soon as more has arrived (chunked, under ASGI).
UPLOAD_MAX_BODY_BYTES = int(os.environ.get("UPLOAD_MAX_BODY_BYTES", str(8 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# ---------------------------------------------------------------- HTTP security
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
# In development a frontend on any local port works out of the box (localhost, 127.0.0.1, [::1]).
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$"] if DEBUG else []
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "origin", "user-agent"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if TRUSTED_PROXY_COUNT > 0:
    # Only a trusted proxy may say the client used HTTPS; without one, clients could claim it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# ---------------------------------------------------------------- observability
# JSON log lines in production (one object per line, request id included), plain text while DEBUG.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
# One log line per request (method, path, status, duration, user id); runserver prints its own.
ACCESS_LOG = env_bool("ACCESS_LOG", not DEBUG)
# Prometheus metrics at /metrics/: off (404) unless enabled; with a token, only for that bearer.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from backend.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        # E-mail, username, IP, cookies and request bodies reach Sentry only when this allows it.
        send_pii=env_bool("SENTRY_SEND_PII", False),
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "backend.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Registrations (refused ones too) per client IP within LOGIN_THROTTLE_WINDOW.
REGISTER_THROTTLE_LIMIT = int(os.environ.get("REGISTER_THROTTLE_LIMIT", "10"))


# ---------------------------------------------------------------- accounts: e-mails and links
# (The mail server itself is configured under "e-mail" above.)
# Where the e-mailed links lead: the frontend's pages /verificar-email and /repor-senha take ?token=.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))
EMAIL_VERIFICATION_TIMEOUT = int(os.environ.get("EMAIL_VERIFICATION_TIMEOUT", str(3 * 24 * 3600)))
# Password-reset requests and verification e-mails per client IP, and per address, within
# LOGIN_THROTTLE_WINDOW.
ACCOUNT_EMAIL_THROTTLE_LIMIT = int(os.environ.get("ACCOUNT_EMAIL_THROTTLE_LIMIT", "5"))
# Checkout only for buyers whose e-mail is verified.
CHECKOUT_REQUIRES_VERIFIED_EMAIL = env_bool("CHECKOUT_REQUIRES_VERIFIED_EMAIL", False)
