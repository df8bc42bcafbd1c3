"""The synthetic indicator results (synthetic/compliance.py): one row per stay and measure as the refresh stores them,
states drawn by plan and measure, and the dashboard and drill-down working on them."""

import datetime
import random
from collections import Counter

import pytest
from django.urls import reverse

from compliance import registry
from compliance.catalogue import by_measure
from compliance.models import StayIndicator
from compliance.services import period_date
from patients.models import Facility, Stay
from staff.models import Role, User
from synthetic import compliance as part
from synthetic.core import StayPlan
from synthetic.people import IK_PREFIX
from tests.two_factor_support import mark_verified
from wmr.indicators import IndicatorState

from .conftest import TODAY

MET, NOT_MET = IndicatorState.MET, IndicatorState.NOT_MET
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE, IndicatorState.NOT_YET_DUE
INVITATION_MEASURES = {key for key, spec in part.SPECS.items() if spec.scope == part.INVITATION}


def synthetic_stays():
    return Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX)


def test_every_spec_is_a_registry_measure():
    assert set(part.SPECS) == set(registry.stay_basis())


def test_one_row_per_stay_and_measure_as_the_refresh_stores_it(synthetic_small):
    basis = registry.stay_basis()
    catalogue = by_measure()
    stays = {stay.pk: stay for stay in synthetic_stays()}
    rows = list(StayIndicator.objects.filter(stay_id__in=stays))
    assert len(rows) == len(stays) * len(basis)
    per_stay = Counter(row.stay_id for row in rows)
    assert set(per_stay.values()) == {len(basis)}
    for row in rows:
        stay = stays[row.stay_id]
        assert row.recommendation == catalogue[row.measure].id
        assert row.period_date == period_date(stay, basis[row.measure])
        assert row.facility_id == stay.facility_id
        assert row.department_code == stay.department_code
        # WMR as the app judges it: assigned (department 3197) and past the decision, never an invited stay
        assert row.is_wmr == (stay.department_code == "3197" and stay.status != "invited")
        assert row.computed_on <= TODAY


def test_states_follow_the_time_of_the_stay(synthetic_small):
    rows = StayIndicator.objects.filter(stay__in=synthetic_stays()).select_related("stay")
    by_status: dict[str, Counter] = {"invited": Counter(), "admitted": Counter(), "discharged": Counter()}
    for row in rows:
        by_status[row.stay.status][row.state] += 1
        if row.stay.status == "invited":
            # only the invitation letter can be there before admission; nothing is judged yet
            assert row.state in (NOT_APPLICABLE, NOT_YET_DUE) or row.measure in INVITATION_MEASURES
            assert row.state != NOT_MET
        if row.stay.status == "discharged":
            assert row.state != NOT_YET_DUE, row.measure
        if row.state == NOT_APPLICABLE and part.SPECS[row.measure].value == "minutes":
            assert row.value is None and row.target == part.SPECS[row.measure].target
    assert by_status["discharged"][MET] > by_status["discharged"][NOT_MET] > 0
    assert by_status["admitted"][NOT_YET_DUE] > 0
    assert by_status["invited"][NOT_YET_DUE] > 0


def plans(count: int, *, status: str = "discharged", compliance=None) -> list[StayPlan]:
    rng = random.Random(7)
    admission = datetime.date(2026, 3, 2)
    return [
        StayPlan(
            admission=admission,
            discharge=admission + datetime.timedelta(days=34),
            status=status,
            department_code="3197",
            wmr=True,
            compliance=compliance if compliance is not None else min(1.0, max(0.3, rng.gauss(0.85, 0.12))),
        )
        for _ in range(count)
    ]


def rate(measure: str, stay_plans: list[StayPlan], factor: float = 1.0) -> float:
    spec = part.SPECS[measure]
    rng = random.Random(1)
    states = Counter(part.draw(spec, plan, TODAY, plan.compliance ** (spec.k * factor), rng)[0] for plan in stay_plans)
    return states[MET] / (states[MET] + states[NOT_MET])


def test_rates_vary_by_measure_and_by_the_plans_compliance():
    cohort = plans(3000)
    easy, hard = rate("invitation_explains_wmr", cohort), rate("bem_examined_after_6_weeks", cohort)
    assert easy > 0.9 > hard  # a "shall": green for one, red for the other
    assert 0.6 < rate("occupational_contacts_requested", cohort) < 0.85  # a "should" around its 75 % threshold
    sloppy = plans(3000, compliance=0.5)
    assert rate("counseling_total_90min", sloppy) < rate("counseling_total_90min", cohort)
    # a facility's factor makes the same measure harder or easier there
    assert rate("team_conference_on_profiles", cohort, 1.6) < rate("team_conference_on_profiles", cohort, 0.6)


def test_draw_is_deterministic():
    plan = plans(1)[0]
    spec = part.SPECS["work_groups_240min"]
    first = [part.draw(spec, plan, TODAY, 0.8, random.Random(5)) for _ in range(3)]
    assert first == [part.draw(spec, plan, TODAY, 0.8, random.Random(5)) for _ in range(3)]


@pytest.fixture
def manager_client(client, synthetic_small):
    facility = Facility.objects.filter(ik_number__startswith=IK_PREFIX).order_by("pk").first()
    user = User.objects.get(role=Role.MANAGEMENT, facilities=facility)
    client.force_login(user)
    mark_verified(client, user)
    return client, facility


def test_dashboard_and_drilldown_of_a_synthetic_quarter(manager_client):
    client, facility = manager_client
    query = {"facility": facility.pk, "period": "2026-Q4"}
    response = client.get(reverse("compliance:dashboard"), query)
    assert response.status_code == 200
    board = response.context["dashboard"]
    assert board.stays > 0
    lights = Counter(row.light for block in board.sections for row in block.indicators)
    assert lights["green"] > 0
    missed = Counter(
        StayIndicator.objects.filter(
            facility=facility,
            state=NOT_MET,
            period_date__gte=datetime.date(2026, 10, 1),
            period_date__lte=datetime.date(2026, 12, 31),
        ).values_list("measure", flat=True)
    )
    assert missed, "the quarter has stays that missed a measure"
    measure, count = missed.most_common(1)[0]
    response = client.get(reverse("compliance:drilldown", args=[measure]), query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert len(response.context["lines"]) == min(count, 50)
