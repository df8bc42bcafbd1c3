"""Groups: the facility's groups, a group's page (members over time, sessions with attendance), logging a group
session once for all participants, editing and cancelling it.

Only clinicians of the group's facility see a group (everyone else: 404). On the group's pages a patient is named
only to users on that stay's care team; everyone else sees the stay number (a pseudonym). Reading a group's page
writes one audit row per stay shown by name.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.errors import DomainError
from staff.models import Role
from therapy.forms_sessions import CancelForm, GroupForm, GroupSessionForm, MembershipAddForm, MembershipEndForm
from therapy.forms_sessions import add_refusal as show_refusal
from therapy.models import GroupMembership, WorkGroup
from therapy.selectors import (
    group_for_user,
    group_list,
    group_memberships,
    group_session,
    group_sessions,
    named_stay_ids,
    session_versions,
    stays_to_add,
)
from therapy.services import groups as group_services
from therapy.services import sessions as services
from therapy.views.sessions import after_conflict, cancel_from_form
from wmr import audit
from wmr.access import role_required


def _group_or_404(request: HttpRequest, group_id: int) -> WorkGroup:
    group = group_for_user(request.user, group_id)
    if group is None:
        raise Http404
    return group


def _to_group(group: WorkGroup, anchor: str = "") -> HttpResponse:
    response = redirect("therapy:group-detail", group_id=group.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


class Names:
    """A stay's label on the group pages: the patient's name for the user's care teams, else the stay number."""

    def __init__(self, user, stays):
        stays = list(stays)
        self.named = named_stay_ids(user, (s.pk for s in stays))

    def __call__(self, stay) -> str:
        if stay.pk in self.named:
            return f"{stay.patient.last_name}, {stay.patient.first_name} ({stay.number})"
        return stay.number


@role_required(Role.CLINICIAN)
def group_list_view(request: HttpRequest) -> HttpResponse:
    groups = group_list(request.user, timezone.localdate())
    return render(request, "therapy/group_list.html", {"groups": groups})


def _group_form_page(request: HttpRequest, form: GroupForm, save, *, title: str, done: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            group = save(form.cleaned_data)
        except DomainError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, done)
            return _to_group(group)
    return render(request, "therapy/group_form.html", {"form": form, "title": title, "group": form.instance})


def _group_values(data: dict) -> dict:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "leader": data["leader"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "default_start": data["default_start"],
        "default_minutes": data["default_minutes"],
    }


@role_required(Role.CLINICIAN)
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, user=request.user)

    def save(data):
        return group_services.group_create(by=request.user, facility=data["facility"], **_group_values(data))

    return _group_form_page(request, form, save, title=_("New group"), done=_("Group created."))


@role_required(Role.CLINICIAN)
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group_or_404(request, group_id)
    form = GroupForm(request.POST or None, instance=WorkGroup.objects.get(pk=group.pk), user=request.user)

    def save(data):
        return group_services.group_change(by=request.user, group=group, **_group_values(data))

    return _group_form_page(request, form, save, title=_("Change group"), done=_("Group changed."))


@role_required(Role.CLINICIAN)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group_or_404(request, group_id)
    today = timezone.localdate()
    memberships = list(group_memberships(group))
    sessions = list(group_sessions(group))
    stays = [m.stay for m in memberships] + [a.stay for s in sessions for a in s.attendances.all()]
    names = Names(request.user, stays)
    shown = [m for m in memberships if m.stay_id in names.named]
    audit.log_many(shown, "therapy.membership.viewed", user=request.user, data={"group": group.pk})
    context = {
        "group": group,
        "current": [(m, names(m.stay)) for m in memberships if m.ends_on is None or m.ends_on >= today],
        "past": [(m, names(m.stay)) for m in memberships if m.ends_on is not None and m.ends_on < today],
        "sessions": [(s, [(a, names(a.stay)) for a in s.attendances.all()]) for s in sessions],
        "end_form": MembershipEndForm(initial={"ends_on": today}),
        "may_add": stays_to_add(request.user, group, today).exists(),
    }
    return render(request, "therapy/group_detail.html", context)


@role_required(Role.CLINICIAN)
def member_add(request: HttpRequest, group_id: int) -> HttpResponse:
    """Add one of the user's care-team stays to the group (only those are offered)."""
    group = _group_or_404(request, group_id)
    form = MembershipAddForm(request.POST or None, stays=stays_to_add(request.user, group, timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group_services.membership_add(
                by=request.user, group=group, stay=data["stay"], starts_on=data["starts_on"], ends_on=data["ends_on"]
            )
        except DomainError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Added to the group."))
            return _to_group(group, "members")
    return render(request, "therapy/group_member_add.html", {"group": group, "form": form})


@require_POST
@role_required(Role.CLINICIAN)
def member_end(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    group = _group_or_404(request, group_id)
    membership = GroupMembership.objects.filter(pk=membership_id, group=group).select_related("group").first()
    if membership is None:
        raise Http404
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day as a member."))
        return _to_group(group, "members")
    try:
        group_services.membership_end(by=request.user, membership=membership, ends_on=form.cleaned_data["ends_on"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Membership ended."))
    return _to_group(group, "members")


def _session_values(form: GroupSessionForm) -> dict:
    data = form.cleaned_data
    return {
        "held_on": data["held_on"],
        "start": data["start"],
        "minutes": data["minutes"],
        "status": data["status"],
        "staff": data["staff"],
        "topics": data["topics"],
        "note": data["note"],
        "attendees": form.attendees(),
        "today": timezone.localdate(),
    }


def _members_for(group: WorkGroup, on, extra_stay_ids=()) -> list[GroupMembership]:
    """The memberships current on ``on`` plus those of stays that already have a row (editing), one per stay."""
    chosen: dict[int, GroupMembership] = {}
    for membership in group_memberships(group):
        current = membership.starts_on <= on and (membership.ends_on is None or membership.ends_on >= on)
        if current or (membership.stay_id in extra_stay_ids and membership.stay_id not in chosen):
            chosen[membership.stay_id] = membership
    return sorted(chosen.values(), key=lambda m: m.stay.number)


def _session_page(request, group, form, names, *, session=None) -> HttpResponse:
    context = {
        "group": group,
        "form": form,
        "rows": [(m, names(m.stay), present, late, early) for m, present, late, early in form.member_rows()],
        "session": session,
        "versions": session_versions(session) if session else [],
        "cancel_form": CancelForm(initial={"version": session.version}) if session else None,
    }
    return render(request, "therapy/group_session_form.html", context)


@role_required(Role.CLINICIAN)
def group_session_log(request: HttpRequest, group_id: int) -> HttpResponse:
    """Log one session for all participants: a checkbox per current member (ticked), minutes late / left early."""
    group = _group_or_404(request, group_id)
    on = timezone.localdate()
    if request.method == "POST":
        probe = GroupSessionForm(request.POST, user=request.user, group=group, members=[])
        if probe.is_valid():
            on = probe.cleaned_data["held_on"]
    members = _members_for(group, on)
    form = GroupSessionForm(request.POST or None, user=request.user, group=group, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.group_session_log(by=request.user, group=group, **_session_values(form))
        except DomainError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Group session logged for %(count)s participants.") % {"count": session.attendances.count()},
            )
            return _to_group(group, "sessions")
    names = Names(request.user, [m.stay for m in members])
    if request.method == "GET":
        named = [m for m in members if m.stay_id in names.named]
        audit.log_many(named, "therapy.membership.viewed", user=request.user, data={"group": group.pk})
    return _session_page(request, group, form, names)


@role_required(Role.CLINICIAN)
def group_session_edit(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    group = _group_or_404(request, group_id)
    session = group_session(group, session_id)
    if session is None:
        raise Http404
    attendance = {a.stay_id: a for a in session.attendances.all()}
    members = _members_for(group, session.held_on, attendance)

    initial = {
        "held_on": session.held_on,
        "start": session.start,
        "minutes": session.minutes,
        "status": session.status,
        "staff": session.staff_id,
        "topics": session.topics,
        "note": session.note,
        "version": session.version,
    }

    def make_form(data=None):
        return GroupSessionForm(
            data, initial=initial, user=request.user, group=group, members=members, attendance=attendance
        )

    form = make_form(request.POST or None)
    names = Names(request.user, [m.stay for m in members])
    if request.method == "POST" and session.status != "cancelled" and form.is_valid():
        try:
            services.session_change(
                by=request.user,
                session=session,
                version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data["reason"],
                **_session_values(form),
            )
        except services.SessionConflict as exc:
            session.refresh_from_db()
            form = after_conflict(form, session, exc, make_form)
        except DomainError as exc:
            show_refusal(form, exc)
            session.refresh_from_db()
        else:
            messages.success(request, _("Group session changed."))
            return _to_group(group, "sessions")
    audit.log_many(
        [a for a in attendance.values() if a.stay_id in names.named],
        "therapy.attendance.viewed",
        user=request.user,
        data={"session": session.pk},
    )
    return _session_page(request, group, form, names, session=session)


@require_POST
@role_required(Role.CLINICIAN)
def group_session_cancel(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    group = _group_or_404(request, group_id)
    session = group_session(group, session_id)
    if session is None:
        raise Http404
    if not cancel_from_form(request, session):
        return redirect("therapy:group-session-edit", group_id=group.pk, session_id=session.pk)
    messages.success(request, _("Group session cancelled; it no longer counts for its participants."))
    return _to_group(group, "sessions")
