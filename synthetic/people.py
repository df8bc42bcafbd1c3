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
    writer.insert(patients)
    for stay, patient in zip(stays, patients, strict=True):
        stay.patient = patient
    writer.insert(stays)
    view, change = fctx.extra["people.permissions"]
    memberships, grants = [], []
    for stay, team, patient in zip(stays, teams, patients, strict=True):
        chunk.team[stay.pk] = team
        for function, user in team.items():
            memberships.append(
                CareTeamMembership(
                    stay_id=stay.pk,
                    user_id=user.pk,
                    function=function,
                    added_by=team["primary_therapist"],
                    added_at=patient.created_at,
                )
            )
            grants.append(StayUserObjectPermission(permission_id=view, user_id=user.pk, content_object_id=stay.pk))
            grants.append(StayUserObjectPermission(permission_id=change, user_id=user.pk, content_object_id=stay.pk))
    writer.copy(memberships)
    writer.copy(grants)
    chunk.stays, chunk.patients = stays, patients
    _consents_and_contacts(options, writer, chunk, rng)


def _consents_and_contacts(options, writer, chunk, rng) -> None:
    """Filled in below (consents and external contacts)."""
