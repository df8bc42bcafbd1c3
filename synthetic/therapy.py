"""Synthetic therapy rows (issue 10): work-related groups and counseling groups with their members, group sessions,
individual sessions (counseling, work-related psychotherapy, physiotherapy, workplace training) with one
``Attendance`` per participant, and the workplace training (plan, sub-goals, situations practised, transfer
strategies). See ``synthetic.core`` for the frame.

Groups (``prepare``): per facility ``n`` work-related groups "Arbeit und Gesundheit n" (two fixed weekdays, 90
minutes) and ``n`` counseling groups "Sozialberatung Gruppe n" (one weekday, 60 minutes), ``n`` chosen so that about
24 WMR patients are members of each at any time (every WMR stay joins group ``i mod n`` by its running WMR number).
The group with the most open memberships of admitted stays has at least 20 of them at the default 6,000 admissions a
year (the benchmark logs a 20-person group session there; see ``logging_group``).

Group sessions span chunks: a chunk logs the sessions of the dates from the previous chunk's last admission day up to
(not including) its own last admission day (up to yesterday for the facility's last chunk), with every member in the
house that day, its own stays and those carried over from the previous chunk (``fctx.extra["therapy.state"]``). So
each group has one session per meeting day, as the unique constraint (group, date, start) demands.

``plan.compliance`` decides how closely a stay follows the bars: late or no joining of the groups, a late first
individual counseling (after day 14), absences, fewer training sessions. Nothing is dated after
``plan.last_day(today)``; invited stays get nothing. Hands on ``chunk.extra["therapy.counted"]`` (stay pk → list of
(date, kind, minutes) of the counted attendances) for the discharge letter's record snapshot.

Sessions and training plans get their primary keys reserved from the table's sequence (``reserve_ids``) so they go
in with ``COPY`` like the leaf rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import connection

from synthetic.core import days, plan_stays

NAME = "therapy"
BERLIN = ZoneInfo("Europe/Berlin")
MEMBERS_PER_GROUP = 24  # WMR patients per group at any one time (about)
STAY_LENGTH = 35  # average length of stay (days) in core.plan_stays

# (weekdays, start) of the work-related groups, by group index; counseling groups meet once a week
WORK_SLOTS = (
    ((0, 3), dt.time(8, 30)),
    ((1, 4), dt.time(10, 15)),
    ((0, 3), dt.time(13, 0)),
    ((1, 4), dt.time(14, 45)),
    ((0, 3), dt.time(10, 15)),
    ((1, 4), dt.time(8, 30)),
)
COUNSELING_SLOTS = (((2,), dt.time(10, 0)), ((4,), dt.time(13, 0)), ((2,), dt.time(14, 30)), ((1,), dt.time(11, 0)))
GROUP_NOTES = {"work_group": "Gruppenarbeit und Rollenspiel.", "group_counseling": "Informationen und Austausch."}
WORK_MINUTES = 90
COUNSELING_MINUTES = 60

INDIVIDUAL_NOTES = (
    "Erstberatung zur beruflichen Situation.",
    "Beratung zu Leistungen zur Teilhabe am Arbeitsleben.",
    "Vorbereitung des Gesprächs mit dem Arbeitgeber.",
    "Stufenweise Wiedereingliederung besprochen.",
    "Nachsorge und Bewerbungsunterlagen besprochen.",
)
PSYCHOTHERAPY_NOTES = (
    "Arbeitsbezogene Einzelpsychotherapie: Belastungen am Arbeitsplatz.",
    "Einzelgespräch: Konfliktmuster im Team, Rollenspiel vorbereitet.",
    "Einzelgespräch: Grenzen setzen, Überstunden.",
    "Einzelgespräch: Rückfallprophylaxe, Frühwarnzeichen.",
)
PHYSIO_NOTES = ("Rückenschule.", "Medizinische Trainingstherapie.", "Ergonomie am Arbeitsplatz.", "Haltungsschulung.")
TRAINING_NOTES = (
    "Arbeitsplatztraining: Büroarbeitsplatz, Ablage und Telefon.",
    "Arbeitsplatztraining: Lager und Kommissionierung.",
    "Arbeitsplatztraining: Pflegesituation an der Übungspuppe.",
    "Arbeitsplatztraining: Werkstatt, Montage unter Zeitvorgabe.",
)
PROFILE_BASES = (
    "Fähigkeitsprofil bei Aufnahme: Ausdauer und Belastbarkeit unter den Anforderungen; Konzentration leicht "
    "eingeschränkt; Kontaktfähigkeit erhalten.",
    "Fähigkeitsprofil bei Aufnahme: Heben und Tragen eingeschränkt, Umstellungsfähigkeit und Planung gut.",
    "Fähigkeitsprofil bei Aufnahme: Arbeitstempo und Durchhaltevermögen deutlich eingeschränkt, Sorgfalt gut.",
)
SUBGOALS = (
    ("Zwei Stunden am Stück konzentriert arbeiten, mit selbst gewählter Pause", "Arbeitsprotokoll"),
    ("Eine Arbeitsübergabe strukturiert führen", "Beobachtung im Rollenspiel mit Checkliste"),
    ("Eine Kritik sachlich ansprechen", "Rollenspiel mit Rückmeldung der Gruppe"),
    ("Zehn Kilogramm rückengerecht heben und tragen", "Beobachtung durch die Physiotherapie"),
    ("Arbeitsaufträge selbstständig priorisieren", "Tagesplan und Abgleich am Ende der Einheit"),
)
SITUATIONS = (
    ("Telefonat mit einem verärgerten Kunden (Rollenspiel)", "Ruhig geblieben, anfangs zu schnell gesprochen."),
    ("Kommissionierung unter Zeitvorgabe, 60 Minuten", "Nach 45 Minuten erschöpft, Pause eingelegt."),
    ("Dienstübergabe am Stationsbett (Rollenspiel)", "Strukturiert, hohes Tempo."),
    ("Bildschirmarbeit mit Unterbrechungen", "Unterbrechungen notiert, danach gut weitergearbeitet."),
)
STRATEGIES = (
    ("Wenn es hektisch wird", "Ich atme einmal tief durch und schreibe die drei wichtigsten Aufgaben auf."),
    ("Nach 90 Minuten Arbeit", "Ich mache fünf Minuten Pause, auch wenn viel los ist."),
    ("Wenn mich jemand kritisiert", "Ich frage nach, was genau gemeint ist, bevor ich antworte."),
    ("Wenn ich Überstunden machen soll", "Ich sage, was ich heute noch schaffe, und was nicht."),
)
SUBGOAL_NOTES = {
    "partly": "Gelingt noch nicht durchgehend, Pausen werden vergessen.",
    "no": "Abgebrochen, Belastung zu hoch.",
}


def reserve_ids(model, n: int) -> list[int]:
    """``n`` primary keys for ``model`` reserved from its sequence (PostgreSQL) or above its highest id (SQLite:
    one writer, inside the chunk's transaction), so parents can go in with ``copy_rows`` and children point at
    them without a ``RETURNING`` round trip."""
    if n <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, n]
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {quoted}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row:
                start = max(start, row[0] + 1)
        return list(range(start, start + n))


def copy_rows(writer, model, columns: list[str], rows: list[tuple]) -> int:
    """Leaf rows as plain tuples (values in the order of ``columns``, attribute names such as ``stay_id``, ``id``
    when reserved with ``reserve_ids``): ``Writer.copy_values``."""
    return writer.copy_values(model, columns, rows)


class Row(SimpleNamespace):
    """A row to COPY: attributes by field name (a related object stands for its pk) or attribute name, ``pk`` for
    the primary key. Building a model instance costs about 20 µs; this costs one."""


def copy_objects(writer, model, objs: list) -> int:
    """``copy_rows`` for ``Row`` objects: every concrete column of ``model``, a missing one with its default."""
    if not objs:
        return 0
    first = objs[0].__dict__
    specs = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            if "pk" in first or f.attname in first:
                specs.append((f.attname, "pk", None, True))
            continue
        specs.append((f.attname, f.name if f.is_relation else None, f.get_default(), False))
    rows = []
    for obj in objs:
        values = obj.__dict__
        row = []
        for attname, name, default, primary in specs:
            if primary:
                row.append(values.get("pk", values.get(attname)))
            elif attname in values:
                row.append(values[attname])
            elif name is not None and name in values:
                related = values[name]
                row.append(related.pk if related is not None else None)
            else:
                row.append(default)
        rows.append(row)
    return copy_rows(writer, model, [spec[0] for spec in specs], rows)


def at(day: dt.date, time: dt.time, minutes: int = 0) -> dt.datetime:
    """A Berlin time on ``day``: ``time`` plus ``minutes``."""
    return dt.datetime.combine(day, time, tzinfo=BERLIN) + dt.timedelta(minutes=minutes)


def group_count(options) -> int:
    """Groups of each kind per facility: about ``MEMBERS_PER_GROUP`` WMR patients in each at any time."""
    in_house_wmr = options.per_year / 365 * STAY_LENGTH * 0.6
    return max(1, int(in_house_wmr // MEMBERS_PER_GROUP))


def prepare(options, writer, fctx) -> None:
    """The facility's work-related and counseling groups, running since before the first synthetic admission."""
    from therapy.models import SessionKind, WorkGroup

    plans = plan_stays(options, fctx.index)
    starts_on = (plans[0].admission if plans else options.today) - days(7)
    created = at(starts_on, dt.time(9, 0))
    n = group_count(options)
    therapists = fctx.staff["occupational_therapist"] + fctx.staff["psychologist"][:2]
    social = fctx.staff["social_worker"]
    work, counseling = [], []
    for i in range(n):
        weekdays, start = WORK_SLOTS[i % len(WORK_SLOTS)]
        leader = therapists[i % len(therapists)]
        work.append(
            WorkGroup(
                facility_id=fctx.facility.pk,
                name=f"Arbeit und Gesundheit {i + 1}",
                kind=SessionKind.WORK_GROUP,
                leader=leader,
                starts_on=starts_on,
                default_start=start,
                default_minutes=WORK_MINUTES,
                created_by=leader,
                created_at=created,
            )
        )
        weekdays, start = COUNSELING_SLOTS[i % len(COUNSELING_SLOTS)]
        leader = social[i % len(social)]
        counseling.append(
            WorkGroup(
                facility_id=fctx.facility.pk,
                name=f"Sozialberatung Gruppe {i + 1}",
                kind=SessionKind.GROUP_COUNSELING,
                leader=leader,
                starts_on=starts_on,
                default_start=start,
                default_minutes=COUNSELING_MINUTES,
                created_by=leader,
                created_at=created,
            )
        )
    writer.insert(work + counseling)
    fctx.extra["therapy.work_groups"] = work
    fctx.extra["therapy.counseling_groups"] = counseling
    fctx.extra["therapy.state"] = {
        "from": plans[0].admission if plans else options.today,  # the first date the next chunk logs sessions for
        "carry": [],  # members still in the house after the last chunk's dates
        "done": 0,  # stays seen so far
        "wmr": 0,  # running number of WMR stays (group = number mod n)
        "cursor": {},  # group pk -> index of the next topic to tick
    }


def logging_group(facility):
    """The facility's group with the most open memberships of admitted stays, and those stays (for the benchmark's
    group-session logging). Two queries."""
    from django.db.models import Count, Q

    from patients.models import Stay, StayStatus
    from therapy.models import WorkGroup

    current = Q(memberships__ends_on__isnull=True, memberships__stay__status=StayStatus.ADMITTED)
    group = (
        WorkGroup.objects.filter(facility=facility, kind="work_group")
        .annotate(n=Count("memberships", filter=current))
        .order_by("-n", "id")
        .first()
    )
    if group is None:
        return None, []
    stays = list(
        Stay.objects.filter(
            group_memberships__group=group, group_memberships__ends_on__isnull=True, status=StayStatus.ADMITTED
        ).order_by("admission_date", "id")
    )
    return group, stays


@dataclass
class Member:
    """A stay's part in one pair of groups (work-related + counseling): from ``joins`` to ``until`` (its last day)."""

    stay_id: int
    group: int  # index into the facility's groups
    joins: dt.date
    until: dt.date
    presence: float  # probability to attend a session


SESSION_COLUMNS = [
    "id",
    "facility_id",
    "kind",
    "group_id",
    "held_on",
    "start",
    "minutes",
    "status",
    "staff_id",
    "topics",
    "note",
    "cancel_reason",
    "version",
    "created_by_id",
    "created_at",
]
ATTENDANCE_COLUMNS = ["session_id", "stay_id", "present", "late_minutes", "left_early_minutes", "minutes", "note"]


class _Sessions:
    """Sessions with their attendances, collected for one chunk and written in two COPYs."""

    def __init__(self, facility_id: int):
        self.facility_id = facility_id
        self.sessions: list[list] = []
        self.attendances: list[list] = []
        self.counted: dict[int, list] = {}

    def add(self, *, kind, held_on, start, minutes, staff, topics=(), note="", group=None, attendees, cancelled=""):
        """``attendees``: (stay id, present, late minutes)."""
        number = len(self.sessions)  # the session's id is reserved when written
        self.sessions.append(
            [
                None,
                self.facility_id,
                kind,
                group.pk if group is not None else None,
                held_on,
                start,
                minutes,
                "cancelled" if cancelled else "held",
                staff.pk,
                list(topics),
                note,
                cancelled,
                1,
                staff.pk,
                at(held_on, start, minutes + 30),
            ]
        )
        for stay_id, present, late in attendees:
            counted = max(0, minutes - late) if present else 0
            self.attendances.append([number, stay_id, present, late if present else 0, 0, counted, ""])
            if present and not cancelled and counted:
                self.counted.setdefault(stay_id, []).append((held_on, kind, counted))

    def write(self, writer) -> None:
        from therapy.models import Attendance, TherapySession

        ids = reserve_ids(TherapySession, len(self.sessions))
        for row, pk in zip(self.sessions, ids, strict=True):
            row[0] = pk
        for row in self.attendances:
            row[0] = ids[row[0]]
        copy_rows(writer, TherapySession, SESSION_COLUMNS, self.sessions)
        copy_rows(writer, Attendance, ATTENDANCE_COLUMNS, self.attendances)


def _topics(state: dict, group, section_codes: tuple[str, ...], k: int = 2) -> list[str]:
    """The next ``k`` topics of the group's section, in turn."""
    cursor = state["cursor"].get(group.pk, 0)
    state["cursor"][group.pk] = cursor + k
    return [section_codes[(cursor + j) % len(section_codes)] for j in range(k)]


def seed_chunk(options, writer, chunk) -> None:
    from therapy import topics as catalogue
    from therapy.models import GroupMembership, SessionKind

    rng = chunk.rng(options.seed, NAME)
    fctx = chunk.facility
    today = options.today
    state = fctx.extra["therapy.state"]
    work_groups = fctx.extra["therapy.work_groups"]
    counseling_groups = fctx.extra["therapy.counseling_groups"]
    counseling_codes = tuple(t.code for t in catalogue.topics_of_section(catalogue.COUNSELING))
    work_codes = tuple(t.code for t in catalogue.topics_of_section(catalogue.WORK_GROUPS))
    training_codes = tuple(t.code for t in catalogue.topics_of_section(catalogue.WORKPLACE_TRAINING))
    out = _Sessions(fctx.facility.pk)
    members: list[Member] = []
    memberships: list = []
    trainings: list[tuple] = []

    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        last = plan.last_day(today)
        if last is None or last < plan.admission:
            continue
        team = chunk.team[stay.pk]
        compliant = rng.random() <= plan.compliance  # follows the recommendations closely

        # work-related individual psychotherapy (primary therapist), weekly, every stay
        therapist = team["primary_therapist"]
        for n in range(rng.randint(2, 4), (last - plan.admission).days + 2, 7):
            day = plan.day(n)
            out.add(
                kind=SessionKind.OTHER,
                held_on=day,
                start=dt.time(9 + rng.randrange(7), 0),
                minutes=50,
                staff=therapist,
                note=rng.choice(PSYCHOTHERAPY_NOTES),
                attendees=[(stay.pk, rng.random() < 0.96, 0)],
                cancelled="Therapeut erkrankt." if rng.random() < 0.02 else "",
            )
        # physiotherapy, weekly
        physio = team["physiotherapist"]
        for n in range(rng.randint(2, 5), (last - plan.admission).days + 2, 7):
            out.add(
                kind=SessionKind.OTHER,
                held_on=plan.day(n),
                start=dt.time(8 + rng.randrange(8), 30),
                minutes=45,
                staff=physio,
                note=rng.choice(PHYSIO_NOTES),
                attendees=[(stay.pk, rng.random() < 0.95, 0)],
            )
        if not plan.wmr:
            continue

        # individual psychosocial counseling (social worker): the first by day 14 when compliant
        social = team["social_worker"]
        first = rng.randint(2, 10) if compliant else (rng.randint(15, 22) if rng.random() < 0.7 else None)
        if first is not None:
            n, visits = first, 0
            while plan.day(n) <= last and visits < 4:
                minutes = rng.choice((50, 60)) if visits == 0 else rng.choice((30, 45, 50))
                if not compliant and visits == 0:
                    minutes = rng.choice((30, 45))
                out.add(
                    kind=SessionKind.INDIVIDUAL_COUNSELING,
                    held_on=plan.day(n),
                    start=dt.time(10 + rng.randrange(6), 0),
                    minutes=minutes,
                    staff=social,
                    topics=rng.sample(counseling_codes, rng.randint(1, 3)),
                    note=INDIVIDUAL_NOTES[visits % len(INDIVIDUAL_NOTES)],
                    attendees=[(stay.pk, True, 0)],
                )
                visits += 1
                n += rng.randint(8, 12)

        # groups: members from day 2–4 (compliant) or late, some never
        if compliant:
            joins = plan.day(rng.randint(2, 4))
        elif rng.random() < 0.6:
            joins = plan.day(rng.randint(18, 30))
        else:
            joins = None
        number = state["wmr"]
        state["wmr"] += 1
        if joins is not None and joins <= last:
            index = number % len(work_groups)
            until = last
            members.append(Member(stay.pk, index, joins, until, 0.7 + 0.28 * plan.compliance))
            ends_on = plan.discharge if plan.status == "discharged" else None
            for group in (work_groups[index], counseling_groups[index]):
                memberships.append((group.pk, stay.pk, joins, ends_on, social.pk))

        # workplace training for about 60 % of the WMR stays (occupational therapist)
        if rng.random() < 0.6:
            start = plan.day(rng.randint(5, 8) if compliant else rng.randint(12, 20))
            if start <= last:
                trainings.append((plan, stay, start, compliant, last))
                ot = team["occupational_therapist"]
                every = 3 if compliant else 6
                day, k = start, 0
                while day <= last:
                    out.add(
                        kind=SessionKind.WORKPLACE_TRAINING,
                        held_on=day,
                        start=dt.time(13, 0),
                        minutes=rng.choice((60, 60, 75, 90)),
                        staff=ot,
                        topics=[training_codes[(k + j) % len(training_codes)] for j in range(2)],
                        note=rng.choice(TRAINING_NOTES),
                        attendees=[(stay.pk, rng.random() < 0.6 + 0.38 * plan.compliance, 0)],
                    )
                    k += 2
                    day += days(every + rng.randrange(2))

    # group sessions of the dates this chunk logs (see the module docstring)
    state["done"] += len(chunk.plans)
    facility_last = state["done"] >= options.stays_of(fctx.index)
    first_day = state["from"]
    end = today if facility_last else min(today, chunk.plans[-1].admission)  # exclusive
    present = state["carry"] + members
    by_group: dict[int, list[Member]] = {}
    for member in present:
        by_group.setdefault(member.group, []).append(member)
    day = first_day
    while day < end:
        weekday = day.weekday()
        for index in sorted(by_group):
            roster = [m for m in by_group[index] if m.joins <= day <= m.until]
            if not roster:
                continue
            for group, slots, minutes, codes in (
                (work_groups[index], WORK_SLOTS, WORK_MINUTES, work_codes),
                (counseling_groups[index], COUNSELING_SLOTS, COUNSELING_MINUTES, counseling_codes),
            ):
                weekdays, start = slots[index % len(slots)]
                if weekday not in weekdays:
                    continue
                attendees = []
                for m in roster:
                    attended = rng.random() < m.presence
                    late = rng.choice((10, 15)) if attended and rng.random() < 0.05 else 0
                    attendees.append((m.stay_id, attended, late))
                out.add(
                    kind=group.kind,
                    group=group,
                    held_on=day,
                    start=start,
                    minutes=minutes,
                    staff=group.leader,
                    topics=_topics(state, group, codes),
                    note="Gruppenarbeit und Rollenspiel."
                    if group.kind == "work_group"
                    else "Informationen, Austausch.",
                    attendees=attendees,
                    cancelled="Gruppenleitung erkrankt." if rng.random() < 0.02 else "",
                )
        day += days(1)
    state["from"] = max(first_day, end)
    state["carry"] = [m for m in present if m.until >= end] if not facility_last else []

    out.write(writer)
    copy_rows(writer, GroupMembership, ["group_id", "stay_id", "starts_on", "ends_on", "created_by_id"], memberships)
    _training(writer, rng, chunk, trainings)
    chunk.extra["therapy.counted"] = out.counted


def _training(writer, rng, chunk, trainings) -> None:
    """Plan, sub-goals (assessed at discharge), situations practised and the patient's transfer strategies."""
    from therapy.models import TrainingPlan, TrainingSubGoal, TransferStrategy, WorkSituation

    plans, subgoals, situations, strategies = [], [], [], []
    for _plan, stay, start, _compliant, _last in trainings:
        ot = chunk.team[stay.pk]["occupational_therapist"]
        plans.append(
            Row(
                stay_id=stay.pk,
                starts_on=start,
                profile_basis=rng.choice(PROFILE_BASES),
                created_by=ot,
                created_at=at(start, dt.time(11, 0)),
            )
        )
    ids = reserve_ids(TrainingPlan, len(plans))
    for training, pk, (plan, _stay, start, compliant, last) in zip(plans, ids, trainings, strict=True):
        training.pk = pk
        discharged = plan.status == "discharged"
        for text, verification in rng.sample(SUBGOALS, 3):
            result, note, assessed = "open", "", None
            if discharged and last - days(1) >= start:
                x = rng.random()
                result = "yes" if x < 0.35 + 0.5 * plan.compliance else ("partly" if x < 0.97 else "no")
                note = SUBGOAL_NOTES.get(result, "")
                assessed = last - days(1)
            subgoals.append(
                Row(
                    plan_id=pk,
                    text=text,
                    verification=verification,
                    agreed_on=start,
                    result=result,
                    result_note=note,
                    assessed_on=assessed,
                )
            )
        for offset, (description, observation) in zip((3, 9), rng.sample(SITUATIONS, 2), strict=True):
            if start + days(offset) <= last:
                situations.append(
                    Row(plan_id=pk, description=description, practised_on=start + days(offset), observation=observation)
                )
        if compliant or rng.random() < 0.5:
            for offset, (situation, strategy) in zip((14, 18, 21), rng.sample(STRATEGIES, 3), strict=True):
                if start + days(offset) <= last:
                    strategies.append(
                        Row(plan_id=pk, situation=situation, strategy=strategy, written_on=start + days(offset))
                    )
    copy_objects(writer, TrainingPlan, plans)
    copy_objects(writer, TrainingSubGoal, subgoals)
    copy_objects(writer, WorkSituation, situations)
    copy_objects(writer, TransferStrategy, strategies)
