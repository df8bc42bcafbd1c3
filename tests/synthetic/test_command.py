"""``manage.py seed_synthetic`` end to end on a small set: deterministic, one data set per database, refused in
production without ``--force``, clear argument errors, and the summary it prints (rows, seconds per part, rows per
table)."""

import hashlib
import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from compliance.models import StayIndicator
from patients.models import Stay
from synthetic import PARTS
from synthetic.people import IK_PREFIX
from wmr.models import AuditEntry

from .conftest import TODAY

ARGS = {"stays": 24, "facilities": 2, "seed": 5, "per_year": 120, "today": TODAY}
TABLE_LINE = re.compile(r"^  ([a-z_]+) +(\d+)$", re.MULTILINE)
PART_LINE = re.compile(r"^  ([a-z_]+) +(\d+\.\d) s$", re.MULTILINE)
SUMMARY = re.compile(r"Seeded (\d+) stays in (\d+) facilities \(seed (\d+), today ([0-9-]+)\): (\d+) rows in [0-9.]+ s")


def seed(**overrides) -> str:
    out = io.StringIO()
    call_command("seed_synthetic", **{**ARGS, **overrides}, stdout=out)
    return out.getvalue()


def key_figures(output: str) -> str:
    """A digest of what must not change between two runs with the same arguments: the rows per table the command
    reports, every stay (number, dates, status, department, patient's name), the indicator states per measure and the
    audit rows (stay number, time, action, user) — primary keys left out (sequences differ between databases)."""
    stays = Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX)
    figures = [sorted(TABLE_LINE.findall(output))]
    figures.append(
        list(
            stays.order_by("number").values_list(
                "number", "admission_date", "discharge_date", "status", "department_code", "patient__last_name",
                "patient__first_name", "patient__birth_date",
            )
        )
    )  # fmt: skip
    numbers = dict(stays.values_list("pk", "number"))
    indicators = StayIndicator.objects.filter(stay__in=stays)
    figures.append(
        sorted(Counter(indicators.values_list("measure", "state", "period_date", "value")).items(), key=repr)
    )
    audit = AuditEntry.objects.filter(patient_id__in=stays.values("patient_id")).order_by()
    figures.append(
        sorted(
            (numbers.get(stay_id, ""), at.isoformat(), action, username)
            for stay_id, at, action, username in audit.values_list("stay_id", "at", "action", "username")
        )
    )
    return hashlib.sha256(repr(figures).encode()).hexdigest()


class Rollback(Exception):
    pass


def seed_and_digest(**overrides) -> str:
    """Seed inside a savepoint, take the key figures, roll the data set back (as a fresh database for the next)."""
    digest = ""
    try:
        with transaction.atomic():
            digest = key_figures(seed(**overrides))
            raise Rollback
    except Rollback:
        pass
    assert not Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX).exists()
    return digest


@pytest.mark.django_db
def test_same_arguments_same_data_set_other_seed_other_data():
    first = seed_and_digest()
    assert first == seed_and_digest()
    assert first != seed_and_digest(seed=6)


@pytest.mark.django_db
def test_summary_reports_rows_seconds_and_tables():
    output = seed()
    summary = SUMMARY.search(output)
    assert summary is not None, output
    assert summary.groups()[:4] == ("24", "2", "5", TODAY.isoformat())
    tables = {table: int(count) for table, count in TABLE_LINE.findall(output)}
    assert int(summary.group(5)) == sum(tables.values())
    assert tables["patients_stay"] == 24
    assert tables["compliance_stayindicator"] == StayIndicator.objects.count() > 0
    patients = Stay.objects.values("patient_id")
    assert tables["wmr_auditentry"] == AuditEntry.objects.filter(patient_id__in=patients).count() > 0
    parts = dict(PART_LINE.findall(output))
    assert {part.NAME for part in PARTS} <= set(parts)


@pytest.mark.django_db
def test_a_second_run_in_the_same_database_is_refused():
    seed()
    with pytest.raises(CommandError, match="already holds a synthetic clinic group"):
        seed(seed=6)
    assert Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX).count() == 24


@pytest.mark.django_db
def test_production_settings_are_refused_without_force(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production configuration"):
        seed()
    assert not Stay.objects.exists()
    seed(stays=2, facilities=1, force=True)
    assert Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stays": 0}, "--stays, --facilities and --per-year must be at least 1"),
        ({"stays": -5}, "--stays, --facilities and --per-year must be at least 1"),
        ({"facilities": 0}, "--stays, --facilities and --per-year must be at least 1"),
        ({"per_year": 0}, "--stays, --facilities and --per-year must be at least 1"),
        ({"stays": 3, "facilities": 4}, "--facilities must not exceed --stays"),
    ],
)
def test_argument_errors_say_what_is_wrong(overrides, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(**overrides)
    assert not Stay.objects.exists()


def test_stays_is_required():
    with pytest.raises(CommandError, match="--stays"):
        call_command("seed_synthetic", "--facilities", "1")
