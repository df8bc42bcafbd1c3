"""Hash chains over the audit trail and the stored documents (issue 11, tamper evidence).

Two append-only chains, each link ``hash = SHA-256(prev_hash + canonical serialisation)`` (``integrity.chain``):

- ``AuditSeal``: one per ``wmr.AuditEntry``, appended by the sealing job in entry-id order (never in the request);
- ``DocumentSeal``: one per stored document part (``patients.Document`` bytes, a quarterly report's PDF and CSV).

Seals hold ids, codes and hashes, never personal data, and no foreign keys: a deleted audit row or document leaves its
seal behind (the verification reports it), and no cascade can ever reach a seal. ``position`` numbers the links
1, 2, 3 … so a removed link shows as a gap. PostgreSQL rejects UPDATE and DELETE (migration 0002), the model and
queryset refuse them everywhere.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SealIsAppendOnly(Exception):
    """A seal (or a recorded verification) was about to be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise SealIsAppendOnly("integrity rows cannot be updated")

    def delete(self):
        raise SealIsAppendOnly("integrity rows cannot be deleted")

    def _raw_delete(self, using):  # noqa: ARG002
        raise SealIsAppendOnly("integrity rows cannot be deleted")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SealIsAppendOnly("integrity rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SealIsAppendOnly("integrity rows cannot be deleted")


class AuditSeal(AppendOnly):
    """The link of one audit row in the audit chain."""

    position = models.BigIntegerField(_("position"), unique=True)
    entry_id = models.BigIntegerField(_("audit entry id"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed"), default=timezone.now)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"#{self.position} entry {self.entry_id}"


class DocumentSource(models.TextChoices):
    DOCUMENT = "patients.document", _("Stored document")
    QUOTA_REPORT = "screening.quotareport", _("Screening-quota report")


class DocumentSeal(AppendOnly):
    """The link of one stored document's bytes in the document chain.

    ``source`` + ``object_id`` + ``part`` name the row and column that hold the bytes; ``patient_id`` (an id, as in
    the audit log) tells an erased patient's document (privacy.ErasureRecord) from a deleted one."""

    position = models.BigIntegerField(_("position"), unique=True)
    source = models.CharField(_("source"), max_length=40, choices=DocumentSource.choices)
    object_id = models.BigIntegerField(_("object id"))
    part = models.CharField(_("part"), max_length=20)
    kind = models.CharField(_("kind"), max_length=40)
    patient_id = models.BigIntegerField(_("patient id"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the stored bytes"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed"), default=timezone.now)

    class Meta:
        verbose_name = _("document seal")
        verbose_name_plural = _("document seals")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id", "part"], name="integrity_document_sealed_once")
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.source} {self.object_id} {self.part}"


class Verification(AppendOnly):
    """One run of the verification (``manage.py verify_integrity`` or the nightly job): counts, the first broken
    link of each chain, and the heads it saw (the next run checks that they are still there: a cut-off tail)."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), default=timezone.now)
    intact = models.BooleanField(_("intact"))
    audit_sealed = models.BigIntegerField(_("audit entries sealed"), default=0)
    audit_unsealed = models.BigIntegerField(_("audit entries not yet sealed"), default=0)
    audit_head_position = models.BigIntegerField(_("audit chain head"), null=True, blank=True)
    audit_head_hash = models.CharField(_("audit chain head hash"), max_length=64, blank=True)
    documents_sealed = models.BigIntegerField(_("documents sealed"), default=0)
    documents_erased = models.BigIntegerField(_("documents erased"), default=0)
    documents_unsealed = models.BigIntegerField(_("documents not yet sealed"), default=0)
    documents_head_position = models.BigIntegerField(_("document chain head"), null=True, blank=True)
    documents_head_hash = models.CharField(_("document chain head hash"), max_length=64, blank=True)
    problems = models.JSONField(_("first broken links"), default=list, blank=True)
    trigger = models.CharField(_("run by"), max_length=20, default="command")

    class Meta:
        verbose_name = _("integrity verification")
        verbose_name_plural = _("integrity verifications")
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'BROKEN'}"
