"""REST API of the team conference, with the UI's permissions: a stay's conference cases (the frozen comparison as
stored, the flags and the conference's decisions, the planned therapies). Read-only; audit-logged."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from diagnostics.models import ConferenceCase, ConferenceFlag, PlannedTherapy
from wmr import audit
from wmr.access import stay_or_404


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConferenceFlag
        fields = ["dimension", "status", "decision", "note"]


class PlannedTherapySerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code")
    item_kind = serializers.CharField(source="item.kind")
    item_name_de = serializers.CharField(source="item.name_de")
    item_name_en = serializers.CharField(source="item.name_en")

    class Meta:
        model = PlannedTherapy
        fields = [
            "id",
            "item_code",
            "item_kind",
            "item_name_de",
            "item_name_en",
            "focus",
            "dimensions",
            "minutes_per_week",
            "ended_on",
            "created_at",
        ]


class ConferenceCaseSerializer(serializers.ModelSerializer):
    conference_id = serializers.IntegerField(source="conference.pk")
    held_on = serializers.DateField(source="conference.held_on")
    snapshot = serializers.JSONField(help_text=_("The comparison as frozen at the conference (K-6)."))
    flags = FlagSerializer(many=True)
    planned_therapies = PlannedTherapySerializer(many=True)

    class Meta:
        model = ConferenceCase
        fields = [
            "id",
            "conference_id",
            "held_on",
            "capacity_profile",
            "demand_profile",
            "snapshot",
            "findings",
            "flags",
            "planned_therapies",
            "created_at",
        ]


@extend_schema_view(get=extend_schema(summary=_("Team-conference discussions of a stay of your care teams")))
class StayConferenceList(generics.ListAPIView):
    queryset = ConferenceCase.objects.none()  # tells the schema the model; the real queryset is per stay
    serializer_class = ConferenceCaseSerializer
    pagination_class = None  # a stay is discussed a handful of times

    def get_queryset(self) -> QuerySet[ConferenceCase]:
        if getattr(self, "swagger_fake_view", False):
            return ConferenceCase.objects.none()
        self.stay = stay_or_404(self.request.user, self.kwargs["stay_pk"])
        return (
            ConferenceCase.objects.filter(stay=self.stay)
            .select_related("conference")
            .prefetch_related(
                Prefetch("flags", queryset=ConferenceFlag.objects.order_by("id")),
                Prefetch("planned_therapies", queryset=PlannedTherapy.objects.select_related("item").order_by("id")),
            )
            .order_by("-conference__held_on", "-id")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.log(self.stay, "diagnostics.conference_case.api_listed", user=request.user)
        return response


urlpatterns = [
    path("stays/<int:stay_pk>/conferences/", StayConferenceList.as_view(), name="stay-conferences"),
]
