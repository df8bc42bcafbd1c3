"""REST API of the goals app: a stay's goal agreement (all versions, goals, reviews, outcomes), read only, with the
UI's permissions (404 outside the care team) and an audit row per read."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goals import selectors
from goals.models import Goal, GoalAgreement, GoalOutcome, GoalReview
from wmr import audit
from wmr.access import stay_or_404


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = [
            "id",
            "position",
            "area",
            "text",
            "target",
            "responsible",
            "responsible_name",
            "review_on",
            "previous",
        ]
        read_only_fields = fields


class GoalOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalOutcome
        fields = ["goal", "outcome", "note"]
        read_only_fields = fields


class GoalReviewSerializer(serializers.ModelSerializer):
    outcomes = GoalOutcomeSerializer(many=True, read_only=True)
    new_version = serializers.IntegerField(source="new_version.version", allow_null=True, read_only=True)

    class Meta:
        model = GoalReview
        fields = ["id", "occasion", "reviewed_on", "note", "outcomes", "new_version"]
        read_only_fields = fields


class GoalAgreementSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    reviews = GoalReviewSerializer(many=True, read_only=True)
    previous_version = serializers.IntegerField(source="previous.version", allow_null=True, read_only=True)

    class Meta:
        model = GoalAgreement
        fields = [
            "id",
            "version",
            "previous_version",
            "status",
            "written_on",
            "agreed_on",
            "agreed_how",
            "note",
            "copy_handed_over_on",
            "goals",
            "reviews",
        ]
        read_only_fields = fields


class GoalsStateSerializer(serializers.Serializer):
    first_week_due = serializers.DateField()
    first_week_state = serializers.ChoiceField(choices=["met", "late", "open", "overdue"])
    agreed_version = serializers.IntegerField(allow_null=True)
    draft_version = serializers.IntegerField(allow_null=True)
    copy_handed_over = serializers.BooleanField()
    reviewed_after_diagnostics = serializers.BooleanField()
    reviewed_at_discharge = serializers.BooleanField()
    next_review_on = serializers.DateField(allow_null=True)
    next_review_state = serializers.ChoiceField(choices=["none", "upcoming", "due", "overdue"])
    current = GoalAgreementSerializer(allow_null=True)
    versions = GoalAgreementSerializer(many=True)


@extend_schema(summary=_("The goal agreement of a stay of your care teams"), responses=GoalsStateSerializer)
class StayGoals(generics.GenericAPIView):
    serializer_class = GoalsStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        versions = list(selectors.stay_agreements(stay, with_outcomes=True))
        state = selectors.goals_state(stay, timezone.localdate(), versions)
        data = {
            "first_week_due": state.first_week_due,
            "first_week_state": state.first_week_state,
            "agreed_version": state.agreed.version if state.agreed else None,
            "draft_version": state.draft.version if state.draft else None,
            "copy_handed_over": state.copy_handed_over,
            "reviewed_after_diagnostics": state.reviewed_after_diagnostics is not None,
            "reviewed_at_discharge": state.reviewed_at_discharge is not None,
            "next_review_on": state.next_review_on,
            "next_review_state": state.next_review_state,
            "current": state.current,
            "versions": versions,
        }
        audit.log(stay, "goals.agreement.api_viewed", user=request.user)
        return Response(GoalsStateSerializer(data).data)
