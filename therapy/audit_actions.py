"""Audit action codes of therapy and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part so the parts can grow independently; ACTIONS joins them.
"""

from django.utils.translation import gettext_lazy as _  # noqa: F401

# sessions, attendance, groups, the session API
SESSIONS: dict = {}

# workplace training: sub-goals, situations, transfer strategies and their PDF
TRAINING: dict = {}

# progress, my day, contact-log export
PROGRESS: dict = {}

ACTIONS = {**SESSIONS, **TRAINING, **PROGRESS}
