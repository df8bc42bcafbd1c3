"""REST API of the disclosure app: a stay's disclosures (list) and a new package (create) with the same rules as the
pages — the sections are checked again on the server against the policy and the patient's consent; a request that
names a section outside them is refused as a whole (400 with the reason) and the refusal is audited."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from disclosure import selectors, services
from disclosure.errors import DisclosureRefused
from disclosure.models import DisclosureRecord
from disclosure.rules import Purpose, Section
from staff.models import Role
from wmr import audit
from wmr.access import stay_or_404


class DisclosureSerializer(serializers.ModelSerializer):
    sent_by = serializers.CharField(source="created_by.username", allow_null=True, read_only=True, default=None)
    document = serializers.IntegerField(source="document_id", read_only=True)

    class Meta:
        model = DisclosureRecord
        fields = [
            "id",
            "stay",
            "contact",
            "recipient_kind",
            "recipient_name",
            "purpose",
            "sections",
            "consent",
            "document",
            "sha256",
            "note",
            "sent_by",
            "created_at",
        ]
        read_only_fields = fields


class DisclosureCreateSerializer(serializers.Serializer):
    contact = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices), allow_empty=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Disclosures sent from a stay of your care teams")),
    post=extend_schema(
        summary=gettext_lazy("Create a disclosure package (PDF) for one of the stay's external contacts"),
        description=gettext_lazy(
            "Only sections that the policy allows for the recipient and purpose and that the patient's valid "
            "consent covers; any other section refuses the whole request (400)."
        ),
        request=DisclosureCreateSerializer,
        responses={201: DisclosureSerializer},
    ),
)
class StayDisclosures(generics.ListCreateAPIView):
    queryset = DisclosureRecord.objects.none()  # the schema's model; the real queryset is per stay
    serializer_class = DisclosureSerializer

    def get_queryset(self) -> QuerySet[DisclosureRecord]:
        if getattr(self, "swagger_fake_view", False):
            return DisclosureRecord.objects.none()
        self.stay = stay_or_404(self.request.user, self.kwargs["stay_pk"])
        return selectors.stay_disclosures(self.stay).order_by("-created_at", "-id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.log(self.stay, "disclosure.package.api_listed", user=request.user)
        return response

    def create(self, request: Request, *args, **kwargs) -> Response:
        stay = stay_or_404(request.user, kwargs["stay_pk"])
        if request.user.role != Role.CLINICIAN or not request.user.has_perm("patients.change_stay", stay):
            raise Http404
        payload = DisclosureCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = stay.contacts.filter(pk=payload.validated_data["contact"]).first()
        if contact is None:
            raise serializers.ValidationError(
                {"contact": [gettext_lazy("Choose one of this stay's external contacts.")]}
            )
        try:
            record = services.package_create(
                by=request.user,
                stay=stay,
                contact=contact,
                purpose=payload.validated_data["purpose"],
                sections=payload.validated_data["sections"],
                note=payload.validated_data["note"],
            )
        except DisclosureRefused as exc:
            raise serializers.ValidationError({"detail": [exc.message]}) from exc
        return Response(DisclosureSerializer(record).data, status=status.HTTP_201_CREATED)
