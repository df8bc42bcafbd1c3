"""REST API of the reminders: the user's own open and snoozed reminders, and snoozing one with a reason. Anyone
else's reminder id answers 404; the list is audit-logged per stay shown (it names stays)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reminders import rules, selectors, services
from reminders.models import Reminder
from wmr import audit


class ReminderSerializer(serializers.ModelSerializer):
    stay_number = serializers.CharField(source="stay.number", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "stay",
            "stay_number",
            "kind",
            "measure",
            "due_on",
            "created_for",
            "state",
            "snoozed_until",
            "snooze_reason",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, reminder: Reminder) -> str:
        return services.section_url(reminder)


class SnoozeSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason = serializers.CharField(max_length=300)

    def validate_until(self, until):
        problem = rules.snooze_problem(until, timezone.localdate())
        if problem == "not_future":
            raise serializers.ValidationError(gettext_lazy("Please choose a day after today."))
        if problem == "too_far":
            raise serializers.ValidationError(
                gettext_lazy("Please choose a day within %(days)d days.") % {"days": rules.MAX_SNOOZE_DAYS}
            )
        return until


@extend_schema(summary=gettext_lazy("Your own open and snoozed reminders, by due date"))
class MyReminderList(generics.ListAPIView):
    serializer_class = ReminderSerializer
    queryset = Reminder.objects.none()  # tells the schema the model; the real queryset is the user's own

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return selectors.my_reminders(self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        page = getattr(self, "_shown", None)
        if page:
            audit.log_many(page, "reminders.reminder.api_listed", user=request.user)
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        self._shown = list({r.stay_id: r.stay for r in rows}.values())
        return page


class ReminderSnooze(APIView):
    @extend_schema(
        summary=gettext_lazy("Snooze one of your own open reminders until a later day, with a reason"),
        request=SnoozeSerializer,
        responses={200: ReminderSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        reminder = selectors.my_reminder(request.user, pk)
        if reminder is None:
            raise Http404
        payload = SnoozeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.reminder_snooze(
                by=request.user, reminder=reminder, today=timezone.localdate(), **payload.validated_data
            )
        except services.SnoozeRefused as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from exc
        except services.ReminderClosed as exc:
            raise serializers.ValidationError({"detail": [exc.message]}) from exc
        return Response(ReminderSerializer(reminder).data)
