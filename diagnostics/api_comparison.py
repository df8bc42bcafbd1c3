"""REST API of the profile comparison: the admission and discharge comparisons of a stay of one's care teams, per
dimension (mini_icf_app.md §6, K-3 statuses), read only, audit-logged; 404 outside the care team."""

from __future__ import annotations

from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from diagnostics.comparison import STATUS_ORDER, summary_text
from diagnostics.selectors_comparison import ComparisonView, stay_comparisons
from wmr import audit
from wmr.access import stay_or_404

STATUSES = [status.value for status in STATUS_ORDER]


class InstrumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    capacity_version = serializers.CharField()
    demand_version = serializers.CharField()
    name = serializers.CharField()
    is_official = serializers.BooleanField()


class ProfileRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rated_on = serializers.DateField()
    timepoint = serializers.CharField()
    reference_context = serializers.CharField(allow_blank=True)


class DimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    I = serializers.IntegerField(  # noqa: E741 - the rating's name in mini_icf_app.md
        allow_null=True, help_text=_("capacity rating as entered; null = not rated or not assessable")
    )
    C = serializers.IntegerField(allow_null=True, help_text=_("capacity level on the demand scale (K-1)"))
    D = serializers.IntegerField(allow_null=True, help_text=_("demand level; null = not rated or not assessable"))
    gap = serializers.IntegerField(allow_null=True, help_text=_("D − C (K-2); null when not computed"))
    status = serializers.ChoiceField(choices=STATUSES)
    status_label = serializers.CharField()
    reason = serializers.CharField(allow_blank=True, help_text=_("why not assessable"))


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class AggregatesSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text=_("rated dimensions of the capacity profile"))
    mean = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    sum = serializers.IntegerField(allow_null=True, help_text=_("only when every dimension is rated"))


class ComparisonSerializer(serializers.Serializer):
    instrument = InstrumentSerializer()
    capacity_profile = ProfileRefSerializer()
    demand_profile = ProfileRefSerializer()
    refused = serializers.CharField(allow_blank=True, help_text=_("why the profiles cannot be compared (K-7)"))
    rule_version = serializers.CharField(allow_blank=True)
    underload_min_reserve = serializers.IntegerField(allow_null=True)
    warnings = WarningSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("rows per status"))
    summary = serializers.DictField(child=serializers.IntegerField(), help_text=_("over / fit / under"))
    summary_text = serializers.CharField(allow_blank=True)
    max_gap = serializers.IntegerField(allow_null=True)
    overloads = serializers.ListField(child=serializers.CharField(), help_text=_("dimension codes, K-9 order"))
    dimensions = DimensionSerializer(many=True, help_text=_("K-9 order"))
    aggregates = AggregatesSerializer()


class ChangeSerializer(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.IntegerField()
    earlier = serializers.IntegerField(allow_null=True)
    later = serializers.IntegerField(allow_null=True)
    delta = serializers.IntegerField(allow_null=True, help_text=_("ΔI = discharge − admission (A-3)"))


class StayComparisonSerializer(serializers.Serializer):
    stay = serializers.IntegerField()
    admission = ComparisonSerializer(allow_null=True)
    discharge = ComparisonSerializer(allow_null=True)
    capacity_change = ChangeSerializer(many=True)


def _profile(profile) -> dict:
    return {
        "id": profile.pk,
        "rated_on": profile.rated_on,
        "timepoint": profile.timepoint,
        "reference_context": profile.reference_context,
    }


def _comparison(view: ComparisonView | None, language: str) -> dict | None:
    if view is None:
        return None
    comparison = view.comparison
    aggregates = view.aggregates
    data = {
        "instrument": {
            "code": view.capacity_definition.code,
            "capacity_version": view.capacity_definition.version,
            "demand_version": view.demand_definition.version,
            "name": view.capacity_definition.name(language),
            "is_official": not view.is_demo,
        },
        "capacity_profile": _profile(view.capacity),
        "demand_profile": _profile(view.demand),
        "refused": view.refused,
        "aggregates": {"n": aggregates.n, "mean": aggregates.mean, "sum": aggregates.total},
        "rule_version": "",
        "underload_min_reserve": None,
        "warnings": [],
        "counts": {},
        "summary": {},
        "summary_text": "",
        "max_gap": None,
        "overloads": [],
        "dimensions": [],
    }
    if comparison is not None:
        data.update(
            rule_version=comparison.rule_version,
            underload_min_reserve=comparison.underload_min_reserve,
            warnings=[
                {"code": code, "message": text}
                for code, text in zip(comparison.warnings, comparison.warning_texts(), strict=True)
            ],
            counts=comparison.counts,
            summary=comparison.category_counts,
            summary_text=summary_text(comparison, language),
            max_gap=comparison.max_gap,
            overloads=[row.code for row in comparison.overloads],
            dimensions=[
                {
                    "code": row.code,
                    "number": row.number,
                    "name": row.name(language),
                    "I": row.capacity_rating,
                    "C": row.capacity_level,
                    "D": row.demand,
                    "gap": row.gap,
                    "status": row.status.value,
                    "status_label": row.status.label,
                    "reason": row.reason,
                }
                for row in comparison.rows
            ],
        )
    return data


@extend_schema(
    summary=_("The profile comparison of a stay of your care teams (admission and discharge, per dimension)"),
    responses=StayComparisonSerializer,
)
class StayComparison(generics.GenericAPIView):
    serializer_class = StayComparisonSerializer
    pagination_class = None

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        language = (translation.get_language() or "de")[:2]
        data = stay_comparisons(stay)
        payload = {
            "stay": stay.pk,
            "admission": _comparison(data.admission, language),
            "discharge": _comparison(data.discharge, language),
            "capacity_change": [vars(change) for change in data.change.values()],
        }
        audit.log(stay, "diagnostics.comparison.api_viewed", user=request.user)
        return Response(StayComparisonSerializer(payload).data)


urlpatterns = [
    path("stays/<int:stay_pk>/comparison/", StayComparison.as_view(), name="stay-comparison"),
]
