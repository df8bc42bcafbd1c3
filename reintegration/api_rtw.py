"""REST API of the return-to-work plan: a stay's plan (the current version and every version with steps and
stakeholders), read only, with the UI's permissions (404 outside the care team) and an audit row per read."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from reintegration import selectors_rtw as selectors
from reintegration.models import RtwPlan, RtwStakeholder, RtwStep
from wmr import audit
from wmr.access import stay_or_404


class RtwStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RtwStep
        fields = ["id", "position", "text", "due_on", "responsible"]
        read_only_fields = fields


class RtwStakeholderSerializer(serializers.ModelSerializer):
    contact_name = serializers.SerializerMethodField()
    consent_kind = serializers.CharField(source="consent.kind", read_only=True)
    consent_given_on = serializers.DateField(source="consent.given_on", read_only=True)
    consent_withdrawn_on = serializers.DateField(source="consent.withdrawn_on", allow_null=True, read_only=True)

    class Meta:
        model = RtwStakeholder
        fields = [
            "id",
            "kind",
            "role",
            "contact",
            "contact_name",
            "consent",
            "consent_kind",
            "consent_given_on",
            "consent_withdrawn_on",
        ]
        read_only_fields = fields

    def get_contact_name(self, obj: RtwStakeholder) -> str:
        if obj.contact is None:
            return ""
        return obj.contact.organisation or obj.contact.person


class RtwPlanSerializer(serializers.ModelSerializer):
    steps = RtwStepSerializer(many=True, read_only=True)
    stakeholders = RtwStakeholderSerializer(many=True, read_only=True)
    previous_version = serializers.IntegerField(source="previous.version", allow_null=True, read_only=True)

    class Meta:
        model = RtwPlan
        fields = [
            "id",
            "version",
            "previous_version",
            "status",
            "integration_goal",
            "goal_detail",
            "agreed_on",
            "note",
            "steps",
            "stakeholders",
        ]
        read_only_fields = fields


class RtwPlanStateSerializer(serializers.Serializer):
    documented = serializers.BooleanField(help_text=_("8.13: a version is agreed with the patient"))
    agreed_version = serializers.IntegerField(allow_null=True)
    draft_version = serializers.IntegerField(allow_null=True)
    stakeholders_without_valid_consent = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("stakeholder kinds of the current version whose consent is not valid today"),
    )
    current = RtwPlanSerializer(allow_null=True)
    versions = RtwPlanSerializer(many=True)


@extend_schema(summary=_("The return-to-work plan of a stay of your care teams"), responses=RtwPlanStateSerializer)
class StayRtwPlan(generics.GenericAPIView):
    serializer_class = RtwPlanStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        state = selectors.stay_rtw_state(stay, timezone.localdate())
        data = {
            "documented": state.documented,
            "agreed_version": state.agreed.version if state.agreed else None,
            "draft_version": state.draft.version if state.draft else None,
            "stakeholders_without_valid_consent": [s.stakeholder.kind for s in state.consent_problems],
            "current": state.current,
            "versions": state.versions,
        }
        audit.log(stay, "reintegration.rtw.api_viewed", user=request.user)
        return Response(RtwPlanStateSerializer(data).data)


urlpatterns = [
    path("stays/<int:stay_pk>/rtw-plan/", StayRtwPlan.as_view(), name="stay-rtw-plan"),
]
