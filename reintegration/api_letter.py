"""REST API of the discharge letter: every version of a stay's letter with its status, socio-medical appraisal and
the hashes of its stored PDFs (the signed letter and the patient's copies), read only, with the UI's permissions
(404 outside the care team) and an audit row per read."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from reintegration.models import LetterStatus, WorkAbility
from reintegration.selectors_letter import stay_letter_state
from wmr import audit
from wmr.access import stay_or_404


class LetterDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    copy = serializers.IntegerField(allow_null=True, help_text=_("1 or 2 for the patient's copies (8.17)"))
    filename = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class LetterDiagnosisSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("ICD-10-GM"))
    text = serializers.CharField()


class LetterAppraisalSerializer(serializers.Serializer):
    ability_last_job = serializers.ChoiceField(choices=WorkAbility.choices, allow_blank=True)
    ability_general_market = serializers.ChoiceField(choices=WorkAbility.choices, allow_blank=True)
    positive_profile = serializers.CharField(allow_blank=True)
    negative_profile = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)
    vocational_rehab_recommended = serializers.BooleanField()
    vocational_rehab_reason = serializers.CharField(allow_blank=True)


class LetterVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    previous_version = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=LetterStatus.choices)
    diagnoses = LetterDiagnosisSerializer(many=True)
    appraisal = LetterAppraisalSerializer()
    signed_on = serializers.DateField(allow_null=True)
    signed_by = serializers.CharField(allow_null=True)
    copies_handed_over_on = serializers.DateField(allow_null=True)
    document = LetterDocumentSerializer(allow_null=True)
    copies = LetterDocumentSerializer(many=True)


class DischargeLetterStateSerializer(serializers.Serializer):
    signed_version = serializers.IntegerField(allow_null=True)
    draft_version = serializers.IntegerField(allow_null=True)
    copies_made = serializers.IntegerField(help_text=_("separate copies made of the signed version (8.17)"))
    copies_handed_over_on = serializers.DateField(allow_null=True)
    versions = LetterVersionSerializer(many=True)


def _document(document) -> dict | None:
    if document is None:
        return None
    return {
        "id": document.pk,
        "kind": document.kind,
        "copy": document.facts.get("copy"),
        "filename": document.filename,
        "sha256": document.sha256,
        "size": document.size,
        "created_at": document.created_at,
    }


def _version(v) -> dict:
    letter = v.letter
    return {
        "id": letter.pk,
        "version": letter.version,
        "previous_version": letter.previous.version if letter.previous else None,
        "status": letter.status,
        "diagnoses": letter.diagnoses,
        "appraisal": {
            "ability_last_job": letter.ability_last_job,
            "ability_general_market": letter.ability_general_market,
            "positive_profile": letter.positive_profile,
            "negative_profile": letter.negative_profile,
            "detail": letter.appraisal_detail,
            "vocational_rehab_recommended": letter.vocational_rehab_recommended,
            "vocational_rehab_reason": letter.vocational_rehab_reason,
        },
        "signed_on": letter.signed_on,
        "signed_by": letter.signed_by.display_name if letter.signed_by else None,
        "copies_handed_over_on": letter.copies_handed_over_on,
        "document": _document(v.document),
        "copies": [_document(d) for d in v.copies],
    }


@extend_schema(
    summary=_("The discharge letter of a stay of your care teams (versions, appraisal, stored PDFs)"),
    responses=DischargeLetterStateSerializer,
)
class StayDischargeLetter(generics.GenericAPIView):
    serializer_class = DischargeLetterStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        state = stay_letter_state(stay, timezone.localdate())
        data = {
            "signed_version": state.signed.letter.version if state.signed else None,
            "draft_version": state.draft.letter.version if state.draft else None,
            "copies_made": state.copies_made,
            "copies_handed_over_on": state.copies_handed_over_on,
            "versions": [_version(v) for v in state.versions],
        }
        audit.log(stay, "reintegration.letter.api_viewed", user=request.user)
        return Response(DischargeLetterStateSerializer(data).data)


urlpatterns = [
    path("stays/<int:stay_pk>/discharge-letter/", StayDischargeLetter.as_view(), name="stay-discharge-letter"),
]
