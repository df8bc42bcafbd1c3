"""Writes of the team conference (rec 4.10, 9.12; mini_icf_app.md K-6, E15).

A conference is recorded by a clinician of its facility with at least one participant and each participant's
profession (9.12 counts professions). A stay is added to a conference by a clinician of its care team: that
freezes the comparison as it is then (both profiles, the rating rows used, rule version, every gap and status), so
a later correction of a profile never changes what the conference saw (E15). The conference then confirms or
dismisses each flagged dimension (a dismissal needs a note), records findings and plans therapies from the
catalogue, linked to confirmed dimensions.

Every service checks first and raises ``ConferenceRefused`` (nothing stored), then writes in one transaction with
``full_clean`` and one audit row. Earlier versions stay readable: the conference, the case, the flags and the
planned therapies keep their history (simple-history); the participants' before/after is in the audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.models import (
    ConferenceCase,
    ConferenceFlag,
    ConferenceParticipant,
    FlagDecision,
    PlannedTherapy,
    TeamConference,
    TherapyCatalogueItem,
    TherapyKind,
)
from diagnostics.selectors_conference import freeze_comparison, snapshot_flags
from patients.errors import DomainError, NotAllowed
from patients.models import Facility, Stay
from staff.models import Profession, Role
from wmr import audit


class ConferenceRefused(DomainError):
    """The conference input cannot be stored; ``field`` names the input at fault (None: the whole entry)."""

    default_message = gettext_lazy("The conference entry cannot be stored.")

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class ParticipantInput:
    """One participant: a staff member of the facility (``user``) or an external person (``name``), each with the
    profession they took part in."""

    profession: str
    user: object | None = None
    name: str = ""


# --- permissions ----------------------------------------------------------------------------------------------------


def may_record_conferences(user, facility: Facility) -> bool:
    """Clinicians of the facility record conferences; management and the privacy officer never write."""
    return (
        getattr(user, "role", None) == Role.CLINICIAN
        and user.is_active
        and user.facilities.filter(pk=facility.pk).exists()
    )


def may_write_stay(user, stay: Stay) -> bool:
    """A stay's case discussion is written by its care team's clinicians only (issue 5, rules)."""
    return (
        getattr(user, "role", None) == Role.CLINICIAN and user.is_active and user.has_perm("patients.change_stay", stay)
    )


def _require_stay_writer(by, stay: Stay) -> None:
    if not may_write_stay(by, stay):
        raise NotAllowed()


# --- the conference record ------------------------------------------------------------------------------------------


def _participant_rows(facility: Facility, participants: Iterable[ParticipantInput]) -> list[ConferenceParticipant]:
    rows, seen_users = [], set()
    for p in participants:
        name = (p.name or "").strip()
        if p.user is None and not name:
            continue  # an empty external line of the form
        if p.profession not in Profession.values:
            raise ConferenceRefused(
                _("Please choose the profession of %(name)s.") % {"name": name or p.user.display_name}, "participants"
            )
        if p.user is not None:
            if p.user.pk in seen_users:
                raise ConferenceRefused(_("%(name)s is listed twice.") % {"name": p.user.display_name}, "participants")
            if not p.user.facilities.filter(pk=facility.pk).exists():
                raise ConferenceRefused(
                    _("%(name)s does not work in this facility; add them as an external participant.")
                    % {"name": p.user.display_name},
                    "participants",
                )
            seen_users.add(p.user.pk)
            name = name or p.user.display_name
        rows.append(ConferenceParticipant(user=p.user, name=name[:200], profession=p.profession))
    if not rows:
        raise ConferenceRefused(_("A conference needs at least one participant with their profession."), "participants")
    return rows


def _check_date(held_on: dt.date, today: dt.date) -> None:
    if held_on > today:
        raise ConferenceRefused(_("The conference date lies in the future."), "held_on")


def _save_participants(conference: TeamConference, rows: list[ConferenceParticipant]) -> None:
    for row in rows:
        row.conference = conference
        # the model allows an empty user (external participant) in the database but not in forms (blank=False)
        row.full_clean(exclude=["user"] if row.user is None else None)
        row.save()


def _summary(rows) -> dict:
    return {
        "participants": [f"{row.name} ({row.profession})" for row in rows],
        "professions": sorted({row.profession for row in rows}),
    }


def conference_create(
    *,
    by,
    facility: Facility,
    held_on: dt.date,
    participants: Iterable[ParticipantInput],
    note: str = "",
    today: dt.date | None = None,
) -> TeamConference:
    """Record a conference of ``facility`` (one of the recording clinician's) held on ``held_on`` (not in the
    future) with its participants. Refused without any participant, without a profession, with a staff member of
    another facility or one listed twice: nothing is stored."""
    if not may_record_conferences(by, facility):
        raise NotAllowed()
    today = today or timezone.localdate()
    _check_date(held_on, today)
    rows = _participant_rows(facility, participants)
    with transaction.atomic():
        conference = TeamConference(facility=facility, held_on=held_on, note=note.strip(), created_by=by)
        conference.full_clean()
        conference.save()
        _save_participants(conference, rows)
        audit.log(conference, "diagnostics.conference.created", user=by, data=_summary(rows))
    return conference


def conference_change(
    *,
    by,
    conference: TeamConference,
    held_on: dt.date,
    participants: Iterable[ParticipantInput],
    note: str = "",
    today: dt.date | None = None,
) -> TeamConference:
    """Change date, note and participants (the list is replaced). The date is fixed once a stay was discussed:
    its comparison was frozen against that date (K-6)."""
    if not may_record_conferences(by, conference.facility):
        raise NotAllowed()
    today = today or timezone.localdate()
    _check_date(held_on, today)
    if held_on != conference.held_on and conference.cases.exists():
        raise ConferenceRefused(
            _("Stays were discussed at this conference; its date can no longer be changed."), "held_on"
        )
    rows = _participant_rows(conference.facility, participants)
    before = _summary(conference.participants.all())
    with transaction.atomic():
        conference.held_on = held_on
        conference.note = note.strip()
        conference.full_clean()
        conference.save()
        conference.participants.all().delete()
        _save_participants(conference, rows)
        audit.log(
            conference,
            "diagnostics.conference.changed",
            user=by,
            data={"before": before, "after": _summary(rows), "held_on": held_on.isoformat()},
        )
    return conference


# --- a stay at the conference: freeze, flags, findings --------------------------------------------------------------


def case_add(*, by, conference: TeamConference, stay: Stay) -> ConferenceCase:
    """Discuss ``stay`` at ``conference``: store the comparison as it is now (K-6, E15).

    Only a clinician of the stay's care team; the stay must belong to the conference's facility and not be
    discussed there yet, and the conference must not lie before the admission. Without both profiles the stay is
    still added (the team may discuss it), with an empty snapshot; the case overview flags it (rec 4.10).
    """
    _require_stay_writer(by, stay)
    if stay.facility_id != conference.facility_id:
        raise ConferenceRefused(_("This stay belongs to another facility than the conference."))
    if conference.held_on < stay.admission_date:
        raise ConferenceRefused(
            _("The conference of %(date)s took place before the admission.")
            % {"date": f"{conference.held_on:%d.%m.%Y}"}
        )
    if ConferenceCase.objects.filter(conference=conference, stay=stay).exists():
        raise ConferenceRefused(_("This stay has already been discussed at this conference."))
    frozen = freeze_comparison(stay)
    with transaction.atomic():
        case = ConferenceCase(
            conference=conference,
            stay=stay,
            capacity_profile=frozen.capacity_profile,
            demand_profile=frozen.demand_profile,
            snapshot=frozen.snapshot,
            created_by=by,
        )
        case.full_clean()
        case.save()
        audit.log(
            case,
            "diagnostics.conference_case.added",
            user=by,
            data={
                "conference": conference.pk,
                "capacity_profile": frozen.capacity_profile.pk if frozen.capacity_profile else None,
                "demand_profile": frozen.demand_profile.pk if frozen.demand_profile else None,
                "flagged": frozen.flagged,
            },
        )
    return case


def case_flags_decide(*, by, case: ConferenceCase, decisions: Mapping[str, tuple[str, str]]) -> list[ConferenceFlag]:
    """K-6: confirm or dismiss flagged dimensions of the frozen comparison. ``decisions`` maps a dimension code to
    (decision, note); an empty decision leaves the dimension undecided. A dismissal needs a note; only dimensions
    flagged in the snapshot can be decided; a dimension that an active planned therapy addresses cannot be
    dismissed. A changed decision keeps the earlier one in the flag's history."""
    _require_stay_writer(by, case.stay)
    flagged = {flag.dimension: flag for flag in snapshot_flags(case.snapshot)}
    existing = {flag.dimension: flag for flag in case.flags.all()}
    addressed = _dimensions_of_active_therapies(case)
    changes = []
    for dimension, (decision, note) in decisions.items():
        note = (note or "").strip()
        if not decision:
            continue
        if dimension not in flagged:
            raise ConferenceRefused(
                _("Dimension %(dimension)s was not flagged in the frozen comparison.") % {"dimension": dimension}
            )
        label = flagged[dimension].label
        if decision not in FlagDecision.values:
            raise ConferenceRefused(_("Please confirm or dismiss %(dimension)s.") % {"dimension": label})
        if decision == FlagDecision.DISMISSED and not note:
            raise ConferenceRefused(
                _("Dismissing %(dimension)s needs a note saying why.") % {"dimension": label}, f"note_{dimension}"
            )
        if decision == FlagDecision.DISMISSED and dimension in addressed:
            raise ConferenceRefused(
                _("A planned therapy addresses %(dimension)s; end it before dismissing the dimension.")
                % {"dimension": label}
            )
        flag = existing.get(dimension)
        if flag is not None and flag.decision == decision and flag.note == note:
            continue
        if flag is None:
            flag = ConferenceFlag(case=case, dimension=dimension, status=flagged[dimension].status)
        flag.decision, flag.note = decision, note
        changes.append(flag)
    with transaction.atomic():
        for flag in changes:
            flag.full_clean()
            flag.save()
        if changes:
            audit.log(
                case,
                "diagnostics.conference_case.flags_decided",
                user=by,
                data={flag.dimension: flag.decision for flag in changes},
            )
    return changes


def case_findings_set(*, by, case: ConferenceCase, findings: str) -> ConferenceCase:
    """The team's findings from the comparison for this stay (the case keeps every earlier wording)."""
    _require_stay_writer(by, case.stay)
    findings = findings.strip()
    if findings == case.findings:
        return case
    with transaction.atomic():
        case.findings = findings
        case.full_clean()
        case.save()
        audit.log(case, "diagnostics.conference_case.findings_changed", user=by, data={"length": len(findings)})
    return case


# --- planned therapies ----------------------------------------------------------------------------------------------


def _dimensions_of_active_therapies(case: ConferenceCase) -> set[str]:
    dims: set[str] = set()
    for therapy in case.planned_therapies.filter(ended_on__isnull=True):
        dims.update(therapy.dimensions or [])
    return dims


def catalogue_for(facility: Facility):
    """The offered catalogue items of a facility: its own and the ones for every facility."""
    return TherapyCatalogueItem.objects.filter(Q(facility__isnull=True) | Q(facility=facility), active=True)


def planned_therapy_add(
    *,
    by,
    case: ConferenceCase,
    item: TherapyCatalogueItem,
    focus: str = "",
    dimensions: Iterable[str] = (),
    minutes_per_week: int | None = None,
) -> PlannedTherapy:
    """Plan a therapy from the catalogue for the stay of ``case`` (rec 4.10: aligned with the job demands).

    The item must be offered in the stay's facility; ``dimensions`` must be confirmed flags of this case (K-6); a
    workplace training needs its focus; minutes per week are optional (0–2400)."""
    stay = case.stay
    _require_stay_writer(by, stay)
    if not catalogue_for(stay.facility).filter(pk=item.pk).exists():
        raise ConferenceRefused(_("This therapy is not offered in the stay's facility."), "item")
    focus = focus.strip()
    if item.kind == TherapyKind.WORKPLACE_TRAINING and not focus:
        raise ConferenceRefused(_("A workplace training needs its focus (what is trained)."), "focus")
    dimensions = list(dict.fromkeys(dimensions))
    confirmed = set(case.flags.filter(decision=FlagDecision.CONFIRMED).values_list("dimension", flat=True))
    unconfirmed = [d for d in dimensions if d not in confirmed]
    if unconfirmed:
        raise ConferenceRefused(
            _("Only dimensions the conference confirmed can be addressed: %(dims)s.")
            % {"dims": ", ".join(unconfirmed)},
            "dimensions",
        )
    with transaction.atomic():
        therapy = PlannedTherapy(
            stay=stay,
            case=case,
            item=item,
            focus=focus,
            dimensions=dimensions,
            minutes_per_week=minutes_per_week,
            created_by=by,
        )
        therapy.full_clean()
        therapy.save()
        audit.log(
            therapy,
            "diagnostics.therapy.planned",
            user=by,
            data={"item": item.code, "dimensions": dimensions, "minutes_per_week": minutes_per_week},
        )
    return therapy


def planned_therapy_end(
    *, by, therapy: PlannedTherapy, ended_on: dt.date, today: dt.date | None = None
) -> PlannedTherapy:
    """End (or cancel) a planned therapy on ``ended_on``: not in the future, not before it was planned."""
    _require_stay_writer(by, therapy.stay)
    today = today or timezone.localdate()
    if therapy.ended_on is not None:
        raise ConferenceRefused(
            _("This therapy was ended on %(date)s already.") % {"date": f"{therapy.ended_on:%d.%m.%Y}"}
        )
    if ended_on > today:
        raise ConferenceRefused(_("The end date lies in the future."), "ended_on")
    planned_on = therapy.case.conference.held_on if therapy.case_id else timezone.localdate(therapy.created_at)
    if ended_on < planned_on:
        raise ConferenceRefused(
            _("The end date lies before the therapy was planned (%(date)s).") % {"date": f"{planned_on:%d.%m.%Y}"},
            "ended_on",
        )
    with transaction.atomic():
        therapy.ended_on = ended_on
        therapy.full_clean()
        therapy.save()
        audit.log(therapy, "diagnostics.therapy.ended", user=by, data={"ended_on": ended_on.isoformat()})
    return therapy
