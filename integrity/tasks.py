"""Celery tasks of the integrity app: thin adapters over integrity.services (STYLE.md 7)."""

from __future__ import annotations

from celery import shared_task

from wmr.celery import RELIABLE_TASK

SEAL_SECONDS = 50  # the beat runs every minute: a backlog is worked off over several runs


@shared_task(name="integrity.tasks.seal", **RELIABLE_TASK)
def seal() -> dict:
    """Beat, every minute: link new audit rows and stored documents into their hash chains.

    Idempotent: a row is linked once (unique entry / document part); a rerun links only what is still unlinked, and
    two runs at once take turns on the chain's lock."""
    from integrity import services

    run = services.seal_all(seconds=SEAL_SECONDS)
    return {"audit": run.audit, "documents": run.documents}


@shared_task(name="integrity.tasks.verify_chains", **RELIABLE_TASK)
def verify_chains() -> dict:
    """Nightly, 04:00 Europe/Berlin: link whatever is still unlinked (a full sweep), then verify both chains; a broken
    chain notifies the privacy officers and admins. Never repairs anything; a rerun records one more verification."""
    from integrity import services

    services.seal_all(full=True)
    verification = services.record(services.verify(), trigger="nightly")
    return {"intact": verification.intact, "verification": verification.pk}
