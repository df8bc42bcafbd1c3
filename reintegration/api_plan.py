"""REST API of the graded return-to-work plan (Hamburg model): read a stay's current plan with its computed dates,
totals, payer, findings, consents and interruptions (and the list of versions); check a draft plan sent as JSON
without saving anything, so other systems can validate a plan before they send it.

Same permissions as the pages: the stay's care team (everyone else 404, anonymous 403). Reads and checks are
audit-logged. Bad input answers 400 with the errors at the fields at fault, never 500.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from reintegration import documents_plan, hamburg
from reintegration.selectors_plan import stay_plan_state
from reintegration.services.plan import plan_facts
from wmr import audit
from wmr.access import stay_or_404
from wmr.parsers import JSONParser

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # dates a plan can sensibly have

# --- output -------------------------------------------------------------------------------------------------------


class GradedPlanPatternSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text=gettext_lazy("days per week with these hours"))
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=gettext_lazy("hours per day (0 = days off)")
    )


class GradedPlanComputedStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    days = serializers.IntegerField(help_text=gettext_lazy("calendar days of the step"))
    weeks = serializers.IntegerField()
    extra_days = serializers.IntegerField()
    pattern = GradedPlanPatternSerializer(many=True)
    pattern_text = serializers.CharField(help_text=gettext_lazy('e.g. "3 × 6 h + 2 × 4 h"'))
    weekly_hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    step_hours = serializers.DecimalField(max_digits=7, decimal_places=2, help_text=gettext_lazy("nominal (H-5)"))
    activities = serializers.CharField(allow_blank=True)
    restrictions = serializers.CharField(allow_blank=True)


class GradedPlanComputedSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    steps = GradedPlanComputedStepSerializer(many=True)
    last_day = serializers.DateField(allow_null=True, help_text=gettext_lazy("last day of the graded return (H-4)"))
    full_time_from = serializers.DateField(allow_null=True, help_text=gettext_lazy("full work from (H-4)"))
    total_days = serializers.IntegerField()
    total_weeks = serializers.DecimalField(max_digits=6, decimal_places=2)
    total_hours = serializers.DecimalField(max_digits=8, decimal_places=2, help_text=gettext_lazy("nominal (H-5)"))


class GradedPlanFindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("rule id, e.g. V-3 or W-DRV-28"))
    level = serializers.CharField(help_text=gettext_lazy('"error" or "warning"'))
    message = serializers.CharField()
    step = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("1-based step the finding is about"))
    needs_reason = serializers.BooleanField(help_text=gettext_lazy("the warning needs a written justification"))
    justified = serializers.BooleanField(help_text=gettext_lazy("that justification is recorded"))


class GradedPlanPayerSerializer(serializers.Serializer):
    payer = serializers.CharField(
        help_text=gettext_lazy("employer, accident, pension, employment_agency, health, none")
    )
    label = serializers.CharField()
    row = serializers.IntegerField(help_text=gettext_lazy("matching row of the decision table (1–6)"))
    reason = serializers.CharField()
    warnings = GradedPlanFindingSerializer(many=True)


class GradedPlanConsentSerializer(serializers.Serializer):
    party = serializers.CharField(help_text=gettext_lazy("employee, employer, physician, occupational_physician"))
    state = serializers.CharField(allow_null=True, help_text=gettext_lazy("latest event; null: none recorded"))
    on = serializers.DateField(allow_null=True)
    signed_by = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class GradedPlanVerdictSerializer(serializers.Serializer):
    length_days = serializers.IntegerField()
    failed = serializers.BooleanField(help_text=gettext_lazy("E-3: more than 7 days"))
    failed_from = serializers.DateField(allow_null=True)
    last_day_of_return = serializers.DateField(allow_null=True)
    open = serializers.BooleanField()
    explanation = serializers.CharField()


class GradedPlanInterruptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_missed_day = serializers.DateField()
    last_missed_day = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    end_foreseeable = serializers.BooleanField()
    payer_continue_on = serializers.DateField(allow_null=True)
    payer_continue_reference = serializers.CharField(allow_blank=True)
    verdict = GradedPlanVerdictSerializer()


class GradedPlanVacationSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class GradedPlanPrerequisiteSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField(help_text=gettext_lazy("ok, open, blocked, not_applicable"))
    detail = serializers.CharField(allow_blank=True)
    blocks_ready = serializers.BooleanField()


class GradedPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    starts_on = serializers.DateField()
    working_days_per_week = serializers.IntegerField()
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    workplace_aids_needed = serializers.BooleanField()
    activities_to_avoid = serializers.CharField(allow_blank=True)
    supporting_measures = serializers.CharField(allow_blank=True)
    submitted_on = serializers.DateField(allow_null=True)
    approved_on = serializers.DateField(allow_null=True)
    approval_reference = serializers.CharField(allow_blank=True)
    actual_start = serializers.DateField(allow_null=True)
    actual_end = serializers.DateField(allow_null=True)
    failed_from = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True)
    computed = GradedPlanComputedSerializer()
    payer = GradedPlanPayerSerializer()
    findings = GradedPlanFindingSerializer(many=True)
    prerequisites = GradedPlanPrerequisiteSerializer(many=True)
    consents = GradedPlanConsentSerializer(many=True)
    vacations = GradedPlanVacationSerializer(many=True)
    interruptions = GradedPlanInterruptionSerializer(many=True)


class GradedPlanVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    starts_on = serializers.DateField()
    last_day = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class GradedPlanStateSerializer(serializers.Serializer):
    plan = GradedPlanSerializer(allow_null=True, help_text=gettext_lazy("the current version; null: no plan"))
    versions = GradedPlanVersionSerializer(many=True, help_text=gettext_lazy("newest first"))


class GradedPlanCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text=gettext_lazy("no errors (warnings may remain)"))
    computed = GradedPlanComputedSerializer()
    findings = GradedPlanFindingSerializer(many=True)
    payer = GradedPlanPayerSerializer()


# --- input of a draft ---------------------------------------------------------------------------------------------


class GradedPlanDraftPatternSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=0, max_value=7)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("24"))


class GradedPlanDraftStepSerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=0, max_value=60)
    days = serializers.IntegerField(min_value=0, max_value=6, default=0)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    pattern = GradedPlanDraftPatternSerializer(many=True, allow_empty=False, max_length=7)
    activities = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    restrictions = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate_starts_on(self, value):
        return _in_range(value)


class GradedPlanDraftVacationSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()

    def validate(self, attrs):
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": [_("The end lies before the start.")]})
        return attrs


class GradedPlanDraftSerializer(serializers.Serializer):
    """A draft plan. The facts the payer table and V-9/V-10 need come from the stay (work situation, discharge)."""

    starts_on = serializers.DateField()
    working_days_per_week = serializers.IntegerField(min_value=1, max_value=7, default=5)
    hours_per_day = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("1"), max_value=Decimal("12"), default=Decimal("8")
    )
    workplace_aids_needed = serializers.BooleanField(default=False)
    steps = GradedPlanDraftStepSerializer(many=True, allow_empty=True, max_length=52)
    vacations = GradedPlanDraftVacationSerializer(many=True, required=False, default=list, max_length=20)
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    long_plan_justification = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    payer_override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=gettext_lazy("F-2: counts only together with the carrier's reference"),
    )
    payer_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)

    def validate_starts_on(self, value):
        return _in_range(value)

    def validate_submitted_on(self, value):
        return _in_range(value)

    def plan_input(self) -> hamburg.PlanInput:
        data = self.validated_data
        return hamburg.PlanInput(
            starts_on=data["starts_on"],
            steps=tuple(
                hamburg.StepInput(
                    weeks=step["weeks"],
                    days=step["days"],
                    starts_on=step["starts_on"],
                    pattern=tuple(hamburg.PatternEntry(days=e["days"], hours=e["hours"]) for e in step["pattern"]),
                    activities=step["activities"],
                    restrictions=step["restrictions"],
                )
                for step in data["steps"]
            ),
            working_days_per_week=data["working_days_per_week"],
            hours_per_day=data["hours_per_day"],
            workplace_aids_needed=data["workplace_aids_needed"],
            vacations=tuple((v["starts_on"], v["ends_on"]) for v in data["vacations"]),
            long_plan_justification=data["long_plan_justification"],
            # F-2 (as the services read a stored plan): the reason counts only with the carrier's reference
            payer_override_reason=data["payer_override_reason"].strip() if data["payer_reference"].strip() else "",
        )


def _in_range(value):
    if value is not None and not EARLIEST <= value <= LATEST:
        raise serializers.ValidationError(
            _("Please give a date between %(first)s and %(last)s.")
            % {"first": f"{EARLIEST:%d.%m.%Y}", "last": f"{LATEST:%d.%m.%Y}"}
        )
    return value


# --- shaping ------------------------------------------------------------------------------------------------------


def computed_data(computed: hamburg.ComputedPlan) -> dict:
    return {
        "starts_on": computed.starts_on,
        "steps": [
            {
                "position": s.position,
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "days": s.days,
                "weeks": s.weeks,
                "extra_days": s.extra_days,
                "pattern": [{"days": e.days, "hours": e.hours} for e in s.pattern],
                "pattern_text": documents_plan.pattern_text(s.pattern),
                "weekly_hours": s.weekly_hours,
                "step_hours": s.step_hours,
                "activities": s.activities,
                "restrictions": s.restrictions,
            }
            for s in computed.steps
        ],
        "last_day": computed.last_day,
        "full_time_from": computed.full_time_from,
        "total_days": computed.total_days,
        "total_weeks": computed.total_weeks,
        "total_hours": computed.total_hours,
    }


def payer_data(payer: hamburg.PayerDecision) -> dict:
    return {
        "payer": payer.payer,
        "label": payer.label,
        "row": payer.row,
        "reason": payer.reason,
        "warnings": list(payer.warnings),
    }


def _plan_data(sheet) -> dict:
    plan = sheet.plan
    return {
        **{
            name: getattr(plan, name)
            for name in (
                "id",
                "version",
                "status",
                "starts_on",
                "working_days_per_week",
                "hours_per_day",
                "workplace_aids_needed",
                "activities_to_avoid",
                "supporting_measures",
                "submitted_on",
                "approved_on",
                "approval_reference",
                "actual_start",
                "actual_end",
                "failed_from",
                "end_reason",
            )
        },
        "status_label": plan.get_status_display(),
        "computed": computed_data(sheet.computed),
        "payer": payer_data(sheet.payer),
        "findings": sheet.findings,
        "prerequisites": sheet.prerequisites,
        "consents": [
            {
                "party": row.party,
                "state": row.state,
                "on": row.event.on if row.event else None,
                "signed_by": row.event.signed_by if row.event else "",
                "reason": row.event.reason if row.event else "",
            }
            for row in sheet.consents
        ],
        "vacations": sheet.vacations,
        "interruptions": [
            {
                "id": row.interruption.pk,
                "first_missed_day": row.interruption.first_missed_day,
                "last_missed_day": row.interruption.last_missed_day,
                "reason": row.interruption.reason,
                "end_foreseeable": row.interruption.end_foreseeable,
                "payer_continue_on": row.interruption.payer_continue_on,
                "payer_continue_reference": row.interruption.payer_continue_reference,
                "verdict": row.verdict,
            }
            for row in sheet.interruptions
        ],
    }


# --- views --------------------------------------------------------------------------------------------------------


@extend_schema(
    summary=gettext_lazy("The graded return-to-work plan of a stay of your care teams"),
    responses=GradedPlanStateSerializer,
)
class StayGradedPlan(generics.GenericAPIView):
    serializer_class = GradedPlanStateSerializer

    def get(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        state = stay_plan_state(stay, timezone.localdate())
        sheet = documents_plan.current_sheet(state)
        data = {"plan": _plan_data(sheet) if sheet else None, "versions": state.versions}
        audit.log(stay, "reintegration.plan.api_viewed", user=request.user)
        return Response(GradedPlanStateSerializer(data).data)


@extend_schema(
    summary=gettext_lazy("Check a draft graded return-to-work plan without saving it"),
    description=gettext_lazy(
        "Computes the step dates, hours and totals (H-3 … H-5), the findings of V-1 … V-10 and the payer (§3) for the "
        "plan sent, with the facts of the stay (work situation, discharge). Nothing is stored."
    ),
    request=GradedPlanDraftSerializer,
    responses={200: GradedPlanCheckSerializer},
)
class StayGradedPlanValidate(generics.GenericAPIView):
    serializer_class = GradedPlanDraftSerializer
    parser_classes = [JSONParser]

    def post(self, request: Request, stay_pk) -> Response:
        stay = stay_or_404(request.user, stay_pk)
        draft = GradedPlanDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        plan = draft.plan_input()
        facts = plan_facts(stay)
        findings = hamburg.validate_plan(plan, facts, submitted_on=draft.validated_data["submitted_on"])
        payer = hamburg.determine_payer(facts, plan.starts_on, override_reason=plan.payer_override_reason)
        audit.log(stay, "reintegration.plan.api_validated", user=request.user, data={"steps": len(plan.steps)})
        body = {
            "valid": not hamburg.errors(findings),
            "computed": computed_data(hamburg.compute_plan(plan)),
            "findings": findings,
            "payer": payer_data(payer),
        }
        return Response(GradedPlanCheckSerializer(body).data)


urlpatterns = [
    path("stays/<int:stay_pk>/graded-return/", StayGradedPlan.as_view(), name="reintegration-plan"),
    path(
        "stays/<int:stay_pk>/graded-return/validate/",
        StayGradedPlanValidate.as_view(),
        name="reintegration-plan-validate",
    ),
]
