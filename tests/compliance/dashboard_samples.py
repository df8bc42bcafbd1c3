"""Hand-built ``Dashboard`` objects for the dashboard's template and chart tests (the shapes of compliance.selectors,
filled from the catalogue without the database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from compliance.catalogue import by_id, recommendations
from compliance.periods import previous_quarters, quarter
from compliance.selectors import Dashboard, Filters, IndicatorRow, Rate, SectionBlock

TODAY = dt.date(2026, 12, 5)
PERIOD = quarter(2026, 4)


def indicator_row(rec_id: str, *, rate: Rate | None = None, light: str = "green", **kwargs) -> IndicatorRow:
    rate = rate if rate is not None else Rate(numerator=17, denominator=20, not_yet_due=3, not_applicable=2)
    kwargs.setdefault(
        "trend",
        [
            (p, value)
            for p, value in zip(
                previous_quarters(PERIOD, 4), [None, Decimal("70.0"), Decimal("80.0"), rate.rate], strict=True
            )
        ],
    )
    return IndicatorRow(recommendation=by_id()[rec_id], rate=rate, light=light, **kwargs)


def sample_dashboard(facility=None, *, empty: bool = False) -> Dashboard:
    """Every section of the catalogue in its order: indicator rows at 17 of 20 (or no data when ``empty``), topics
    covered for 4 stays, workflows with 3 stays or no record, self-assessment rows answered "yes" or not at all."""
    blocks: dict[str, SectionBlock] = {}
    for rec in recommendations():
        block = blocks.setdefault(rec.section, SectionBlock(section=rec.section, label=f"Section {rec.section}"))
        if rec.kind == "indicator":
            rate = Rate() if empty else None
            facility_level = rec.id in {"2.7", "2.8", "9.12"}
            row = indicator_row(
                rec.id,
                rate=rate,
                light="none" if empty else "green",
                facility_level=facility_level,
                target_percent=75 if rec.id == "2.7" else None,
                reason="3 of 4 weeks with a conference" if rec.id == "9.12" else "",
            )
            block.indicators.append(row)
        elif rec.kind == "topic":
            block.topics.append((rec, 4))
        elif rec.kind == "workflow":
            block.workflows.append((rec, None if rec.id.startswith("8.") else 3))
        elif rec.kind == "self_assessment":
            block.self_assessment.append((rec, "yes" if rec.id == "1.3" else None))
    positive = next(row for block in blocks.values() for row in block.indicators if row.recommendation.id == "2.7")
    return Dashboard(
        facility=facility,
        period=PERIOD,
        filters=Filters(),
        today=TODAY,
        stays=0 if empty else 20,
        sections=list(blocks.values()),
        positive_screening=positive,
        thresholds={"shall": 90, "should": 75, "may": 50},
    )


# --- Real data: the selectors' input, ``StayIndicator`` rows written directly ---------------------------------------

MEASURE = "first_counseling_within_14d"  # rec. 5.3 ("shall"), a stay-level indicator counted by admission
DAY_IN_PERIOD = dt.date(2026, 11, 2)


def result(stay, measure: str = MEASURE, state: str = "met", *, period_date=None, is_wmr: bool = True, **kwargs):
    """One indicator result of ``stay`` as the refresh would store it (facility and department copied)."""
    from compliance.catalogue import by_measure
    from compliance.models import StayIndicator

    return StayIndicator.objects.create(
        stay=stay,
        measure=measure,
        recommendation=by_measure()[measure].id,
        state=state,
        period_date=period_date or DAY_IN_PERIOD,
        facility=stay.facility,
        department_code=kwargs.pop("department_code", stay.department_code),
        is_wmr=is_wmr,
        computed_on=TODAY,
        **kwargs,
    )


def bulk_results(facility, count: int, *, measures=(MEASURE,), states=("met", "met", "met", "not_met")) -> list:
    """``count`` bare stays of ``facility`` (no care team) with a result for each of ``measures`` in Q4 2026, the
    states cycling through ``states``; bulk inserts, for query budgets over many stays."""
    from compliance.catalogue import by_measure
    from compliance.models import StayIndicator
    from patients.models import Patient, Stay

    start = Stay.objects.count()
    patients = Patient.objects.bulk_create(
        Patient(facility=facility, last_name=f"Bulk{start + i:05d}Q", first_name="Q", birth_date=dt.date(1970, 1, 1))
        for i in range(count)
    )
    stays = Stay.objects.bulk_create(
        Stay(
            number=f"B-{facility.pk}-{start + i:06d}",
            patient=patient,
            facility=facility,
            admission_date=DAY_IN_PERIOD,
            discharge_date=dt.date(2026, 12, 7),
            status="admitted",
        )
        for i, patient in enumerate(patients)
    )
    StayIndicator.objects.bulk_create(
        StayIndicator(
            stay=stay,
            measure=measure,
            recommendation=by_measure()[measure].id,
            state=states[i % len(states)],
            period_date=DAY_IN_PERIOD,
            facility=facility,
            department_code=stay.department_code,
            is_wmr=True,
            computed_on=TODAY,
        )
        for i, stay in enumerate(stays)
        for measure in measures
    )
    return stays
