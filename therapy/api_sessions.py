"""REST API of sessions, so a clinic's scheduling system can push held sessions: list and create the sessions of a
stay (one individual session per request) and of a group (one group session with bulk attendance per request).

Same permissions as the pages: a stay's sessions for its care team (writing: its clinicians), a group's for the
clinicians of its facility; everything else answers 404 (anonymous 403). Refusals of the services come back as 400
with the message at the field at fault; reads and writes are audit-logged.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from patients import api_lean
from patients.errors import DomainError, NotAllowed
from therapy import topics as catalogue
from therapy.models import Attendance, SessionKind, SessionStatus, TherapySession, WorkGroup
from therapy.selectors import facility_staff, group_for_user, group_sessions, stay_sessions_for_api
from therapy.services import sessions as services
from wmr import audit, stay_versions
from wmr.access import stay_or_404
from wmr.parsers import JSONParser

LOG_STATUSES = [SessionStatus.HELD, SessionStatus.PLANNED]


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["stay", "present", "late_minutes", "left_early_minutes", "minutes", "note"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = TherapySession
        fields = [
            "id",
            "kind",
            "group",
            "held_on",
            "start",
            "minutes",
            "status",
            "staff",
            "topics",
            "note",
            "cancel_reason",
            "version",
            "attendances",
        ]
        read_only_fields = fields


class _SessionInput(serializers.Serializer):
    held_on = serializers.DateField()
    start = serializers.TimeField(required=False, allow_null=True, default=None)
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    status = serializers.ChoiceField(choices=LOG_STATUSES, default=SessionStatus.HELD)
    staff = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("staff id; default: you")
    )
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=[t.code for t in catalogue.TOPICS]), required=False, default=list
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate_staff(self, value):
        if value is None:
            return None
        staff = facility_staff(self.context["facility_id"]).filter(pk=value).first()
        if staff is None:
            raise serializers.ValidationError(_("Not a clinician of this facility."))
        return staff


class SessionCreateSerializer(_SessionInput):
    """One session of one stay."""

    kind = serializers.ChoiceField(choices=SessionKind.choices)


class AttendeeSerializer(serializers.Serializer):
    stay = serializers.IntegerField(help_text=gettext_lazy("stay id (a member of the group on the date)"))
    present = serializers.BooleanField(default=True)
    late_minutes = serializers.IntegerField(min_value=0, max_value=600, default=0)
    left_early_minutes = serializers.IntegerField(min_value=0, max_value=600, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class GroupSessionCreateSerializer(_SessionInput):
    """One group session with every participant's attendance."""

    attendees = AttendeeSerializer(many=True, allow_empty=False)


def _refusal(error: DomainError) -> serializers.ValidationError:
    field = getattr(error, "field", None) or "detail"
    return serializers.ValidationError({field: [error.message]})


def _group_or_404(request: Request, group_pk) -> WorkGroup:
    group = group_for_user(request.user, int(group_pk))
    if group is None:
        raise Http404
    return group


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Sessions of a stay of your care teams (with the stay's attendance)")),
    post=extend_schema(
        summary=gettext_lazy("Log one session of a stay (e.g. pushed by a scheduling system)"),
        request=SessionCreateSerializer,
        responses={201: SessionSerializer},
    ),
)
class StaySessionList(generics.ListCreateAPIView):
    queryset = TherapySession.objects.none()  # tells the schema the model; the real queryset is per stay
    serializer_class = SessionSerializer
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[TherapySession]:
        if getattr(self, "swagger_fake_view", False):
            return TherapySession.objects.none()
        self.stay = stay_or_404(self.request.user, self.kwargs["stay_pk"])
        return stay_sessions_for_api(self.stay)

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from plain rows, the count in the page's query (patients.api_lean). Queries: the stay,
        # the count-and-page, the page's attendance rows of this stay (none for an empty page), the audit row. Cached
        # per reader and URL under the stay's version tokens (wmr.stay_versions: every write to the stay's sessions or
        # attendance changes them); the read is logged either way.
        self.get_queryset()  # the stay, with the care-team check: never from a cache

        def build() -> dict:
            plan = api_lean.plan_for(SessionSerializer)
            queryset = self.filter_queryset(self.get_queryset().select_related(None).prefetch_related(None))
            rows = api_lean.paginate_values(self.paginator, queryset, request, self, plan.lookups)
            id_at = plan.position("id")
            attendances: dict[int, list[dict]] = {row[id_at]: [] for row in rows}
            if attendances:
                attendance_plan = api_lean.plan_for(AttendanceSerializer)
                session_at = len(attendance_plan.lookups)
                # Attendance's own ordering, as the prefetch has it
                found = list(
                    Attendance.objects.filter(stay=self.stay, session_id__in=attendances).values_list(
                        *attendance_plan.lookups, "session_id"
                    )
                )
                for row, item in zip(found, attendance_plan.represent(found), strict=True):
                    attendances[row[session_at]].append(item)
            results = plan.represent(rows, {"attendances": lambda row: attendances[row[id_at]]})
            return self.get_paginated_response(results).data

        parts = f"{request.user.pk}:{translation.get_language()}:{request.build_absolute_uri()}"
        data = stay_versions.cached(self.stay.pk, "therapy.api.sessions", parts, build)
        audit.log(self.stay, "therapy.sessions.api_listed", user=request.user)
        return Response(data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        stay = stay_or_404(request.user, kwargs["stay_pk"])
        if not services.may_log_for_stay(request.user, stay):
            raise Http404
        payload = SessionCreateSerializer(data=request.data, context={"facility_id": stay.facility_id})
        payload.is_valid(raise_exception=True)
        try:
            session = services.session_log(
                by=request.user, stay=stay, today=timezone.localdate(), **payload.validated_data
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except DomainError as exc:
            raise _refusal(exc) from exc
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Sessions of a group of your facility, with attendance")),
    post=extend_schema(
        summary=gettext_lazy("Log one group session with the attendance of every participant"),
        request=GroupSessionCreateSerializer,
        responses={201: SessionSerializer},
    ),
)
class GroupSessionList(generics.ListCreateAPIView):
    queryset = TherapySession.objects.none()
    serializer_class = SessionSerializer
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[TherapySession]:
        if getattr(self, "swagger_fake_view", False):
            return TherapySession.objects.none()
        self.group = _group_or_404(self.request, self.kwargs["group_pk"])
        return group_sessions(self.group)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.log(self.group, "therapy.group_sessions.api_listed", user=request.user)
        return response

    def create(self, request: Request, *args, **kwargs) -> Response:
        group = _group_or_404(request, kwargs["group_pk"])
        if not services.may_run_group(request.user, group):
            raise Http404
        payload = GroupSessionCreateSerializer(data=request.data, context={"facility_id": group.facility_id})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        attendees = [services.Attendee(**row) for row in data.pop("attendees")]
        try:
            session = services.group_session_log(
                by=request.user, group=group, attendees=attendees, today=timezone.localdate(), **data
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except DomainError as exc:
            raise _refusal(exc) from exc
        session = group_sessions(group).get(pk=session.pk)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    # named therapy-… so a diagnostics "sessions" API can never clash in the shared "api" namespace
    path("stays/<int:stay_pk>/sessions/", StaySessionList.as_view(), name="therapy-stay-sessions"),
    path("groups/<int:group_pk>/sessions/", GroupSessionList.as_view(), name="therapy-group-sessions"),
]
