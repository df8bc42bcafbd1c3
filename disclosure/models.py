"""Disclosure to external parties (issue 11): what the patient agreed may be shared (``ConsentScope``), every package
sent (``DisclosureRecord``, GDPR Art. 15), and the binding of the patient's plan link to one browser
(``PlanLinkBinding``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from disclosure.rules import ALL_PURPOSES, SECTION_ORDER, Purpose, Section
from patients.models import Consent, ContactKind, Document, ExternalContact, PatientLink, Stay
from wmr.fields import author_field


def all_purposes() -> list[str]:
    return list(ALL_PURPOSES)


def all_sections() -> list[str]:
    return list(SECTION_ORDER)


class ConsentScope(models.Model):
    """The purposes and sections the patient agreed to share under one consent. Without a row the patient agreed
    to what the clinic's policy allows (``disclosure.rules.POLICY``); a row can only narrow it."""

    consent = models.OneToOneField(
        Consent, verbose_name=_("consent"), on_delete=models.CASCADE, related_name="disclosure_scope"
    )
    purposes = models.JSONField(_("purposes"), default=all_purposes)
    sections = models.JSONField(_("sections"), default=all_sections)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = author_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scope of a consent")
        verbose_name_plural = _("scopes of consents")

    def __str__(self) -> str:
        return str(self.consent)

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.consent.audit_scope()

    @property
    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in ALL_PURPOSES if p in self.purposes]

    @property
    def section_labels(self) -> list[str]:
        return [str(Section(s).label) for s in SECTION_ORDER if s in self.sections]


class DisclosureRecord(models.Model):
    """One package sent to an external party: who sent it, to whom, for what purpose, which sections, under which
    consent, and the SHA-256 of the stored PDF. Never changed (the recipient's name is copied at sending time)."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="disclosures")
    contact = models.ForeignKey(
        ExternalContact, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="disclosures"
    )
    recipient_kind = models.CharField(_("kind of recipient"), max_length=30, choices=ContactKind.choices)
    recipient_name = models.CharField(_("recipient as sent"), max_length=420)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    sections = models.JSONField(_("sections"), default=list)
    consent = models.ForeignKey(Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="disclosure"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = author_field(_("sent by"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stay", "created_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_name} · {self.get_purpose_display()} ({self.created_at:%d.%m.%Y})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.stay.patient_id, self.stay_id

    @property
    def section_labels(self) -> list[str]:
        return [str(Section(s).label) if s in SECTION_ORDER else s for s in self.sections]


class PlanLinkBinding(models.Model):
    """The patient's plan link is bound to the first browser that opens it: only the SHA-256 of a random secret
    kept in that browser's session is stored. Other browsers get the link's invalid page."""

    link = models.OneToOneField(
        PatientLink, verbose_name=_("patient link"), on_delete=models.CASCADE, related_name="plan_binding"
    )
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    bound_at = models.DateTimeField(_("bound"), default=timezone.now)

    class Meta:
        verbose_name = _("binding of a plan link")
        verbose_name_plural = _("bindings of plan links")

    def __str__(self) -> str:
        return f"{self.link} · {self.bound_at:%d.%m.%Y %H:%M}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.link.audit_scope()
