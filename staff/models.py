"""Staff accounts: a custom user with profession and role, and the facilities a person works in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    NURSE = "nurse", _("Nurse")
    OTHER = "other", _("Other / administration")


class Role(models.TextChoices):
    """What a person may do beyond the stays of their care teams (issue 3, rules)."""

    CLINICIAN = "clinician", _("Clinician")
    MANAGEMENT = "management", _("Management")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    title = models.CharField(_("title"), max_length=30, blank=True, help_text=_("e.g. Dr. med."))
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices, default=Profession.OTHER)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    facilities = models.ManyToManyField(
        "patients.Facility", verbose_name=_("facilities"), blank=True, related_name="staff_members"
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.title, self.first_name, self.last_name) if part)
        return name or self.username

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_management(self) -> bool:
        return self.role == Role.MANAGEMENT

    @property
    def is_privacy_officer(self) -> bool:
        return self.role == Role.PRIVACY_OFFICER

    @property
    def is_facility_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_create_patients(self) -> bool:
        """Clinicians (all professions incl. social work and reception staff with the clinician role) admit."""
        return self.role == Role.CLINICIAN and self.is_active
