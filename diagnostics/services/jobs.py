"""Job descriptions of a stay (rec 4.5): what a demand profile is rated against (P-2). Saving an existing one
changes the row; simple-history keeps every earlier version (§630f BGB)."""

from __future__ import annotations

from django.db import transaction

from diagnostics.models import JobDescription
from patients.models import Stay
from wmr import audit

FIELDS = (
    "job_title",
    "kldb_code",
    "hours_per_week",
    "shift_work",
    "main_tasks",
    "physical_demands",
    "mental_demands",
    "source",
    "source_note",
    "recorded_on",
)


def job_description_save(*, by, stay: Stay, data: dict, job: JobDescription | None = None) -> JobDescription:
    """Create a job description of ``stay`` (``job`` None) or change ``job`` (it must belong to ``stay``).

    ``data`` holds the fields of ``FIELDS``; the KldB 2010 code is optional, five digits when given (model
    validator: ``ValidationError`` names the field, nothing stored).
    """
    if job is not None and job.stay_id != stay.pk:
        raise ValueError("job description of another stay")
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        created = job is None
        job = job or JobDescription(stay=stay, created_by=by)
        changed = sorted(field for field, value in data.items() if getattr(job, field) != value)
        for field, value in data.items():
            setattr(job, field, value.strip() if isinstance(value, str) else value)
        job.full_clean()
        job._history_user = by
        job.save()
        audit.log(
            job,
            "diagnostics.job.created" if created else "diagnostics.job.changed",
            user=by,
            data={"source": job.source} if created else {"fields": changed},
        )
    return job
