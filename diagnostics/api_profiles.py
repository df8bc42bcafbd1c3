"""REST API of the diagnostics part (read only, the UI's permissions): a stay's profiles with the current rating per
dimension, rater profession and A-1 aggregates, and its diagnostic sessions with the rec 4.1 state.
404 outside the care team; every read is audit-logged."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from diagnostics.models import Profile
from diagnostics.rules import diagnostics_at_start
from diagnostics.selectors import session_facts, stay_profiles, stay_sessions, summaries
from wmr import audit
from wmr.access import stay_or_404


class ProfileDimensionSerializer(serializers.Serializer):
    code = serializers.CharField(source="dimension.code")
    number = serializers.IntegerField(source="dimension.number")
    name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["rated", "not_assessable", "not_rated"], help_text=_("not rated / not assessable are never 0 (S-3)")
    )
    value = serializers.IntegerField(source="current.value", allow_null=True, default=None)
    reason = serializers.CharField(source="current.reason", default="")
    anchor = serializers.CharField(source="current.anchor", default="")
    rater = serializers.CharField(source="current.rater.display_name", allow_null=True, default=None)
    profession = serializers.CharField(source="current.profession", allow_null=True, default=None)
    recorded_at = serializers.DateTimeField(source="current.recorded_at", allow_null=True, default=None)
    entries = serializers.SerializerMethodField(help_text=_("number of rating rows, corrections included"))

    def get_entries(self, row) -> int:
        return len(row.history)


class ProfileAggregatesSerializer(serializers.Serializer):
    dimensions = serializers.IntegerField()
    rated = serializers.IntegerField(source="n", help_text=_("n: dimensions with a rating (A-1)"))
    mean = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True, help_text=_("over the rated"))
    total = serializers.IntegerField(allow_null=True, help_text=_("only when every dimension is rated"))


class ContributorSerializer(serializers.Serializer):
    profession = serializers.CharField()
    raters = serializers.ListField(child=serializers.CharField())
    dimensions = serializers.ListField(child=serializers.CharField())


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="profile.pk")
    kind = serializers.CharField(source="profile.kind")
    timepoint = serializers.CharField(source="profile.timepoint")
    instrument_code = serializers.CharField(source="profile.instrument.code")
    instrument_version = serializers.CharField(source="profile.instrument.version")
    instrument_name = serializers.CharField(source="name")
    instrument_is_official = serializers.BooleanField(source="profile.instrument.is_official")
    reference_context = serializers.CharField(source="profile.reference_context")
    reference_job_title = serializers.CharField(source="profile.reference_job_title")
    job_description = serializers.IntegerField(source="profile.job_description_id", allow_null=True)
    evidence_sources = serializers.ListField(source="profile.evidence_sources", child=serializers.CharField())
    rated_on = serializers.DateField(source="profile.rated_on")
    dimensions = ProfileDimensionSerializer(source="rows", many=True)
    aggregates = ProfileAggregatesSerializer()
    contributors = ContributorSerializer(many=True)
    interprofessional_warning = serializers.CharField(source="warning", allow_null=True)


@extend_schema(
    summary=_("Capacity, demand and self profiles of a stay of your care teams"),
    responses=ProfileSerializer(many=True),
)
class StayProfileList(generics.GenericAPIView):
    serializer_class = ProfileSerializer
    queryset = Profile.objects.none()  # for the schema only: get() reads through the selectors
    pagination_class = None  # a stay has a handful of profiles

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        data = ProfileSerializer(summaries(stay_profiles(stay)), many=True).data
        audit.log(stay, "diagnostics.profile.api_listed", user=request.user)
        return Response(data)


class DiagnosticSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    phase = serializers.CharField()
    held_on = serializers.DateField()
    minutes = serializers.IntegerField()
    professions = serializers.ListField(child=serializers.CharField())
    content = serializers.CharField()


class StartStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["met", "late", "open", "overdue"])
    due_day = serializers.IntegerField()
    due_date = serializers.DateField()
    minutes = serializers.IntegerField()
    professions = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class StaySessionsSerializer(serializers.Serializer):
    diagnostics_at_start = StartStateSerializer(help_text=_("rec 4.1: ≥ 90 minutes, ≥ 2 professions, by day 10"))
    sessions = DiagnosticSessionSerializer(many=True)


@extend_schema(
    summary=_("Diagnostic sessions of a stay of your care teams, with the rec 4.1 state"),
    responses=StaySessionsSerializer,
)
class StayDiagnosticSessionList(generics.GenericAPIView):
    serializer_class = StaySessionsSerializer
    pagination_class = None

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        sessions = list(stay_sessions(stay))
        start = diagnostics_at_start(session_facts(sessions), admission=stay.admission_date, today=timezone.localdate())
        data = StaySessionsSerializer({"diagnostics_at_start": start, "sessions": sessions}).data
        audit.log(stay, "diagnostics.session.api_listed", user=request.user)
        return Response(data)


urlpatterns = [
    path("stays/<int:stay_pk>/profiles/", StayProfileList.as_view(), name="stay-profiles"),
    path(
        "stays/<int:stay_pk>/diagnostic-sessions/", StayDiagnosticSessionList.as_view(), name="stay-diagnostic-sessions"
    ),
]
