"""Reads of the FHIR export: everything one stay's bundle needs, in a constant number of queries however many
screenings, profiles, ratings, goals, steps, consents or documents the stay has (prefetches, no query per row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Profile
from diagnostics.selectors import stay_profiles
from goals.models import AgreementStatus, GoalAgreement
from goals.selectors import stay_agreements
from patients.models import Consent, Document, Stay
from reintegration.models import GradedReturnPlan, PlanStep
from screening.models import ScreeningResult


@dataclass
class StayRecord:
    """One stay with the rows its FHIR bundle maps (all loaded; the mapping in ``interop.fhir`` runs no query)."""

    stay: Stay
    consents: list[Consent] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    screenings: list[ScreeningResult] = field(default_factory=list)  # in force (not corrected later), oldest first
    profiles: list[Profile] = field(default_factory=list)  # with instrument and ratings, oldest first
    agreement: GoalAgreement | None = None  # the agreed version in force, else the newest draft
    plan: GradedReturnPlan | None = None  # the newest version of the graded return-to-work plan


def current_agreement(versions: list[GoalAgreement]) -> GoalAgreement | None:
    """The version agreed with the patient now in force; without one the newest version (a draft)."""
    agreed = next((v for v in versions if v.status == AgreementStatus.AGREED), None)
    return agreed or (versions[0] if versions else None)


def stay_record(stay: Stay) -> StayRecord:
    """Load the stay's rows for the export. ``stay`` comes with patient and facility (``stay_for_user``).

    Queries: consents, documents (with their bytes: FHIR wants a SHA-1 of the content), screenings (with
    instrument), profiles + ratings, agreements + goals + reviews + outcomes, plan + steps + vacations — twelve at
    most, whatever the number of rows."""
    screenings = list(
        ScreeningResult.objects.filter(stay=stay)
        .select_related("instrument", "entered_by")
        .order_by("completed_at", "id")
    )
    corrected = {result.corrects_id for result in screenings if result.corrects_id}
    profiles = sorted(stay_profiles(stay), key=lambda p: (p.rated_on, p.pk))
    versions = list(stay_agreements(stay, with_outcomes=True))
    plan = (
        GradedReturnPlan.objects.filter(stay=stay)
        .prefetch_related(Prefetch("steps", queryset=PlanStep.objects.order_by("position")), "vacations")
        .order_by("-version")
        .first()
    )
    for row in [*screenings, *profiles, *versions, *([plan] if plan else [])]:
        row.stay = stay  # no query for row.stay
    return StayRecord(
        stay=stay,
        consents=list(Consent.objects.filter(stay=stay).order_by("given_on", "id")),
        documents=list(Document.objects.filter(stay=stay).select_related("created_by").order_by("created_at", "id")),
        screenings=[result for result in screenings if result.pk not in corrected],
        profiles=profiles,
        agreement=current_agreement(versions),
        plan=plan,
    )


def stay_bundle(stay: Stay, *, include_content: bool = False):
    """The stay's FHIR Bundle as of now: identifiers and download links under ``settings.PUBLIC_BASE_URL`` (the same
    for the API, the page download and the command), German texts (the record's language)."""
    from interop import fhir  # the mapping imports this module for StayRecord

    base_url = settings.PUBLIC_BASE_URL.rstrip("/")

    def download_url(document: Document) -> str:
        return base_url + reverse("patients:document-download", args=[stay.pk, document.pk])

    return fhir.build_bundle(
        stay_record(stay),
        base_url=base_url,
        now=timezone.now(),
        today=timezone.localdate(),
        download_url=download_url,
        include_content=include_content,
        language=(settings.LANGUAGE_CODE or "de")[:2],
    )
