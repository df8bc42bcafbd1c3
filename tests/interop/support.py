"""Test data of the FHIR export: ``fill(stay, n)`` gives a stay n of everything a bundle maps (screenings, profiles
with ratings, goals of an agreed version, steps of a graded plan, consents, stored documents)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from diagnostics.models import JobDescription, Profile, ProfileInstrument, ProfileRating
from goals.models import Goal, GoalAgreement, GoalOutcome, GoalReview
from patients.models import Consent
from patients.services import RenderedDocument, document_store
from reintegration.models import GradedReturnPlan, PlanStep
from screening.instruments import loader
from screening.models import InstrumentVersion, ScreeningResult
from staff.models import Profession

D = dt.date
ANSWERS = {
    "age": 52,
    "employment_status": "unemployed",
    "sick_leave_now": True,
    "sick_leave_12m": "3_to_6_months",
    "limitation": 7,
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}
CONSENT_KINDS = ["health_data", "employer", "occupational_physician", "payer", "treating_practitioners"]


def simbo() -> InstrumentVersion:
    definition = loader.load_definition("simbo_c_demo_1")
    instrument, _ = InstrumentVersion.objects.get_or_create(
        code=definition["code"],
        version=definition["version"],
        defaults={
            "variant": definition.get("variant", ""),
            "name_de": definition["name_de"],
            "name_en": definition["name_en"],
            "is_official": False,
            "definition": definition,
        },
    )
    return instrument


def fill(stay, n: int, *, by=None) -> None:
    instrument = simbo()
    for i in range(n):
        ScreeningResult.objects.create(
            stay=stay,
            instrument=instrument,
            channel="staff",
            entered_by=by,
            completed_at=dt.datetime(2026, 10, 20 + i, 9, tzinfo=dt.UTC),
            answers=ANSWERS,
            scales={"total": "87.0"},
            total=Decimal("87.0"),
            status="positive",
        )
    mini_icf = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    job = JobDescription.objects.create(
        stay=stay, job_title="clerk", main_tasks="phone", source="patient_interview", recorded_on=D(2026, 11, 3)
    )
    dimensions = [d["code"] for d in mini_icf.definition["dimensions"]]
    for i in range(n):
        kind = "demand" if i % 2 else "capacity"
        profile = Profile.objects.create(
            stay=stay,
            kind=kind,
            instrument=mini_icf,
            reference_context="" if kind == "demand" else "concrete_job",
            job_description=job if kind == "demand" else None,
            rated_on=D(2026, 11, 4 + i),
            created_by=by,
        )
        for j, code in enumerate(dimensions[: 3 + i]):
            ProfileRating.objects.create(
                profile=profile, dimension=code, value=j % 5, rater=by, profession=Profession.PSYCHOLOGIST
            )
    agreement = GoalAgreement.objects.create(
        stay=stay, version=1, status="agreed", written_on=D(2026, 11, 3), agreed_on=D(2026, 11, 4), created_by=by
    )
    goals = [
        Goal.objects.create(
            agreement=agreement,
            position=i + 1,
            area="work",
            text=f"Goal {i + 1}",
            target=f"Target {i + 1}",
            responsible="patient",
            review_on=D(2026, 11, 20),
        )
        for i in range(n)
    ]
    review = GoalReview.objects.create(agreement=agreement, occasion="after_diagnostics", reviewed_on=D(2026, 11, 10))
    GoalOutcome.objects.create(review=review, goal=goals[0], outcome="achieved")
    plan = GradedReturnPlan.objects.create(stay=stay, starts_on=D(2026, 12, 14), status="draft")
    for i in range(n):
        PlanStep.objects.create(
            plan=plan, position=i + 1, weeks=2, pattern=[{"days": 5, "hours": str(2 + i)}], activities="desk work"
        )
    for i in range(n):
        Consent.objects.create(
            stay=stay,
            kind=CONSENT_KINDS[i % len(CONSENT_KINDS)],
            given_on=D(2026, 11, 2),
            withdrawn_on=D(2026, 11, 20) if i == 1 else None,
        )
    for i in range(n):
        rendered = RenderedDocument(f"letter-{i}.pdf", "application/pdf", b"%PDF-1.7 letter " + bytes([i]))
        document_store(by=by, stay=stay, kind="discharge_letter", rendered=rendered)
