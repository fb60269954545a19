"""Settings of the catalogue benchmark's servers: the project's own settings, with a urlconf that
adds the plain comparison view (bench/catalog_urls.py). Nothing else differs."""

from backend.settings import *  # noqa: F403

ROOT_URLCONF = "bench.catalog_urls"
