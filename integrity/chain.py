"""The hash of a link, as pure functions (no database): the sealing job and the verification share them.

``link_hash(prev_hash, payload) = SHA-256(prev_hash + "\\n" + canonical JSON of payload)``. Canonical JSON: keys
sorted, no whitespace, UTF-8 (not ASCII-escaped), times in UTC with microseconds. Only values as read back from the
database are hashed, so the sealing job and a later verification see the same bytes on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the prev_hash of the first link of each chain

# The audit row's fields, in the order they are read (the serialisation sorts keys anyway).
AUDIT_FIELDS = (
    "id",
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "stay_id",
    "ip_address",
    "path",
    "data",
)


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"not serialisable in a seal: {type(value).__name__}")


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def link_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(payload)}".encode()).hexdigest()


def audit_payload(entry: dict, *, position: int, sealed_at: dt.datetime) -> dict:
    """What an audit link covers: every field of the audit row, the link's position and time."""
    return {
        "position": position,
        "sealed_at": _utc(sealed_at),
        "entry": {name: entry[name] for name in AUDIT_FIELDS},
    }


def document_payload(
    *,
    position: int,
    sealed_at: dt.datetime,
    source: str,
    object_id: int,
    part: str,
    kind: str,
    patient_id: int | None,
    sha256: str,
) -> dict:
    """What a document link covers: which stored bytes (row and part), their kind, patient id and SHA-256."""
    return {
        "position": position,
        "sealed_at": _utc(sealed_at),
        "source": source,
        "object_id": object_id,
        "part": part,
        "kind": kind,
        "patient_id": patient_id,
        "sha256": sha256,
    }


def bytes_sha256(content: bytes | memoryview | None) -> str:
    return hashlib.sha256(bytes(content or b"")).hexdigest()
