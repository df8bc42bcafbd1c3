"""The PDF helper: it renders a template to PDF and only ever reads files below static/."""

from __future__ import annotations

import pytest
from django.conf import settings

from wmr.pdf import StaticOnlyFetcher, qr_svg, render_pdf


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher(settings.BASE_DIR / "static")


def test_the_fetcher_reads_the_shipped_fonts(fetcher):
    url = (settings.BASE_DIR / "static" / "fonts" / "LiberationSans-Regular.ttf").as_uri()
    response = fetcher.fetch(url)
    try:
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        (settings.BASE_DIR / "wmr" / "settings.py").as_uri(),
        (settings.BASE_DIR / "static" / ".." / "wmr" / "settings.py").as_uri(),
        "http://127.0.0.1:8000/healthz",
        "https://example.org/logo.png",
    ],
)
def test_the_fetcher_refuses_everything_else(fetcher, url):
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_render_pdf_returns_a_pdf():
    content = render_pdf("pdf/base_print.html", {})
    assert content.startswith(b"%PDF-")


def test_qr_codes_are_inline_svg_without_xml_declaration_or_fixed_ids():
    svg = str(qr_svg("https://klinik.example/mbor"))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "id=" not in svg
