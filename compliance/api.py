"""REST API of the compliance app (included into wmr.api_urls under the "api" namespace; no app_name here).

- ``compliance/facilities/<id>/indicators/``: the dashboard's aggregates of one facility and period (+ the
  dashboard's filters), the same rows as the CSV/XLSX export (``compliance.exports.dashboard_rows``). Management of
  that facility only; everyone else 404. Bad parameters ("2026-Q5", an unknown team member) → 400 with the message.
- ``stays/<id>/indicators/``: every indicator of one stay, computed live (``registry.stay_results``), with the reason
  in words. Like every stay API: the care team only, else 404 — management reads aggregates, not stays.

Both reads are audit-logged.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from compliance import exports, registry, selectors
from compliance.catalogue import by_measure
from compliance.forms_dashboard import WMR_CHOICES, DashboardFilterForm
from patients.models import DepartmentCode
from staff.models import Role
from wmr import audit
from wmr.access import stay_or_404
from wmr.indicators import IndicatorState

GRADES = ["shall", "should", "may"]
LIGHTS = ["green", "amber", "red", "none"]


def _rate_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, **kwargs)


class ComplianceTrendPointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=_("quarter, e.g. 2026-Q3"))
    rate = _rate_field(help_text=_("percent; null: no data"))


class ComplianceIndicatorRowSerializer(serializers.Serializer):
    section = serializers.CharField()
    section_label = serializers.CharField()
    recommendation = serializers.CharField(help_text=_("recommendation id, e.g. 5.3"))
    grade = serializers.ChoiceField(choices=GRADES)
    summary = serializers.CharField()
    numerator = serializers.IntegerField(help_text=_("stays that met the recommendation"))
    denominator = serializers.IntegerField(help_text=_("stays counted: met and not met"))
    rate = _rate_field(help_text=_("percent; null: no data (never 0 %)"))
    target_percent = serializers.IntegerField(allow_null=True, help_text=_("the bar the recommendation names"))
    light = serializers.ChoiceField(choices=LIGHTS, help_text=_("traffic light by grade; none: no data"))
    not_yet_due = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    facility_level = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    trend = ComplianceTrendPointSerializer(many=True, help_text=_("the last four quarters, oldest first"))


class ComplianceFacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CompliancePeriodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class ComplianceFiltersSerializer(serializers.Serializer):
    department = serializers.CharField(allow_null=True)
    wmr = serializers.BooleanField(allow_null=True)
    team = serializers.IntegerField(allow_null=True, source="team_user_id")


class ComplianceThresholdsSerializer(serializers.Serializer):
    shall = serializers.IntegerField(help_text=_("a “shall” below this percentage is red"))
    should = serializers.IntegerField(help_text=_("a “should” below this percentage is amber"))
    may = serializers.IntegerField(help_text=_("a “may” below this percentage is amber"))


class ComplianceFacilityIndicatorsSerializer(serializers.Serializer):
    facility = ComplianceFacilityRefSerializer()
    period = CompliancePeriodSerializer()
    filters = ComplianceFiltersSerializer()
    today = serializers.DateField(help_text=_("the day the results are as of"))
    stays = serializers.IntegerField(help_text=_("stays in the period after the filters"))
    thresholds = ComplianceThresholdsSerializer()
    indicators = ComplianceIndicatorRowSerializer(many=True)


def _row_data(row: exports.ExportRow) -> dict:
    data = {name: getattr(row, name) for name in ComplianceIndicatorRowSerializer().fields if name != "trend"}
    data["trend"] = [{"period": code, "rate": rate} for code, rate in row.trend]
    return data


PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, description=_("a quarter like 2026-Q3 or a month like 2026-07")),
    OpenApiParameter("department", OpenApiTypes.STR, enum=list(DepartmentCode.values)),
    OpenApiParameter("wmr", OpenApiTypes.STR, enum=[value for value, _label in WMR_CHOICES if value]),
    OpenApiParameter("team", OpenApiTypes.INT, description=_("stays whose care team includes this clinician")),
]


@extend_schema(
    summary=_("Compliance aggregates of one of your facilities (management)"),
    parameters=PARAMETERS,
    responses=ComplianceFacilityIndicatorsSerializer,
)
class FacilityIndicators(generics.GenericAPIView):
    serializer_class = ComplianceFacilityIndicatorsSerializer

    def get(self, request: Request, facility_pk: int) -> Response:
        if request.user.role != Role.MANAGEMENT:
            raise Http404
        query = request.query_params.copy()
        query["facility"] = str(facility_pk)
        form = DashboardFilterForm(query, user=request.user, today=timezone.localdate())
        if not form.is_valid():
            if "facility" in form.errors:
                raise Http404
            raise serializers.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        data = form.cleaned_data
        dashboard = selectors.facility_dashboard(
            facility=data["facility"], period=data["period"], filters=form.filters, today=form.today
        )
        payload = {
            "facility": dashboard.facility,
            "period": dashboard.period,
            "filters": dashboard.filters,
            "today": dashboard.today,
            "stays": dashboard.stays,
            "thresholds": dashboard.thresholds,
            "indicators": [_row_data(row) for row in exports.dashboard_rows(dashboard)],
        }
        audit.log(
            dashboard.facility, "compliance.api.facility_viewed", user=request.user, data=exports.audit_data(dashboard)
        )
        return Response(ComplianceFacilityIndicatorsSerializer(payload).data)


class ComplianceStayResultSerializer(serializers.Serializer):
    measure = serializers.CharField()
    recommendation = serializers.CharField()
    grade = serializers.ChoiceField(choices=GRADES)
    summary = serializers.CharField()
    state = serializers.ChoiceField(choices=IndicatorState.choices)
    reason = serializers.CharField(allow_blank=True)
    value = serializers.IntegerField(allow_null=True)
    target = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text=_("progress towards the target, capped at 100"))


class ComplianceStayIndicatorsSerializer(serializers.Serializer):
    stay = serializers.IntegerField()
    today = serializers.DateField()
    results = ComplianceStayResultSerializer(many=True)


@extend_schema(
    summary=_("Every indicator of a stay of your care teams, with the reason in words"),
    responses=ComplianceStayIndicatorsSerializer,
)
class StayIndicators(generics.GenericAPIView):
    serializer_class = ComplianceStayIndicatorsSerializer

    def get(self, request: Request, stay_pk: int) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        today = timezone.localdate()
        catalogue = by_measure()
        results = []
        for measure, result in registry.stay_results(stay, today).items():
            recommendation = catalogue.get(measure)
            results.append(
                {
                    "measure": measure,
                    "recommendation": recommendation.id if recommendation else "",
                    "grade": recommendation.grade if recommendation else "",
                    "summary": recommendation.summary if recommendation else "",
                    "state": result.state,
                    "reason": str(result.reason),
                    "value": result.value,
                    "target": result.target,
                    "percent": result.percent,
                    "_sort": recommendation.sort_key if recommendation else (999, 999),
                }
            )
        results.sort(key=lambda item: (item.pop("_sort"), item["measure"]))
        audit.log(stay, "compliance.api.stay_viewed", user=request.user, data={"measures": len(results)})
        return Response(ComplianceStayIndicatorsSerializer({"stay": stay.pk, "today": today, "results": results}).data)


urlpatterns = [
    path(
        "compliance/facilities/<int:facility_pk>/indicators/",
        FacilityIndicators.as_view(),
        name="compliance-facility-indicators",
    ),
    path("stays/<int:stay_pk>/indicators/", StayIndicators.as_view(), name="stay-indicators"),
]
