"""REST API for patients and stays (``/api/v1/``), with exactly the web UI's permissions.

- Reads: only stays whose care team the user is on (``selectors.stays_visible_to``, filtered in SQL), and patients
  with at least one such stay. Anything else answers 404. Every read writes an audit row; a list writes one row
  with the ids it returned.
- Create: a patient with a planned stay through ``services.patient_create_with_stay``, for clinicians only (403 for
  every other role: the collection exists for them, so the refusal reveals no patient). Validation is the models'
  (``full_clean``), so the API answers with the same messages as the UI; a likely duplicate answers 409 with the
  candidates unless the client confirms a new patient or chooses an offered one.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from patients import api_lean, list_cache, selectors, services
from patients.errors import DomainError, PossibleDuplicatePatient
from patients.models import (
    PATIENT_INPUT_FIELDS,
    STAY_INPUT_FIELDS,
    DepartmentCode,
    Facility,
    Patient,
    Stay,
    StayStatus,
    TeamFunction,
)
from patients.validators import normalize_identifier
from wmr import audit
from wmr.parsers import JSONParser

# --- serializers: reading -----------------------------------------------------------------------------------------


class FacilitySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Facility
        fields = ["id", "name", "short_name"]


class PatientSummarySerializer(serializers.ModelSerializer):
    """Who a stay is about; also the shape of a duplicate candidate (id, name, birth date, nothing more)."""

    class Meta:
        model = Patient
        fields = ["id", "last_name", "first_name", "birth_date"]


class StaySerializer(serializers.ModelSerializer):
    patient = PatientSummarySerializer(read_only=True)
    facility = FacilitySummarySerializer(read_only=True)

    class Meta:
        model = Stay
        fields = [
            "id",
            "number",
            "patient",
            "facility",
            "status",
            "admission_date",
            "discharge_date",
            "department_code",
            "payer",
            "payer_reference",
            "employment_status",
            "occupation",
            "created_at",
        ]
        read_only_fields = fields


class PatientSerializer(serializers.ModelSerializer):
    stays = serializers.SerializerMethodField(help_text=_("Ids of this patient's stays whose care team you are on."))
    # Optional: an empty string when not known, which the schema's "format: email" would refuse (schemathesis).
    email = serializers.CharField(read_only=True, help_text=_("E-mail address, or empty"))

    class Meta:
        model = Patient
        fields = ["id", "facility", *PATIENT_INPUT_FIELDS, "created_at", "stays"]
        read_only_fields = fields

    def get_stays(self, patient: Patient) -> list[int]:
        # Filled by PatientViewSet's Prefetch (stays visible to the user only), so no query per patient.
        return [stay.pk for stay in patient.visible_stays]


class DuplicateCandidatesSerializer(serializers.Serializer):
    """The 409 answer: the patient may exist already."""

    detail = serializers.CharField()
    candidates = PatientSummarySerializer(many=True)


# --- serializers: creating ----------------------------------------------------------------------------------------


class PatientInputSerializer(serializers.ModelSerializer):
    """The new patient."""

    # Identifiers are normalised as in the UI ('a 123 456 780' → 'A123456780') before the model's validators run,
    # which is why the field validators are left to ``full_clean`` in ``StayCreateSerializer.validate``.

    class Meta:
        model = Patient
        fields = PATIENT_INPUT_FIELDS
        extra_kwargs = {
            "kvnr": {"validators": [], "max_length": None},
            "pension_insurance_number": {"validators": [], "max_length": None},
        }

    def validate_kvnr(self, value: str) -> str:
        return normalize_identifier(value)

    def validate_pension_insurance_number(self, value: str) -> str:
        return normalize_identifier(value)


class UserFacilityField(serializers.PrimaryKeyRelatedField):
    """A facility the requesting user works in; any other id is 'does not exist' (400), like the UI's choice list."""

    def get_queryset(self) -> QuerySet[Facility]:
        return self.context["request"].user.facilities.all()


class StayCreateSerializer(serializers.ModelSerializer):
    patient = PatientInputSerializer(help_text=_("The patient; also sent when choosing an existing patient."))
    facility = UserFacilityField(queryset=Facility.objects.all(), help_text=_("One of your facilities."))
    team_function = serializers.ChoiceField(
        choices=TeamFunction.choices, help_text=_("Your function in the care team of the new stay.")
    )
    confirm_new = serializers.BooleanField(
        default=False, help_text=_("This is a different person: create a new patient despite a possible duplicate.")
    )
    existing_patient = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Id of a patient offered as possible duplicate (409 answer): the stay is created for them."),
    )

    class Meta:
        model = Stay
        fields = ["patient", *STAY_INPUT_FIELDS, "team_function", "confirm_new", "existing_patient"]

    def validate(self, attrs: dict) -> dict:
        """Run the models' own validation (``full_clean``), so the API gives the UI's messages and never a 500."""
        patient_data = dict(attrs["patient"], facility=attrs["facility"])
        stay_data = {field: attrs[field] for field in STAY_INPUT_FIELDS if field in attrs}
        errors: dict = {}
        try:
            Patient(**patient_data).full_clean()
        except DjangoValidationError as exc:
            errors["patient"] = serializers.as_serializer_error(exc)
        try:
            # patient, number and author are the service's to set
            Stay(**stay_data).full_clean(exclude=["patient", "number", "created_by"])
        except DjangoValidationError as exc:
            errors.update(serializers.as_serializer_error(exc))
        if errors:
            raise serializers.ValidationError(errors)
        existing = None
        if attrs.get("existing_patient") is not None:
            existing = self._offered_patient(attrs["existing_patient"], patient_data)
        return {
            "patient_data": patient_data,
            "stay_data": stay_data,
            "team_function": attrs["team_function"],
            "confirm_new": attrs["confirm_new"],
            "existing_patient": existing,
        }

    def _offered_patient(self, patient_id: int, patient_data: dict) -> Patient:
        """Only a patient the duplicate check offers for the sent name/birth date/KVNR may be chosen (as in the UI);
        any other id gets the same answer, whether it exists or not."""
        offered = selectors.possible_duplicates(
            last_name=patient_data.get("last_name", ""),
            birth_date=patient_data.get("birth_date"),
            kvnr=patient_data.get("kvnr", ""),
        )
        patient = offered.filter(pk=patient_id).first()
        if patient is None:
            raise serializers.ValidationError(
                {"existing_patient": [_("Choose one of the patients offered as possible duplicates.")]}
            )
        return patient


# --- filters and permissions --------------------------------------------------------------------------------------


class StayFilter(django_filters.FilterSet):
    """The worklist's filters: status, department code, admission date range."""

    status = django_filters.ChoiceFilter(choices=StayStatus.choices)
    department_code = django_filters.ChoiceFilter(choices=DepartmentCode.choices)
    admission_from = django_filters.DateFilter(
        field_name="admission_date", lookup_expr="gte", label=_("Admission on or after")
    )
    admission_to = django_filters.DateFilter(
        field_name="admission_date", lookup_expr="lte", label=_("Admission on or before")
    )

    class Meta:
        model = Stay
        fields: list[str] = []


class CreateOnlyForClinicians(permissions.BasePermission):
    """Reading is for every logged-in user (the queryset limits it to their care teams); creating is clinicians'."""

    message = _("Only clinicians may create patients and stays.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.may_create_patients)


# --- viewsets -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Stays of your care teams")),
    retrieve=extend_schema(summary=_("One stay of your care teams")),
    create=extend_schema(
        summary=_("Create a patient with a planned stay"),
        request=StayCreateSerializer,
        responses={
            201: StaySerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Field errors, by field.")),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Only clinicians may create.")),
            409: OpenApiResponse(DuplicateCandidatesSerializer, description=_("The patient may exist already.")),
        },
    ),
)
class StayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Stay.objects.none()  # tells the schema the model; the real queryset is per user
    serializer_class = StaySerializer
    permission_classes = [permissions.IsAuthenticated, CreateOnlyForClinicians]
    filterset_class = StayFilter
    parser_classes = [JSONParser]  # the create body nests the patient; form encoding cannot carry it

    def get_queryset(self) -> QuerySet[Stay]:
        # Queries per page: the count, the page (patient and facility joined), the audit row.
        return (
            selectors.stays_visible_to(self.request.user)
            .select_related("patient", "facility")
            .order_by("-admission_date", "number")
        )

    def filter_queryset(self, queryset: QuerySet[Stay]) -> QuerySet[Stay]:
        # Without any of the filters in the query, django-filter would build and validate an empty form (a good part
        # of a list's Python time) to return the queryset as it is.
        if not any(name in self.request.query_params for name in StayFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from plain rows, the count in the page's query (patients.api_lean): the count-and-
        # page, the audit row.
        # Cached per reader and query until a stay list changes (patients.list_cache); every read is logged.
        def build() -> dict:
            plan = api_lean.plan_for(StaySerializer)
            queryset = self.filter_queryset(self.get_queryset())
            rows = api_lean.paginate_values(self.paginator, queryset, request, self, plan.lookups)
            return self.get_paginated_response(plan.represent(rows)).data

        data = list_cache.cached(kind="api-stays", user=request.user, query=request.build_absolute_uri(), build=build)
        ids = [row["id"] for row in data["results"]]
        audit.log(None, "patients.stay.api_listed", user=request.user, data={"ids": ids, "query": request.GET.dict()})
        return Response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        stay = self.get_object()
        audit.log(stay, "patients.stay.api_viewed", user=request.user)
        return Response(self.get_serializer(stay).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = StayCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            stay = services.patient_create_with_stay(user=request.user, **serializer.validated_data)
        except PossibleDuplicatePatient as exc:
            answer = DuplicateCandidatesSerializer({"detail": exc.message, "candidates": exc.candidates})
            return Response(answer.data, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:  # the service's own full_clean; the serializer should catch it first
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        except DomainError as exc:
            raise serializers.ValidationError({"detail": [exc.message]}) from exc
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("Patients with a stay of your care teams")),
    retrieve=extend_schema(summary=_("One patient with a stay of your care teams")),
)
class PatientViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Patient.objects.none()  # tells the schema the model; the real queryset is per user
    serializer_class = PatientSerializer

    def get_queryset(self) -> QuerySet[Patient]:
        # A subquery on the visible stays: each patient once, however many visible stays they have.
        # Queries of one patient: the patient, the visible stays (prefetch), the audit row.
        return (
            Patient.objects.filter(pk__in=self.visible_stays().values("patient_id"))
            .prefetch_related(Prefetch("stays", queryset=self.visible_stays(), to_attr="visible_stays"))
            .order_by("last_name", "first_name", "birth_date", "pk")
        )

    def visible_stays(self) -> QuerySet[Stay]:
        # Built once per request: guardian's query building is a good part of a page's Python time.
        if getattr(self, "_visible_stays", None) is None:
            self._visible_stays = selectors.stays_visible_to(self.request.user).order_by("-admission_date", "number")
        return self._visible_stays

    def list(self, request: Request, *args, **kwargs) -> Response:
        # The serializer's JSON from plain rows (patients.api_lean). Queries: the count-and-page, the visible stays
        # of the page's patients (none for an empty page), the audit row.
        # Cached per reader and query until a stay list changes (patients.list_cache); every read is logged.
        def build() -> dict:
            plan = api_lean.plan_for(PatientSerializer)
            queryset = self.filter_queryset(self.get_queryset().prefetch_related(None))  # stays: plain rows below
            rows = api_lean.paginate_values(self.paginator, queryset, request, self, plan.lookups)
            id_at = plan.position("id")
            ids = [row[id_at] for row in rows]
            stays: dict[int, list[int]] = {pk: [] for pk in ids}
            if ids:
                visible = self.visible_stays().filter(patient_id__in=ids).values_list("patient_id", "pk")
                for patient_id, stay_id in visible:
                    stays[patient_id].append(stay_id)
            results = plan.represent(rows, {"stays": lambda row: stays[row[id_at]]})
            return self.get_paginated_response(results).data

        data = list_cache.cached(
            kind="api-patients", user=request.user, query=request.build_absolute_uri(), build=build
        )
        ids = [row["id"] for row in data["results"]]
        audit.log(None, "patients.patient.api_listed", user=request.user, data={"ids": ids})
        return Response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        patient = self.get_object()
        audit.log(patient, "patients.patient.api_viewed", user=request.user)
        return Response(self.get_serializer(patient).data)
