"""The optional read replica (issue 10): where the compliance dashboard may read its aggregates.

``DATABASE_REPLICA_URL`` (a PostgreSQL streaming replica of the primary) adds the ``replica`` alias to
``DATABASES`` and installs ``ReplicaRouter``. Nothing reads from the replica unless it asks:

    from wmr.db_router import read_replica
    StayIndicator.objects.using(read_replica()).filter(...).aggregate(...)

``read_replica()`` is ``"replica"`` when the replica is configured and ``"default"`` otherwise, so the same code runs
unchanged on one database (tests, the embedded default, a small clinic). Only pure reads belong there: a replica
lags the primary by a moment (usually well under a second), so a page that has just written must not read its own
write back from it, and a cache that a write invalidates must not be refilled from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def read_replica() -> str:
    """The database alias for reads that may lag the primary a little: ``"replica"`` if configured, else
    ``"default"``."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Installed only with a replica (``DATABASE_ROUTERS``). Reads stay on ``default`` unless a query names the
    replica; every write goes to ``default``; migrations never run there (it is read-only: it follows the
    primary); rows read from either alias may be related to each other (they are the same rows)."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # also for an object that was read from the replica

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
