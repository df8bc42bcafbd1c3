"""The FHIR export of a stay (issue 11): bundles validated by fhir.resources (R4B), round-tripped through its parser,
deterministic, constant in queries; the API, the page download and the command with their permissions and audit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from interop import fhir, selectors
from patients.models import Document, Stay
from reintegration import hamburg
from reintegration.services.plan import plan_input
from screening.models import ScreeningResult
from tests.conftest import login
from tests.interop.support import fill
from wmr.models import AuditEntry

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)
BASE = "https://wmr.klinik.example"


def loaded(stay) -> Stay:
    return Stay.objects.select_related("patient", "facility").get(pk=stay.pk)


def export(stay, *, now=NOW, include_content=False) -> Bundle:
    return fhir.build_bundle(
        selectors.stay_record(loaded(stay)),
        base_url=BASE,
        now=now,
        today=TODAY,
        download_url=lambda d: f"{BASE}/documents/{d.pk}",
        include_content=include_content,
    )


def resources(bundle, kind: str) -> list:
    return [entry.resource for entry in bundle.entry if entry.resource.get_resource_type() == kind]


@pytest.fixture
def full_stay(stay, treating_psychologist):
    fill(stay, 2, by=treating_psychologist)
    return stay


def test_a_stay_round_trips_through_the_library_parser(full_stay):
    bundle = export(full_stay)
    parsed = Bundle.model_validate_json(bundle.model_dump_json())
    assert (
        fhir.resource_counts(parsed)
        == fhir.resource_counts(bundle)
        == {
            "Patient": 1,
            "EpisodeOfCare": 1,
            "Questionnaire": 3,  # the screening instrument, the capacity scale and the demand scale of Mini-ICF-APP
            "QuestionnaireResponse": 4,  # 2 screenings, 2 profiles
            "Goal": 2,
            "CarePlan": 1,
            "Consent": 2,
            "DocumentReference": 2,
        }
    )
    assert parsed.type == "collection"
    (patient,) = resources(parsed, "Patient")
    assert patient.name[0].family == full_stay.patient.last_name
    assert str(patient.birthDate) == full_stay.patient.birth_date.isoformat()
    (episode,) = resources(parsed, "EpisodeOfCare")
    assert episode.status == "active"
    assert episode.identifier[0].value == full_stay.number
    assert episode.managingOrganization.identifier.system == fhir.IK_SYSTEM
    assert episode.managingOrganization.identifier.value == full_stay.facility.ik_number
    goals = resources(parsed, "Goal")
    assert [g.description.text for g in goals] == ["Goal 1", "Goal 2"]
    assert goals[0].lifecycleStatus == "active"
    assert goals[0].achievementStatus.coding[0].code == "achieved"
    assert goals[1].achievementStatus is None
    assert goals[0].target[0].detailString == "Target 1"


def test_references_between_entries_are_urn_uuids_that_resolve(full_stay):
    data = json.loads(export(full_stay).model_dump_json())
    full_urls = {entry["fullUrl"] for entry in data["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    assert len(full_urls) == len(data["entry"])

    def references(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = set(references(data))
    assert found and found <= full_urls


def test_two_exports_of_the_same_data_differ_only_in_timestamps(full_stay):
    first = json.loads(export(full_stay).model_dump_json())
    second = json.loads(export(full_stay, now=NOW + dt.timedelta(hours=3)).model_dump_json())
    assert first != second

    def without_timestamps(bundle: dict) -> dict:
        bundle = {**bundle, "timestamp": None, "meta": None}
        bundle["entry"] = [{**e, "resource": {**e["resource"], "meta": None}} for e in bundle["entry"]]
        return bundle

    assert without_timestamps(first) == without_timestamps(second)


def test_questionnaire_responses_carry_the_answers_and_point_at_their_questionnaire(full_stay):
    bundle = export(full_stay)
    urls = {f"{q.url}|{q.version}" for q in resources(bundle, "Questionnaire")}
    responses = resources(bundle, "QuestionnaireResponse")
    assert {r.questionnaire for r in responses} <= urls
    screening = next(r for r in responses if "screening" in r.questionnaire)
    answers = {item.linkId: item.answer[0] for item in screening.item}
    assert answers["age"].valueInteger == 52
    assert answers["sick_leave_now"].valueBoolean is True
    assert answers["employment_status"].valueCoding.code == "unemployed"
    assert float(answers["total"].valueDecimal) == 87.0
    assert answers["result"].valueCoding.code == "positive"
    profile = next(r for r in responses if "profile-mini_icf_app-capacity" in r.questionnaire)
    assert [item.answer[0].valueCoding.code for item in profile.item] == ["0", "1", "2"]
    assert profile.status == "in-progress"  # three of thirteen dimensions rated


def test_a_corrected_screening_is_replaced_by_its_correction(full_stay, treating_psychologist):
    old = ScreeningResult.objects.filter(stay=full_stay).first()
    correction = ScreeningResult.objects.create(
        stay=full_stay,
        instrument=old.instrument,
        channel="staff",
        answers=old.answers,
        total=old.total,
        status="positive",
        corrects=old,
        correction_reason="typo",
    )
    responses = [r for r in resources(export(full_stay), "QuestionnaireResponse") if "screening" in r.questionnaire]
    values = {r.identifier.value: r.status for r in responses}
    assert str(old.pk) not in values
    assert values[str(correction.pk)] == "amended"


def test_the_graded_plan_is_a_care_plan_with_one_activity_per_step_and_its_dates(full_stay):
    (care_plan,) = resources(export(full_stay), "CarePlan")
    plan = selectors.stay_record(loaded(full_stay)).plan
    computed = hamburg.compute_plan(plan_input(plan))
    assert care_plan.status == "draft"
    assert care_plan.intent == "plan"
    periods = [(str(a.detail.scheduledPeriod.start), str(a.detail.scheduledPeriod.end)) for a in care_plan.activity]
    assert periods == [(s.starts_on.isoformat(), s.ends_on.isoformat()) for s in computed.steps]
    assert [a.detail.status for a in care_plan.activity] == ["not-started", "not-started"]
    assert str(care_plan.period.end) == computed.last_day.isoformat()


def test_consents_are_active_until_withdrawn(full_stay):
    statuses = sorted(c.status for c in resources(export(full_stay), "Consent"))
    assert statuses == ["active", "inactive"]


def test_documents_are_referenced_by_url_size_and_sha1_not_bytes(full_stay):
    references = resources(export(full_stay), "DocumentReference")
    documents = {str(d.pk): d for d in Document.objects.filter(stay=full_stay)}
    for reference in references:
        document = documents[reference.identifier[0].value]
        attachment = reference.content[0].attachment
        assert attachment.url == f"{BASE}/documents/{document.pk}"
        assert attachment.size == document.size
        assert attachment.contentType == "application/pdf"
        assert attachment.hash == hashlib.sha1(bytes(document.content)).digest()  # the model holds the bytes
        assert attachment.data is None
    as_json = json.loads(export(full_stay).model_dump_json())
    hashes = {e["resource"]["content"][0]["attachment"]["hash"] for e in as_json["entry"] if "content" in e["resource"]}
    assert hashes == {base64.b64encode(hashlib.sha1(bytes(d.content)).digest()).decode() for d in documents.values()}
    with_bytes = resources(export(full_stay, include_content=True), "DocumentReference")
    assert {r.content[0].attachment.data for r in with_bytes} == {bytes(d.content) for d in documents.values()}


def test_a_stay_without_screenings_profiles_goals_or_plan_still_exports_a_valid_bundle(stay):
    bundle = export(stay)
    parsed = Bundle.model_validate_json(bundle.model_dump_json())
    counts = fhir.resource_counts(parsed)
    assert counts["Patient"] == counts["EpisodeOfCare"] == 1
    assert sum(counts.values()) == 2
    assert fhir.counts_line(counts).startswith("Bundle: 1 Patient, 1 EpisodeOfCare, 0 Questionnaire")


def test_blank_texts_are_left_out_instead_of_failing_the_export(full_stay):
    from reintegration.models import GradedReturnPlan, PlanStep

    GradedReturnPlan.objects.filter(stay=full_stay).update(note="   ", supporting_measures="\n")
    PlanStep.objects.filter(plan__stay=full_stay).update(activities=" ", restrictions="\t")
    (care_plan,) = resources(export(full_stay), "CarePlan")
    assert care_plan.note is None
    assert all("desk work" not in (a.detail.description or "") for a in care_plan.activity)


def _queries(stay) -> int:
    with CaptureQueriesContext(connection) as captured:
        export(stay)
    return len(captured.captured_queries)


def test_the_export_costs_the_same_queries_at_two_data_sizes(
    make_stay, treating_psychologist, django_assert_max_num_queries
):
    small, large = make_stay(), make_stay()
    fill(small, 2, by=treating_psychologist)
    fill(large, 6, by=treating_psychologist)
    assert _queries(small) == _queries(large)
    # the stay itself + consents, documents, screenings, profiles, ratings, agreements, goals, reviews, outcomes,
    # plan, steps, vacations
    with django_assert_max_num_queries(13):
        export(large)


# --- API, page download, command -----------------------------------------------------------------------------------


def test_the_api_answers_fhir_json_to_the_care_team_and_logs_the_export(full_stay, treating_psychologist):
    client = login(treating_psychologist)
    url = reverse("api:stay-fhir", args=[full_stay.pk])
    response = client.get(url, HTTP_ACCEPT="application/fhir+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(response.content)
    assert fhir.resource_counts(bundle)["Goal"] == 2
    entry = AuditEntry.objects.get(action="interop.fhir_bundle.exported")
    assert (entry.stay_id, entry.patient_id, entry.user) == (full_stay.pk, full_stay.patient_id, treating_psychologist)
    assert entry.data["Goal"] == 2
    assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200


def test_the_api_answers_404_outside_the_care_team_and_for_unknown_stays(full_stay, other_team_clinician):
    client = login(other_team_clinician)
    assert client.get(reverse("api:stay-fhir", args=[full_stay.pk])).status_code == 404
    assert client.get(reverse("api:stay-fhir", args=[full_stay.pk + 1000])).status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="interop.").exists()


def test_the_page_download_is_an_attachment_and_audited(full_stay, social_worker, other_team_clinician):
    url = reverse("interop:stay-fhir-download", args=[full_stay.pk])
    response = login(social_worker).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{full_stay.number}-fhir.json"'
    Bundle.model_validate_json(response.content)
    assert AuditEntry.objects.filter(action="interop.fhir_bundle.downloaded", stay_id=full_stay.pk).count() == 1
    assert login(other_team_clinician).get(url).status_code == 404
    assert AuditEntry.objects.filter(action__startswith="interop.").count() == 1


def test_the_overview_links_the_download(full_stay, treating_psychologist):
    response = login(treating_psychologist).get(reverse("cases:overview", args=[full_stay.pk]))
    assert reverse("interop:stay-fhir-download", args=[full_stay.pk]) in response.content.decode()


def test_the_command_prints_the_counts_and_writes_the_file(full_stay, tmp_path, capsys):
    out = tmp_path / "bundle.json"
    call_command("export_fhir", "--stay", str(full_stay.pk), "--out", str(out))
    printed = capsys.readouterr().out
    assert "Bundle: 1 Patient, 1 EpisodeOfCare, 3 Questionnaire, 4 QuestionnaireResponse, 2 Goal, 1 CarePlan" in printed
    assert fhir.resource_counts(Bundle.model_validate_json(out.read_text())) == fhir.resource_counts(export(full_stay))
    entry = AuditEntry.objects.get(action="interop.fhir_bundle.exported")
    assert entry.user is None and entry.data["via"] == "manage.py export_fhir"


def test_the_command_refuses_an_unknown_stay(db):
    with pytest.raises(CommandError):
        call_command("export_fhir", "--stay", "999999")
    with pytest.raises(CommandError):
        call_command("export_fhir", "--stay", "abc")
