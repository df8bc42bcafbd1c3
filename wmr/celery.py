"""The Celery application. In the embedded default (no CELERY_BROKER_URL) tasks run eagerly in-process."""

import os

from celery import Celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wmr.settings")

app = Celery("wmr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The options of every task that does work (reports, PDFs, refreshes, beat jobs); docs/reliability.md explains them.
# The message is acknowledged only when the task has finished, and given back to the queue when its worker dies, so
# it runs again: every task using these options must be idempotent. A lost or busy database connection is worth
# retrying (with an exponential, jittered backoff of 1 s, 2 s, 4 s, … at most 10 min); any other error is a bug or
# bad data and fails at once.
RELIABLE_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
