"""Every kind of response carries the security headers (issue 9): the Content-Security-Policy without inline script,
inline style or eval, X-Frame-Options DENY, a referrer policy, nosniff, the cross-origin opener policy and the
permissions policy. And no template or chart of ours needs the policy relaxed: no inline script, no style attribute,
no <style> element, no event-handler attribute (PDF templates are rendered by WeasyPrint, never by a browser)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import login

REPO = Path(__file__).resolve().parents[2]
CSP = "Content-Security-Policy"


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers[CSP]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def assert_security_headers(response) -> None:
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    for directive, sources in directives.items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive
        assert "*" not in sources, directive
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_an_html_page_the_worklist_has_the_headers(treating_psychologist, stay):
    response = login(treating_psychologist).get(reverse("cases:worklist"))
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_form_page_and_its_refused_post_have_the_headers(treating_psychologist, stay):
    client = login(treating_psychologist)
    response = client.get(reverse("patients:stay-edit", args=[stay.pk]))
    assert response.status_code == 200
    assert_security_headers(response)
    refused = client.post(reverse("patients:stay-edit", args=[stay.pk]), {"admission_date": "not a date"})
    assert refused.status_code == 200  # the form again, with its errors
    assert_security_headers(refused)


@pytest.mark.django_db
def test_a_pdf_download_has_the_headers(treating_psychologist, stay, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = login(treating_psychologist)
    created = client.post(reverse("therapy:contact-log-pdf", args=[stay.pk]))
    assert created.status_code == 302
    assert_security_headers(created)
    download = client.get(created.url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert_security_headers(download)


@pytest.mark.django_db
def test_api_json_and_the_api_docs_have_the_headers(treating_psychologist, stay):
    client = login(treating_psychologist)
    api = client.get("/api/v1/stays/")
    assert api.status_code == 200
    assert api["Content-Type"].startswith("application/json")
    assert_security_headers(api)
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert_security_headers(docs)


@pytest.mark.django_db
def test_the_api_docs_serve_their_start_script_as_a_separate_response(treating_psychologist):
    """The Swagger UI page has no inline script or style: its start script is the same URL with ``?script=``."""
    client = login(treating_psychologist)
    html = client.get(reverse("api:docs")).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    assert "<style" not in html and "style=" not in html
    assert "?script=" in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert Client().get(reverse("api:docs") + "?script=").status_code in (401, 403)  # staff only, like the page


@pytest.mark.django_db
def test_the_login_page_has_the_headers():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_patient_link_page_has_the_headers(treating_psychologist, stay):
    from patients.models import LinkPurpose
    from patients.services import patient_link_create

    _link, token = patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
    response = Client().get(f"/p/{token}/")
    assert response.status_code == 200
    assert_security_headers(response)
    html = response.content.decode()
    assert "<style" not in html and 'style="' not in html


@pytest.mark.django_db
def test_a_not_found_page_has_the_headers(treating_psychologist):
    assert_security_headers(Client().get("/no-such-page/"))
    response = login(treating_psychologist).get("/cases/stays/999999999/")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
def test_admin_pages_have_the_headers(admin_user):
    login_page = Client().get(reverse("admin:login"))
    assert login_page.status_code == 200
    assert_security_headers(login_page)
    index = login(admin_user).get(reverse("admin:index"))
    assert index.status_code == 200
    assert_security_headers(index)


@pytest.mark.django_db
def test_the_health_check_has_the_headers():
    assert_security_headers(Client().get(reverse("healthz")))


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_style_nor_to_evaluate_code(treating_psychologist, stay):
    html = login(treating_psychologist).get(reverse("cases:worklist")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in html
    css = (REPO / "static" / "css" / "wmr.css").read_text(encoding="utf-8")
    assert ".htmx-indicator { opacity: 0; }" in css


# --- no template of ours needs the policy relaxed ----------------------------------------------------------------

# Rendered by WeasyPrint into PDFs (wmr.pdf.render_pdf), never sent to a browser.
PDF_TEMPLATES = re.compile(r"(^|/)pdf/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"""(?<![-\w])style\s*=""", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EVENT_HANDLER = re.compile(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=\s*["']""", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def _without_comments(text: str) -> str:
    """The template without Django comments, newlines kept (line numbers stay right)."""
    return TEMPLATE_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _browser_templates() -> list[Path]:
    root = REPO / "templates"
    return [p for p in sorted(root.rglob("*.html")) if not PDF_TEMPLATES.search(p.relative_to(root).as_posix())]


def test_there_are_browser_templates_to_check():
    assert len(_browser_templates()) > 50


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script>"),
        (STYLE_ATTRIBUTE, "a style attribute"),
        (STYLE_ELEMENT, "a <style> element"),
        (EVENT_HANDLER, "an event-handler attribute"),
        (JAVASCRIPT_URL, "a javascript: URL"),
    ],
)
def test_no_browser_template_has_inline_code_or_style(pattern, what):
    found = [
        f"{path.relative_to(REPO)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in _browser_templates()
        for text in [_without_comments(path.read_text(encoding="utf-8"))]
        for m in pattern.finditer(text)
    ]
    assert found == [], f"{what} (the Content-Security-Policy refuses it): {found}"


def test_the_checks_would_find_what_they_look_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert STYLE_ATTRIBUTE.search('<div style="width: 5%">')
    assert not STYLE_ATTRIBUTE.search('<text font-style="italic">')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert EVENT_HANDLER.search("<form hx-on:submit='x()'>")
    assert not EVENT_HANDLER.search('<input name="only">')
    assert not STYLE_ELEMENT.search(_without_comments("{# no <style> here #}{% comment %}<style>{% endcomment %}"))


def test_no_server_rendered_chart_or_html_helper_writes_a_style_attribute():
    """Charts are SVG made in Python; they must use presentation attributes (fill, stroke), which CSP allows."""
    quoted_style_attribute = re.compile(r"""(?<![-\w])style=\\?["']""")
    apps = ("wmr", "staff", "patients", "screening", "goals", "diagnostics", "therapy", "reintegration", "compliance")
    sources = [
        path
        for app in (*apps, "privacy", "cases")
        for path in sorted((REPO / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]
    assert len(sources) > 50
    found = [
        str(path.relative_to(REPO))
        for path in sources
        if quoted_style_attribute.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert quoted_style_attribute.search("f'<rect style=\"fill: red\"/>'")
    assert not quoted_style_attribute.search("f'<text font-style=\"italic\">'")


def test_the_policy_setting_itself_allows_no_inline_script_or_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "REPORT_ONLY" not in str(settings.CONTENT_SECURITY_POLICY)
