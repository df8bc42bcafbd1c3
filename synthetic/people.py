"""Synthetic people (issue 10): facilities, staff, patients, stays, care teams with their guardian permissions,
consents and external contacts. See ``synthetic.core`` for the frame.

Everything looks like what ``patients.services`` writes: a stay's care team is one ``CareTeamMembership`` per team
function (``core.TEAM``) plus guardian's ``view_stay`` and ``change_stay`` as ``StayUserObjectPermission`` rows (what
``careteam_add`` grants), so the app's access checks accept the synthetic staff exactly as real ones.

Hands on to later parts: ``chunk.team`` (stay pk → team function → user), and in ``chunk.extra``
``"people.consents"`` (stay pk → consent kind → ``Consent`` with pk) and ``"people.contacts"`` (stay pk → contact
kind → ``ExternalContact`` with pk), for contact events, stakeholders and anything else that needs them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission

from synthetic.core import TEAM, FacilityContext, days

NAME = "people"

NAME_PREFIX = "Synthetische Klinik"
IK_PREFIX = "26998"  # + four digits: 269980001 … (the demo clinic uses 2699991xx)
BERLIN = ZoneInfo("Europe/Berlin")

# clinicians per facility and profession (core.TEAM professions plus nurses)
STAFF_COUNTS = {
    "psychologist": 10,
    "physician": 5,
    "social_worker": 3,
    "occupational_therapist": 3,
    "physiotherapist": 3,
    "nurse": 2,
}
TITLES = {"psychologist": "Dipl.-Psych.", "physician": "Dr. med."}

FIRST_F = (
    "Anna", "Sabine", "Julia", "Katrin", "Monika", "Petra", "Claudia", "Andrea", "Birgit", "Nicole", "Stefanie",
    "Melanie", "Sandra", "Susanne", "Christina", "Heike", "Martina", "Tanja", "Yvonne", "Lea", "Laura", "Sarah",
    "Elif", "Olga", "Ewa", "Maria", "Nadine", "Silke", "Ute", "Jana",
)  # fmt: skip
FIRST_M = (
    "Thomas", "Michael", "Andreas", "Stefan", "Markus", "Christian", "Frank", "Jörg", "Uwe", "Klaus", "Daniel",
    "Tobias", "Jan", "Sebastian", "Florian", "Matthias", "Ralf", "Dirk", "Sven", "Oliver", "Yusuf", "Piotr",
    "Mehmet", "Alexander", "Peter", "Bernd", "Holger", "Kai", "Marco", "Dennis",
)  # fmt: skip
LAST = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
    "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
    "Demir", "Yılmaz", "Nowak", "Kowalski", "Popescu",
)  # fmt: skip
STREETS = (
    "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
    "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Am Markt", "Wiesenweg", "Goethestraße",
)  # fmt: skip
CITIES = (
    ("34117", "Kassel"), ("34497", "Korbach"), ("34560", "Fritzlar"), ("34613", "Schwalmstadt"),
    ("34537", "Bad Wildungen"), ("35037", "Marburg"), ("36037", "Fulda"), ("37073", "Göttingen"),
    ("34212", "Melsungen"), ("34454", "Bad Arolsen"), ("33098", "Paderborn"), ("60311", "Frankfurt am Main"),
)  # fmt: skip
INSURERS = (
    "AOK Hessen", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic", "KKH", "BKK Werra-Meissner",
    "hkk", "AOK Niedersachsen",
)  # fmt: skip
OCCUPATIONS = (
    "Pflegefachfrau", "Pflegefachmann", "Erzieherin", "Bankkauffrau", "Industriemechaniker", "Lagerleiter",
    "Verwaltungsangestellte", "Sachbearbeiter", "Verkäuferin", "Busfahrer", "Lokführer", "Kfz-Mechatroniker",
    "Lehrerin", "Softwareentwickler", "Hotelfachfrau", "Elektroniker", "Teamleiterin Kundenservice",
    "Industriekauffrau", "Altenpfleger", "Berufskraftfahrer", "Medizinische Fachangestellte", "Koch",
    "Reinigungskraft", "Bürokauffrau", "Polizeibeamter", "Tischler", "Friseurin", "Maschinenführer",
)  # fmt: skip
EMPLOYERS = (
    "Nordlicht Energie GmbH", "Seniorenzentrum Eichenhof", "Logistikzentrum Nordhessen", "Stadtverwaltung",
    "Autohaus Fuldatal GmbH", "Kita Sonnenblume", "Klinikum Mitte", "Volksbank eG", "Metallbau Schröder KG",
    "Supermarkt Frischeck", "Verkehrsbetriebe", "Hotel Seeblick", "IT-Service Nord GmbH", "Gebäudereinigung Klar",
)  # fmt: skip
# (payer, weight): mostly pension insurance (the WMR payers), a few others
PAYERS = (("drv_bund", 50), ("drv_regional", 32), ("drv_kbs", 5), ("gkv", 6), ("dguv", 2), ("other", 5))
EMPLOYMENT = (("employed", 78), ("civil_servant", 4), ("self_employed", 4), ("unemployed", 11), ("other", 3))


def insert(writer, objs: list) -> list:
    """Rows others point at, faster than ``writer.insert``: on PostgreSQL the primary keys are drawn from the table's
    sequence in one query and the rows go in with ``COPY`` (``bulk_create`` compiles every value in Python, a third of
    the people part's time); elsewhere ``writer.insert``. The objects come back with ``pk`` set, as saved ones."""
    if not objs or not writer.postgres:
        return writer.insert(objs)
    from django.db import connection

    meta = type(objs[0])._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"
    writer.copy(objs)
    return objs


def already_seeded() -> bool:
    from patients.models import Facility

    return Facility.objects.filter(ik_number__startswith=IK_PREFIX, name__startswith=NAME_PREFIX).exists()


def ik_number(index: int) -> str:
    return f"{IK_PREFIX}{index + 1:04d}"


def at(day: dt.date, minute: int) -> dt.datetime:
    """A Berlin time on ``day``, ``minute`` minutes after 08:00."""
    return dt.datetime.combine(day, dt.time(8 + minute // 60 % 10, minute % 60), tzinfo=BERLIN)


def _user(options, username: str, first: str, last: str, **kwargs):
    from staff.models import User

    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@synthetisch.example",
        password=options.password_hash,
        is_active=True,
        **kwargs,
    )


def seed_facilities(options, writer) -> list[FacilityContext]:
    """F facilities with their staff: clinicians of every profession, a management and a privacy-officer login."""
    import random

    from patients.models import Facility
    from staff.models import Profession, Role, User

    rng = random.Random(f"{options.seed}/people/facilities")
    facilities = [
        Facility(
            name=f"{NAME_PREFIX} {i + 1}",
            short_name=f"Synth {i + 1}",
            ik_number=ik_number(i),
            street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
            postal_code=rng.choice(CITIES)[0],
            city=rng.choice(CITIES)[1],
            phone=f"0561 {rng.randint(10000, 99999)}-0",
            email=f"info@synth-klinik-{i + 1}.example",
            wmr_info_url=f"https://synth-klinik-{i + 1}.example/mbor",
        )
        for i in range(options.facilities)
    ]
    writer.insert(facilities)
    users: list = []
    contexts: list[FacilityContext] = []
    for i, facility in enumerate(facilities):
        staff: dict[str, list] = {}
        for profession, count in STAFF_COUNTS.items():
            staff[profession] = []
            for n in range(count):
                female = rng.random() < 0.65
                user = _user(
                    options,
                    f"syn{i + 1}-{profession.replace('_', '-')}-{n + 1:02d}",
                    rng.choice(FIRST_F if female else FIRST_M),
                    rng.choice(LAST),
                    title=TITLES.get(profession, ""),
                    profession=profession,
                    role=Role.CLINICIAN,
                )
                staff[profession].append(user)
                users.append(user)
        management = _user(
            options, f"syn{i + 1}-leitung", "Bernd", rng.choice(LAST), title="Dr. med.", role=Role.MANAGEMENT
        )
        privacy = _user(options, f"syn{i + 1}-datenschutz", "Sandra", rng.choice(LAST), role=Role.PRIVACY_OFFICER)
        for user in (management, privacy):
            user.profession = Profession.OTHER
        users += [management, privacy]
        ctx = FacilityContext(index=i, facility=facility, staff=staff, management=management)
        ctx.extra["people.privacy_officer"] = privacy
        ctx.extra["people.next_number"] = 1
        contexts.append(ctx)
    writer.insert(users)
    through = User.facilities.through
    rows = []
    for ctx in contexts:
        members = [u for group in ctx.staff.values() for u in group]
        members += [ctx.management, ctx.extra["people.privacy_officer"]]
        rows += [through(user_id=u.pk, facility_id=ctx.facility.pk) for u in members]
    writer.insert(rows)
    perms = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type__app_label="patients", codename__in=("view_stay", "change_stay")
        )
    }
    for ctx in contexts:
        ctx.extra["people.permissions"] = (perms["view_stay"], perms["change_stay"])
    return contexts


def _weighted(rng, table) -> str:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


def _kvnr(rng) -> str:
    from patients.validators import kvnr_check_digit

    stem = chr(ord("A") + rng.randrange(26)) + f"{rng.randrange(10**8):08d}"
    return stem + str(kvnr_check_digit(stem))


def seed_chunk(options, writer, chunk) -> None:
    """Patients, stays and care teams of the chunk; then consents and external contacts."""
    from patients.models import CareTeamMembership, Patient, Stay, StayUserObjectPermission

    rng = chunk.rng(options.seed, NAME)
    fctx = chunk.facility
    facility = fctx.facility
    patients, stays, teams = [], [], []
    for plan in chunk.plans:
        female = rng.random() < 0.62
        birth = dt.date(1960, 1, 1) + days(rng.randrange(41 * 365))
        city = rng.choice(CITIES)
        # the invitation goes out three to six weeks before admission
        created = at(plan.admission - days(rng.randint(21, 42)), rng.randrange(540))
        patients.append(
            Patient(
                facility_id=facility.pk,
                last_name=rng.choice(LAST),
                first_name=rng.choice(FIRST_F if female else FIRST_M),
                birth_date=birth,
                sex="f" if female else "m",
                street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postal_code=city[0],
                city=city[1],
                phone=f"0{rng.randint(30, 9999)} {rng.randint(100000, 999999)}",
                health_insurer=rng.choice(INSURERS),
                kvnr=_kvnr(rng) if rng.random() < 0.9 else "",
                created_at=created,
            )
        )
        team = {function: rng.choice(fctx.staff[profession]) for function, profession in TEAM.items()}
        teams.append(team)
        number = fctx.extra["people.next_number"]
        fctx.extra["people.next_number"] = number + 1
        employment = _weighted(rng, EMPLOYMENT)
        stays.append(
            Stay(
                number=f"S{fctx.index + 1}-{plan.admission:%Y}-{number:06d}",
                facility_id=facility.pk,
                status=plan.status,
                admission_date=plan.admission,
                discharge_date=plan.discharge,
                department_code=plan.department_code,
                payer=_weighted(rng, PAYERS),
                payer_reference=f"{rng.randrange(10**8):08d}" if rng.random() < 0.7 else "",
                employment_status=employment,
                occupation=rng.choice(OCCUPATIONS),
                created_by=team["primary_therapist"],
                created_at=created,
            )
        )
    insert(writer, patients)
    for stay, patient in zip(stays, patients, strict=True):
        stay.patient = patient
    insert(writer, stays)
    view, change = fctx.extra["people.permissions"]
    memberships, grants = [], []
    for stay, team, patient in zip(stays, teams, patients, strict=True):
        chunk.team[stay.pk] = team
        added_by, added_at = team["primary_therapist"].pk, patient.created_at
        for function, user in team.items():
            memberships.append((stay.pk, user.pk, function, added_by, added_at))
            grants.append((view, user.pk, stay.pk))
            grants.append((change, user.pk, stay.pk))
    writer.copy_values(
        CareTeamMembership, ["stay_id", "user_id", "function", "added_by_id", "added_at"], memberships
    )  # tuples, no model instances: 75,000 rows per 5,000 stays
    writer.copy_values(StayUserObjectPermission, ["permission_id", "user_id", "content_object_id"], grants)
    chunk.stays, chunk.patients = stays, patients
    _consents_and_contacts(options, writer, chunk, rng)


WORKING = {"employed", "civil_servant", "self_employed"}
DOCTORS = ("Hausarztpraxis Dr. {}", "Gemeinschaftspraxis {} & Partner", "Praxis Dr. med. {}")


def _contact(rows, mine, rng, stay, patient, kind, organisation, day, *, person="", source="staff", by=None):
    from patients.models import ExternalContact

    row = ExternalContact(
        stay_id=stay.pk,
        kind=kind,
        organisation=organisation,
        person=person,
        postal_code=patient.postal_code,
        city=patient.city,
        phone=f"0{rng.randint(30, 9999)} {rng.randint(1000, 99999)}-0",
        source=source,
        created_by=by,
        created_at=at(day, rng.randrange(540)),
    )
    rows.append(row)
    mine[kind] = row


def _consent(rows, mine, rng, stay, kind, on, last, by):
    from patients.models import Consent

    withdrawn = None
    if kind != "health_data" and rng.random() < 0.02 and (last - on).days > 2:
        withdrawn = on + days(rng.randint(1, (last - on).days))
    row = Consent(
        stay_id=stay.pk,
        kind=kind,
        given_on=on,
        withdrawn_on=withdrawn,
        recorded_by=by,
        recorded_at=at(on, rng.randrange(540)),
        withdrawal_recorded_by=by if withdrawn else None,
    )
    rows.append(row)
    mine[kind] = row


def _consents_and_contacts(options, writer, chunk, rng) -> None:
    """What the care team records in the first days (``consent_give``, ``contact_save``): the health-data consent on
    day 1, for working patients mostly the employer's and the occupational physician's consent (more often in WMR),
    often the treating practitioners' and sometimes the payer's; the employer and the family doctor as external
    contacts, an occupational physician when that consent is there. Invited stays have only the contacts the
    patient named on the pre-admission link."""
    consents, contacts = [], []
    by_stay_consents: dict[int, dict] = {}
    by_stay_contacts: dict[int, dict] = {}
    for plan, stay, patient in zip(chunk.plans, chunk.stays, chunk.patients, strict=True):
        team = chunk.team[stay.pk]
        by = team[rng.choice(("social_worker", "primary_therapist", "social_worker"))]
        last = plan.last_day(options.today)
        working = stay.employment_status in WORKING
        mine_consents = by_stay_consents[stay.pk] = {}
        mine_contacts = by_stay_contacts[stay.pk] = {}
        if last is None or last < plan.admission:
            # invited (or admitted today): at most what the patient named on the pre-admission link
            named = patient.created_at.date() + days(rng.randint(3, 14))
            if named < min(options.today, plan.admission) and rng.random() < 0.4:
                args = (contacts, mine_contacts, rng, stay, patient)
                if working:
                    _contact(*args, "employer", rng.choice(EMPLOYERS), named, source="patient_link")
                doctor = rng.choice(DOCTORS).format(rng.choice(LAST))
                _contact(*args, "family_doctor", doctor, named, source="patient_link")
            continue
        stay_days = (last - plan.admission).days + 1
        late = rng.random() > plan.compliance

        def on(day_number, _plan=plan, _last=last):
            return min(_plan.day(day_number), _last)

        args = (consents, mine_consents, rng, stay)
        if rng.random() < 0.98:
            _consent(*args, "health_data", on(1), last, by)
        if working:
            if rng.random() < (0.85 if plan.wmr else 0.5):
                _consent(*args, "employer", on(rng.randint(1, 3) + (rng.randint(3, 10) if late else 0)), last, by)
            if rng.random() < (0.6 if plan.wmr else 0.25):
                day = rng.randint(1, 4) + (rng.randint(3, 10) if late else 0)
                _consent(*args, "occupational_physician", on(day), last, by)
        if rng.random() < 0.6:
            _consent(*args, "treating_practitioners", on(rng.randint(1, 3)), last, by)
        if rng.random() < 0.3:
            _consent(*args, "payer", on(rng.randint(2, 5)), last, by)
        first_days = plan.day(min(stay_days, rng.randint(1, 3)))
        args = (contacts, mine_contacts, rng, stay, patient)
        if working and rng.random() < 0.9:
            person = f"{rng.choice(FIRST_F + FIRST_M)} {rng.choice(LAST)}"
            _contact(*args, "employer", rng.choice(EMPLOYERS), first_days, person=person, by=by)
        if rng.random() < 0.85:
            doctor = rng.choice(LAST)
            practice = rng.choice(DOCTORS).format(doctor)
            _contact(*args, "family_doctor", practice, first_days, person=f"Dr. med. {doctor}", by=by)
        if "occupational_physician" in mine_consents and rng.random() < 0.7:
            day = max(first_days, mine_consents["occupational_physician"].given_on)
            person = f"Dr. med. {rng.choice(LAST)}"
            _contact(*args, "occupational_physician", "Arbeitsmedizinischer Dienst", day, person=person, by=by)
    insert(writer, consents)
    insert(writer, contacts)
    chunk.extra["people.consents"] = by_stay_consents
    chunk.extra["people.contacts"] = by_stay_contacts
