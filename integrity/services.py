"""Sealing and verifying the two hash chains (writes here; the hash itself is pure, ``integrity.chain``).

Sealing (``seal_all``; beat every minute, ``manage.py seal_chain``) appends links for audit rows and stored documents
that have none yet, in id order, in batches of one transaction each. One sealer at a time: a PostgreSQL advisory
lock held for the batch's transaction; the unique ``position`` and ``prev_hash`` make a second writer that slipped
past it (SQLite has no such lock) fail instead of forking the chain. The request path is never touched: ``wmr.audit.
log`` inserts its row as before; the row is sealed by the next run of the job.

**The window**: an audit row or document is unprotected between its insert and the next sealing run (at most about
a minute while the beat runs; the row then counts as "not yet sealed"). A row committed long after rows with higher
ids (a transaction open for longer than ``AUDIT_LOOKBACK`` later audit rows) is found by the full sweep that the
nightly verification runs first (or ``seal_chain --full``); until then it is counted as not yet sealed.

Verification (``verify``; ``manage.py verify_integrity``, nightly) recomputes every link, checks the positions and
``prev_hash`` links, reads every sealed document's bytes again, and never changes or repairs anything; ``record``
stores the result, writes an audit row and notifies the privacy officers and admins when a chain is broken.
A chain can only show what was changed *after* sealing and *without* rewriting every later link; someone with write
access to the database who recomputes the whole tail is caught only by comparing the head hash with a copy kept
elsewhere (the command prints it; each verification stores the heads it saw and the next one checks they remain).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrity import chain
from integrity.models import AuditSeal, DocumentSeal, DocumentSource, Verification
from integrity.sources import SOURCES, Source
from wmr import audit
from wmr.models import AuditEntry, Notification

AUDIT_BATCH = 2000
DOCUMENT_BATCH = 50  # bytes are loaded: a few MB per transaction at most
AUDIT_LOOKBACK = 20_000  # audit ids below the highest sealed one still looked at for late commits
DOCUMENT_LOOKBACK = 2_000
VERIFY_CHUNK = 2000
DOCUMENT_VERIFY_CHUNK = 100
KEEP_PROBLEMS = 20  # problems stored per verification (the first of each chain is what matters)

_LOCK_NAMESPACE = 0x1A7E  # pg_advisory_xact_lock(namespace, chain)
_LOCK_IDS = {"audit": 1, "documents": 2}


def _lock(name: str) -> None:
    """Hold the chain's lock until the surrounding transaction ends (PostgreSQL; SQLite serialises writers and the
    unique position/prev_hash refuse a fork)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, _LOCK_IDS[name]])


def _head(model) -> tuple[int, str]:
    head = model.objects.order_by("-position").values("position", "hash").first()
    return (head["position"], head["hash"]) if head else (0, chain.GENESIS)


# --- sealing ------------------------------------------------------------------------------------------------------


@dataclass
class SealRun:
    audit: int = 0
    documents: int = 0


def seal_audit(*, full: bool = False, batch: int = AUDIT_BATCH, deadline: float | None = None) -> int:
    """Append a link for every audit row without one (id order); returns how many. ``full`` looks at every row,
    otherwise only at ids above the highest sealed one minus ``AUDIT_LOOKBACK``."""
    sealed = 0
    low: int | None = 0 if full else None
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic():
            _lock("audit")
            position, prev = _head(AuditSeal)
            if low is None:
                top = AuditSeal.objects.aggregate(top=Max("entry_id"))["top"] or 0
                low = max(0, top - AUDIT_LOOKBACK)
            has_seal = AuditSeal.objects.filter(entry_id=OuterRef("pk"))
            rows = list(
                AuditEntry.objects.filter(pk__gt=low)
                .filter(~Exists(has_seal))
                .order_by("pk")
                .values(*chain.AUDIT_FIELDS)[:batch]
            )
            if not rows:
                break
            sealed_at = timezone.now()
            seals = []
            for row in rows:
                position += 1
                digest = chain.link_hash(prev, chain.audit_payload(row, position=position, sealed_at=sealed_at))
                seals.append(
                    AuditSeal(position=position, entry_id=row["id"], prev_hash=prev, hash=digest, sealed_at=sealed_at)
                )
                prev = digest
            AuditSeal.objects.bulk_create(seals)
            sealed += len(seals)
        # every unsealed row up to the last one of this batch was in it: the next batch starts after it
        low = rows[-1]["id"]
        if len(rows) < batch:
            break
    return sealed


def _document_low(source: Source, full: bool) -> int:
    if full:
        return 0
    top = DocumentSeal.objects.filter(source=source.key).aggregate(top=Max("object_id"))["top"] or 0
    return max(0, top - DOCUMENT_LOOKBACK)


def seal_documents(*, full: bool = False, batch: int = DOCUMENT_BATCH, deadline: float | None = None) -> int:
    """Append a link for every stored document part without one (per source, id order); returns how many."""
    sealed = 0
    for source in SOURCES.values():
        low = _document_low(source, full)
        while deadline is None or time.monotonic() < deadline:
            with transaction.atomic():
                _lock("documents")
                position, prev = _head(DocumentSeal)
                candidates = source.candidates(low=low, limit=batch)
                if not candidates:
                    break
                sealed_at = timezone.now()
                seals = []
                for item in candidates:
                    position += 1
                    values = {
                        "source": source.key,
                        "object_id": item.object_id,
                        "part": item.part,
                        "kind": item.kind,
                        "patient_id": item.patient_id,
                        "sha256": chain.bytes_sha256(item.content),
                    }
                    digest = chain.link_hash(
                        prev, chain.document_payload(position=position, sealed_at=sealed_at, **values)
                    )
                    seals.append(
                        DocumentSeal(position=position, prev_hash=prev, hash=digest, sealed_at=sealed_at, **values)
                    )
                    prev = digest
                DocumentSeal.objects.bulk_create(seals)
                sealed += len(seals)
            if len({item.object_id for item in candidates}) < batch:
                break
            low = candidates[-1].object_id  # every unsealed part up to this id was in the batch: sealed now
    return sealed


def seal_all(*, full: bool = False, seconds: float | None = None) -> SealRun:
    deadline = time.monotonic() + seconds if seconds else None
    run = SealRun()
    run.audit = seal_audit(full=full, deadline=deadline)
    run.documents = seal_documents(full=full, deadline=deadline)
    return run


# --- verification -------------------------------------------------------------------------------------------------

PROBLEMS = {
    "altered": gettext_lazy("%(table)s row %(id)s does not match its seal #%(position)s (the row or the seal changed)"),
    "deleted": gettext_lazy("%(table)s row %(id)s, sealed at #%(position)s, is missing (deleted)"),
    "link": gettext_lazy(
        "seal #%(position)s does not point to the link before it (a link was removed, inserted or changed)"
    ),
    "gap": gettext_lazy("links are missing before seal #%(position)s (positions jump)"),
    "seal_altered": gettext_lazy("seal #%(position)s of %(table)s row %(id)s does not match its own hash"),
    "bytes": gettext_lazy(
        "the bytes of %(table)s row %(id)s (%(part)s) differ from the SHA-256 sealed at #%(position)s"
    ),
    "stored_hash": gettext_lazy("the SHA-256 stored in %(table)s row %(id)s (%(part)s) differs from its seal"),
    "unsealed_bytes": gettext_lazy(
        "the bytes of %(table)s row %(id)s (%(part)s, not yet sealed) differ from the SHA-256 stored with them"
    ),
    "truncated": gettext_lazy(
        "seal #%(position)s, the head seen by the verification of %(seen)s, is gone or changed (the chain was cut)"
    ),
}
CHAIN_LABELS = {"audit": gettext_lazy("Audit chain"), "documents": gettext_lazy("Documents")}


def describe(problem: dict) -> str:
    """The problem in words (the active language); every placeholder has a value even when the problem lacks it."""
    template = PROBLEMS.get(problem.get("code"), "%(code)s")
    params = {"code": "", "table": "", "id": "–", "position": "–", "part": "", "seen": ""}
    params.update({key: ("–" if value is None else value) for key, value in problem.items()})
    return str(template) % params


@dataclass
class ChainResult:
    name: str
    sealed: int = 0
    unsealed: int = 0
    erased: int = 0
    problems: int = 0
    first: list[dict] = field(default_factory=list)
    head_position: int | None = None
    head_hash: str = ""

    @property
    def intact(self) -> bool:
        return self.problems == 0

    def add(self, **problem) -> None:
        self.problems += 1
        if len(self.first) < KEEP_PROBLEMS:
            self.first.append({"chain": self.name, **problem})


@dataclass
class Report:
    started_at: dt.datetime
    audit: ChainResult
    documents: ChainResult

    @property
    def intact(self) -> bool:
        return self.audit.intact and self.documents.intact

    @property
    def problems(self) -> list[dict]:
        return self.audit.first + self.documents.first


def _seals(model, chunk: int) -> Iterator[list]:
    last = 0
    while True:
        rows = list(model.objects.filter(position__gt=last).order_by("position")[:chunk])
        if not rows:
            return
        yield rows
        last = rows[-1].position


class _Links:
    """Checks the position and prev_hash of each link in order; a break is reported once, the walk goes on from
    the link as found (so one tampered row is one problem, not every later one)."""

    def __init__(self, result: ChainResult, table: str):
        self.result, self.table = result, table
        self.position, self.prev = 0, chain.GENESIS

    def check(self, seal, row_id: int) -> None:
        if seal.position != self.position + 1:
            self.result.add(
                code="gap", table=self.table, id=row_id, position=seal.position,
                expected=str(self.position + 1), found=str(seal.position),
            )  # fmt: skip
        elif seal.prev_hash != self.prev:
            self.result.add(
                code="link", table=self.table, id=row_id, position=seal.position, expected=self.prev,
                found=seal.prev_hash,
            )  # fmt: skip
        self.position, self.prev = seal.position, seal.hash
        self.result.head_position, self.result.head_hash = seal.position, seal.hash


def verify_audit(previous: Verification | None = None) -> ChainResult:
    result = ChainResult("audit")
    table = AuditEntry._meta.db_table
    links = _Links(result, table)
    for seals in _seals(AuditSeal, VERIFY_CHUNK):
        entries = {
            row["id"]: row
            for row in AuditEntry.objects.filter(pk__in=[s.entry_id for s in seals]).values(*chain.AUDIT_FIELDS)
        }
        for seal in seals:
            links.check(seal, seal.entry_id)
            entry = entries.get(seal.entry_id)
            if entry is None:
                result.add(code="deleted", table=table, id=seal.entry_id, position=seal.position, expected=seal.hash,
                           found="")  # fmt: skip
                continue
            found = chain.link_hash(
                seal.prev_hash, chain.audit_payload(entry, position=seal.position, sealed_at=seal.sealed_at)
            )
            if found != seal.hash:
                result.add(code="altered", table=table, id=seal.entry_id, position=seal.position, expected=seal.hash,
                           found=found)  # fmt: skip
            result.sealed += 1
    result.unsealed = AuditEntry.objects.filter(~Exists(AuditSeal.objects.filter(entry_id=OuterRef("pk")))).count()
    _check_head(result, AuditSeal, previous, "audit_head_position", "audit_head_hash", table)
    return result


def _check_head(result: ChainResult, model, previous: Verification | None, position_field: str, hash_field: str,
                table: str) -> None:  # fmt: skip
    """The head the previous verification saw must still be there, unchanged (a cut-off tail has no later link)."""
    if previous is None or getattr(previous, position_field) is None:
        return
    position, digest = getattr(previous, position_field), getattr(previous, hash_field)
    if not model.objects.filter(position=position, hash=digest).exists():
        found = model.objects.filter(position=position).values_list("hash", flat=True).first() or ""
        seen = timezone.localtime(previous.finished_at).strftime("%Y-%m-%d %H:%M")
        result.add(code="truncated", table=table, id=None, position=position, seen=seen, expected=digest, found=found)


def verify_documents(previous: Verification | None = None) -> ChainResult:
    from privacy.models import ErasureRecord

    result = ChainResult("documents")
    links = _Links(result, DocumentSeal._meta.db_table)
    for seals in _seals(DocumentSeal, DOCUMENT_VERIFY_CHUNK):
        stored = {}
        for key, source in SOURCES.items():
            ids = [s.object_id for s in seals if s.source == key]
            if ids:
                stored.update({(key, *k): v for k, v in source.stored(ids).items()})
        erased = set(
            ErasureRecord.objects.filter(
                former_patient_id__in={s.patient_id for s in seals if s.patient_id is not None}
            ).values_list("former_patient_id", flat=True)
        )
        for seal in seals:
            source = SOURCES.get(seal.source)
            table = source.table if source else seal.source
            links.check(seal, seal.object_id)
            where = {"table": table, "id": seal.object_id, "position": seal.position, "part": seal.part}
            values = {
                "source": seal.source,
                "object_id": seal.object_id,
                "part": seal.part,
                "kind": seal.kind,
                "patient_id": seal.patient_id,
                "sha256": seal.sha256,
            }
            own = chain.link_hash(
                seal.prev_hash, chain.document_payload(position=seal.position, sealed_at=seal.sealed_at, **values)
            )
            if own != seal.hash:
                result.add(code="seal_altered", expected=seal.hash, found=own, **where)
                continue
            part = stored.get((seal.source, seal.object_id, seal.part))
            if part is None:
                if seal.source == DocumentSource.DOCUMENT and seal.patient_id in erased:
                    result.erased += 1
                else:
                    result.add(code="deleted", expected=seal.sha256, found="", **where)
                continue
            result.sealed += 1
            found = chain.bytes_sha256(part.content) if part.content is not None else ""
            if found != seal.sha256:
                result.add(code="bytes", expected=seal.sha256, found=found, **where)
            elif part.stored_sha256 != seal.sha256:
                result.add(code="stored_hash", expected=seal.sha256, found=part.stored_sha256, **where)
    for source in SOURCES.values():
        for part in source.parts:
            unsealed = source.unsealed(part, low=0)
            result.unsealed += unsealed.count()
            for row in unsealed.values("pk", part.content, part.sha256).iterator(chunk_size=DOCUMENT_VERIFY_CHUNK):
                found = chain.bytes_sha256(row[part.content])
                if found != row[part.sha256]:
                    result.add(code="unsealed_bytes", table=source.table, id=row["pk"], position=None, part=part.name,
                               expected=row[part.sha256], found=found)  # fmt: skip
    _check_head(result, DocumentSeal, previous, "documents_head_position", "documents_head_hash",
                DocumentSeal._meta.db_table)  # fmt: skip
    return result


def last_verification() -> Verification | None:
    return Verification.objects.order_by("-finished_at", "-id").first()


def verify() -> Report:
    """Walk both chains; changes nothing."""
    started = timezone.now()
    previous = last_verification()
    return Report(started, verify_audit(previous), verify_documents(previous))


def record(report: Report, *, trigger: str, by=None) -> Verification:
    """Store the result, log it, and tell the privacy officers and admins when a chain is broken."""
    verification = Verification.objects.create(
        started_at=report.started_at,
        finished_at=timezone.now(),
        intact=report.intact,
        audit_sealed=report.audit.sealed,
        audit_unsealed=report.audit.unsealed,
        audit_head_position=report.audit.head_position,
        audit_head_hash=report.audit.head_hash,
        documents_sealed=report.documents.sealed,
        documents_erased=report.documents.erased,
        documents_unsealed=report.documents.unsealed,
        documents_head_position=report.documents.head_position,
        documents_head_hash=report.documents.head_hash,
        problems=report.problems,
        trigger=trigger,
    )
    summary = {
        "intact": report.intact,
        "trigger": trigger,
        "audit": {"sealed": report.audit.sealed, "unsealed": report.audit.unsealed, "problems": report.audit.problems},
        "documents": {
            "sealed": report.documents.sealed,
            "erased": report.documents.erased,
            "unsealed": report.documents.unsealed,
            "problems": report.documents.problems,
        },
    }
    if report.intact:
        audit.log(verification, "integrity.chain.verified", user=by, data=summary)
    else:
        summary["first"] = report.problems[:2]
        audit.log(verification, "integrity.chain.broken", user=by, data=summary)
        _notify_broken(verification, report)
    return verification


def notification_recipients():
    from staff.models import Role

    return get_user_model().objects.filter(is_active=True, role__in=[Role.PRIVACY_OFFICER, Role.ADMIN])


def _notify_broken(verification: Verification, report: Report) -> None:
    """One in-app notification per privacy officer and admin and day (key ``integrity-broken-<date>``)."""
    key = f"integrity-broken-{timezone.localdate(verification.finished_at).isoformat()}"
    title = _("Record integrity check failed: a hash chain is broken")
    body = "\n".join(f"{CHAIN_LABELS[p['chain']]}: {describe(p)}" for p in report.problems[:3])
    url = reverse("integrity:status")
    for user in notification_recipients():
        Notification.objects.get_or_create(user=user, key=key, defaults={"title": title, "body": body, "url": url})
