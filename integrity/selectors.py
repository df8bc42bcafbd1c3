"""Reads of the integrity app (constant in the size of the chains: no counting on the page)."""

from __future__ import annotations

from dataclasses import dataclass

from integrity.models import AuditSeal, DocumentSeal, Verification
from integrity.services import CHAIN_LABELS, describe, last_verification


@dataclass(frozen=True)
class Head:
    position: int
    sealed_at: object


@dataclass(frozen=True)
class Status:
    verification: Verification | None
    problems: list[tuple[str, str, dict]]  # (chain label, description, the stored problem)
    audit_head: Head | None
    documents_head: Head | None


def _head(model) -> Head | None:
    row = model.objects.order_by("-position").values("position", "sealed_at").first()
    return Head(row["position"], row["sealed_at"]) if row else None


def integrity_status() -> Status:
    verification = last_verification()
    problems = []
    if verification is not None:
        problems = [(str(CHAIN_LABELS.get(p.get("chain"), "")), describe(p), p) for p in verification.problems]
    return Status(verification, problems, _head(AuditSeal), _head(DocumentSeal))
