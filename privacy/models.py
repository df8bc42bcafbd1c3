"""Patient data rights (GDPR Art. 15/17/20, §630f BGB retention)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    """The tombstone of a patient erased after the retention period: no personal data, only the fact.

    ``former_patient_id`` is the id the audit log files the patient's rows under (the audit rows stay, they hold ids,
    not names); ``rows`` counts what was deleted per model (labels and numbers only)."""

    former_patient_id = models.BigIntegerField(_("former patient id"), unique=True)
    facility = models.ForeignKey(
        "patients.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    stays = models.PositiveIntegerField(_("number of stays"))
    end_of_treatment = models.DateField(_("end of treatment"))
    retention_end = models.DateField(_("end of the retention period"))
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    erased_by = models.CharField(_("erased by"), max_length=40, default="system")
    rows = models.JSONField(_("rows deleted per model"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"{self.former_patient_id} ({self.erased_at:%d.%m.%Y})"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.former_patient_id, None
