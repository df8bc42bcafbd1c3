"""REST API of the sick-leave history: a stay's periods, the 12-month window and its days, the triggers (BEM 8.2,
graded return 8.4) with their outcomes, the projection at discharge. Read only, with the UI's permissions (404
outside the care team) and an audit row per read."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from reintegration import selectors_sickleave as selectors
from reintegration.models import SickLeavePeriod, TriggerExamination, WorkSituation
from wmr import audit
from wmr.access import stay_or_404

BEM_RULES = ["", "calendar", "working_days", "both"]
TRIGGER_STATES = ["open", "overdue", "done", "late", "not_triggered"]
TRIGGER_SOURCES = ["", "admission", "discharge"]


class SickLeavePeriodSerializer(serializers.ModelSerializer):
    days_counted = serializers.IntegerField(help_text=_("days of this period inside the window before admission"))

    class Meta:
        model = SickLeavePeriod
        fields = ["id", "kind", "starts_on", "ends_on", "diagnosis_group", "note", "days_counted"]
        read_only_fields = fields


class SickLeaveVerdictSerializer(serializers.Serializer):
    reference = serializers.DateField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    calendar_days = serializers.IntegerField()
    working_days = serializers.IntegerField()
    working_days_per_week = serializers.IntegerField()
    working_day_limit = serializers.IntegerField()
    bem = serializers.BooleanField()
    bem_rule = serializers.ChoiceField(choices=BEM_RULES)
    bem_since = serializers.DateField(allow_null=True)
    grtw_min_days = serializers.IntegerField()
    grtw_due = serializers.BooleanField()
    episode_start = serializers.DateField(allow_null=True)
    episode_days = serializers.IntegerField()
    s74_due = serializers.BooleanField()
    s74_due_from = serializers.DateField(allow_null=True)


class TriggerExaminationSerializer(serializers.ModelSerializer):
    class Meta:
        model = TriggerExamination
        fields = ["id", "kind", "examined_on", "outcome", "note", "recorded_at"]
        read_only_fields = fields


class SickLeaveTriggerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    recommendation = serializers.CharField()
    active = serializers.BooleanField()
    source = serializers.ChoiceField(choices=TRIGGER_SOURCES)
    state = serializers.ChoiceField(choices=TRIGGER_STATES)
    reason = serializers.CharField()
    due_by = serializers.DateField(allow_null=True)
    examination = TriggerExaminationSerializer(allow_null=True)


class SickLeaveWorkSituationSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkSituation
        fields = [
            "working_days_per_week",
            "hours_per_day",
            "disability",
            "work_accident",
            "unemployment_benefit",
            "statutory_sick_pay",
            "job_risk",
            "updated_at",
        ]
        read_only_fields = fields


class SickLeaveStateSerializer(serializers.Serializer):
    summary = serializers.CharField()
    working_days_assumed = serializers.BooleanField(help_text=_("no work situation recorded: a 5-day week"))
    before_admission = SickLeaveVerdictSerializer()
    at_discharge = SickLeaveVerdictSerializer(allow_null=True)
    projected_summary = serializers.CharField(allow_blank=True)
    s74_note = serializers.CharField(allow_blank=True)
    periods = SickLeavePeriodSerializer(many=True)
    triggers = SickLeaveTriggerSerializer(many=True)
    examinations = TriggerExaminationSerializer(many=True)
    work_situation = SickLeaveWorkSituationSerializer(allow_null=True)


def _period(row) -> dict:
    period = row.period
    return {
        "id": period.pk,
        "kind": period.kind,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "diagnosis_group": period.diagnosis_group,
        "note": period.note,
        "days_counted": row.days_counted,
    }


@extend_schema(
    summary=_("The sick-leave history of a stay of your care teams and what it triggers"),
    responses=SickLeaveStateSerializer,
)
class StaySickLeave(generics.GenericAPIView):
    serializer_class = SickLeaveStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        state = selectors.stay_sick_leave_state(stay, timezone.localdate())
        data = {
            "summary": state.summary,
            "working_days_assumed": state.working_days_assumed,
            "before_admission": state.verdict,
            "at_discharge": state.projected,
            "projected_summary": state.projected_summary,
            "s74_note": state.s74_note,
            "periods": [_period(row) for row in state.periods],
            "triggers": state.triggers,
            "examinations": state.examinations,
            "work_situation": state.work_situation,
        }
        audit.log(stay, "reintegration.sick_leave.api_viewed", user=request.user)
        return Response(SickLeaveStateSerializer(data).data)


urlpatterns = [
    path("stays/<int:stay_pk>/sick-leave/", StaySickLeave.as_view(), name="stay-sick-leave"),
]
