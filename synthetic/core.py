"""The frame of the synthetic clinic generator: options, per-facility and per-chunk context, bulk writers.

The generator builds a clinic group the way its data grows in real life: each facility admits ``per_year`` patients a
year (6,000 by default, the top of the range the clinic groups report), so a bigger data set means a longer history,
not more patients in the house at once; the number of stays running on any day is the same at 10k and at 50k stays.

Work is done in chunks of stays of one facility (in admission order): ``people`` inserts the chunk's patients, stays
and care teams, then every other part (``PARTS`` in the command) adds its rows for exactly those stays. Each part
draws from its own random generator seeded by (seed, facility, chunk, part), so a part's output does not change
when another part changes, and the same arguments give the same data set.

Rows go in with ``Writer.insert`` (``bulk_create``: gives primary keys, for rows others point at) or ``Writer.copy``
(PostgreSQL ``COPY`` for leaf rows nobody points at, e.g. attendance, ratings, audit rows; ``bulk_create`` on SQLite).
Neither sends signals or writes django-simple-history rows: the synthetic records have no edit history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

# the professions of a stay's care team, with the team function each holds (patients.TeamFunction)
TEAM = {
    "primary_therapist": "psychologist",
    "physician": "physician",
    "social_worker": "social_worker",
    "occupational_therapist": "occupational_therapist",
    "physiotherapist": "physiotherapist",
}

BATCH = 2000


@dataclass(frozen=True)
class Options:
    stays: int
    facilities: int
    seed: int
    today: dt.date
    per_year: int = 6000  # admissions per facility and year
    chunk_size: int = 1000
    password_hash: str = ""  # one hash for every synthetic login (hashing per user would dominate small runs)

    def stays_of(self, facility_index: int) -> int:
        """How many stays facility ``facility_index`` (0-based) gets: the total split evenly, the rest to the first."""
        base, rest = divmod(self.stays, self.facilities)
        return base + (1 if facility_index < rest else 0)


@dataclass
class FacilityContext:
    """One synthetic facility with its staff, and what parts prepared for it once (instrument versions, groups …)."""

    index: int
    facility: Any  # patients.Facility
    staff: dict[str, list[Any]]  # profession -> users (clinicians)
    management: Any = None  # the facility's management login (staff.Role.MANAGEMENT)
    extra: dict[str, Any] = field(default_factory=dict)  # per-part facility objects, key = "<part>.<name>"


@dataclass
class Chunk:
    """Up to ``Options.chunk_size`` stays of one facility, inserted by ``people``; the other parts add to them.

    ``plans[i]`` describes ``stays[i]``: admission/discharge day, status, WMR or not, and the journey markers the
    parts agree on (see ``synthetic.people.StayPlan``)."""

    number: int  # running number over the whole run
    facility: FacilityContext
    plans: list[Any]  # synthetic.people.StayPlan, in admission order
    stays: list[Any] = field(default_factory=list)  # patients.Stay with pk, same order as plans
    patients: list[Any] = field(default_factory=list)  # patients.Patient with pk, same order as stays
    team: dict[int, dict[str, Any]] = field(default_factory=dict)  # stay pk -> team function -> user
    extra: dict[str, Any] = field(default_factory=dict)  # objects one part hands to a later one, key "<part>.<name>"

    def rng(self, seed: int, part: str) -> random.Random:
        return random.Random(f"{seed}/{self.facility.index}/{self.number}/{part}")


class Writer:
    """Bulk inserts with row counts per table and seconds per part."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.postgres = connection.vendor == "postgresql"

    def insert(self, objs: list[models.Model]) -> list[models.Model]:
        """``bulk_create`` in batches; the objects come back with primary keys (PostgreSQL and SQLite ≥ 3.35)."""
        if not objs:
            return objs
        model = type(objs[0])
        model.objects.bulk_create(objs, batch_size=BATCH)
        self.rows[model._meta.db_table] += len(objs)
        return objs

    def copy(self, objs: list[models.Model]) -> int:
        """Leaf rows without primary keys back: PostgreSQL ``COPY … FROM STDIN`` (several times faster than INSERT),
        ``bulk_create`` elsewhere. Values are written as PostgreSQL's CSV format reads them (JSON fields as JSON text,
        booleans as t/f, dates ISO, NULL as ``\\N``); the primary key comes from the table's sequence."""
        if not objs:
            return 0
        model = type(objs[0])
        if not self.postgres:
            model.objects.bulk_create(objs, batch_size=BATCH)
            self.rows[model._meta.db_table] += len(objs)
            return len(objs)
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key or getattr(objs[0], f.attname) is not None
        ]
        attnames = [f.attname for f in fields]
        return self._copy(model, fields, ([getattr(obj, name) for name in attnames] for obj in objs), len(objs))

    def copy_values(self, model: type[models.Model], columns: list[str], rows: list[tuple]) -> int:
        """Like ``copy`` for rows given as tuples of attribute values in ``columns`` order (attnames: ``stay_id``),
        without building model instances (for the biggest tables: several times less Python per row). ``columns``
        must name every NOT NULL column but the primary key: on PostgreSQL the columns left out take the database's
        default, not the model's."""
        if not rows:
            return 0
        if not self.postgres:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=BATCH)
            self.rows[model._meta.db_table] += len(rows)
            return len(rows)
        fields = [model._meta.get_field(name) for name in columns]
        return self._copy(model, fields, rows, len(rows))

    def _copy(self, model, fields: list[models.Field], rows, count: int) -> int:
        converters = [_converter(f) for f in fields]
        buffer = io.StringIO()
        out = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        out.writerows([convert(value) for convert, value in zip(converters, row, strict=True)] for row in rows)
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        self.rows[model._meta.db_table] += count
        return count

    def timed(self, part: str):
        return _Timer(self, part)


class _Timer:
    def __init__(self, writer: Writer, part: str) -> None:
        self.writer, self.part = writer, part

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.writer.seconds[self.part] += time.perf_counter() - self.start
        return False


def _csv_value(f: models.Field, value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(f, models.JSONField):
        return json.dumps(value, cls=f.encoder or DjangoJSONEncoder)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder)
    return value


# fields whose values csv writes as they are (None aside): the common case, converted without type checks per value
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.ForeignKey,
    models.DecimalField,
    models.GenericIPAddressField,
)


def _plain(value: Any) -> Any:
    return "\\N" if value is None else value


def _iso(value: Any) -> Any:
    if value is None:
        return "\\N"
    return value if value.__class__ is str else value.isoformat()


def _bool(value: Any) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _converter(f: models.Field):
    """The function that writes one column's values: a specialised one for the common field types (no type checks
    per value; dates and times may also be given as ISO text), ``_csv_value`` for anything else."""
    if isinstance(f, models.JSONField):
        encode = (f.encoder or DjangoJSONEncoder)().encode  # one encoder (json.dumps(cls=…) builds one per call)
        return lambda value: "\\N" if value is None else encode(value)
    if isinstance(f, _PLAIN):
        return _plain
    if isinstance(f, models.DateField | models.TimeField):  # DateTimeField is a DateField
        return _iso
    if isinstance(f, models.BooleanField):
        return _bool
    return lambda value: _csv_value(f, value)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class StayPlan:
    """What every part agrees on about one synthetic stay, decided before anything is inserted.

    ``compliance`` (0–1) is how closely the clinic followed the recommendations for this stay: parts skip or delay a
    step when ``rng.random() > compliance``, so the dashboard shows realistic, varied rates (mostly green, some amber
    and red) that stay consistent between the parts."""

    admission: dt.date
    discharge: dt.date  # actual once discharged, planned before
    status: str  # patients.StayStatus value
    department_code: str  # "3197" WMR inpatient or "3100" psychosomatics
    wmr: bool  # assigned to WMR (department 3197)
    compliance: float

    def last_day(self, today: dt.date) -> dt.date | None:
        """The last day with events: yesterday or the discharge day, None while only invited."""
        if self.status == "invited":
            return None
        return min(today - days(1), self.discharge) if self.status == "admitted" else self.discharge

    def day(self, n: int) -> dt.date:
        """Day ``n`` of the stay (admission day = day 1, ARCHITECTURE)."""
        return self.admission + days(n - 1)


def plan_stays(options: Options, facility_index: int) -> list[StayPlan]:
    """The admission schedule of one facility: ``stays_of(facility_index)`` stays at ``per_year`` a year, the newest
    three weeks ahead of ``today`` (invited), so about five weeks' worth are in the house and the rest discharged."""
    count = options.stays_of(facility_index)
    rng = random.Random(f"{options.seed}/{facility_index}/plan")
    per_day = options.per_year / 365.0
    first = options.today + days(21) - days(int(count / per_day))
    plans: list[StayPlan] = []
    for k in range(count):
        admission = first + days(int(k / per_day))
        length = rng.choice((28, 35, 35, 35, 42))
        discharge = admission + days(length - 1)
        if admission > options.today:
            status = "invited"
        elif discharge >= options.today:
            status = "admitted"
        else:
            status = "discharged"
        wmr = rng.random() < 0.6
        plans.append(
            StayPlan(
                admission=admission,
                discharge=discharge,
                status=status,
                department_code="3197" if wmr else "3100",
                wmr=wmr,
                compliance=min(1.0, max(0.3, rng.gauss(0.85, 0.12))),
            )
        )
    return plans
