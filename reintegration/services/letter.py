"""Writes of the discharge letter (recommendations 8.6, 8.12, 8.17).

The letter is drafted from the record (``letter_draft``), edited (``letter_update``, drafts only), and signed by a
physician (``letter_sign``): signing renders the PDF and stores it with its hash; the version is never changed
afterwards (§630f BGB). A correction is the next version (``letter_revise``), signed again; the version it replaces
becomes "superseded" when the new one is signed and stays readable. Two stamped copies for the patient to pass on
are made in one click (``letter_copies_create``) and their handover is recorded (``letter_copies_handed_over``).

Who: any clinician of the care team drafts, edits, makes the copies and records the handover (the views check the
care team); signing and starting a correction are the physician's (``LetterNotPhysician`` otherwise).

Decisions: 8.12 — a limited ability (under 6 hours) for the last job or on the general labour market needs the
detailed appraisal and both capacity profiles before signing. 8.6 — a limited ability for the last job needs
vocational rehabilitation recommended, or the physician's reason why not (``vocational_rehab_reason``; the
indicator 8.6 still counts such a letter as "not recommended", the reason documents the deviation). Both
abilities and at least one diagnosis are needed to sign.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patients import services as patient_services
from patients.models import ContactKind, Document, DocumentKind, Stay
from reintegration import documents_letter, rules_letter
from reintegration.errors import LetterExists, LetterLocked, LetterNotPhysician, LetterRefused
from reintegration.models import DischargeLetter, LetterStatus
from staff.models import Profession
from wmr import audit, locking

# The fields the physician edits (``letter_update``); copied to the next version by ``letter_revise``.
CONTENT_FIELDS = (
    "recipient",
    "diagnoses",
    "course",
    "goals_summary",
    "therapies_summary",
    "ability_last_job",
    "ability_general_market",
    "positive_profile",
    "negative_profile",
    "appraisal_detail",
    "vocational_rehab_recommended",
    "vocational_rehab_reason",
    "recommendations",
)
TEXT_FIELDS = tuple(
    name
    for name in CONTENT_FIELDS
    if name not in ("diagnoses", "vocational_rehab_recommended", "ability_last_job", "ability_general_market")
)


def _d(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def is_physician(user) -> bool:
    return user is not None and getattr(user, "profession", None) == Profession.PHYSICIAN


def _join(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the current language."""
    if len(parts) < 2:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _full_clean(letter: DischargeLetter) -> None:
    """``full_clean`` with a refused value shown as a domain error (a form normally catches it first)."""
    try:
        letter.full_clean()
    except ValidationError as exc:
        raise LetterRefused(" ".join(exc.messages)) from exc


def _physician_only(by) -> None:
    if not is_physician(by):
        raise LetterNotPhysician()


def _draft_only(letter: DischargeLetter) -> None:
    if letter.status != LetterStatus.DRAFT:
        raise LetterLocked()


# --- drafting from the record --------------------------------------------------------------------------------------


def _recipient(stay: Stay) -> str:
    """The family doctor's address block, if the stay has one among its contacts."""
    contact = stay.contacts.filter(kind=ContactKind.FAMILY_DOCTOR).order_by("id").first()
    if contact is None:
        return ""
    lines = [contact.organisation, contact.person, contact.street, f"{contact.postal_code} {contact.city}".strip()]
    return "\n".join(line for line in lines if line)


def _course(stay: Stay) -> str:
    if stay.discharge_date:
        days = (stay.discharge_date - stay.admission_date).days + 1
        return _("Inpatient work-related medical rehabilitation from %(start)s to %(end)s (%(days)s days).") % {
            "start": _d(stay.admission_date),
            "end": _d(stay.discharge_date),
            "days": days,
        }
    return _("Inpatient work-related medical rehabilitation from %(start)s.") % {"start": _d(stay.admission_date)}


def _goals_summary(stay: Stay, today: dt.date) -> str:
    """The agreed goals, each with the outcome of its latest review (rec 3.6) — or "not reviewed yet"."""
    from goals.selectors import goals_state, stay_agreements

    state = goals_state(stay, today, list(stay_agreements(stay, with_outcomes=True)))
    if state.agreed is None:
        return ""
    latest: dict[int, tuple] = {}
    for review in state.reviews:  # oldest first: a later review overwrites
        for outcome in review.outcomes.all():
            latest[outcome.goal_id] = (review, outcome)
    lines = [
        _("Goals agreed with the patient on %(date)s (version %(version)s):")
        % {"date": _d(state.agreed.agreed_on), "version": state.agreed.version}
    ]
    for n, goal in enumerate(state.agreed.goals.all(), start=1):
        found = latest.get(goal.pk)
        if found is None:
            attainment = _("not reviewed yet")
        else:
            review, outcome = found
            attainment = _("%(outcome)s (review %(occasion)s, %(date)s)") % {
                "outcome": outcome.get_outcome_display(),
                "occasion": review.get_occasion_display(),
                "date": _d(review.reviewed_on),
            }
            if outcome.note:
                attainment += f": {outcome.note}"
        lines.append(
            _("%(n)s. %(goal)s — target: %(target)s — attainment: %(attainment)s")
            % {"n": n, "goal": goal.text, "target": goal.target, "attainment": attainment}
        )
    return "\n".join(lines)


def _profiles(stay: Stay) -> tuple[str, str]:
    """Proposals for the capacity profiles from the latest computable comparison (discharge, else admission):
    dimensions where capacity meets the demands (positive) and those of over-demand (negative)."""
    from diagnostics.selectors_comparison import stay_comparisons

    data = stay_comparisons(stay)
    view = next((v for v in (data.discharge, data.admission) if v is not None and v.comparison is not None), None)
    if view is None:
        return "", ""
    language = settings.LANGUAGE_CODE
    rows = view.comparison.rows
    fit = [row.name(language) for row in rows if row.category in ("fit", "under")]
    over = [row.name(language) for row in rows if row.category == "over"]
    positive = _("Capacity meets the demands of the job in: %(names)s.") % {"names": ", ".join(fit)} if fit else ""
    negative = (
        _("Capacity below the demands of the job (over-demand) in: %(names)s.") % {"names": ", ".join(over)}
        if over
        else ""
    )
    return positive, negative


def draft_values(stay: Stay, today: dt.date) -> dict:
    """The content of a new draft, read from the record in the clinic's language."""
    with translation.override(settings.LANGUAGE_CODE):
        positive, negative = _profiles(stay)
        return {
            "recipient": _recipient(stay),
            "course": _course(stay),
            "goals_summary": _goals_summary(stay, today),
            "positive_profile": positive,
            "negative_profile": negative,
        }


def letter_draft(*, by, stay: Stay, today: dt.date | None = None) -> DischargeLetter:
    """Version 1 of the stay's discharge letter as a draft, drafted from the record: recipient (the family doctor
    among the contacts), course (the stay's dates), the agreed goals with their latest review outcomes, proposals
    for the capacity profiles from the profile comparison. Therapy minutes, the comparison chart and the plans are
    read from the record when the letter is previewed or signed.

    Refused when the stay has a letter already (a signed letter is corrected through ``letter_revise``)."""
    today = today or timezone.localdate()
    if DischargeLetter.objects.filter(stay=stay).exists():
        raise LetterExists()
    values = draft_values(stay, today)
    with transaction.atomic():
        letter = DischargeLetter(stay=stay, version=1, created_by=by, **values)
        letter.full_clean()
        letter.save()
        audit.log(letter, "reintegration.letter.drafted", user=by, data={"version": 1, "drafted": sorted(values)})
    return letter


# --- editing -------------------------------------------------------------------------------------------------------


def _diagnosis_message(problem: rules_letter.DiagnosisProblem) -> str:
    if problem.kind == "too_many":
        return _("Please enter at most %(max)s diagnoses.") % {"max": rules_letter.MAX_DIAGNOSES}
    if problem.kind == "text":
        return _("Diagnosis %(n)s (%(code)s): please add the diagnosis in words after the code.") % {
            "n": problem.position,
            "code": problem.code,
        }
    return _(
        "Diagnosis %(n)s: “%(code)s” is not an ICD-10-GM code. A code is a capital letter, two digits and "
        "optionally a dot with one or two digits, e.g. F43.2 or F32.1 G."
    ) % {"n": problem.position, "code": problem.code or "–"}


def clean_diagnoses(diagnoses: list[Mapping]) -> list[dict]:
    """``[{code, text}]`` with normalized codes; raises ``LetterRefused`` naming the first bad line."""
    items = [{"code": str(d.get("code") or "").strip(), "text": str(d.get("text") or "").strip()} for d in diagnoses]
    items = [d for d in items if d["code"] or d["text"]]
    problems = rules_letter.diagnosis_problems(items)
    if problems:
        raise LetterRefused(_diagnosis_message(problems[0]))
    return [{"code": rules_letter.normalize_code(d["code"]), "text": d["text"]} for d in items]


def letter_update(*, by, letter: DischargeLetter, values: Mapping, lock_version: int | None = None) -> DischargeLetter:
    """Change the content of a draft. ``values``: any of ``CONTENT_FIELDS``; ``diagnoses`` as a list of
    ``{"code", "text"}`` with ICD-10-GM codes (at most ten). A signed version is locked (``LetterLocked``); a bad
    code is refused with a message naming the line (nothing stored). ``lock_version``: the version the user edited;
    saved since by someone else: ``StaleEdit`` (who, when, what changed), nothing stored."""
    _draft_only(letter)
    data = {name: values[name] for name in CONTENT_FIELDS if name in values}
    if "diagnoses" in data:
        data["diagnoses"] = clean_diagnoses(list(data["diagnoses"] or []))
    for name in TEXT_FIELDS:
        if name in data:
            data[name] = (data[name] or "").strip()
    with transaction.atomic():
        locked = DischargeLetter.objects.select_for_update().get(pk=letter.pk)
        _draft_only(locked)
        locking.claim(locked, lock_version, by=by, fields=CONTENT_FIELDS, typed=data)
        changed = [name for name, value in data.items() if getattr(locked, name) != value]
        for name, value in data.items():
            setattr(locked, name, value)
        _full_clean(locked)
        locked.save()
        audit.log(locked, "reintegration.letter.changed", user=by, data={"version": locked.version, "fields": changed})
    for name, value in data.items():
        setattr(letter, name, value)
    return locked


# --- signing -------------------------------------------------------------------------------------------------------


def sign_problems(letter: DischargeLetter) -> list[str]:
    """What stops the physician from signing this draft, as translated sentences (empty: it can be signed)."""
    problems = []
    if not letter.diagnoses:
        problems.append(_("Please enter at least one diagnosis."))
    if not letter.ability_last_job or not letter.ability_general_market:
        problems.append(
            _("Please state the ability to work for the last job and on the general labour market (hours per day).")
        )
    missing = rules_letter.appraisal_missing(
        ability_last_job=letter.ability_last_job,
        ability_general_market=letter.ability_general_market,
        detail=letter.appraisal_detail,
        positive=letter.positive_profile,
        negative=letter.negative_profile,
    )
    if missing:
        names = {
            "detail": _("the detailed socio-medical appraisal"),
            "positive": _("the positive capacity profile"),
            "negative": _("the negative capacity profile"),
        }
        problems.append(
            _("The ability to work is limited (under 6 hours a day): please write %(missing)s (8.12).")
            % {"missing": _join([names[key] for key in missing])}
        )
    if rules_letter.vocational_rehab_missing(
        ability_last_job=letter.ability_last_job,
        recommended=letter.vocational_rehab_recommended,
        reason=letter.vocational_rehab_reason,
    ):
        problems.append(
            _(
                "The ability for the last job is limited: please recommend vocational rehabilitation or give the "
                "reason why it is not recommended (8.6)."
            )
        )
    return problems


def _facts(letter: DischargeLetter) -> dict:
    return {
        "kind": DocumentKind.DISCHARGE_LETTER.value,
        "template_version": documents_letter.TEMPLATE_VERSION,
        "letter_id": letter.pk,
        "version": letter.version,
        "ability_last_job": letter.ability_last_job,
        "ability_general_market": letter.ability_general_market,
        "vocational_rehab_recommended": letter.vocational_rehab_recommended,
        "appraisal_detailed": bool(letter.appraisal_detail.strip()),
        "diagnoses": [d["code"] for d in letter.diagnoses],
        "sections": list(documents_letter.SECTION_KEYS),
    }


def letter_sign(*, by, letter: DischargeLetter, today: dt.date | None = None) -> DischargeLetter:
    """Sign a draft: only a physician; refused while ``sign_problems`` names something (8.6, 8.12). Renders the PDF
    with the record as it is today, stores it (``DocumentKind.DISCHARGE_LETTER``, hash, author, facts) and keeps the
    record in ``record_snapshot``; the version it replaces becomes "superseded".

    If the PDF cannot be produced (``LetterRenderFailed``, e.g. a missing font), nothing is stored and the letter
    stays a draft."""
    today = today or timezone.localdate()
    _physician_only(by)
    _draft_only(letter)
    problems = sign_problems(letter)
    if problems:
        raise LetterRefused(" ".join(problems))
    record = documents_letter.letter_record(letter.stay, today)
    # Rendered as it will be stored (signed by ``by`` on ``today``); the row is saved only once the PDF exists.
    as_signed = copy.copy(letter)
    as_signed.status, as_signed.signed_on, as_signed.signed_by = LetterStatus.SIGNED, today, by
    rendered = documents_letter.render_discharge_letter(as_signed, record, letter_date=today)
    with transaction.atomic():
        locked = DischargeLetter.objects.select_for_update().get(pk=letter.pk)
        _draft_only(locked)
        document = patient_services.document_store(
            by=by, stay=locked.stay, kind=DocumentKind.DISCHARGE_LETTER, rendered=rendered, facts=_facts(locked)
        )
        previous = locked.previous
        if previous is not None and previous.status == LetterStatus.SIGNED:
            previous.status = LetterStatus.SUPERSEDED
            previous.full_clean()
            previous.save(update_fields=["status"])
        locked.status = LetterStatus.SIGNED
        locked.signed_on = today
        locked.signed_by = by
        locked.document = document
        locked.record_snapshot = record
        locked.full_clean()
        locked.save()
        audit.log(
            locked,
            "reintegration.letter.signed",
            user=by,
            data={
                "version": locked.version,
                "sha256": document.sha256,
                "document": document.pk,
                "ability_last_job": locked.ability_last_job,
                "ability_general_market": locked.ability_general_market,
            },
        )
    return locked


def letter_preview(*, by, letter: DischargeLetter, today: dt.date | None = None):
    """The PDF of a draft as it would be signed today, not stored; the preview is audit-logged."""
    today = today or timezone.localdate()
    rendered = documents_letter.render_discharge_letter(
        letter, documents_letter.letter_record(letter.stay, today), letter_date=today
    )
    audit.log(letter, "reintegration.letter.previewed", user=by, data={"version": letter.version})
    return rendered


# --- corrections ---------------------------------------------------------------------------------------------------


def letter_revise(*, by, letter: DischargeLetter) -> DischargeLetter:
    """Correct a signed letter: the next version as a draft with the content copied (physician only). The signed
    version stays valid and readable until the new one is signed."""
    _physician_only(by)
    if letter.status != LetterStatus.SIGNED:
        raise LetterRefused(_("Only the signed version in force can be corrected through a new version."))
    if DischargeLetter.objects.filter(stay_id=letter.stay_id, status=LetterStatus.DRAFT).exists():
        raise LetterRefused(_("A new version of the discharge letter is waiting to be signed. Please work on that."))
    with transaction.atomic():
        new = DischargeLetter(
            stay=letter.stay,
            version=letter.version + 1,
            previous=letter,
            created_by=by,
            **{name: getattr(letter, name) for name in CONTENT_FIELDS},
        )
        new.full_clean()
        new.save()
        audit.log(new, "reintegration.letter.revised", user=by, data={"version": new.version, "replaces": letter.pk})
    return new


# --- the patient's copies (8.17) ----------------------------------------------------------------------------------

COPIES = (1, 2)


def letter_copies(letter: DischargeLetter):
    """The stored patient's copies of one version, newest first (without their bytes)."""
    return (
        Document.objects.filter(
            stay_id=letter.stay_id, kind=DocumentKind.DISCHARGE_LETTER_COPY, facts__letter_id=letter.pk
        )
        .select_related("created_by")
        .defer("content")
    )


def letter_copies_create(*, by, letter: DischargeLetter) -> list[Document]:
    """Rec 8.17: two separate copies of the signed version for the patient to pass on (e.g. to the occupational
    physician or the psychotherapist), stamped "Copy 1 …" / "Copy 2 …", made in one click from the record as it was
    signed. Signed versions only (a draft is not a discharge report; a replaced version is out of date). Both are
    rendered before either is stored: a render failure stores nothing."""
    if letter.status != LetterStatus.SIGNED:
        raise LetterRefused(_("Copies for the patient can be made of the signed discharge letter in force only."))
    rendered = [
        (
            n,
            documents_letter.render_discharge_letter(
                letter, letter.record_snapshot, letter_date=letter.signed_on, copy=n
            ),
        )
        for n in COPIES
    ]
    with transaction.atomic():
        documents = [
            patient_services.document_store(
                by=by,
                stay=letter.stay,
                kind=DocumentKind.DISCHARGE_LETTER_COPY,
                rendered=content,
                facts={
                    "kind": DocumentKind.DISCHARGE_LETTER_COPY.value,
                    "letter_id": letter.pk,
                    "version": letter.version,
                    "copy": n,
                },
            )
            for n, content in rendered
        ]
        audit.log(
            letter,
            "reintegration.letter.copies_created",
            user=by,
            data={
                "version": letter.version,
                "documents": [d.pk for d in documents],
                "sha256": [d.sha256 for d in documents],
            },
        )
    return documents


def letter_copies_handed_over(
    *, by, letter: DischargeLetter, on: dt.date, today: dt.date | None = None
) -> DischargeLetter:
    """Rec 8.17: the patient received the two copies on ``on``. Needs both copies of this version; not before the
    signature, not in the future; recorded once per version."""
    today = today or timezone.localdate()
    if letter.status == LetterStatus.DRAFT:
        raise LetterRefused(_("Copies can be handed over once the letter is signed."))
    if letter.copies_handed_over_on:
        raise LetterRefused(
            _("The copies of this version were handed over on %(date)s already.")
            % {"date": _d(letter.copies_handed_over_on)}
        )
    made = {d.facts.get("copy") for d in letter_copies(letter)}
    if not set(COPIES) <= made:
        raise LetterRefused(_("Please make the two copies for the patient first."))
    if on > today:
        raise LetterRefused(_("The date lies in the future."))
    if on < letter.signed_on:
        raise LetterRefused(
            _("The copies cannot be handed over before the letter was signed on %(date)s.")
            % {"date": _d(letter.signed_on)}
        )
    with transaction.atomic():
        letter.copies_handed_over_on = on
        letter.copies_handed_over_by = by
        letter.full_clean()
        letter.save(update_fields=["copies_handed_over_on", "copies_handed_over_by"])
        audit.log(
            letter,
            "reintegration.letter.copies_handed_over",
            user=by,
            data={"version": letter.version, "on": on.isoformat()},
        )
    return letter
