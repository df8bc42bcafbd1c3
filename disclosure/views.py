"""Pages of the disclosure app: the stay's disclosures (history, consents and their scope, the patient's plan link),
the package flow (recipient and purpose → sections → preview → PDF + record), and the patient's plan page behind the
link. Reads use ``stay_view`` (care team, audited); writes ``stay_write`` (care-team clinicians)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from disclosure import content, selectors, services
from disclosure.documents import package_context
from disclosure.errors import DisclosureRefused
from disclosure.forms import PackageForm, RecipientForm, ScopeForm
from disclosure.models import DisclosureRecord
from disclosure.rules import ALL_PURPOSES, SECTION_ORDER, Purpose, Section, policy_sections
from patients.models import CONSENT_FOR_CONTACT, Consent, ContactKind, LinkPurpose, PatientLink
from patients.views.common import stay_write
from patients.views.links import invalid_page, landing_context
from staff.models import Role
from wmr import audit
from wmr.access import stay_view

# The raw token of a new plan link, shown once on the next page (it is stored nowhere else).
NEW_TOKEN_KEY = "disclosure_new_plan_token"
# The patient's browser: link id → the secret its binding was made with (services.plan_link_bind).
BOUND_LINKS_KEY = "disclosure_plan_links"


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def to_stay(stay) -> HttpResponse:
    return redirect("disclosure:stay", stay_id=stay.pk)


@require_GET
@stay_view("disclosure.history.viewed")
def stay_disclosures(request: HttpRequest, stay) -> HttpResponse:
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    now = timezone.now()
    context = {
        "stay": stay,
        "may_write": _may_write(request, stay),
        "records": list(selectors.patient_disclosures(request.user, stay)),
        "consents": selectors.consent_rows(stay),
        "links": [(link, link.state(now)) for link in selectors.plan_links(stay)],
        "new_link_url": (
            request.build_absolute_uri(reverse("patient_link:landing", args=[new_token["token"]]))
            if new_token and new_token.get("stay") == stay.pk
            else ""
        ),
    }
    return render(request, "disclosure/stay.html", context)


def _contact(stay, contact_id):
    try:
        return stay.contacts.get(pk=int(contact_id))
    except (TypeError, ValueError, stay.contacts.model.DoesNotExist):
        return None


@require_GET
@stay_write
def package_new(request: HttpRequest, stay) -> HttpResponse:
    """Step 1 (recipient and purpose) and, once chosen, step 2: the sections that may go out, or the refusal."""
    form = RecipientForm(request.GET if "contact" in request.GET else None, stay=stay)
    context = {"stay": stay, "form": form}
    if form.is_bound and form.is_valid():
        contact, purpose = form.cleaned_data["contact"], form.cleaned_data["purpose"]
        try:
            result = services.package_options(by=request.user, contact=contact, purpose=purpose, today=_today())
        except DisclosureRefused as exc:
            context["refusal"] = exc.message
        else:
            context["check"] = result
            context["package_form"] = PackageForm(
                initial={"contact": contact.pk, "purpose": purpose, "sections": list(result.decision.offered)},
                offered=result.offered_choices,
            )
    return render(request, "disclosure/package_new.html", context)


def _today():
    return timezone.localdate()


def _posted_package(request: HttpRequest, stay):
    """The posted package form, its contact and the server's check; or the response that refuses it."""
    form = PackageForm(request.POST)
    contact = _contact(stay, request.POST.get("contact"))
    refusal = ""
    if not form.is_valid() or contact is None:
        refusal = _("Please choose a recipient of this stay, a purpose and the sections again.")
    else:
        try:
            result = services.package_check(
                by=request.user,
                contact=contact,
                purpose=form.cleaned_data["purpose"],
                sections=form.cleaned_data["sections"],
                today=_today(),
            )
            return form, contact, result
        except DisclosureRefused as exc:
            refusal = exc.message
    recipient = RecipientForm(
        {"contact": request.POST.get("contact"), "purpose": request.POST.get("purpose")}, stay=stay
    )
    recipient.is_valid()
    return render(
        request, "disclosure/package_new.html", {"stay": stay, "form": recipient, "refusal": refusal}, status=400
    )


@require_POST
@stay_write
def package_preview(request: HttpRequest, stay) -> HttpResponse:
    posted = _posted_package(request, stay)
    if isinstance(posted, HttpResponse):
        return posted
    form, contact, result = posted
    purpose, sections = form.cleaned_data["purpose"], form.cleaned_data["sections"]
    audit.log(
        stay,
        "disclosure.package.previewed",
        user=request.user,
        data={"contact": contact.pk, "purpose": purpose, "sections": list(sections)},
    )
    context = package_context(
        stay=stay, contact=contact, purpose=purpose, sections=sections, consent=result.consent, today=_today()
    )
    return render(request, "disclosure/package_preview.html", context | {"form": form, "check": result})


@require_POST
@stay_write
def package_create(request: HttpRequest, stay) -> HttpResponse:
    posted = _posted_package(request, stay)
    if isinstance(posted, HttpResponse):
        return posted
    form, contact, _result = posted
    try:
        record = services.package_create(
            by=request.user,
            stay=stay,
            contact=contact,
            purpose=form.cleaned_data["purpose"],
            sections=form.cleaned_data["sections"],
            note=form.cleaned_data["note"],
        )
    except DisclosureRefused as exc:
        messages.error(request, exc.message)
        return to_stay(stay)
    messages.success(
        request,
        _("The package for %(recipient)s was created and recorded. Download it below to send it.")
        % {"recipient": record.recipient_name},
    )
    return redirect(f"{reverse('disclosure:stay', args=[stay.pk])}#record-{record.pk}")


@require_GET
@stay_view(action=None)
@never_cache
def record_pdf(request: HttpRequest, stay, record_id: int) -> HttpResponse:
    """The stored PDF exactly as sent, for the care team; the download is audited."""
    record = get_object_or_404(DisclosureRecord.objects.select_related("document"), stay=stay, pk=record_id)
    document = record.document
    audit.log(record, "disclosure.package.downloaded", user=request.user, data={"sha256": document.sha256})
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.filename)
    return response


@stay_write
def scope_edit(request: HttpRequest, stay, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("disclosure_scope"), stay=stay, pk=consent_id)
    scope = selectors.scope_of(consent)
    initial = {
        "purposes": scope.purposes if scope else list(ALL_PURPOSES),
        "sections": scope.sections if scope else list(SECTION_ORDER),
        "note": scope.note if scope else "",
    }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scope_save(by=request.user, consent=consent, **form.cleaned_data)
        except DisclosureRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The scope of the consent was saved."))
            return to_stay(stay)
    kinds = [kind for kind, consent_kind in CONSENT_FOR_CONTACT.items() if consent_kind == consent.kind]
    policy = [
        (
            ContactKind(kind).label,
            [
                (Purpose(purpose).label, [Section(s).label for s in policy_sections(kind, purpose)])
                for purpose in ALL_PURPOSES
            ],
        )
        for kind in kinds
    ]
    return render(
        request,
        "disclosure/scope_form.html",
        {"stay": stay, "consent": consent, "scope": scope, "form": form, "policy": policy},
    )


@require_POST
@stay_write
def plan_link_create(request: HttpRequest, stay) -> HttpResponse:
    link, raw = services.plan_link_create(by=request.user, stay=stay)
    request.session[NEW_TOKEN_KEY] = {"stay": stay.pk, "token": raw}
    messages.success(request, _("A new plan link for the patient was created. Earlier plan links no longer work."))
    return redirect(f"{reverse('disclosure:stay', args=[stay.pk])}#plan-link")


@require_POST
@stay_write
def plan_link_revoke(request: HttpRequest, stay, link_id: int) -> HttpResponse:
    link = get_object_or_404(PatientLink, stay=stay, pk=link_id, purpose=LinkPurpose.PATIENT_PLAN)
    services.plan_link_revoke(by=request.user, link=link)
    messages.success(request, _("Plan link revoked; it no longer works."))
    return redirect(f"{reverse('disclosure:stay', args=[stay.pk])}#plan-link")


# --- the patient's side -------------------------------------------------------------------------------------------


def patient_plan(request: HttpRequest, link: PatientLink) -> HttpResponse:
    """The landing page of a plan link (registered in ``patients.views.links.LANDING_PAGES``): the patient's agreed
    goals, transfer strategies and graded step plan, read-only and phone-first. Bound to the first browser that
    opens it (``services.plan_link_bind``); any other browser gets the one invalid page of every unusable link."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    bound = dict(request.session.get(BOUND_LINKS_KEY, {}))
    secret = bound.get(str(link.pk)) or secrets.token_urlsafe(32)
    if not services.plan_link_bind(link=link, secret=secret):
        audit.log(link, "patients.link.rejected", data={"state": "bound_to_another_browser"})
        return invalid_page(request)
    if str(link.pk) not in bound:
        bound[str(link.pk)] = secret
        request.session[BOUND_LINKS_KEY] = bound
    stay = link.stay
    today = timezone.localdate()
    audit.log(link, "disclosure.plan_link.viewed")
    context = landing_context(link) | {
        "sections": content.section_content(stay, content.PATIENT_PLAN_SECTIONS, today),
        "today": today,
    }
    return render(request, "disclosure/patient_plan.html", context)
