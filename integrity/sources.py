"""Where the sealed documents live: each source names a model, the parts (columns) holding bytes and their stored
SHA-256, and which rows count (a quarterly report only once it is built).

- ``patients.Document``: every stored document (discharge letter and its copies, goal agreement copy, step plan and
  its employer copy, invitation letters, transfer strategies, contact logs, profile comparisons; documents are never
  changed once stored, so every one is sealed);
- ``screening.QuotaReport``: the quarterly screening-quota report's PDF and CSV, once built (status done; a built
  report is never rebuilt).

The compliance app stores no quarterly report files (its exports are rendered on demand); its self-assessment
evidence files may be replaced and are not signed documents, so they are not sealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from integrity.models import DocumentSeal, DocumentSource


@dataclass(frozen=True)
class Part:
    name: str  # the part as the seal names it
    content: str  # the column with the bytes
    sha256: str  # the column with the SHA-256 stored next to them


@dataclass(frozen=True)
class StoredPart:
    """One part's bytes as stored now (``content`` None: the row exists but the column is empty)."""

    content: bytes | None
    stored_sha256: str


@dataclass(frozen=True)
class Candidate:
    object_id: int
    part: str
    kind: str
    patient_id: int | None
    content: bytes


class Source:
    key: str
    parts: tuple[Part, ...]

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def kind(self, row: dict, part: Part) -> str:
        raise NotImplementedError

    def patient_id(self, row: dict) -> int | None:  # noqa: ARG002
        return None

    extra_values: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.rows().model._meta.db_table

    def unsealed(self, part: Part, *, low: int) -> QuerySet:
        sealed = DocumentSeal.objects.filter(source=self.key, part=part.name, object_id=OuterRef("pk"))
        return self.rows().filter(pk__gt=low).filter(~Exists(sealed)).order_by("pk")

    def candidates(self, *, low: int, limit: int) -> list[Candidate]:
        """The first ``limit`` unsealed parts with an id above ``low``, in (id, part) order, bytes loaded."""
        wanted: dict[int, list[Part]] = {}
        for part in self.parts:
            for pk in self.unsealed(part, low=low).values_list("pk", flat=True)[:limit]:
                wanted.setdefault(pk, []).append(part)
        ids = sorted(wanted)[:limit]
        if not ids:
            return []
        columns = {"pk", *self.extra_values, *(p.content for p in self.parts)}
        rows = {row["pk"]: row for row in self.rows().filter(pk__in=ids).values(*columns)}
        found = []
        for pk in ids:
            row = rows.get(pk)
            if row is None:  # gone since (erased): nothing to seal
                continue
            for part in self.parts:
                if part in wanted[pk]:
                    found.append(
                        Candidate(pk, part.name, self.kind(row, part), self.patient_id(row), bytes(row[part.content]))
                    )
        return found

    def stored(self, ids: Iterable[int]) -> dict[tuple[int, str], StoredPart]:
        """The bytes and stored SHA-256 of these rows' parts, for the verification (any status)."""
        columns = ["pk"]
        for part in self.parts:
            columns += [part.content, part.sha256]
        found = {}
        for row in self.rows().model.objects.filter(pk__in=list(ids)).values(*columns):
            for part in self.parts:
                content = row[part.content]
                found[(row["pk"], part.name)] = StoredPart(
                    None if content is None else bytes(content), row[part.sha256] or ""
                )
        return found


class DocumentRows(Source):
    key = DocumentSource.DOCUMENT
    parts = (Part("content", "content", "sha256"),)
    extra_values = ("kind", "stay__patient_id")

    def rows(self) -> QuerySet:
        from patients.models import Document

        return Document.objects.all()

    def kind(self, row: dict, part: Part) -> str:  # noqa: ARG002
        return row["kind"]

    def patient_id(self, row: dict) -> int | None:
        return row["stay__patient_id"]


class QuotaReportRows(Source):
    key = DocumentSource.QUOTA_REPORT
    parts = (Part("pdf", "pdf", "pdf_sha256"), Part("csv", "csv", "csv_sha256"))

    def rows(self) -> QuerySet:
        from screening.models import QuotaReport, ReportStatus

        return QuotaReport.objects.filter(status=ReportStatus.DONE, pdf__isnull=False, csv__isnull=False)

    def kind(self, row: dict, part: Part) -> str:  # noqa: ARG002
        return "screening_quota_report"


SOURCES: dict[str, Source] = {source.key: source for source in (DocumentRows(), QuotaReportRows())}
