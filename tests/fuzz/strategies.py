"""Hostile values for form fields and JSON bodies (Hypothesis strategies), and a small HTML form parser.

The values are the ones that break web apps in practice: overlong strings, control characters (NUL included,
which PostgreSQL refuses in text), HTML/JS payloads, SQL-ish strings, wrong types (text in number and date
fields), huge numbers, dates far out of range or impossible, empty values, choices that are not offered,
right-to-left and emoji text, and several values for one field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# What must never appear unescaped in an HTML answer (the tag as the browser would parse it).
UNESCAPED_MARKERS = (SCRIPT, "<img src=x onerror=alert(1)>")

XSS = st.sampled_from(
    [
        SCRIPT,
        IMG,
        "javascript:alert(1)",
        "<svg/onload=alert(1)>",
        "{{ 7*7 }}{% debug %}",
        "${7*7}",
        f"Müller {SCRIPT}",
    ]
)
SQLISH = st.sampled_from(["' OR '1'='1", "1; DROP TABLE patients_patient;--", '" OR ""="', "%", "_", "\\", "'"])
CONTROL = st.sampled_from(["\x00", "a\x00b", "\x07\x08\x1b[31m", "\r\n\r\n", "\t", "\u2028", "\ufeff", "\x7f"])
UNICODE = st.sampled_from(["\u202eevil\u202c", "שלום עולם", "مرحبا", "😀👩‍⚕️🏥", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐", "\ud7ff", "ß" * 300])
OVERLONG = st.sampled_from(["x" * 10_000, SCRIPT * 400, "ä" * 5_000 + "\x00"])
HUGE_NUMBERS = st.sampled_from(
    ["1e308", "-1e308", "1e309", str(-(2**63)), str(2**63), str(10**30), "-0", "NaN", "inf", "-inf", "0x1F", "1,5"]
)
WRONG_TYPE = st.sampled_from(["abc", "true", "null", "[]", "{}", "1.2.3", "--1", " ", "１２３"])  # noqa: RUF001
BAD_DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "31.02.2026",
        "2026-02-31",
        "99999-01-01",
        "-0001-01-01",
        "2026-13-01",
        "0000-00-00",
        "2026-01-01T25:61",
        "9999-12-31T23:59",
        "1.1.1",
        "24:00",
        "99:99",
        "yesterday",
    ]
)
EMPTY = st.sampled_from(["", " ", "\u00a0"])
HOSTILE_TEXT = st.one_of(XSS, SQLISH, CONTROL, UNICODE, OVERLONG, HUGE_NUMBERS, WRONG_TYPE, BAD_DATES, EMPTY)
HOSTILE_FILE_NAMES = st.sampled_from(["../../etc/passwd", "a.pdf", f"{SCRIPT}.pdf", "x" * 300 + ".csv", "\x00.json"])


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, number, date, file, submit, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def csrf_token(self) -> str | None:
        return next((f.value for f in self.fields if f.name == "csrfmiddlewaretoken"), None)

    def describe(self) -> str:
        return f"{self.method.upper()} {self.action} [{', '.join(sorted({f.name for f in self.fields}))}]"


class FormParser(HTMLParser):
    """Every <form> of a page with its inputs, selects (and their options) and textareas. A form that posts through
    htmx (``hx-post``) counts as a POST form; inputs with ``form="id"`` outside their form are attached to it."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._orphans: list[tuple[str, Field]] = []
        self._current: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            action = a.get("hx-post") or a.get("action") or self.page_url
            self._current = Form(method=method, action=action)
            self.forms.append(self._current)
            if a.get("id"):
                self._by_id[a["id"]] = self._current
        elif tag in ("input", "button") and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("checkbox", "radio") and "value" not in a:
                a["value"] = "on"
            self._add(Field(a["name"], kind, a.get("value", "")), a.get("form"))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._add(self._select, a.get("form"))
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._add(self._textarea, a.get("form"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def _add(self, f: Field, form_id: str | None):
        if form_id:
            self._orphans.append((form_id, f))
        elif self._current is not None:
            self._current.fields.append(f)

    def close(self):
        super().close()
        for form_id, f in self._orphans:
            if form_id in self._by_id:
                self._by_id[form_id].fields.append(f)


def parse_forms(html: str, page_url: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def _plausible(f: Field):
    """A value the page itself offers (the field's current value or one of its options), so that a hostile value in
    one field meets plausible values in the others and reaches deeper validation."""
    if f.kind == "select" and f.options:
        return st.sampled_from(f.options)
    return st.just(f.value)


def value_for(f: Field) -> st.SearchStrategy:
    """A strategy for one field: plausible, hostile for its type, a choice that is not offered, or several values."""
    hostile = HOSTILE_TEXT
    if f.kind in ("number", "range"):
        hostile = st.one_of(HUGE_NUMBERS, WRONG_TYPE, HOSTILE_TEXT)
    elif f.kind in ("date", "datetime-local", "time", "month", "week"):
        hostile = st.one_of(BAD_DATES, WRONG_TYPE, HOSTILE_TEXT)
    elif f.kind in ("select", "radio", "checkbox"):
        hostile = st.one_of(st.sampled_from(["not-an-option", "-1", "0", str(2**63), "999999999"]), HOSTILE_TEXT)
    single = st.one_of(_plausible(f), hostile)
    several = st.lists(single, min_size=2, max_size=3)
    return st.one_of(single, single, several)


@st.composite
def form_payload(draw, form: Form) -> dict:
    """A POST body for ``form``: the CSRF token kept, one submit button chosen, every other field plausible, hostile,
    or left out. Files get hostile names and contents."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict = {}
    fields = [f for f in form.fields if f.name != "csrfmiddlewaretoken"]
    submits = [f for f in fields if f.kind in ("submit", "image")]
    if submits:
        chosen = draw(st.sampled_from(submits))
        data[chosen.name] = chosen.value
    hostile_somewhere = False
    for f in fields:
        if f.kind in ("submit", "image", "button", "reset"):
            continue
        if f.kind == "file":
            if draw(st.booleans()):
                name = draw(HOSTILE_FILE_NAMES)
                content = draw(st.sampled_from([b"", b"%PDF-1.7\n" + SCRIPT.encode(), b"\x00" * 100, b"a,b\n" * 50]))
                data[f.name] = SimpleUploadedFile(name, content, content_type="application/pdf")
            continue
        choice = draw(st.sampled_from(["plausible", "hostile", "hostile", "omit"]))
        if choice == "omit":
            continue
        if choice == "plausible":
            value = draw(_plausible(f))
        else:
            value = draw(value_for(f))
            hostile_somewhere = True
        if f.name in data and f.kind in ("checkbox", "select"):
            # Several checkboxes of one name: a list of the values the page offers.
            data[f.name] = [*(data[f.name] if isinstance(data[f.name], list) else [data[f.name]]), value]
        else:
            data[f.name] = value
    if not hostile_somewhere:
        # At least one field carries the script payload, so the "never rendered unescaped" check has something to see.
        text_fields = [f for f in fields if f.kind in ("text", "textarea", "search", "email", "hidden", "select")]
        if text_fields:
            data[draw(st.sampled_from(text_fields)).name] = SCRIPT
    if form.csrf_token:
        data["csrfmiddlewaretoken"] = form.csrf_token
    return data


# --- JSON -------------------------------------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 10**30, 1e308, -1e308, 1.5]),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(["id", "a", SCRIPT, "", "__proto__"]), children)
    ),
    max_leaves=8,
)
