"""Synthetic work-related diagnostics (issue 10, recommendations 4.1–4.10). See ``synthetic.core`` for the frame.

Per WMR stay (``plan.wmr``) that has begun, the rows ``diagnostics.services`` would write:

- diagnostic sessions at the start (rec 4.1): an interview of 60 minutes by the psychologist and the social worker
  and a work sample of 45 minutes in occupational therapy by day 5 — or, when ``rng.random() > plan.compliance``,
  only the interview, or both late (day 11–13); a session before discharge for most discharged stays;
- the job description (rec 4.5) on day 2–4, from the stay's occupation;
- profiles on the shipped Mini-ICF-APP (version 1): capacity at admission (two raters of two professions, rec 4.8),
  the job demands (needs the job description, P-2), a self-rating for about a third, and the capacity at discharge
  for discharged stays; one ``ProfileRating`` row per dimension and rater (``Writer.copy``: the many rows), a few
  not assessable with a reason and a few corrected by a newer row;
- the weekly team conference of each facility (``prepare``: every Wednesday from the first admission to yesterday,
  four professions, some weeks only two, a few weeks none) with its participants, and per WMR stay a conference
  case at the first conference after its comparison was ready (the frozen comparison computed by the app's own
  ``diagnostics.comparison``; a few stays discussed before their profiles were rated, some never), the flagged
  dimensions confirmed or dismissed, and one to three planned therapies from the shipped catalogue.

Nothing lies after ``plan.last_day``. Queries per chunk are constant (bulk statements plus one read of the new
rating ids, which the frozen comparison names).
"""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from diagnostics.comparison import Rating, compare, to_snapshot
from diagnostics.instruments import definition_from_dict
from diagnostics.models import (
    ConferenceCase,
    ConferenceFlag,
    ConferenceParticipant,
    DiagnosticPhase,
    DiagnosticSession,
    JobDescription,
    PlannedTherapy,
    Profile,
    ProfileInstrument,
    ProfileKind,
    ProfileRating,
    TeamConference,
    TherapyCatalogueItem,
    Timepoint,
)
from synthetic.core import days, plan_stays

NAME = "diagnostics"
BERLIN = ZoneInfo("Europe/Berlin")
WEDNESDAY = 2
FLAGGED = {"overload_marked", "overload", "underload"}

# occupation -> (KldB 2010 code, main tasks, physical demands, mental demands)
JOBS = {
    "Pflege": (
        "81302",
        "Grund- und Behandlungspflege im Schichtdienst",
        "Heben und Lagern",
        "Zeitdruck, Verantwortung",
    ),
    "Erzieh": ("83112", "Betreuung einer Kindergruppe, Elterngespräche", "Viel Stehen, Lärm", "Daueraufmerksamkeit"),
    "Bank": ("72213", "Kundenberatung am Schalter und am Telefon", "Sitzend am Bildschirm", "Zielvorgaben"),
    "Industriemechaniker": ("25102", "Wartung und Instandsetzung von Anlagen", "Zwangshaltungen", "Störungsdruck"),
    "Lager": ("51322", "Leitung eines Lagerteams, Disposition", "Gehen, Heben", "Führungsverantwortung"),
    "Verwaltung": ("73202", "Sachbearbeitung, Bescheide, Publikumsverkehr", "Sitzend", "Konflikte mit Kunden"),
    "Sachbearbeiter": ("71402", "Bearbeitung von Vorgängen, Ablage, Telefon", "Sitzend am Bildschirm", "Fristen"),
    "Verkäufer": ("62102", "Verkauf, Kasse, Warenverräumung", "Stehen, Heben bis 15 kg", "Kundenkontakt"),
    "fahrer": ("52122", "Personen- oder Gütertransport nach Dienstplan", "Sitzen, Vibration", "Verkehr, Termine"),
    "Lokführer": ("52312", "Führen von Triebfahrzeugen nach Fahrplan", "Sitzen", "Daueraufmerksamkeit, Schicht"),
    "Mechatroniker": ("25212", "Diagnose und Reparatur von Fahrzeugen", "Zwangshaltungen", "Zeitvorgaben"),
    "Lehrer": ("84114", "Unterricht, Korrekturen, Elterngespräche", "Stimme, Stehen", "Klassenführung, Lärm"),
    "Software": ("43412", "Entwicklung und Wartung von Anwendungen", "Sitzend am Bildschirm", "Termindruck"),
    "Hotel": ("63221", "Empfang, Reservierung, Gästebetreuung", "Stehen", "Gästebeschwerden, Schicht"),
    "Elektroniker": ("26212", "Installation und Prüfung elektrischer Anlagen", "Leitern, Heben", "Sorgfalt"),
    "Kundenservice": ("71402", "Leitung eines Serviceteams, Eskalationen", "Sitzend", "Führung, Erreichbarkeit"),
    "kauf": ("71302", "Auftragsbearbeitung, Rechnungsprüfung, Telefon", "Sitzend am Bildschirm", "Unterbrechungen"),
    "Altenpfleger": ("82102", "Pflege und Betreuung von Bewohnern", "Heben und Lagern", "Personalmangel"),
    "Medizinische": ("81102", "Empfang, Assistenz, Abrechnung in der Praxis", "Stehen und Gehen", "Patientenandrang"),
    "Koch": ("29302", "Zubereitung von Speisen im Akkord", "Hitze, Stehen", "Zeitdruck zu Stoßzeiten"),
    "Reinigung": ("54101", "Unterhaltsreinigung von Büros", "Bücken, Tragen", "Zeitvorgaben je Fläche"),
    "Polizei": ("53212", "Streifendienst, Anzeigenaufnahme", "Schichtdienst, Einsätze", "Gefahrensituationen"),
    "Tischler": ("22342", "Fertigung und Montage von Möbeln", "Heben, Maschinenlärm", "Maßgenauigkeit"),
    "Friseur": ("82312", "Haarschnitte, Farbe, Beratung", "Stehen, Armhaltung", "Kundenwünsche"),
    "Maschinen": ("24102", "Bedienen einer Fertigungsanlage", "Stehen, Lärm", "Takt, Schicht"),
}
DEFAULT_JOB = ("71402", "Sachbearbeitung und Kundenkontakt", "Überwiegend sitzend", "Zeitdruck")
SHIFTS = (("none", 60), ("two_shifts", 20), ("three_shifts", 10), ("irregular", 8), ("nights", 2))
SOURCES = (("patient_interview", 70), ("company", 22), ("occupational_physician", 8))
EVIDENCE = ("interview", "assessment", "examination", "observation")
CONTEXTS = (("concrete_job", 85), ("occupational_field", 10), ("general_labour_market", 5))
NOT_ASSESSABLE = "In der Reha nicht beobachtbar (keine vergleichbare Situation)."
ANCHORS = (
    "Bricht die Belastungserprobung nach 90 Minuten erschöpft ab (Arbeitstherapie).",
    "Braucht für mehrschrittige Aufgaben eine schriftliche Struktur.",
    "Im Gruppenkontakt zugewandt, unter Zeitdruck rasch angespannt.",
    "Hält Absprachen zuverlässig ein.",
)
RATING_COLUMNS = [
    "profile_id",
    "dimension",
    "value",
    "not_assessable",
    "reason",
    "anchor",
    "rater_id",
    "profession",
    "recorded_at",
]
THERAPY_COLUMNS = [
    "stay_id",
    "case_id",
    "item_id",
    "focus",
    "dimensions",
    "minutes_per_week",
    "ended_on",
    "created_by_id",
    "created_at",
]
# (catalogue code, focus, minutes per week) of the therapies a conference plans
THERAPIES = (
    ("work_group_stress", "", 90),
    ("workplace_training", "Arbeitsprobe unter Zeitvorgabe, mit Pausenplanung", 120),
    ("individual_counseling", "Tagesstruktur und Prioritäten am Arbeitsplatz", 50),
)


def _at(day: dt.date, rng) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.randrange(60)), tzinfo=BERLIN)


def _pick(rng, weights):
    x = rng.random() * sum(w for _, w in weights)
    for value, weight in weights:
        x -= weight
        if x < 0:
            return value
    return weights[-1][0]


def _clamp(value: float) -> int:
    return max(0, min(4, round(value)))


# --- the facility: instrument, catalogue, weekly conferences --------------------------------------------------------


def prepare(options, writer, fctx) -> None:
    """The shipped Mini-ICF-APP and therapy catalogue, and the facility's weekly conferences with participants."""
    import random

    instrument = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    fctx.extra["diagnostics.instrument"] = instrument
    fctx.extra["diagnostics.definition"] = definition_from_dict(instrument.definition)
    items = {i.code: i for i in TherapyCatalogueItem.objects.filter(facility__isnull=True, active=True)}
    fctx.extra["diagnostics.catalogue"] = [(items[c], focus, m) for c, focus, m in THERAPIES if c in items]
    plans = plan_stays(options, fctx.index)
    if not plans:
        fctx.extra["diagnostics.conferences"] = ([], [])
        return
    rng = random.Random(f"{options.seed}/{fctx.index}/{NAME}/conferences")
    first = plans[0].admission
    day = first + days((WEDNESDAY - first.weekday()) % 7)
    conferences, teams = [], []
    while day < options.today:
        if rng.random() >= 0.04:  # a few weeks without a conference (holidays)
            professions = ["psychologist", "social_worker"]
            if rng.random() >= 0.1:  # most weeks interprofessional (rec 9.12)
                professions += ["physician", "occupational_therapist"]
                if rng.random() < 0.4:
                    professions.append("physiotherapist")
            team = [(rng.choice(fctx.staff[p]), p) for p in professions]
            conferences.append(
                TeamConference(
                    facility_id=fctx.facility.pk,
                    held_on=day,
                    note="Wöchentliche WMR-Fallkonferenz",
                    created_by_id=team[0][0].pk,
                    created_at=_at(day, rng),
                )
            )
            teams.append(team)
        day += days(7)
    writer.insert(conferences)
    writer.copy_values(
        ConferenceParticipant,
        ["conference_id", "user_id", "name", "profession"],
        [(c.pk, u.pk, u.display_name, p) for c, team in zip(conferences, teams, strict=True) for u, p in team],
    )
    fctx.extra["diagnostics.conferences"] = ([c.held_on for c in conferences], conferences)


def _conference_on_or_after(fctx, day: dt.date, last: dt.date):
    dates, conferences = fctx.extra["diagnostics.conferences"]
    i = bisect.bisect_left(dates, day)
    return conferences[i] if i < len(dates) and dates[i] <= last else None


# --- one stay ------------------------------------------------------------------------------------------------------


def _job_for(occupation: str):
    return next((job for key, job in JOBS.items() if key in occupation), DEFAULT_JOB)


class _StayRows:
    """What one stay gets; ratings as (profile, [(dimension, value, not assessable, rater, profession, at)])."""

    def __init__(self, plan, stay):
        self.plan, self.stay = plan, stay
        self.sessions: list[tuple[DiagnosticSession, list]] = []
        self.job: JobDescription | None = None
        self.profiles: list[tuple[Profile, list]] = []
        self.capacity: Profile | None = None
        self.demand: Profile | None = None


def _sessions(rng, rows: _StayRows, team, last: dt.date, compliant: bool) -> None:
    plan = rows.plan
    psych, social, ot = team["primary_therapist"], team["social_worker"], team["occupational_therapist"]
    late = not compliant and rng.random() < 0.5
    short = not compliant and not late
    start = rng.randint(11, 13) if late else rng.randint(2, 3)
    wanted = [
        (
            plan.day(start),
            60,
            ["psychologist", "social_worker"] if not short else ["psychologist"],
            [psych, social] if not short else [psych],
            "Arbeitsanamnese, Belastungen am Arbeitsplatz, Erwartungen an die Rückkehr",
            DiagnosticPhase.START,
        )
    ]
    if not short:
        wanted.append(
            (
                plan.day(start + rng.randint(1, 2)),
                rng.choice((30, 45, 45, 60)),
                ["occupational_therapist"],
                [ot],
                "Arbeitsprobe mit Belastungsbeobachtung",
                DiagnosticPhase.START,
            )
        )
    if plan.status == "discharged" and rng.random() < 0.7:
        wanted.append(
            (
                plan.discharge - days(rng.randint(1, 3)),
                45,
                ["occupational_therapist", "social_worker"],
                [ot, social],
                "Abschlussdiagnostik: Belastbarkeit und Rückkehrplanung",
                DiagnosticPhase.DISCHARGE,
            )
        )
    for held_on, minutes, professions, staff, content, phase in wanted:
        if held_on <= last:
            session = DiagnosticSession(
                stay_id=rows.stay.pk,
                phase=phase,
                held_on=held_on,
                minutes=minutes,
                professions=sorted(professions),
                content=content,
                created_by_id=staff[0].pk,
                created_at=_at(held_on, rng),
            )
            rows.sessions.append((session, staff))


def _job(rng, rows: _StayRows, team, last: dt.date, compliant: bool) -> None:
    recorded_on = rows.plan.day(rng.randint(2, 4) if compliant else rng.randint(6, 9))
    if recorded_on > last or (not compliant and rng.random() < 0.3):
        return
    occupation = rows.stay.occupation or "Sachbearbeiter"
    kldb, tasks, physical, mental = _job_for(occupation)
    source = _pick(rng, SOURCES)
    rows.job = JobDescription(
        stay_id=rows.stay.pk,
        job_title=occupation,
        kldb_code=kldb if rng.random() < 0.8 else "",
        hours_per_week=Decimal(rng.choice((20, 25, 30, 35, 38.5, 39, 40, 40))).quantize(Decimal("0.1")),
        shift_work=_pick(rng, SHIFTS),
        main_tasks=tasks,
        physical_demands=physical,
        mental_demands=mental,
        source=source,
        source_note="Stellenbeschreibung der Personalabteilung" if source == "company" else "",
        recorded_on=recorded_on,
        created_by_id=team["social_worker"].pk,
        created_at=_at(recorded_on, rng),
    )


def _ratings(rng, codes, values: dict, raters, on: dt.date, *, corrections: bool, anchors: bool) -> list:
    """Rating rows of one profile: ``raters`` = [(user, profession, number of dimensions)] in instrument order."""
    rows, i = [], 0
    base = _at(on, rng)
    for rater, profession, count in raters:
        at = base + dt.timedelta(minutes=rng.randint(0, 90))
        for code in codes[i : i + count]:
            value = values.get(code)
            anchor = rng.choice(ANCHORS) if anchors and rng.random() < 0.08 else ""
            rows.append((code, value, value is None, anchor, rater, profession, at))
            if corrections and value is not None and rng.random() < 0.03:
                rows.append(
                    (
                        code,
                        _clamp(value + rng.choice((-1, 1))),
                        False,
                        "",
                        rater,
                        profession,
                        at + dt.timedelta(hours=2),
                    )
                )
        i += count
    return rows


def _profiles(rng, rows: _StayRows, team, fctx, last: dt.date, compliant: bool) -> None:
    plan, stay = rows.plan, rows.stay
    instrument = fctx.extra["diagnostics.instrument"]
    codes = list(fctx.extra["diagnostics.definition"].dimension_codes)
    psych, social, ot = team["primary_therapist"], team["social_worker"], team["occupational_therapist"]
    severity = rng.choice((0.6, 1.0, 1.4, 1.8, 2.2))
    impairment = {c: (None if rng.random() < 0.02 else _clamp(rng.gauss(severity, 0.9))) for c in codes}
    split = 8 if rng.random() >= 0.1 else len(codes)  # a few built by one profession only (P-4 warning)
    cap_on = plan.day(rng.randint(4, 7) if compliant else rng.randint(9, 14))
    context = _pick(rng, CONTEXTS)
    job_title = rows.job.job_title if rows.job else stay.occupation
    if cap_on <= last:
        rows.capacity = Profile(
            stay_id=stay.pk,
            kind=ProfileKind.CAPACITY,
            instrument_id=instrument.pk,
            timepoint=Timepoint.ADMISSION,
            reference_context=context,
            reference_job_title=job_title if context == "concrete_job" else "",
            evidence_sources=sorted(rng.sample(EVIDENCE, rng.randint(2, 3))),
            rated_on=cap_on,
            created_by_id=psych.pk,
            created_at=_at(cap_on, rng),
        )
        raters = [(psych, "psychologist", split), (ot, "occupational_therapist", len(codes) - split)]
        rows.profiles.append(
            (rows.capacity, _ratings(rng, codes, impairment, raters, cap_on, corrections=True, anchors=True))
        )
    if rows.job is not None:
        dem_on = max(rows.job.recorded_on, plan.day(rng.randint(4, 7) if compliant else rng.randint(9, 14)))
        if dem_on <= last:
            rows.demand = Profile(  # job_description_id once the job description has its primary key
                stay_id=stay.pk,
                kind=ProfileKind.DEMAND,
                instrument_id=instrument.pk,
                timepoint=Timepoint.ADMISSION,
                rated_on=dem_on,
                created_by_id=social.pk,
                created_at=_at(dem_on, rng),
            )
            demand = {c: _clamp(rng.gauss(2.3, 1.1)) for c in codes}
            raters = [(social, "social_worker", 7), (ot, "occupational_therapist", len(codes) - 7)]
            rows.profiles.append(
                (rows.demand, _ratings(rng, codes, demand, raters, dem_on, corrections=False, anchors=False))
            )
    self_on = plan.day(rng.randint(3, 6))
    if rng.random() < 0.35 and self_on <= last:
        profile = Profile(
            stay_id=stay.pk,
            kind=ProfileKind.SELF,
            instrument_id=instrument.pk,
            timepoint=Timepoint.ADMISSION,
            rated_on=self_on,
            created_by_id=psych.pk,
            created_at=_at(self_on, rng),
        )
        values = {c: _clamp((v if v is not None else severity) + rng.gauss(0.3, 0.8)) for c, v in impairment.items()}
        rows.profiles.append(
            (
                profile,
                _ratings(
                    rng, codes, values, [(psych, "psychologist", len(codes))], self_on, corrections=False, anchors=False
                ),
            )
        )
    dis_on = plan.discharge - days(rng.randint(0, 2))
    if rows.capacity is not None and plan.status == "discharged" and rng.random() <= plan.compliance:
        profile = Profile(
            stay_id=stay.pk,
            kind=ProfileKind.CAPACITY,
            instrument_id=instrument.pk,
            timepoint=Timepoint.DISCHARGE,
            reference_context=context,
            reference_job_title=rows.capacity.reference_job_title,
            evidence_sources=sorted(rng.sample(EVIDENCE, 2)),
            rated_on=dis_on,
            created_by_id=psych.pk,
            created_at=_at(dis_on, rng),
        )
        values = {c: (None if v is None else _clamp(v - rng.choice((0, 0, 1, 1, 2)))) for c, v in impairment.items()}
        raters = [(psych, "psychologist", split), (ot, "occupational_therapist", len(codes) - split)]
        rows.profiles.append((profile, _ratings(rng, codes, values, raters, dis_on, corrections=False, anchors=True)))


# --- the chunk -----------------------------------------------------------------------------------------------------


def seed_chunk(options, writer, chunk) -> None:
    rng = chunk.rng(options.seed, NAME)
    fctx = chunk.facility
    stays: list[_StayRows] = []
    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        last = plan.last_day(options.today)
        if not plan.wmr or last is None:
            continue
        team = chunk.team[stay.pk]
        rows = _StayRows(plan, stay)
        compliant = rng.random() <= plan.compliance
        _sessions(rng, rows, team, last, compliant)
        _job(rng, rows, team, last, compliant or rng.random() < 0.5)
        _profiles(rng, rows, team, fctx, last, rng.random() <= plan.compliance)
        stays.append(rows)
    sessions = [s for rows in stays for s, _ in rows.sessions]
    writer.insert(sessions)
    writer.copy_values(
        DiagnosticSession.staff.through,
        ["diagnosticsession_id", "user_id"],
        [(s.pk, u.pk) for rows in stays for s, staff in rows.sessions for u in staff],
    )
    writer.insert([rows.job for rows in stays if rows.job is not None])
    for rows in stays:
        if rows.demand is not None:
            rows.demand.job_description_id = rows.job.pk
    writer.insert([p for rows in stays for p, _ in rows.profiles])
    writer.copy_values(
        ProfileRating,
        RATING_COLUMNS,
        [
            (profile.pk, code, value, na, NOT_ASSESSABLE if na else "", anchor, rater.pk, profession, at)
            for rows in stays
            for profile, ratings in rows.profiles
            for code, value, na, anchor, rater, profession, at in ratings
        ],
    )
    _conference_cases(options, writer, chunk, rng, stays)


def _current(ratings) -> dict[str, tuple]:
    """The rating that counts per dimension: the newest row (P-1)."""
    current: dict[str, tuple] = {}
    for row in ratings:
        code, at = row[0], row[6]
        if code not in current or at >= current[code][6]:
            current[code] = row
    return current


def _conference_cases(options, writer, chunk, rng, stays: list[_StayRows]) -> None:
    fctx = chunk.facility
    definition = fctx.extra["diagnostics.definition"]
    ratings_of = {id(p): r for rows in stays for p, r in rows.profiles}
    planned = []  # (rows, conference, with comparison)
    for rows in stays:
        last = rows.plan.last_day(options.today)
        compliant = rng.random() <= rows.plan.compliance
        if rows.capacity is not None and rows.demand is not None and compliant:
            ready = max(rows.capacity.rated_on, rows.demand.rated_on)
            conference = _conference_on_or_after(fctx, ready, last)
            if conference is not None:
                planned.append((rows, conference, True))
        elif not compliant and rng.random() < 0.3:  # discussed before the profiles were rated (flagged)
            first_rated = min((p.rated_on for p, _ in rows.profiles if p.kind != ProfileKind.SELF), default=last)
            conference = _conference_on_or_after(fctx, rows.plan.admission, last)
            if conference is not None and conference.held_on < first_rated:
                planned.append((rows, conference, False))
    frozen = [p for rows, _, with_cmp in planned if with_cmp for p in (rows.capacity, rows.demand)]
    current_ids: dict[tuple[int, str], int] = {}  # (profile, dimension) -> the rating row that counts (newest)
    if frozen:
        newest_last = ProfileRating.objects.filter(profile_id__in=[p.pk for p in frozen]).order_by(
            "profile_id", "dimension", "recorded_at", "id"
        )
        for profile_id, code, pk in newest_last.values_list("profile_id", "dimension", "id"):
            current_ids[(profile_id, code)] = pk
    cases, flags_of = [], []
    for rows, conference, with_cmp in planned:
        snapshot, flagged = {}, []
        if with_cmp:
            facts, current = {}, {}
            for kind, profile in (("capacity", rows.capacity), ("demand", rows.demand)):
                current[kind] = _current(ratings_of[id(profile)])
                facts[kind] = {
                    "id": profile.pk,
                    "kind": profile.kind,
                    "timepoint": profile.timepoint,
                    "rated_on": profile.rated_on.isoformat(),
                    "instrument_version_id": profile.instrument_id,
                    "rating_ids": sorted(current_ids[(profile.pk, code)] for code in current[kind]),
                }
            as_rating = {
                kind: {
                    c: Rating(value=r[1], not_assessable=r[2], reason=NOT_ASSESSABLE if r[2] else "")
                    for c, r in cur.items()
                }
                for kind, cur in current.items()
            }
            comparison = compare(
                definition,
                as_rating["capacity"],
                definition,
                as_rating["demand"],
                capacity_context=rows.capacity.reference_context,
            )
            snapshot = to_snapshot(comparison) | {
                "profiles": facts,
                "frozen_at": _at(conference.held_on, rng).isoformat(),
            }
            flagged = [(row.code, row.status.value) for row in comparison.rows if row.status.value in FLAGGED]
        cases.append(
            ConferenceCase(
                conference_id=conference.pk,
                stay_id=rows.stay.pk,
                capacity_profile_id=rows.capacity.pk if with_cmp else None,
                demand_profile_id=rows.demand.pk if with_cmp else None,
                snapshot=snapshot,
                findings=""
                if not flagged or rng.random() < 0.3
                else "Überforderung bestätigt; Therapieplanung angepasst.",
                created_by_id=chunk.team[rows.stay.pk]["primary_therapist"].pk,
                created_at=_at(conference.held_on, rng),
            )
        )
        flags_of.append(flagged)
    writer.insert(cases)
    flags, therapies = [], []
    catalogue = fctx.extra["diagnostics.catalogue"]
    for case, flagged in zip(cases, flags_of, strict=True):
        confirmed = []
        for code, status in flagged:
            if rng.random() < 0.1:
                continue  # not decided yet
            dismissed = rng.random() < 0.2
            note = "Im Stationsalltag nicht bestätigt." if dismissed else ""
            flags.append((case.pk, code, status, "dismissed" if dismissed else "confirmed", note))
            if not dismissed and status != "underload":
                confirmed.append(code)
        if not flagged:
            continue
        for item, focus, minutes in catalogue[: rng.randint(1, len(catalogue))] if catalogue else ():
            therapies.append(
                (
                    case.stay_id,
                    case.pk,
                    item.pk,
                    focus,
                    confirmed[:3],
                    minutes,
                    None,
                    case.created_by_id,
                    case.created_at,
                )
            )
    writer.copy_values(ConferenceFlag, ["case_id", "dimension", "status", "decision", "note"], flags)
    writer.copy_values(PlannedTherapy, THERAPY_COLUMNS, therapies)
