"""The compliance part of the demo clinic (``compliance.demo``): every demo stay's indicator results and the demo
clinic's self-assessment answers; loading it again writes nothing; the dashboard of the demo clinic has data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from compliance.demo import ANSWERS, DEMO_CLINIC, DEMO_MANAGER, load_compliance_demo
from compliance.models import SelfAssessment, SelfAssessmentAnswer, StayIndicator
from compliance.periods import current_quarter, previous_quarters
from compliance.selectors import Filters, facility_dashboard
from compliance.services_selfassessment import self_assessment_save
from patients.demo import FACILITIES
from patients.models import Facility, Stay, StayStatus
from staff.models import User
from wmr.indicators import IndicatorState
from wmr.models import AuditEntry


def compliance_rows() -> dict:
    return {
        "results": StayIndicator.objects.count(),
        "computed_at": StayIndicator.objects.aggregate(last=Max("computed_at"))["last"],
        "answers": SelfAssessment.objects.count(),
        "history": SelfAssessment.history.count(),
        "audit": AuditEntry.objects.count(),
    }


# First in the module on purpose: the module's demo (``loaded_demo``) is set up by the first test that asks for it.
def test_without_the_demo_clinic_nothing_is_written(db):
    assert not Facility.objects.exists()
    assert load_compliance_demo(today=timezone.localdate()) == 0
    assert not StayIndicator.objects.exists()
    assert not SelfAssessment.objects.exists()


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The whole demo clinic as ``manage.py load_demo`` loads it (the compliance part last), once for this module.

    It lives in an outer transaction rolled back when the module is done; each test's own transaction (the ``db``
    fixture) nests inside it, so no test sees another test's changes (as ``tests/patients/test_demo.py`` does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield timezone.localdate(), out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(db, loaded_demo):
    return loaded_demo


def clinic() -> Facility:
    return Facility.objects.get(ik_number=DEMO_CLINIC)


def test_load_demo_computes_the_results_of_every_demo_stay(demo):
    _today, output = demo
    with translation.override(settings.LANGUAGE_CODE):  # the command speaks the clinic's language
        done = gettext("Compliance: indicator results computed for %(count)d demo stays, self-assessment answered.")
    assert done.split("%(count)d")[0] in output
    stays = Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES])
    assert stays.count() > 0
    assert not stays.exclude(indicator_results__isnull=False).exists()


def test_loading_the_compliance_demo_again_writes_nothing(demo):
    today, _output = demo
    before = compliance_rows()
    assert load_compliance_demo(today=today) == 0
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Compliance:" not in out.getvalue()
    assert compliance_rows() == before


def test_the_demo_clinic_answers_its_self_assessment_for_the_current_year(demo):
    today, _output = demo
    answers = {row.recommendation: row for row in SelfAssessment.objects.filter(facility=clinic(), year=today.year)}
    assert set(answers) == {rec for rec, *_rest in ANSWERS}
    assert answers["9.1"].answer == SelfAssessmentAnswer.YES  # the WMR concept is visible to the team
    assert answers["9.2"].answer == SelfAssessmentAnswer.PARTLY  # the steering group
    assert answers["9.2"].evidence_text.startswith("Steuerungsgruppe")
    assert answers["1.3"].evidence_url == clinic().wmr_info_url
    assert {row.answered_by.username for row in answers.values()} == {DEMO_MANAGER}
    assert not SelfAssessment.objects.exclude(facility=clinic()).exists()
    assert AuditEntry.objects.filter(action="compliance.self_assessment.saved").count() == len(ANSWERS)


def test_missing_results_are_computed_again_and_answers_changed_by_hand_stay(demo):
    today, _output = demo
    manager = User.objects.get(username=DEMO_MANAGER)
    self_assessment_save(
        by=manager, facility=clinic(), year=today.year, recommendation="9.2", answer=SelfAssessmentAnswer.YES
    )
    results = StayIndicator.objects.count()
    StayIndicator.objects.all().delete()

    refreshed = load_compliance_demo(today=today)

    assert refreshed == Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES]).count()
    assert StayIndicator.objects.count() == results
    assert SelfAssessment.objects.get(facility=clinic(), year=today.year, recommendation="9.2").answer == "yes"
    assert SelfAssessment.objects.filter(facility=clinic(), year=today.year).count() == len(ANSWERS)


def test_the_demo_clinic_dashboard_of_the_current_quarter_has_data(demo):
    today, _output = demo
    period = current_quarter(today)
    dashboard = facility_dashboard(facility=clinic(), period=period, filters=Filters(), today=today)
    admitted = Stay.objects.filter(facility=clinic(), status=StayStatus.ADMITTED, admission_date__gte=period.start)
    assert admitted.exists()
    assert dashboard.stays > 0
    rows = [row for block in dashboard.sections for row in block.indicators]
    assert any(row.rate.denominator or row.rate.not_yet_due for row in rows)
    answers = {rec.id: answer for block in dashboard.sections for rec, answer in block.self_assessment}
    assert answers["9.2"] == SelfAssessmentAnswer.PARTLY


def test_the_previous_quarter_has_rates_and_stays_that_miss_an_indicator(demo):
    """The demo's discharged stays lie in the previous quarter: there the outcome indicators have rates, and at least
    one indicator is missed (the browser journey drills down to it)."""
    today, _output = demo
    period = previous_quarters(current_quarter(today), 2)[0]
    dashboard = facility_dashboard(facility=clinic(), period=period, filters=Filters(), today=today)
    assert dashboard.outcome_stays > 0
    rows = [row for block in dashboard.sections for row in block.indicators if not row.facility_level]
    assert any(row.rate.rate is not None for row in rows)
    assert any(row.rate.missing for row in rows)
    assert StayIndicator.objects.filter(
        facility=clinic(), state=IndicatorState.NOT_MET, period_date__range=(period.start, period.end)
    ).exists()
