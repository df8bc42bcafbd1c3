"""Facilities, patients, stays, care teams, consents, external contacts, documents and one-time patient links."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from patients import rules
from patients.validators import validate_ik, validate_kvnr, validate_rvnr
from staff.models import Role
from wmr.fields import author_field


def default_two_factor_roles() -> list[str]:
    """The roles that must use two-factor authentication in a new facility (settings, issue 9)."""
    return list(settings.TWO_FACTOR_DEFAULT_ROLES)


def validate_roles(value) -> None:
    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError(_("Choose roles from the list."), code="invalid_roles")


class Facility(models.Model):
    """A clinic. A clinic group runs several; staff belong to one or more."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    ik_number = models.CharField(
        _("IK number"),
        max_length=9,
        unique=True,
        validators=[validate_ik],
        help_text=_("Institutionskennzeichen, 9 digits"),
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wmr_info_url = models.URLField(
        _("online WMR information"),
        blank=True,
        help_text=_("Page of the clinic website that describes its WMR concept."),
    )
    two_factor_roles = models.JSONField(
        _("roles that must use two-factor authentication"),
        default=default_two_factor_roles,
        blank=True,
        validators=[validate_roles],
        help_text=_("Staff of these roles confirm every login with a code from an authenticator app."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Sex(models.TextChoices):
    FEMALE = "f", _("female")
    MALE = "m", _("male")
    DIVERSE = "d", _("diverse")
    UNKNOWN = "x", _("not stated")


class Patient(models.Model):
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="patients"
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    health_insurer = models.CharField(_("health insurer"), max_length=120, blank=True)
    kvnr = models.CharField(
        _("health-insurance number"),
        max_length=10,
        blank=True,
        validators=[validate_kvnr],
        help_text=_("KVNR, e.g. A123456780"),
    )
    pension_insurance_number = models.CharField(
        _("pension insurance number"), max_length=12, blank=True, validators=[validate_rvnr]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["last_name", "first_name", "birth_date"]
        indexes = [
            models.Index(fields=["last_name", "birth_date"]),
            models.Index(fields=["kvnr"]),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.pk, None

    def clean(self) -> None:
        super().clean()
        if self.birth_date:
            problem = rules.birth_date_problem(self.birth_date, timezone.localdate())
            if problem == "future":
                raise ValidationError({"birth_date": _("The birth date lies in the future.")}, code="birth_future")
            if problem == "too_old":
                raise ValidationError(
                    {"birth_date": _("The birth date lies more than 100 years back; please check it.")},
                    code="birth_too_old",
                )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: dt.date | None = None) -> int:
        return rules.age_on(self.birth_date, on or timezone.localdate())


# What staff enter about a patient (forms and API share this list).
PATIENT_INPUT_FIELDS = [
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "health_insurer",
    "kvnr",
    "pension_insurance_number",
]


class StayStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    ADMITTED = "admitted", _("admitted")
    DISCHARGED = "discharged", _("discharged")


class DepartmentCode(models.TextChoices):
    """§301 SGB V department codes used in psychosomatic rehabilitation."""

    PSYCHOSOMATICS = "3100", _("3100 psychosomatics")
    WMR_INPATIENT = "3197", _("3197 WMR inpatient")


class Payer(models.TextChoices):
    DRV_BUND = "drv_bund", _("German pension insurance (DRV Bund)")
    DRV_REGIONAL = "drv_regional", _("German pension insurance (regional carrier)")
    DRV_KBS = "drv_kbs", _("DRV Knappschaft-Bahn-See")
    GKV = "gkv", _("Statutory health insurance")
    DGUV = "dguv", _("Statutory accident insurance")
    OTHER = "other", _("Other payer")

    @classmethod
    def pension_insurance(cls) -> set[str]:
        return {cls.DRV_BUND, cls.DRV_REGIONAL, cls.DRV_KBS}


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("employed")
    CIVIL_SERVANT = "civil_servant", _("civil servant")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    UNEMPLOYED = "unemployed", _("unemployed")
    OTHER = "other", _("other / not stated")


class Stay(models.Model):
    """One rehab episode of a patient in a facility, from invitation to discharge."""

    number = models.CharField(_("stay number"), max_length=20, unique=True)
    patient = models.ForeignKey(Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="stays")
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="stays")
    status = models.CharField(_("status"), max_length=12, choices=StayStatus.choices, default=StayStatus.INVITED)
    admission_date = models.DateField(_("admission date"), help_text=_("planned until the patient is admitted"))
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True, help_text=_("planned or actual"))
    department_code = models.CharField(
        _("department code"), max_length=4, choices=DepartmentCode.choices, default=DepartmentCode.PSYCHOSOMATICS
    )
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices, default=Payer.DRV_BUND)
    payer_reference = models.CharField(_("payer reference"), max_length=60, blank=True)
    employment_status = models.CharField(
        _("employment"), max_length=20, choices=EmploymentStatus.choices, default=EmploymentStatus.EMPLOYED
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-admission_date", "number"]
        indexes = [
            models.Index(fields=["facility", "status", "admission_date"]),
            models.Index(fields=["admission_date"]),
            # issue 10: a facility's discharges in a period (rec. 2.7, the quarterly report) without its history
            models.Index(fields=["facility", "discharge_date"], name="stay_facility_discharge"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharge_date__isnull=True) | Q(discharge_date__gte=models.F("admission_date")),
                name="stay_discharge_not_before_admission",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.patient_id, self.pk

    def clean(self) -> None:
        super().clean()
        if self.admission_date and self.discharge_date and self.discharge_date < self.admission_date:
            raise ValidationError(
                {"discharge_date": _("The discharge date lies before the admission date.")}, code="discharge_before"
            )

    def day(self, today: dt.date | None = None) -> int | None:
        """Day N of the stay (admission day = day 1), None while only invited."""
        if self.status == StayStatus.INVITED:
            return None
        today = today or timezone.localdate()
        if self.status == StayStatus.DISCHARGED and self.discharge_date:
            today = min(today, self.discharge_date)
        return rules.stay_day(self.admission_date, today)

    @property
    def is_wmr_department(self) -> bool:
        return self.department_code == DepartmentCode.WMR_INPATIENT


# What staff enter when planning a stay (forms and API share this list).
STAY_INPUT_FIELDS = [
    "facility",
    "admission_date",
    "discharge_date",
    "department_code",
    "payer",
    "payer_reference",
    "employment_status",
    "occupation",
]


class StayUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct foreign-key permission model for Stay (its remedy for large generic tables)."""

    content_object = models.ForeignKey(Stay, on_delete=models.CASCADE)


class StayGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Stay, on_delete=models.CASCADE)


class TeamFunction(models.TextChoices):
    PRIMARY_THERAPIST = "primary_therapist", _("Primary therapist")
    PHYSICIAN = "physician", _("Physician")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")


class CareTeamMembership(models.Model):
    """A clinician on a stay's care team. Exists ⇔ the user holds guardian permissions on the stay."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="memberships"
    )
    function = models.CharField(_("function in the team"), max_length=30, choices=TeamFunction.choices)
    added_by = author_field(_("added by"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("care-team membership")
        verbose_name_plural = _("care-team memberships")
        ordering = ["function", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["stay", "user"], name="careteam_unique_member")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id


class ConsentKind(models.TextChoices):
    HEALTH_DATA = "health_data", _("Processing of health data")
    EMPLOYER = "employer", _("Contact with the employer")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Contact with the occupational physician / BEM contact")
    TREATING_PRACTITIONERS = "treating_practitioners", _("Contact with family doctor / psychotherapist")
    PAYER = "payer", _("Contact with the payer")
    INTEGRATION_SERVICE = "integration_service", _("Contact with the integration service")
    EMPLOYMENT_AGENCY = "employment_agency", _("Contact with the employment agency / job centre")


class Consent(models.Model):
    """A consent the patient gave on a date; withdrawing it sets ``withdrawn_on`` (the record stays)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=30, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawal_recorded_by = author_field(_("withdrawal recorded by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["kind", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_not_before_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.given_on:%d.%m.%Y})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    def clean(self) -> None:
        super().clean()
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}, code="withdrawn_before_given"
            )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class ContactKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Occupational physician")
    BEM_CONTACT = "bem_contact", _("BEM contact")
    FAMILY_DOCTOR = "family_doctor", _("Family doctor")
    PSYCHOTHERAPIST = "psychotherapist", _("Psychotherapist")
    PAYER = "payer", _("Payer case manager")
    INTEGRATION_SERVICE = "integration_service", _("Integration service")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency / job centre")


# Which consent allows contacting which kind of external contact (issue 3).
CONSENT_FOR_CONTACT: dict[str, str] = {
    ContactKind.EMPLOYER: ConsentKind.EMPLOYER,
    ContactKind.OCCUPATIONAL_PHYSICIAN: ConsentKind.OCCUPATIONAL_PHYSICIAN,
    ContactKind.BEM_CONTACT: ConsentKind.OCCUPATIONAL_PHYSICIAN,
    ContactKind.FAMILY_DOCTOR: ConsentKind.TREATING_PRACTITIONERS,
    ContactKind.PSYCHOTHERAPIST: ConsentKind.TREATING_PRACTITIONERS,
    ContactKind.PAYER: ConsentKind.PAYER,
    ContactKind.INTEGRATION_SERVICE: ConsentKind.INTEGRATION_SERVICE,  # issue 7, rec 8.15
    ContactKind.EMPLOYMENT_AGENCY: ConsentKind.EMPLOYMENT_AGENCY,  # issue 7, rec 8.9, 8.10
}


class ContactSource(models.TextChoices):
    STAFF = "staff", _("entered by staff")
    PATIENT_LINK = "patient_link", _("named by the patient (pre-admission link)")


class ExternalContact(models.Model):
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=30, choices=ContactKind.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    person = models.CharField(_("contact person"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ContactSource.choices, default=ContactSource.STAFF)
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external contact")
        verbose_name_plural = _("external contacts")
        ordering = ["kind", "organisation"]

    def __str__(self) -> str:
        name = self.organisation or self.person
        return f"{self.get_kind_display()}: {name}" if name else str(self.get_kind_display())

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    def clean(self) -> None:
        super().clean()
        if not (self.organisation or self.person):
            raise ValidationError(_("Please enter an organisation or a contact person."), code="contact_empty")

    @property
    def consent_kind(self) -> str:
        return CONSENT_FOR_CONTACT[self.kind]

    @property
    def consent_label(self) -> str:
        return str(ConsentKind(self.consent_kind).label)


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    MEETING = "meeting", _("meeting")


class ContactPurpose(models.TextChoices):
    """Why the clinic contacted an external party (rec 10.5: clarify conflicts, suggest adapted continued employment,
    start a graded return to work; BEM, rec 8.3)."""

    CONFLICT = "conflict", _("clarify a conflict")
    ADAPTED_EMPLOYMENT = "adapted_employment", _("adapted continued employment")
    GRADED_RETURN = "graded_return", _("graded return to work")
    BEM = "bem", _("occupational integration management (BEM)")
    OTHER = "other", _("other")


class ContactEvent(models.Model):
    """The clinic contacted an external party. Only possible while the matching consent is valid. With purpose and
    outcome it is the contact log of rec 10.5."""

    contact = models.ForeignKey(
        ExternalContact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="events"
    )
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=ContactPurpose.choices, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    note = models.TextField(_("note"), blank=True)
    consent = models.ForeignKey(Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+")
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.contact} {self.on:%d.%m.%Y}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.contact.stay.patient_id, self.contact.stay_id


class DocumentKind(models.TextChoices):
    """Every kind of document the clinic's apps store (labels only: the apps that make them own the rest)."""

    INVITATION_LETTER = "invitation_letter", _("Invitation letter")
    GOAL_AGREEMENT_COPY = "goal_agreement_copy", _("Goal agreement (patient's copy)")
    PROFILE_COMPARISON = "profile_comparison", _("Profile comparison")
    TRANSFER_STRATEGIES = "transfer_strategies", _("Transfer strategies (patient's copy)")
    THERAPY_CONTACT_LOG = "therapy_contact_log", _("Contact log (counseling and groups)")
    GRADED_PLAN = "graded_plan", _("Graded return-to-work plan (step plan)")
    GRADED_PLAN_EMPLOYER = "graded_plan_employer", _("Graded return-to-work plan (employer's copy)")
    DISCHARGE_LETTER = "discharge_letter", _("Discharge letter")
    DISCHARGE_LETTER_COPY = "discharge_letter_copy", _("Discharge letter (patient's copy to pass on)")
    DISCLOSURE_PACKAGE = "disclosure_package", _("Disclosure package to an external party")


class Document(models.Model):
    """A generated document, stored as it was handed out, with its SHA-256, author and time. Never changed."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, default="application/pdf")
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    facts = models.JSONField(
        _("facts"), default=dict, blank=True, help_text=_("What the document states, for the indicators.")
    )
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stay", "kind", "created_at"])]

    def __str__(self) -> str:
        return self.filename

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def kind_label(self) -> str:
        try:
            return str(DocumentKind(self.kind).label)
        except ValueError:
            return self.kind


class LinkPurpose(models.TextChoices):
    PRE_ADMISSION = "pre_admission", _("Pre-admission information from the patient")
    PATIENT_PLAN = "patient_plan", _("The patient's own plan (goals, strategies, step plan)")


class PatientLinkQuerySet(models.QuerySet):
    def usable(self, now: dt.datetime) -> PatientLinkQuerySet:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class PatientLink(models.Model):
    """A one-time link for the patient, without login. Only the SHA-256 of the token is stored (issue 3)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(_("purpose"), max_length=30, choices=LinkPurpose.choices)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = author_field(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = author_field(_("revoked by"))

    objects = PatientLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient link")
        verbose_name_plural = _("patient links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.created_at:%d.%m.%Y})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "used"
        if self.expires_at <= now:
            return "expired"
        return "usable"
