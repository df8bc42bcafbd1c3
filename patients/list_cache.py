"""Lists of a reader's stays (the worklist, the API's stays and patients), cached until a stay list changes (issue 10).

These lists show only stays, their patients and facilities, filtered by the reader's care-team permissions. Their
rendered content is kept in Django's cache per reader, role, language and query under one **epoch** that every
committed write to one of these tables bumps (``LIST_MODELS``: admissions, discharges, renamed patients, care-team
changes: a few dozen a day, against hundreds of reads). The epoch is bumped at the write and again on commit, so a
reader during the writing transaction caches the old rows under an epoch that the commit replaces. A query with a
search term is never cached (it may be a patient's name). When the cache is unreachable, the list is built as before.
Every read is still audit-logged by its view, from the cached ids.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT = 12 * 60 * 60  # only bounds what an idle cache keeps; writes bump the epoch
LIST_MODELS = frozenset(
    {
        "patients.stay",
        "patients.patient",
        "patients.facility",
        "patients.careteammembership",
        "patients.stayuserobjectpermission",
        "patients.staygroupobjectpermission",
    }
)


def _epoch_key() -> str:
    return f"patients.lists:{settings.DATABASES['default']['NAME']}:epoch"


def bump() -> None:
    try:
        cache.set(_epoch_key(), uuid.uuid4().hex, None)  # never a clock: a frozen test clock would repeat it
    except Exception:  # noqa: BLE001 - the cache being down must not fail a write
        logger.warning("stay lists cache: could not bump the epoch", exc_info=True)


def bump_on_commit(*args, **kwargs) -> None:
    """A receiver for ``post_save``/``post_delete`` of ``LIST_MODELS`` (and callable on its own)."""
    bump()
    transaction.on_commit(bump, robust=True)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in LIST_MODELS:
        model = apps.get_model(label)
        post_save.connect(bump_on_commit, sender=model, dispatch_uid=f"patients.list_cache.save.{label}")
        post_delete.connect(bump_on_commit, sender=model, dispatch_uid=f"patients.list_cache.delete.{label}")


def cached(*, kind: str, user, query: str, build: Callable[[], T]) -> T:
    """The list ``kind`` for ``user`` and ``query`` (the full query string, or anything that names the page)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    try:
        epoch = cache.get(_epoch_key(), "0")
        key = f"{_epoch_key()[:-6]}:{kind}:{user.pk}:{user.role}:{language}:{epoch}:{digest}"
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - cache down: build as before
        logger.warning("stay lists cache unreachable; building %s", kind, exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("stay lists cache: could not store %s", kind, exc_info=True)
    return value
