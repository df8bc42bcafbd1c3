"""Small evidence files of each kind for the self-assessment tests (the signatures are what counts, not the rest)."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def docx_bytes(*, word: bool = True) -> bytes:
    """A minimal OOXML package: a Word document, or (``word=False``) a spreadsheet, which is a ZIP too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        # a fixed timestamp: the bytes (and the test ids built from them) must not change with the clock, or
        # pytest-xdist's workers collect different tests
        fixed = (2026, 1, 1, 0, 0, 0)
        package.writestr(zipfile.ZipInfo("[Content_Types].xml", fixed), "<Types/>")
        package.writestr(zipfile.ZipInfo("word/document.xml" if word else "xl/workbook.xml", fixed), "<document/>")
    return buffer.getvalue()
