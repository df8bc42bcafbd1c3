"""Synthetic audit rows (``wmr.AuditEntry``) as the app writes them: about 30 per discharged stay.

The audit table is the one that grows with every page a clinician opens: at 50,000 stays it holds ~1.5 million rows,
which is what proves that no page does work proportional to it (only the privacy officer's viewer and the access
report read it, by indexed patient/stay id and time).

Per stay, in the shape ``wmr.audit.log`` gives them (codes from ``wmr.audit.ACTIONS``; user and user name; object
type and id; patient and stay id by the object's ``audit_scope``; the clinic workstation's address; the page's path;
the service's ``data`` keys):

- before admission, at the stay's ``created_at``: patient and stay created, the five care-team members added, the
  invitation letter (WMR department, unless skipped: ``rng.random() > plan.compliance``), the case overview read;
- during the stay, on its days up to ``plan.last_day(today)`` (nothing after yesterday): admission, screening result,
  the assignment steps (need, motivation, contraindication check, decision), for WMR stays the goal agreement
  (created, two goals, agreed, a review) and a diagnostics session, three therapy sessions, for discharged stays the
  discharge letter (drafted, signed) and the discharge; reads of the case overview and the section pages by the care
  team spread over the stay's days, at working hours.

Writes of other parts' records name their kind (``object_type``) but leave ``object_id`` empty: looking the rows up
would cost a query per table and chunk for ids nobody reads in a benchmark. Invited stays get only their
pre-admission rows.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from wmr.models import AuditEntry

NAME = "audit"
COLUMNS = [
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "stay_id",
    "ip_address",
    "path",
    "data",
]

BERLIN = ZoneInfo("Europe/Berlin")
ONE_DAY = dt.timedelta(days=1)

# object types (model labels) of the records the journey's writes are about
PATIENT, STAY, MEMBERSHIP, DOCUMENT = (
    "patients.patient",
    "patients.stay",
    "patients.careteammembership",
    "patients.document",
)
RESULT, NEED, MOTIVATION = "screening.screeningresult", "screening.needassessment", "screening.motivationrecord"
CHECK, DECISION = "screening.contraindicationcheck", "screening.assignmentdecision"
AGREEMENT, GOAL, REVIEW = "goals.goalagreement", "goals.goal", "goals.goalreview"
DIAG_SESSION, THERAPY_SESSION, LETTER = (
    "diagnostics.diagnosticsession",
    "therapy.therapysession",
    "reintegration.dischargeletter",
)

# the pages a care-team member reads during a stay: (action, path template, weight)
READS = (
    ("patients.stay.viewed", "/cases/stays/{}/", 8),
    ("goals.agreement.viewed", "/goals/stays/{}/", 2),
    ("therapy.sessions.viewed", "/therapy/stays/{}/sessions/", 2),
    ("screening.results.viewed", "/screening/stays/{}/results/", 1),
    ("diagnostics.stay.viewed", "/diagnostics/stays/{}/", 1),
    ("reintegration.letter.viewed", "/reintegration/stays/{}/letter/", 1),
)
READS_PER_STAY = 7  # reads over a whole (five-week) stay, fewer for a stay that has run only a few days
THERAPY_KINDS = ("individual_counseling", "group_counseling", "work_group", "small_group_counseling")


def address(user) -> str:
    """The clinic workstation a staff member works at (the client address the middleware records)."""
    return f"10.20.{user.pk // 250 % 250}.{user.pk % 250 + 1}"


class _Stay:
    """Collects one stay's rows (every row carries the stay's patient id and, unless told otherwise, its stay id)."""

    def __init__(self, rng, stay, team, rows: list) -> None:
        self.rng, self.stay, self.team, self.rows = rng, stay, team, rows

    def at(self, day: dt.date) -> dt.datetime:
        """A moment in the working day (07:30–17:30 Berlin) of ``day``."""
        minute = self.rng.randrange(600)
        return dt.datetime.combine(day, dt.time(7 + (minute + 30) // 60, (minute + 30) % 60), tzinfo=BERLIN)

    def add(self, when, function, action, path, object_type=STAY, object_id="", data=None, stay_scoped=True) -> None:
        user = self.team[function]
        stay = self.stay
        if object_type == STAY:
            object_id = str(stay.pk)
        elif object_type == PATIENT:
            object_id = str(stay.patient_id)
        self.rows.append(
            (
                when,
                user.pk,
                user.username,
                action,
                object_type,
                object_id,
                stay.patient_id,
                stay.pk if stay_scoped else None,
                address(user),
                path.format(stay.pk),
                data or {},
            )
        )


def _day(plan, n: int, last: dt.date) -> dt.date | None:
    """Day ``n`` of the stay, None when it lies after the stay's last day with events."""
    on = plan.day(n)
    return on if on <= last else None


def stay_rows(options, plan, stay, team, rng, rows: list) -> None:
    """The audit rows of one stay (appended to ``rows``)."""
    s = _Stay(rng, stay, team, rows)
    created = stay.created_at
    # before admission: the patient and the stay are created, the care team added, the invitation written
    s.add(created, "primary_therapist", "patients.patient.created", "/patients/new/", PATIENT, stay_scoped=False)
    s.add(created, "primary_therapist", "patients.stay.created", "/patients/new/", data={"existing_patient": False})
    for function in team:
        s.add(
            created,
            "primary_therapist",
            "patients.careteam.added",
            "/patients/stays/{}/team/",
            MEMBERSHIP,
            data={"member": team[function].pk, "function": function},
        )
    if plan.department_code == "3197" and rng.random() <= plan.compliance:
        s.add(
            created + dt.timedelta(minutes=rng.randrange(5, 90)),
            "social_worker",
            "patients.invitation.created",
            "/patients/stays/{}/invitation/",
            DOCUMENT,
            data={"sha256": f"{rng.getrandbits(256):064x}", "patient_link": None},
        )
    s.add(created + dt.timedelta(minutes=1), "primary_therapist", "patients.stay.viewed", "/cases/stays/{}/")
    last = plan.last_day(options.today)
    if last is None or last < plan.admission:  # invited, or admitted today: nothing has happened since
        return
    length = (last - plan.admission).days + 1

    def on(n: int):
        return _day(plan, n, last)

    def write(n: int, function: str, action: str, path: str, object_type: str, data: dict | None = None) -> None:
        day = on(n)
        if day is not None:
            s.add(s.at(day), function, action, path, object_type, data=data)

    write(1, "physician", "patients.stay.changed", "/patients/stays/{}/edit/", STAY, {"fields": ["status"]})
    screened = rng.randint(1, 7 if rng.random() <= plan.compliance else 12)
    write(
        screened,
        "primary_therapist",
        "screening.result.recorded",
        "/screening/stays/{}/results/new/",
        RESULT,
        {"channel": "paper", "status": "positive" if plan.wmr else "negative", "instrument": None},
    )
    decided = min(rng.randint(2, 4), max(1, screened))
    write(
        decided,
        "primary_therapist",
        "screening.assignment.need_recorded",
        "/screening/stays/{}/assignment/need/",
        NEED,
        {"source": "screening"},
    )
    if rng.random() <= plan.compliance:
        write(
            decided,
            "primary_therapist",
            "screening.assignment.motivation_recorded",
            "/screening/stays/{}/assignment/motivation/",
            MOTIVATION,
            {"motivation": "motivated"},
        )
    if plan.wmr and rng.random() <= plan.compliance:
        write(
            decided,
            "physician",
            "screening.assignment.contraindications_checked",
            "/screening/stays/{}/assignment/contraindications/",
            CHECK,
            {"findings": []},
        )
    write(
        decided,
        "physician",
        "screening.assignment.decided",
        "/screening/stays/{}/assignment/decision/",
        DECISION,
        {"decision": "assign" if plan.wmr else "not_assign", "target_code": plan.department_code},
    )
    if plan.wmr:
        goals_on = decided + rng.randint(1, 4 if rng.random() <= plan.compliance else 9)
        write(
            goals_on,
            "primary_therapist",
            "goals.agreement.created",
            "/goals/stays/{}/start/",
            AGREEMENT,
            {"version": 1},
        )
        for area in ("work", "health"):
            write(
                goals_on,
                "primary_therapist",
                "goals.goal.added",
                "/goals/stays/{}/goals/add/",
                GOAL,
                {"version": 1, "area": area},
            )
        agreed = goals_on + rng.randint(0, 2)
        day = on(agreed)
        write(
            agreed,
            "primary_therapist",
            "goals.agreement.agreed",
            "/goals/stays/{}/agree/",
            AGREEMENT,
            {"version": 1, "agreed_on": day.isoformat() if day else None, "how": "signed"},
        )
        write(
            rng.randint(3, 10),
            "occupational_therapist",
            "diagnostics.session.recorded",
            "/diagnostics/stays/{}/",
            DIAG_SESSION,
            {
                "phase": "admission",
                "minutes": rng.choice((60, 90, 120)),
                "professions": ["occupational_therapist", "psychologist"],
            },
        )
        write(
            rng.randint(14, 24),
            "primary_therapist",
            "goals.review.recorded",
            "/goals/stays/{}/review/",
            REVIEW,
            {"version": 1, "occasion": "after_diagnostics", "outcomes": {}, "new_version": None},
        )
    total = (plan.discharge - plan.admission).days + 1
    for k in range(3):
        n = rng.randint(2 + k * total // 3, max(2 + k * total // 3, (k + 1) * total // 3))
        day = on(n)
        if day is not None:
            kind = rng.choice(THERAPY_KINDS)
            function = "social_worker" if kind == "work_group" else "primary_therapist"
            s.add(
                s.at(day),
                function,
                "therapy.session.logged",
                "/therapy/stays/{}/sessions/log/",
                THERAPY_SESSION,
                data={
                    "kind": kind,
                    "held_on": day.isoformat(),
                    "start": None,
                    "minutes": 50,
                    "status": "held",
                    "topics": [],
                    "planned_therapy": None,
                    "version": 1,
                },
            )
    if plan.status == "discharged":
        write(
            total - 4,
            "physician",
            "reintegration.letter.drafted",
            "/reintegration/stays/{}/letter/draft/",
            LETTER,
            {"version": 1, "drafted": ["diagnoses", "course"]},
        )
        write(
            total - 1,
            "physician",
            "reintegration.letter.signed",
            "/reintegration/stays/{}/letter/sign/",
            LETTER,
            {
                "version": 1,
                "sha256": f"{rng.getrandbits(256):064x}",
                "document": None,
                "ability_last_job": "six_hours_and_more",
                "ability_general_market": "six_hours_and_more",
            },
        )
        write(
            total,
            "physician",
            "patients.stay.changed",
            "/patients/stays/{}/edit/",
            STAY,
            {"fields": ["discharge_date", "status"]},
        )
    # the care team's reads, spread over the days the stay has run
    reads = max(1, round(READS_PER_STAY * min(1.0, length / total)))
    actions = [action for action, _path, weight in READS for _i in range(weight)]
    paths = {action: path for action, path, _weight in READS}
    functions = list(team)
    for _i in range(reads):
        action = rng.choice(actions)
        s.add(s.at(plan.day(rng.randint(1, length))), rng.choice(functions), action, paths[action])


def seed_chunk(options, writer, chunk) -> None:
    rng = chunk.rng(options.seed, NAME)
    rows: list[tuple] = []
    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        stay_rows(options, plan, stay, chunk.team[stay.pk], rng, rows)
    writer.copy_values(AuditEntry, COLUMNS, rows)
