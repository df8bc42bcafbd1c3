"""REST API of the screening app, with the UI's permissions: a stay's screenings (read, and staff submission),
its assignment state, and the quarterly screening-quota reports of one's facilities."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from screening import selectors
from screening.errors import InvalidAnswer, InvalidDefinition
from screening.models import (
    AssignmentDecision,
    Channel,
    CodeCorrection,
    ContraindicationCheck,
    MotivationRecord,
    NeedAssessment,
    QuotaReport,
    ScreeningResult,
)
from screening.services.results import result_record
from staff.models import Role
from wmr import audit
from wmr.access import stay_or_404
from wmr.parsers import JSONParser


class ScreeningResultSerializer(serializers.ModelSerializer):
    instrument_code = serializers.CharField(source="instrument.code", read_only=True, allow_null=True)
    instrument_version = serializers.CharField(source="instrument.version", read_only=True, allow_null=True)
    instrument_is_official = serializers.BooleanField(source="instrument.is_official", read_only=True, allow_null=True)
    corrects = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ScreeningResult
        fields = [
            "id",
            "instrument_code",
            "instrument_version",
            "instrument_is_official",
            "channel",
            "completed_at",
            "answers",
            "item_points",
            "scales",
            "total",
            "rule",
            "preset_code",
            "status",
            "missing",
            "not_possible_reason",
            "corrects",
            "correction_reason",
        ]
        read_only_fields = fields


class ScreeningSubmitSerializer(serializers.Serializer):
    """A questionnaire entered by staff (or typed in from paper), scored with the facility's instrument."""

    channel = serializers.ChoiceField(choices=[Channel.STAFF, Channel.PAPER], default=Channel.STAFF)
    answers = serializers.DictField(child=serializers.JSONField(), help_text=_("item code → answer"))
    completed_at = serializers.DateTimeField(required=False)


@extend_schema_view(
    get=extend_schema(summary=_("Screening results of a stay of your care teams")),
    post=extend_schema(
        summary=_("Submit a screening entered by staff"),
        request=ScreeningSubmitSerializer,
        responses={201: ScreeningResultSerializer},
    ),
)
class StayScreeningList(generics.ListCreateAPIView):
    queryset = ScreeningResult.objects.none()  # tells the schema the model; the real queryset is per stay
    serializer_class = ScreeningResultSerializer
    parser_classes = [JSONParser]
    pagination_class = None  # a stay has a handful of screenings

    def get_queryset(self) -> QuerySet[ScreeningResult]:
        if getattr(self, "swagger_fake_view", False):
            return ScreeningResult.objects.none()
        self.stay = stay_or_404(self.request.user, self.kwargs["stay_pk"])
        return selectors.stay_results(self.stay)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.log(self.stay, "screening.result.api_listed", user=request.user)
        return response

    def create(self, request: Request, *args, **kwargs) -> Response:
        stay = stay_or_404(request.user, kwargs["stay_pk"])
        if request.user.role != Role.CLINICIAN:
            raise Http404
        payload = ScreeningSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        completed_at = data.get("completed_at") or timezone.now()
        setting = selectors.setting_for(stay, timezone.localdate(completed_at))
        if setting is None:
            raise serializers.ValidationError(
                {"detail": [_("No screening instrument is set for this facility and department yet.")]}
            )
        try:
            result = result_record(
                stay=stay,
                instrument=setting.instrument,
                answers=data["answers"],
                rule=setting.rule,
                preset_code=setting.preset_code,
                channel=data["channel"],
                by=request.user,
                completed_at=completed_at,
            )
        except InvalidAnswer as exc:
            raise serializers.ValidationError({"answers": {exc.item: [exc.message]}}) from exc
        except InvalidDefinition as exc:
            raise serializers.ValidationError({"detail": [f"{e.path}: {e.message}" for e in exc.errors]}) from exc
        return Response(ScreeningResultSerializer(result).data, status=status.HTTP_201_CREATED)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssignmentDecision
        fields = ["id", "decision", "decided_on", "effective_from", "reason", "is_switch", "screening"]


class AssignmentStateSerializer(serializers.Serializer):
    department_code = serializers.CharField()
    target_code = serializers.CharField(allow_null=True)
    current_decision = DecisionSerializer(allow_null=True)
    decisions = DecisionSerializer(many=True)
    motivation = serializers.CharField(allow_null=True)
    contraindication_check_clear = serializers.BooleanField(allow_null=True)
    need_assessments = serializers.IntegerField()
    code_corrections = serializers.ListField(child=serializers.DictField())


@extend_schema(summary=_("The WMR assignment state of a stay of your care teams"), responses=AssignmentStateSerializer)
class StayAssignmentState(generics.GenericAPIView):
    serializer_class = AssignmentStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        decisions = list(AssignmentDecision.objects.filter(stay=stay).order_by("-decided_on", "-id"))
        motivation = MotivationRecord.objects.filter(stay=stay).order_by("-recorded_on", "-id").first()
        check = ContraindicationCheck.objects.filter(stay=stay).order_by("-checked_on", "-id").first()
        corrections = CodeCorrection.objects.filter(stay=stay).order_by("corrected_on", "id")
        current = decisions[0] if decisions else None
        state = {
            "department_code": stay.department_code,
            "target_code": current.target_code if current else None,
            "current_decision": current,
            "decisions": decisions,
            "motivation": motivation.motivation if motivation else None,
            "contraindication_check_clear": check.clear if check else None,
            "need_assessments": NeedAssessment.objects.filter(stay=stay).count(),
            "code_corrections": [
                {
                    "from_code": c.from_code,
                    "to_code": c.to_code,
                    "corrected_on": c.corrected_on.isoformat(),
                    "reference": c.reference,
                }
                for c in corrections
            ],
        }
        audit.log(stay, "screening.assignment.api_viewed", user=request.user)
        return Response(AssignmentStateSerializer(state).data)


class QuotaReportSerializer(serializers.ModelSerializer):
    facility = serializers.CharField(source="facility.name")

    class Meta:
        model = QuotaReport
        fields = [
            "id",
            "facility",
            "year",
            "quarter",
            "status",
            "figures",
            "pdf_sha256",
            "csv_sha256",
            "built_at",
            "shared_at",
        ]


class MayReadReports(permissions.BasePermission):
    """Management and clinicians of the report's facility (the quotas are aggregates, without names)."""

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.role in {Role.MANAGEMENT, Role.CLINICIAN}


@extend_schema_view(
    get=extend_schema(summary=_("Quarterly screening-quota reports of your facilities")),
)
class QuotaReportList(generics.ListAPIView):
    queryset = QuotaReport.objects.none()  # tells the schema the model; the real queryset is per user
    serializer_class = QuotaReportSerializer
    permission_classes = [permissions.IsAuthenticated, MayReadReports]

    def get_queryset(self) -> QuerySet[QuotaReport]:
        if getattr(self, "swagger_fake_view", False):
            return QuotaReport.objects.none()
        return (
            QuotaReport.objects.filter(facility__in=self.request.user.facilities.all())
            .select_related("facility")
            .defer("pdf", "csv")
            .order_by("-year", "-quarter", "facility__name")
        )
