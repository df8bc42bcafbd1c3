"""The demo clinic: two fictional facilities of one clinic group, staff for every role, ~20 patients with stays.

Everything is written through the services (``patients.services``), so care teams carry real guardian permissions
and every change has its audit row, exactly as if the demo staff had typed it in. Dates are relative to ``today``,
so the demo always looks current: admitted stays began 5–30 days ago, invited ones start in the coming weeks,
discharged ones ended in the previous calendar quarter.

Idempotent: the demo is recognised by stable keys (facility IK numbers, demo usernames, patient KVNRs, the
"Administration" group). When all of them exist nothing is written; when only some exist the loader refuses
rather than mixing demo data into a database that was changed by hand.

Two patients come from the Hamburg-model examples (``../shared/domain/hamburg_model.md`` 11.1 and 11.2):
Helen Berger (burnout, WMR 3197, employer agrees to a graded return) and Tristan Keller (tendinitis, 3100, the
employer declines a graded return for now, no employer consent yet).

The data itself is German, as the clinic staff would have entered it; the names, addresses, employers and
identifiers are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients import services
from patients.errors import DomainError
from patients.models import (
    ConsentKind,
    ContactChannel,
    ContactKind,
    DepartmentCode,
    EmploymentStatus,
    ExternalContact,
    Facility,
    Patient,
    Payer,
    Sex,
    Stay,
    StayStatus,
    TeamFunction,
)
from patients.validators import kvnr_check_digit, rvnr_check_digit
from staff.models import Profession, Role, User

# One shared password for every demo login. It passes AUTH_PASSWORD_VALIDATORS (length ≥ 10, not common, not
# numeric, not similar to any demo username or name); the command warns that it is for demonstration only.
DEMO_PASSWORD = "Demo-Klinik-2026"

ADMIN_GROUP = "Administration"
# What the admin role manages in Django's admin: staff accounts and facility settings (issue 3, roles). Not
# superuser: patient data is not in the admin, and the admin gets no object permission on any stay.
ADMIN_GROUP_PERMISSIONS = (
    ("staff", "user", ("add", "change", "delete", "view")),
    ("patients", "facility", ("add", "change", "view")),
    ("compliance", "compliancesettings", ("add", "change", "view")),  # the dashboard's traffic-light thresholds
    ("auth", "group", ("view",)),
)

# A stay's planned length: five weeks, admission day = day 1 (WMR inpatient usually runs 5 weeks).
PLANNED_DAYS = 35


class DemoConflict(DomainError):
    default_message = _(
        "Part of the demo data exists already (changed or deleted by hand?); the demo clinic is not loaded twice."
    )


# --- the data ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilitySpec:
    key: str
    name: str
    short_name: str
    ik_number: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    wmr_info_url: str


FACILITIES = (
    FacilitySpec(
        key="kurpark",
        name="Psychosomatische Fachklinik Am Kurpark",
        short_name="Am Kurpark",
        ik_number="269999101",
        street="Kurparkallee 12",
        postal_code="34537",
        city="Bad Wildungen",
        phone="05621 99990-0",
        email="info@klinik-am-kurpark.example",
        wmr_info_url="https://klinik-am-kurpark.example/mbor",
    ),
    # The second house of the same (fictional) clinic group, for realism: staff who work in both, stays elsewhere.
    FacilitySpec(
        key="seeufer",
        name="Rehabilitationsklinik Am Seeufer",
        short_name="Am Seeufer",
        ik_number="269999102",
        street="Uferweg 3",
        postal_code="34549",
        city="Edertal",
        phone="05623 99980-0",
        email="info@klinik-am-seeufer.example",
        wmr_info_url="https://klinik-am-seeufer.example/mbor",
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    title: str
    profession: str
    role: str
    facilities: tuple[str, ...] = ("kurpark",)
    admin_group: bool = False


STAFF = (
    StaffSpec("psychologin", "Miriam", "Vogt", "Dipl.-Psych.", Profession.PSYCHOLOGIST, Role.CLINICIAN),
    StaffSpec(
        "psychologe",
        "Jonas",
        "Albrecht",
        "M.Sc. Psych.",
        Profession.PSYCHOLOGIST,
        Role.CLINICIAN,
        ("kurpark", "seeufer"),
    ),
    StaffSpec("aerztin", "Ulrike", "Seidel", "Dr. med.", Profession.PHYSICIAN, Role.CLINICIAN),
    StaffSpec("sozialarbeit", "Tobias", "Krause", "", Profession.SOCIAL_WORKER, Role.CLINICIAN),
    StaffSpec("ergotherapie", "Lea", "Hartmann", "", Profession.OCCUPATIONAL_THERAPIST, Role.CLINICIAN),
    StaffSpec(
        "physiotherapie", "Felix", "Brandt", "", Profession.PHYSIOTHERAPIST, Role.CLINICIAN, ("kurpark", "seeufer")
    ),
    StaffSpec("pflege", "Anja", "Lorenz", "", Profession.NURSE, Role.CLINICIAN),
    StaffSpec("leitung", "Bernd", "Kaiser", "Dr. med.", Profession.OTHER, Role.MANAGEMENT, ("kurpark", "seeufer")),
    StaffSpec("datenschutz", "Sandra", "Fuchs", "", Profession.OTHER, Role.PRIVACY_OFFICER, ("kurpark", "seeufer")),
    StaffSpec("admin", "Martin", "Beck", "", Profession.OTHER, Role.ADMIN, ("kurpark", "seeufer"), admin_group=True),
)

DEMO_PSYCHOLOGIST = "psychologin"


@dataclass(frozen=True)
class ConsentSpec:
    kind: str
    given_day: int  # day of the stay (1 = admission day) on which the consent was given
    withdrawn_day: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ContactSpec:
    kind: str
    organisation: str
    person: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    note: str = ""
    reached_day: int | None = None  # day of the stay on which the clinic phoned them (needs a valid consent)
    reached_note: str = ""


@dataclass(frozen=True)
class PatientSpec:
    first_name: str
    last_name: str
    sex: str
    birth_date: dt.date
    street: str
    postal_code: str
    city: str
    health_insurer: str
    kvnr_stem: str  # letter + 8 digits; the check digit is computed
    # "admitted" N days ago, "invited" for N days ahead, "discharged" on day N of the previous calendar quarter
    status: str
    days: int
    department_code: str
    payer: str
    employment_status: str
    occupation: str
    primary: str = DEMO_PSYCHOLOGIST
    team: tuple[tuple[str, str], ...] = ()
    facility: str = "kurpark"
    rvnr_area: str = ""  # area number of the pension insurance number; empty: none recorded
    consents: tuple[ConsentSpec, ...] = ()
    contacts: tuple[ContactSpec, ...] = ()
    phone: str = ""


PHYSICIAN = ("aerztin", TeamFunction.PHYSICIAN)
SOCIAL = ("sozialarbeit", TeamFunction.SOCIAL_WORKER)
OT = ("ergotherapie", TeamFunction.OCCUPATIONAL_THERAPIST)
PT = ("physiotherapie", TeamFunction.PHYSIOTHERAPIST)
WMR_TEAM = (PHYSICIAN, SOCIAL, OT)
HEALTH_DATA = ConsentSpec(ConsentKind.HEALTH_DATA, 1)


def workplace_consents(*, day: int) -> tuple[ConsentSpec, ConsentSpec]:
    """Consent to contact the employer and the occupational physician / BEM contact, both given on ``day``."""
    return ConsentSpec(ConsentKind.EMPLOYER, day), ConsentSpec(ConsentKind.OCCUPATIONAL_PHYSICIAN, day)


ADMITTED, INVITED, DISCHARGED = StayStatus.ADMITTED, StayStatus.INVITED, StayStatus.DISCHARGED
WMR, PSY = DepartmentCode.WMR_INPATIENT, DepartmentCode.PSYCHOSOMATICS
EMPLOYED = EmploymentStatus.EMPLOYED

# Hamburg model 11.1: three months of sick leave (AU) up to the day before admission. ``reintegration.demo`` records
# it as her sick-leave period (the real model, with the BEM and graded-return triggers); the employer contact's note
# keeps what the employer said.
HELEN_AU_DAYS = 91
# Hamburg model 11.2: 60 days of AU before admission (recorded by ``reintegration.demo``); the employer declined a
# graded return for now (``reintegration.demo``: the plan not started, talk again in two weeks).
TRISTAN_AU_DAYS = 60

HELEN = PatientSpec(
    first_name="Helen",
    last_name="Berger",
    sex=Sex.FEMALE,
    birth_date=dt.date(1979, 4, 17),
    street="Lindenstraße 14",
    postal_code="34117",
    city="Kassel",
    phone="0561 998877",
    health_insurer="AOK Hessen",
    kvnr_stem="B71406253",
    status=ADMITTED,
    days=12,
    department_code=WMR,
    payer=Payer.DRV_BUND,
    employment_status=EMPLOYED,
    occupation="Teamleiterin Kundenservice",
    team=(PHYSICIAN, SOCIAL, OT),
    rvnr_area="13",
    consents=(
        HEALTH_DATA,
        ConsentSpec(ConsentKind.EMPLOYER, 2),
        ConsentSpec(ConsentKind.OCCUPATIONAL_PHYSICIAN, 2),
        ConsentSpec(ConsentKind.PAYER, 2),
    ),
    contacts=(
        ContactSpec(
            ContactKind.EMPLOYER,
            "Nordlicht Energie GmbH",
            person="Frank Reuter (Personalabteilung)",
            street="Werkstraße 40",
            postal_code="34123",
            city="Kassel",
            phone="0561 55443-210",
            note="AU {au_from} – {au_to} ({au_days} Tage) vor der Aufnahme. Arbeitgeber befürwortet eine stufenweise "
            "Wiedereingliederung (Hamburger Modell, 6 Stufen von 2 h bis Vollzeit).",
            reached_day=4,
            reached_note="Erstgespräch: Arbeitsplatz bleibt frei, stufenweise Wiedereingliederung ist willkommen.",
        ),
        ContactSpec(
            ContactKind.OCCUPATIONAL_PHYSICIAN,
            "Arbeitsmedizinischer Dienst Nordlicht",
            person="Dr. med. Petra Lang",
            street="Werkstraße 40",
            postal_code="34123",
            city="Kassel",
            phone="0561 55443-300",
            note="Betriebsärztin; BEM-Gespräch nach der Reha angeboten.",
        ),
    ),
)

TRISTAN = PatientSpec(
    first_name="Tristan",
    last_name="Keller",
    sex=Sex.MALE,
    birth_date=dt.date(1986, 9, 3),
    street="Am Mühlgraben 7",
    postal_code="34212",
    city="Melsungen",
    phone="05661 77665",
    health_insurer="Techniker Krankenkasse",
    kvnr_stem="K30958172",
    status=ADMITTED,
    days=8,
    department_code=PSY,
    payer=Payer.DRV_REGIONAL,
    employment_status=EMPLOYED,
    occupation="Kfz-Mechatroniker",
    team=(PHYSICIAN, PT, SOCIAL),
    rvnr_area="16",
    # No employer consent: contacting the employer is blocked until he gives it.
    consents=(HEALTH_DATA,),
    contacts=(
        ContactSpec(
            ContactKind.EMPLOYER,
            "Autohaus Fuldatal GmbH",
            person="Anke Richter (Werkstattleitung)",
            street="Industriestraße 9",
            postal_code="34212",
            city="Melsungen",
            phone="05661 4433-0",
            note="AU {au_from} – {au_to} ({au_days} Tage) wegen Sehnenentzündung. Arbeitgeber lehnt eine stufenweise "
            "Wiedereingliederung vorerst ab (erst vollständig genesen); erneutes Gespräch in zwei Wochen.",
        ),
    ),
)

# The other patients, one stay each; positional fields as in PatientSpec: name, sex, birth date, address, insurer,
# KVNR stem, status and its days, department code, payer, employment, occupation, then keywords.
# fmt: off
PATIENTS = (
    HELEN,
    TRISTAN,
    PatientSpec(
        "Sabine", "Hoffmann", Sex.FEMALE, dt.date(1968, 2, 11), "Goethestraße 3", "34497", "Korbach", "BARMER",
        "H52817406", ADMITTED, 20, WMR, Payer.DRV_BUND, EMPLOYED, "Pflegefachfrau", team=WMR_TEAM, rvnr_area="13",
        consents=(
            HEALTH_DATA,
            ConsentSpec(ConsentKind.EMPLOYER, 2, withdrawn_day=7, note="Widerruf mündlich im Einzelgespräch"),
            ConsentSpec(ConsentKind.TREATING_PRACTITIONERS, 2),
        ),
        contacts=(
            ContactSpec(ContactKind.EMPLOYER, "Seniorenzentrum Eichenhof", person="Heike Braun (Pflegedienstleitung)",
                        city="Korbach", phone="05631 88770"),
            ContactSpec(ContactKind.FAMILY_DOCTOR, "Hausarztpraxis Dr. Wendt", person="Dr. med. Klaus Wendt",
                        street="Marktplatz 2", postal_code="34497", city="Korbach"),
        ),
    ),
    PatientSpec(
        "Michael", "Schulz", Sex.MALE, dt.date(1971, 7, 29), "Bahnhofstraße 22", "34560", "Fritzlar", "DAK-Gesundheit",
        "S18470295", ADMITTED, 5, WMR, Payer.DRV_REGIONAL, EMPLOYED, "Lagerleiter", team=WMR_TEAM, rvnr_area="16",
        consents=(HEALTH_DATA, ConsentSpec(ConsentKind.OCCUPATIONAL_PHYSICIAN, 3)),
        contacts=(ContactSpec(ContactKind.BEM_CONTACT, "Logistikzentrum Nordhessen", person="Ingrid Sommer (BEM)",
                              city="Fritzlar"),),
    ),
    PatientSpec(
        "Andrea", "Krüger", Sex.FEMALE, dt.date(1975, 12, 2), "Schillerweg 9", "34596", "Bad Zwesten", "AOK Hessen",
        "K64029175", ADMITTED, 16, PSY, Payer.DRV_BUND, EmploymentStatus.UNEMPLOYED,
        "Industriekauffrau (arbeitsuchend)", team=(PHYSICIAN, SOCIAL), consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Thomas", "Neumann", Sex.MALE, dt.date(1964, 5, 21), "Eisenbahnstraße 5", "34613", "Schwalmstadt",
        "BAHN-BKK", "N29384756", ADMITTED, 27, PSY, Payer.DRV_KBS, EMPLOYED, "Lokführer", primary="psychologe",
        team=(PHYSICIAN, PT), consents=(HEALTH_DATA, ConsentSpec(ConsentKind.PAYER, 3)),
    ),
    PatientSpec(
        "Julia", "Schwarz", Sex.FEMALE, dt.date(1990, 10, 14), "Rosenstraße 31", "34119", "Kassel",
        "Techniker Krankenkasse", "S83746120", ADMITTED, 9, WMR, Payer.DRV_BUND, EMPLOYED, "Erzieherin",
        team=WMR_TEAM, rvnr_area="13", consents=(HEALTH_DATA, ConsentSpec(ConsentKind.EMPLOYER, 3)),
        contacts=(ContactSpec(ContactKind.EMPLOYER, "Kita Sonnenblume (Stadt Kassel)", person="Birgit Haas (Leitung)",
                              city="Kassel"),),
    ),
    PatientSpec(
        "Stefan", "Zimmermann", Sex.MALE, dt.date(1969, 3, 8), "Kirchgasse 4", "34582", "Borken", "Debeka",
        "Z47561023", ADMITTED, 23, PSY, Payer.OTHER, EmploymentStatus.CIVIL_SERVANT, "Studienrat",
        team=(PHYSICIAN,), consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Katharina", "Braun", Sex.FEMALE, dt.date(1983, 6, 30), "Parkstraße 17", "34266", "Niestetal", "BARMER",
        "B90817263", ADMITTED, 14, WMR, Payer.DRV_REGIONAL, EMPLOYED, "Bankkauffrau", team=(*WMR_TEAM, PT),
        rvnr_area="16",
        consents=(HEALTH_DATA, *workplace_consents(day=2)),
        contacts=(
            ContactSpec(ContactKind.EMPLOYER, "Nordhessische Volksbank eG (fiktiv)", person="Jan Peters (Personal)",
                        city="Kassel"),
            ContactSpec(ContactKind.OCCUPATIONAL_PHYSICIAN, "Betriebsärztlicher Dienst Mitte",
                        person="Dr. med. Susanne Ritter", city="Kassel"),
        ),
    ),
    PatientSpec(
        "Olga", "Schneider", Sex.FEMALE, dt.date(1974, 10, 10), "Seestraße 8", "34549", "Edertal", "AOK Hessen",
        "S56473829", ADMITTED, 11, PSY, Payer.DRV_BUND, EMPLOYED, "Hotelfachfrau", primary="psychologe",
        team=(PT,), facility="seeufer", consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Markus", "Hofmann", Sex.MALE, dt.date(1977, 1, 19), "Weserstraße 12", "34346", "Hann. Münden",
        "IKK classic", "H13579246", INVITED, 7, WMR, Payer.DRV_BUND, EMPLOYED, "Industriemechaniker",
        team=WMR_TEAM, rvnr_area="13",
    ),
    PatientSpec(
        "Claudia", "Lange", Sex.FEMALE, dt.date(1972, 8, 25), "Feldweg 2", "34308", "Bad Emstal", "DAK-Gesundheit",
        "L24681357", INVITED, 14, PSY, Payer.DRV_REGIONAL, EMPLOYED, "Verkäuferin", team=(PHYSICIAN,),
    ),
    PatientSpec(
        "Daniel", "Fischer", Sex.MALE, dt.date(1988, 11, 11), "Hafenstraße 6", "34125", "Kassel",
        "Techniker Krankenkasse", "F86420975", INVITED, 21, PSY, Payer.DRV_BUND, EMPLOYED, "Softwareentwickler",
        primary="psychologe", facility="seeufer",
    ),
    PatientSpec(
        "Petra", "Schmitt", Sex.FEMALE, dt.date(1966, 4, 4), "Ahornweg 19", "34454", "Bad Arolsen", "AOK Hessen",
        "S97531864", INVITED, 28, WMR, Payer.DRV_BUND, EMPLOYED, "Sachbearbeiterin", team=(PHYSICIAN, SOCIAL),
        rvnr_area="13",
    ),
    PatientSpec(
        "Yusuf", "Demir", Sex.MALE, dt.date(1981, 2, 27), "Friedrich-Ebert-Straße 88", "34119", "Kassel",
        "BKK Werra-Meissner", "D75319842", INVITED, 35, PSY, Payer.DRV_REGIONAL, EMPLOYED, "Busfahrer",
        team=(PHYSICIAN,),
    ),
    PatientSpec(
        "Monika", "Weber", Sex.FEMALE, dt.date(1962, 9, 12), "Brunnenstraße 1", "34537", "Bad Wildungen",
        "AOK Hessen", "W31415926", DISCHARGED, 10, WMR, Payer.DRV_BUND, EMPLOYED, "Verwaltungsangestellte",
        team=WMR_TEAM, rvnr_area="13",
        consents=(HEALTH_DATA, *workplace_consents(day=3)),
        contacts=(
            ContactSpec(ContactKind.EMPLOYER, "Kreisverwaltung Waldeck-Frankenberg (fiktiv)",
                        person="Ralf Kühn (Personalrat)", city="Korbach", reached_day=10,
                        reached_note="Rückkehr an den Arbeitsplatz nach der Reha besprochen."),
        ),
    ),
    PatientSpec(
        "Frank", "Meyer", Sex.MALE, dt.date(1970, 12, 24), "Mühlenweg 11", "34497", "Korbach", "BARMER",
        "M27182818", DISCHARGED, 25, PSY, Payer.DRV_REGIONAL, EMPLOYED, "Elektriker", team=(PHYSICIAN, PT),
        consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Nicole", "Koch", Sex.FEMALE, dt.date(1985, 5, 5), "Gartenstraße 23", "34131", "Kassel", "DAK-Gesundheit",
        "K16180339", DISCHARGED, 40, WMR, Payer.DRV_BUND, EMPLOYED, "Einzelhandelskauffrau", primary="psychologe",
        team=(PHYSICIAN, SOCIAL), rvnr_area="13", consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Jürgen", "Richter", Sex.MALE, dt.date(1963, 3, 15), "Handwerkerstraße 4", "34576", "Homberg (Efze)",
        "IKK classic", "R14142135", DISCHARGED, 55, PSY, Payer.DRV_REGIONAL, EmploymentStatus.SELF_EMPLOYED,
        "Malermeister", team=(PHYSICIAN,), consents=(HEALTH_DATA,),
    ),
    PatientSpec(
        "Laura", "Wolf", Sex.FEMALE, dt.date(1994, 7, 7), "Uferstraße 15", "34549", "Edertal", "Techniker Krankenkasse",
        "W17320508", DISCHARGED, 70, PSY, Payer.DRV_BUND, EMPLOYED, "Physiotherapeutin", primary="psychologe",
        team=(PT,), facility="seeufer", consents=(HEALTH_DATA,),
    ),
)
# fmt: on


# --- identifiers and dates -------------------------------------------------------------------------------------------


def demo_kvnr(stem: str) -> str:
    """A KVNR with a valid check digit for a letter + 8 digits."""
    return f"{stem}{kvnr_check_digit(stem)}"


def demo_rvnr(spec: PatientSpec) -> str:
    """Pension insurance number: area, birth date DDMMYY, birth-name initial, serial (00–49 men, 50–99 women), check."""
    if not spec.rvnr_area:
        return ""
    serial = "52" if spec.sex == Sex.FEMALE else "03"
    stem = f"{spec.rvnr_area}{spec.birth_date:%d%m%y}{spec.last_name[0].upper()}{serial}"
    return f"{stem}{rvnr_check_digit(stem)}"


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter_start(today: dt.date) -> dt.date:
    return quarter_start(quarter_start(today) - dt.timedelta(days=1))


def stay_dates(spec: PatientSpec, today: dt.date) -> tuple[dt.date, dt.date]:
    """(admission, planned or actual discharge) of a demo stay relative to ``today``."""
    if spec.status == StayStatus.ADMITTED:
        admission = today - dt.timedelta(days=spec.days)
    elif spec.status == StayStatus.INVITED:
        admission = today + dt.timedelta(days=spec.days)
    else:
        discharge = previous_quarter_start(today) + dt.timedelta(days=spec.days)
        return discharge - dt.timedelta(days=PLANNED_DAYS - 1), discharge
    return admission, admission + dt.timedelta(days=PLANNED_DAYS - 1)


def stay_date(admission: dt.date, day: int) -> dt.date:
    return admission + dt.timedelta(days=day - 1)


def au_days(spec: PatientSpec) -> int:
    return {HELEN.kvnr_stem: HELEN_AU_DAYS, TRISTAN.kvnr_stem: TRISTAN_AU_DAYS}.get(spec.kvnr_stem, 0)


# --- loading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    profession: str
    name: str


@dataclass
class DemoResult:
    loaded: bool  # False: the demo was there already and nothing was written
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(
            username=s.username,
            password=DEMO_PASSWORD,
            role=str(Role(s.role).label),
            profession=str(Profession(s.profession).label),
            name=" ".join(part for part in (s.title, s.first_name, s.last_name) if part),
        )
        for s in STAFF
    ]


def demo_keys_present() -> dict[str, int]:
    """How many of the demo's stable keys exist already, per kind, against how many the demo has."""
    return {
        "facilities": Facility.objects.filter(ik_number__in=[f.ik_number for f in FACILITIES]).count(),
        "staff": User.objects.filter(username__in=[s.username for s in STAFF]).count(),
        "patients": Patient.objects.filter(kvnr__in=[demo_kvnr(p.kvnr_stem) for p in PATIENTS]).count(),
        "group": Group.objects.filter(name=ADMIN_GROUP).count(),
    }


DEMO_SIZE = {"facilities": len(FACILITIES), "staff": len(STAFF), "patients": len(PATIENTS), "group": 1}


def load_demo(*, today: dt.date | None = None) -> DemoResult:
    """Load the demo clinic unless it is there already. One transaction: all of it or nothing.

    Raises ``DemoConflict`` when only part of the demo's keys exist (someone changed the demo by hand).
    """
    today = today or timezone.localdate()
    present = demo_keys_present()
    if present == DEMO_SIZE:
        return DemoResult(loaded=False, logins=demo_logins(), counts=present)
    if any(present.values()):
        raise DemoConflict()
    with transaction.atomic():
        facilities = {spec.key: _create_facility(spec) for spec in FACILITIES}
        staff = _create_staff(facilities)
        for spec in PATIENTS:
            _create_patient(spec, facilities=facilities, staff=staff, today=today)
    return DemoResult(loaded=True, logins=demo_logins(), counts=DEMO_SIZE.copy())


def _create_facility(spec: FacilitySpec) -> Facility:
    facility = Facility(
        name=spec.name,
        short_name=spec.short_name,
        ik_number=spec.ik_number,
        street=spec.street,
        postal_code=spec.postal_code,
        city=spec.city,
        phone=spec.phone,
        email=spec.email,
        wmr_info_url=spec.wmr_info_url,
    )
    facility.full_clean()
    facility.save()
    return facility


def _admin_group() -> Group:
    group = Group.objects.create(name=ADMIN_GROUP)
    for app_label, model, actions in ADMIN_GROUP_PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    return group


def _create_staff(facilities: dict[str, Facility]) -> dict[str, User]:
    # One hash for all: the password is the same, and hashing ten times would cost seconds for nothing.
    password_hash = make_password(DEMO_PASSWORD)
    group = _admin_group()
    staff = {}
    for spec in STAFF:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            title=spec.title,
            email=f"{spec.username}@klinik-am-kurpark.example",
            profession=spec.profession,
            role=spec.role,
            is_staff=spec.admin_group,
        )
        validate_password(DEMO_PASSWORD, user)
        user.password = password_hash
        user.full_clean()
        user.save()
        user.facilities.set([facilities[key] for key in spec.facilities])
        if spec.admin_group:
            user.groups.add(group)
        staff[spec.username] = user
    return staff


def _create_patient(spec: PatientSpec, *, facilities: dict[str, Facility], staff: dict[str, User], today: dt.date):
    admission, discharge = stay_dates(spec, today)
    facility = facilities[spec.facility]
    primary = staff[spec.primary]
    stay = services.patient_create_with_stay(
        user=primary,
        patient_data={
            "facility": facility,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "sex": spec.sex,
            "birth_date": spec.birth_date,
            "street": spec.street,
            "postal_code": spec.postal_code,
            "city": spec.city,
            "phone": spec.phone,
            "health_insurer": spec.health_insurer,
            "kvnr": demo_kvnr(spec.kvnr_stem),
            "pension_insurance_number": demo_rvnr(spec),
        },
        stay_data={
            "facility": facility,
            "status": StayStatus.INVITED,
            "admission_date": admission,
            "discharge_date": discharge,
            "department_code": spec.department_code,
            "payer": spec.payer,
            "employment_status": spec.employment_status,
            "occupation": spec.occupation,
        },
        team_function=TeamFunction.PRIMARY_THERAPIST,
        confirm_new=True,  # the demo knows these are new persons
    )
    for username, function in spec.team:
        services.careteam_add(by=primary, stay=stay, user=staff[username], function=function)
    # Admission and discharge happen as on the ward: the invited stay changes status.
    if spec.status in (StayStatus.ADMITTED, StayStatus.DISCHARGED):
        services.stay_set_status(by=primary, stay=stay, status=StayStatus.ADMITTED)
    if spec.status == StayStatus.DISCHARGED:
        services.stay_set_status(by=primary, stay=stay, status=StayStatus.DISCHARGED)
    _record_consents_and_contacts(spec, stay=stay, admission=admission, staff=staff)


def _record_consents_and_contacts(spec: PatientSpec, *, stay: Stay, admission: dt.date, staff: dict[str, User]):
    # Consents and contacts are the social worker's job where one is on the team, else the primary therapist's.
    recorder = (
        staff["sozialarbeit"] if ("sozialarbeit", TeamFunction.SOCIAL_WORKER) in spec.team else staff[spec.primary]
    )
    for consent_spec in spec.consents:
        consent = services.consent_give(
            by=recorder,
            stay=stay,
            kind=consent_spec.kind,
            given_on=stay_date(admission, consent_spec.given_day),
            note=consent_spec.note,
        )
        if consent_spec.withdrawn_day is not None:
            services.consent_withdraw(
                by=recorder, consent=consent, withdrawn_on=stay_date(admission, consent_spec.withdrawn_day)
            )
    au_to = admission - dt.timedelta(days=1)
    au_from = au_to - dt.timedelta(days=au_days(spec) - 1)
    for contact_spec in spec.contacts:
        contact = services.contact_save(
            by=recorder,
            contact=ExternalContact(
                stay=stay,
                kind=contact_spec.kind,
                organisation=contact_spec.organisation,
                person=contact_spec.person,
                street=contact_spec.street,
                postal_code=contact_spec.postal_code,
                city=contact_spec.city,
                phone=contact_spec.phone,
                note=contact_spec.note.format(
                    au_from=f"{au_from:%d.%m.%Y}", au_to=f"{au_to:%d.%m.%Y}", au_days=au_days(spec)
                ),
            ),
        )
        if contact_spec.reached_day is not None:
            services.contact_event_record(
                by=recorder,
                contact=contact,
                on=stay_date(admission, contact_spec.reached_day),
                channel=ContactChannel.PHONE,
                note=contact_spec.reached_note,
            )
