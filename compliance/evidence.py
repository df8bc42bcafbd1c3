"""Evidence files of the facility self-assessment: what a file is, decided by its content, never by its name.

Pure: bytes in, answers out (no ORM, no request). Accepted are PDF, PNG, JPEG and Word (DOCX) up to 5 MB.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile

MAX_BYTES = 5 * 1024 * 1024  # 5 MB (issue 8: evidence files up to 5 MB)
MAX_NAME = 200  # SelfAssessment.evidence_file_name

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_ZIP_SIGNATURE = b"PK\x03\x04"


def _is_docx(content: bytes) -> bool:
    """A DOCX is a ZIP package with the OOXML content-type list and a Word main document part. Only the central
    directory is read (no member is decompressed), so a ZIP bomb costs nothing here."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def sniff_content_type(content: bytes) -> str | None:
    """The accepted type the bytes are (``PDF``, ``PNG``, ``JPEG``, ``DOCX``), or None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(_PNG_SIGNATURE):
        return PNG
    if content.startswith(_JPEG_SIGNATURE):
        return JPEG
    if content.startswith(_ZIP_SIGNATURE) and _is_docx(content):
        return DOCX
    return None


def is_too_large(size: int) -> bool:
    """More than 5 MB (exactly 5 MB is still accepted)."""
    return size > MAX_BYTES


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def clean_file_name(name: str, content_type: str) -> str:
    """The uploaded name without any folder part and control characters, at most 200 characters with the extension
    kept; an empty name becomes ``evidence.<ext>`` after the sniffed type."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if not base or base in {".", ".."}:
        return "evidence" + EXTENSION.get(content_type, "")
    if len(base) <= MAX_NAME:
        return base
    stem, dot, ext = base.rpartition(".")
    if dot and stem and len(ext) < 10:
        return stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return base[:MAX_NAME]
