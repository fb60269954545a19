"""The Celery application: background work (notifications, thumbnails, refund retries) and the
periodic jobs (expiry of unpaid orders, idle carts), on a Redis broker.

Configured from Django's settings (the CELERY_* names, see backend/settings.py). With no
CELERY_BROKER_URL, tasks run eagerly in the calling process: every task is enqueued in
transaction.on_commit (domain/background.py), so it then runs right after the commit, and
`make run` / `make test` need no broker. Workers and the scheduler:

    celery -A backend worker --concurrency 2      # deploy/systemd/kitanda-worker.service
    celery -A backend beat                        # deploy/systemd/kitanda-beat.service (one only)
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("kitanda")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live in the domain apps' tasks.py modules.
app.autodiscover_tasks()
