"""The synthetic generator's reintegration part: work situation, sick leave and its examinations, graded and
return-to-work plans, discharge-letter metadata with placeholder PDFs; nothing after a stay's last day, nothing for
invited stays, deterministic, and the app's pages, rules and indicators work on the rows (issue 10)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from patients.models import Document, Stay
from reintegration import documents_letter, hamburg, sickleave
from reintegration.models import (
    DischargeLetter,
    GradedReturnPlan,
    PlanConsent,
    RtwPlan,
    SickLeavePeriod,
    TriggerExamination,
    WorkSituation,
)
from reintegration.selectors_indicators import stay_rtw_indicators
from reintegration.services import plan as plan_services
from synthetic import reintegration as synthetic_reintegration
from tests.synthetic.conftest import TODAY

pytestmark = pytest.mark.django_db


def _last_day(stay: Stay) -> datetime.date:
    if stay.status == "discharged":
        return stay.discharge_date
    return min(TODAY - datetime.timedelta(days=1), stay.discharge_date)


def _synthetic_stays():
    return Stay.objects.filter(facility__name__startswith="Synthetische Klinik")


def test_constants_agree_with_the_letter_module():
    assert synthetic_reintegration.TEMPLATE_VERSION == documents_letter.TEMPLATE_VERSION
    assert list(synthetic_reintegration.SECTION_KEYS) == list(documents_letter.SECTION_KEYS)


def test_letters_with_placeholder_documents(synthetic_small):
    discharged = _synthetic_stays().filter(status="discharged")
    assert discharged.exists()
    for stay in discharged:
        letters = list(DischargeLetter.objects.filter(stay=stay))
        assert len(letters) == 1 and letters[0].version == 1
        letter = letters[0]
        assert letter.diagnoses and letter.ability_last_job and letter.ability_general_market
        if letter.status == "draft":
            assert letter.signed_on is None and letter.document_id is None
            continue
        assert letter.status == "signed"
        assert stay.admission_date <= letter.signed_on <= stay.discharge_date
        assert letter.signed_by.profession == "physician"
        document = letter.document
        content = bytes(document.content)
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
        assert document.facts["letter_id"] == letter.pk and document.facts["synthetic_placeholder"] is True
        assert letter.record_snapshot["therapies"]["total"] == sum(
            n for _k, n in letter.record_snapshot["therapies"]["minutes"]
        )
        copies = Document.objects.filter(stay=stay, kind="discharge_letter_copy", facts__letter_id=letter.pk)
        assert copies.count() in (0, 2)
        if letter.copies_handed_over_on:
            assert copies.count() == 2 and letter.copies_handed_over_on <= stay.discharge_date


def test_rows_within_the_stay_and_none_for_invited(synthetic_small):
    stays = {s.pk: s for s in _synthetic_stays()}
    invited = [pk for pk, s in stays.items() if s.status == "invited"]
    for model in (WorkSituation, SickLeavePeriod, TriggerExamination, GradedReturnPlan, RtwPlan, DischargeLetter):
        assert not model.objects.filter(stay_id__in=invited).exists(), model
    assert WorkSituation.objects.filter(stay_id__in=stays).exists()
    for period in SickLeavePeriod.objects.filter(stay_id__in=stays):
        assert period.ends_on < stays[period.stay_id].admission_date
    for examination in TriggerExamination.objects.filter(stay_id__in=stays):
        stay = stays[examination.stay_id]
        assert stay.admission_date <= examination.examined_on <= _last_day(stay)
    for plan in RtwPlan.objects.filter(stay_id__in=stays).prefetch_related("steps"):
        stay = stays[plan.stay_id]
        assert plan.created_at.date() <= _last_day(stay)
        assert plan.steps.exists()
        assert plan.agreed_on is None or stay.admission_date <= plan.agreed_on <= _last_day(stay)
    for consent in PlanConsent.objects.filter(plan__stay_id__in=stays).select_related("plan"):
        assert consent.on <= _last_day(stays[consent.plan.stay_id])


def test_graded_plans_follow_the_hamburg_rules(synthetic_small):
    plans = GradedReturnPlan.objects.filter(stay__in=_synthetic_stays()).select_related("stay")
    assert plans.exists()
    for plan in plans.prefetch_related("steps", "vacations", "consents"):
        stay = plan.stay
        plan_input = plan_services.plan_input(plan)  # the app's own reading of the stored steps
        assert plan.last_day == hamburg.compute_plan(plan_input).last_day
        for step in plan.steps.all():
            assert sum(entry["days"] for entry in step.pattern) == plan.working_days_per_week
        if plan.status in ("submitted", "approved"):
            facts = plan_services.plan_facts(stay)
            findings = hamburg.validate_plan(plan_input, facts, submitted_on=plan.submitted_on)
            assert not hamburg.errors(findings), findings
            assert plan.payer == hamburg.determine_payer(facts, plan.starts_on).payer
            assert not hamburg.counseling_missing(plan.counseling_topics)
            states = plan_services.consent_states(plan)
            assert not hamburg.consent_findings(states, facts)
            assert plan.submitted_on <= stay.discharge_date
        assert plan.created_at.date() <= _last_day(stay)


def test_trigger_rule_agrees_with_the_app(synthetic_small):
    for stay in _synthetic_stays().exclude(status="invited").filter(work_situation__isnull=False):
        periods = [
            sickleave.AbsenceFact(p.starts_on, p.ends_on, p.kind) for p in SickLeavePeriod.objects.filter(stay=stay)
        ]
        reference = stay.admission_date - datetime.timedelta(days=1)
        days_per_week = stay.work_situation.working_days_per_week
        verdict = sickleave.judge(
            periods, reference, working_days_per_week=days_per_week, grtw_min_days=settings.GRTW_EXAMINE_MIN_DAYS
        )
        assert synthetic_reintegration.triggers(periods, reference, days_per_week) == (verdict.bem, verdict.grtw_due)


def _summary() -> list[tuple]:
    letters = DischargeLetter.objects.values_list(
        "stay__number", "status", "signed_on", "ability_last_job", "diagnoses", "record_snapshot"
    )
    plans = GradedReturnPlan.objects.values_list("stay__number", "status", "starts_on", "last_day", "payer")
    periods = SickLeavePeriod.objects.values_list("stay__number", "starts_on", "ends_on")
    return [sorted(map(repr, letters)), sorted(map(repr, plans)), sorted(map(repr, periods))]


def test_same_seed_same_rows(db):
    summaries = []
    for _ in range(2):
        with transaction.atomic():
            call_command("seed_synthetic", stays=30, facilities=1, seed=5, per_year=120, today=TODAY, verbosity=0)
            summaries.append(_summary())
            transaction.set_rollback(True)
    assert summaries[0][0] and summaries[0] == summaries[1]


def test_pages_answer_for_the_care_team(client, synthetic_small):
    stays = _synthetic_stays()
    signed = DischargeLetter.objects.filter(stay__in=stays, status="signed").select_related("stay").first()
    graded = GradedReturnPlan.objects.filter(stay__in=stays).select_related("stay").first()
    rtw = RtwPlan.objects.filter(stay__in=stays).select_related("stay").first()
    for stay in (signed.stay, graded.stay, rtw.stay):
        client.force_login(stay.care_team.get(function="physician").user)
        for url in (
            reverse("reintegration:letter", args=[stay.pk]),
            reverse("reintegration:plan", args=[stay.pk]),
            reverse("reintegration:sick-leave", args=[stay.pk]),
            reverse("cases:overview", args=[stay.pk]),
        ):
            assert client.get(url).status_code == 200, url
        assert stay_rtw_indicators(stay, TODAY).rows
    client.force_login(signed.stay.care_team.get(function="physician").user)
    response = client.get(reverse("patients:document-download", args=[signed.stay_id, signed.document_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")
