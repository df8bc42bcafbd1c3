"""Capacity, demand and self profiles of a stay and their ratings (mini_icf_app.md P-1…P-4, G-4, S-1…S-4).

A profile's header keeps its versions (simple-history); ratings are append-only rows, so a correction is a newer
row for the same dimension and the earlier one stays readable (§630f BGB). The rating check is the instrument's
(``diagnostics.instruments.validate_rating``); this module never judges a value itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.instruments import Definition, DefinitionRejected, RatingInvalid, definition_from_dict, validate_rating
from diagnostics.models import (
    EvidenceSource,
    JobDescription,
    Profile,
    ProfileInstrument,
    ProfileKind,
    ProfileRating,
    ReferenceContext,
    Timepoint,
)
from diagnostics.selectors_comparison import current_ratings
from diagnostics.services.instruments import instrument_require_usable
from patients.errors import DomainError
from patients.models import Stay
from wmr import audit

HEADER_FIELDS = (
    "timepoint",
    "reference_context",
    "reference_job_title",
    "job_description",
    "evidence_sources",
    "rated_on",
)


class ProfileRefused(DomainError):
    """A profile header cannot be stored as entered; ``field`` names the input at fault (None: the whole entry)."""

    default_message = gettext_lazy("The profile cannot be stored.")

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class RatingsRefused(DomainError):
    """S-4 (E5, E7): one or more ratings are not on the scale; ``errors`` maps dimension code → message naming the
    dimension. Nothing of the submission is stored."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


@dataclass(frozen=True)
class RatingEntry:
    """What a rater submits for one dimension: a value, or "not assessable" with a reason; the anchor text says
    what the rating rests on (P-1 "optional note")."""

    value: object = None
    not_assessable: bool = False
    reason: str = ""
    anchor: str = ""


def definition_of(profile_or_instrument) -> Definition:
    instrument = getattr(profile_or_instrument, "instrument", profile_or_instrument)
    return definition_from_dict(instrument.definition)


def _check_header(*, stay: Stay, kind: str, values: dict, today: dt.date) -> None:
    job = values.get("job_description")
    if kind == ProfileKind.DEMAND and job is None:
        raise ProfileRefused(
            _("A job-demand profile needs a job description (P-2): record the job description first."),
            "job_description",
        )
    if job is not None and job.stay_id != stay.pk:
        raise ProfileRefused(_("The job description belongs to another stay."), "job_description")
    if kind == ProfileKind.CAPACITY and not values.get("reference_context"):
        raise ProfileRefused(
            _("Fix the reference context before rating a capacity profile (G-4)."), "reference_context"
        )
    context = values.get("reference_context")
    if context and context not in ReferenceContext.values:
        raise ProfileRefused(_("Unknown reference context."), "reference_context")
    unknown = [code for code in values.get("evidence_sources", []) if code not in EvidenceSource.values]
    if unknown:
        raise ProfileRefused(_("Unknown evidence source: %(code)s.") % {"code": ", ".join(unknown)}, "evidence_sources")
    rated_on = values["rated_on"]
    if rated_on > today:
        raise ProfileRefused(_("The date lies in the future."), "rated_on")
    if stay.admission_date and rated_on < stay.admission_date:
        raise ProfileRefused(
            _("The date lies before the admission (%(date)s).") % {"date": f"{stay.admission_date:%d.%m.%Y}"},
            "rated_on",
        )


def profile_create(
    *,
    by,
    stay: Stay,
    kind: str,
    instrument: ProfileInstrument,
    rated_on: dt.date,
    timepoint: str = Timepoint.ADMISSION,
    reference_context: str = "",
    reference_job_title: str = "",
    job_description: JobDescription | None = None,
    evidence_sources: Iterable[str] = (),
    today: dt.date | None = None,
) -> Profile:
    """Create an (unrated) profile of ``stay`` on ``instrument``.

    Refuses (``ProfileRefused``, nothing stored): a demand profile without a job description of this stay (P-2,
    E12b), a capacity profile without reference context (G-4), a date in the future or before admission, an
    instrument whose definition does not parse; ``InstrumentNotUsable`` for a demo instrument in production (D-7).
    """
    today = today or timezone.localdate()
    if kind not in ProfileKind.values:
        raise ProfileRefused(_("Unknown profile kind."), "kind")
    instrument_require_usable(instrument)
    try:
        definition_of(instrument)
    except DefinitionRejected as exc:
        raise ProfileRefused(
            _("The instrument definition is not valid; choose another version."), "instrument"
        ) from exc
    values = {
        "timepoint": timepoint,
        "reference_context": reference_context or "",
        "reference_job_title": (reference_job_title or "").strip(),
        "job_description": job_description if kind == ProfileKind.DEMAND else None,
        "evidence_sources": sorted(set(evidence_sources)),
        "rated_on": rated_on,
    }
    _check_header(stay=stay, kind=kind, values=values, today=today)
    with transaction.atomic():
        profile = Profile(stay=stay, kind=kind, instrument=instrument, created_by=by, **values)
        profile.full_clean()
        profile._history_user = by
        profile.save()
        audit.log(
            profile,
            "diagnostics.profile.created",
            user=by,
            data={"kind": kind, "instrument": instrument.pk, "timepoint": timepoint},
        )
    return profile


def profile_change(*, by, profile: Profile, reason: str, today: dt.date | None = None, **changes) -> Profile:
    """Change the header of a profile (``HEADER_FIELDS``); simple-history keeps the earlier version with ``reason``.

    Kind and instrument never change (the ratings depend on them). The reference context is fixed once a rating
    exists (G-4: fixed before rating): changing it then is refused; so is a change without a reason.
    """
    today = today or timezone.localdate()
    unknown = set(changes) - set(HEADER_FIELDS)
    if unknown:
        raise ValueError(f"not a header field: {sorted(unknown)}")
    reason = (reason or "").strip()
    if not reason:
        raise ProfileRefused(_("Give a reason for the change."), "reason")
    if "evidence_sources" in changes:
        changes["evidence_sources"] = sorted(set(changes["evidence_sources"]))
    if "reference_job_title" in changes:
        changes["reference_job_title"] = (changes["reference_job_title"] or "").strip()
    if profile.kind != ProfileKind.DEMAND:
        changes["job_description"] = None
    values = {field: changes.get(field, getattr(profile, field)) for field in HEADER_FIELDS}
    _check_header(stay=profile.stay, kind=profile.kind, values=values, today=today)
    changed = sorted(field for field in HEADER_FIELDS if values[field] != getattr(profile, field))
    if "reference_context" in changed and profile.ratings.exists():
        raise ProfileRefused(
            _("The reference context was fixed before rating (G-4); create a new profile for another context."),
            "reference_context",
        )
    with transaction.atomic():
        for field, value in values.items():
            setattr(profile, field, value)
        profile.full_clean()
        profile._history_user = by
        profile._change_reason = reason[:100]
        profile.save()
        audit.log(profile, "diagnostics.profile.changed", user=by, data={"fields": changed, "reason": reason})
    return profile


def _unchanged(row: ProfileRating | None, value: int | None, entry: RatingEntry) -> bool:
    return (
        row is not None
        and row.value == value
        and row.not_assessable == entry.not_assessable
        and row.reason == (entry.reason.strip() if entry.not_assessable else "")
        and row.anchor == entry.anchor.strip()
    )


def rating_record(
    *,
    by,
    profile: Profile,
    ratings: Mapping[str, RatingEntry],
    profession: str | None = None,
    now: dt.datetime | None = None,
) -> list[ProfileRating]:
    """Record the ratings one rater submits for several dimensions at once (S-1…S-4, P-1), all or nothing.

    Every entry is checked with the instrument's ``validate_rating`` first; any bad one (a value off the scale or
    not whole, E5; "not assessable" without reason, E7; an unknown dimension) raises ``RatingsRefused`` naming each
    dimension and stores nothing. A dimension whose entry equals its current rating is left alone (a form shows the
    current ratings, so resubmitting them must not make the submitter their rater). Each new row records the rater
    and their profession (``profession`` defaults to the rater's). Returns the new rows.
    """
    definition = definition_of(profile)
    profession = profession or by.profession
    checked: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for code, entry in ratings.items():
        try:
            checked[code] = validate_rating(
                definition, profile.kind, code, entry.value, entry.not_assessable, entry.reason
            )
        except RatingInvalid as exc:
            errors[exc.dimension] = exc.message
    if errors:
        raise RatingsRefused(errors)
    now = now or timezone.now()
    with transaction.atomic():
        # one submission at a time per profile (PostgreSQL row lock), then the ratings that count right now
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        current = current_ratings(locked)
        rows = []
        for dimension in definition.dimension_codes:  # instrument order
            if dimension not in checked:
                continue
            entry, value = ratings[dimension], checked[dimension]
            if _unchanged(current.get(dimension), value, entry):
                continue
            row = ProfileRating(
                profile=profile,
                dimension=dimension,
                value=value,
                not_assessable=entry.not_assessable,
                reason=entry.reason.strip() if entry.not_assessable else "",
                anchor=entry.anchor.strip(),
                rater=by,
                profession=profession,
                recorded_at=now,
            )
            row.full_clean()
            row.save()
            rows.append(row)
        if rows:
            audit.log(
                profile,
                "diagnostics.rating.recorded",
                user=by,
                data={
                    "profession": profession,
                    "dimensions": [row.dimension for row in rows],
                    "corrections": [row.dimension for row in rows if row.dimension in current],
                },
            )
    return rows
