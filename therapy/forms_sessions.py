"""Forms of the contact log and the groups: input and its messages only; the rules live in the services.

The quick-log form is one line of the contact log: sensible defaults (today, me, my last used kind), the minutes
focused, Enter submits (the note is a one-line input)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diagnostics.models import PlannedTherapy
from patients.errors import DomainError
from staff.models import Role, User
from therapy import topics as catalogue
from therapy.models import GroupMembership, SessionKind, SessionStatus, TherapySession, WorkGroup
from therapy.selectors import facility_staff
from therapy.services.groups import GROUP_KINDS
from therapy.services.sessions import Attendee

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
LOG_STATUSES = [(SessionStatus.HELD, SessionStatus.HELD.label), (SessionStatus.PLANNED, SessionStatus.PLANNED.label)]
SECTION_LABELS = {
    catalogue.COUNSELING: _("Psychosocial counseling"),
    catalogue.WORK_GROUPS: _("Work-related groups"),
    catalogue.WORKPLACE_TRAINING: _("Workplace training"),
}


def topic_choices(kinds=None) -> list:
    """Topic choices grouped by section (for ``kinds``: only the topics offered for one of them)."""
    language = get_language() or "de"
    groups = []
    for section, label in SECTION_LABELS.items():
        options = [
            (t.code, f"{t.recommendation} {t.label(language)}")
            for t in catalogue.topics_of_section(section)
            if kinds is None or t.kinds & set(kinds)
        ]
        if options:
            groups.append((label, options))
    return groups


def add_refusal(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal at the field it names (or above the form)."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.message)


class _SessionFields(forms.Form):
    """What every session form asks: date, start, minutes, status, staff, topics, note."""

    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start"), required=False, widget=TIME_WIDGET)
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=600, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=LOG_STATUSES, initial=SessionStatus.HELD)
    staff = forms.ModelChoiceField(label=_("Staff"), queryset=None)
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def _setup(self, *, user, facility_id: int, topic_kinds=None) -> None:
        self.fields["staff"].queryset = facility_staff(facility_id)
        self.fields["staff"].label_from_instance = lambda u: u.display_name
        self.fields["topics"].choices = topic_choices(topic_kinds)
        if not self.is_bound:
            self.fields["held_on"].initial = timezone.localdate()
            self.fields["staff"].initial = user.pk


class QuickLogForm(_SessionFields):
    """One line on top of the contact log."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    field_order = ["kind", "held_on", "start", "minutes", "status", "staff", "note", "topics"]

    def __init__(self, *args, user, stay, last_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(user=user, facility_id=stay.facility_id)
        known = last_kind in SessionKind.values
        self.fields["kind"].initial = last_kind if known else SessionKind.INDIVIDUAL_COUNSELING
        self.fields["minutes"].widget.attrs.update({"autofocus": True, "placeholder": _("min")})
        self.fields["note"].widget.attrs["placeholder"] = _("Note (Enter saves)")
        for name, field in self.fields.items():
            if name != "topics":
                select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"


class SessionEditForm(_SessionFields):
    """Change a session of one stay; ``version`` is the version the user opened (optimistic concurrency)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    planned_therapy = forms.ModelChoiceField(
        label=_("Planned therapy (team conference)"), queryset=PlannedTherapy.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=100)
    field_order = ["kind", "held_on", "start", "minutes", "status", "staff", "planned_therapy", "topics", "note"]

    def __init__(self, *args, user, session: TherapySession, stay, **kwargs):
        kwargs.setdefault("initial", initial_of(session))
        super().__init__(*args, **kwargs)
        self._setup(user=user, facility_id=session.facility_id)
        language = get_language() or "de"
        self.fields["planned_therapy"].queryset = stay.planned_therapies.select_related("item").order_by("id")
        self.fields["planned_therapy"].label_from_instance = lambda p: " · ".join(
            part for part in (p.item.name(language), p.focus) if part
        )
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 3})
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save changes")))


def initial_of(session: TherapySession) -> dict:
    return {
        "kind": session.kind,
        "held_on": session.held_on,
        "start": session.start,
        "minutes": session.minutes,
        "status": session.status,
        "staff": session.staff_id,
        "topics": session.topics,
        "note": session.note,
        "planned_therapy": session.planned_therapy_id,
        "version": session.version,
    }


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("Why cancelled"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- groups --------------------------------------------------------------------------------------------------------


class GroupForm(forms.ModelForm):
    class Meta:
        model = WorkGroup
        fields = ["facility", "name", "kind", "leader", "starts_on", "ends_on", "default_start", "default_minutes"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "default_start": TIME_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = user.facilities.order_by("name")
        self.fields["facility"].empty_label = None
        if self.instance.pk:
            self.fields["facility"].disabled = True
        if self.instance.pk:
            self.fields["leader"].queryset = facility_staff(self.instance.facility_id)
        else:  # the service checks that the leader works in the facility chosen
            self.fields["leader"].queryset = (
                User.objects.filter(facilities__in=user.facilities.all(), role=Role.CLINICIAN, is_active=True)
                .distinct()
                .order_by("last_name", "first_name")
            )
        self.fields["leader"].label_from_instance = lambda u: u.display_name
        self.fields["leader"].required = True
        self.fields["kind"].choices = [(k, label) for k, label in SessionKind.choices if k in GROUP_KINDS]
        if not self.is_bound and not self.instance.pk:
            self.fields["leader"].initial = user.pk
            self.fields["starts_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save group")))


class MembershipAddForm(forms.Form):
    stay = forms.ModelChoiceField(label=_("Patient"), queryset=None)
    starts_on = forms.DateField(label=_("Member from"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Member until"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, stays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stay"].queryset = stays
        self.fields["stay"].label_from_instance = lambda s: (
            f"{s.patient.last_name}, {s.patient.first_name} · {s.number} · {s.admission_date:%d.%m.%Y}"
        )
        if not self.is_bound:
            self.fields["starts_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Add to the group")))


class MembershipEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day as a member"), widget=DATE_WIDGET)


class GroupSessionForm(_SessionFields):
    """A group session with one row per member: present (ticked), minutes late, minutes left early.

    ``members`` are the memberships offered (current on the date, plus stays that already have a row when editing);
    ``attendance`` (when editing) maps stay id → its Attendance row. Member rows are ``present_<stay>``,
    ``late_<stay>``, ``early_<stay>``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=100)

    def __init__(self, *args, user, group: WorkGroup, members: list[GroupMembership], attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(user=user, facility_id=group.facility_id, topic_kinds=[group.kind])
        self.group = group
        self.members = members
        self.editing = attendance is not None
        attendance = attendance or {}
        if not self.editing:
            del self.fields["version"], self.fields["reason"]
            if not self.is_bound:
                self.fields["start"].initial = group.default_start
                self.fields["minutes"].initial = group.default_minutes
        self.fields["start"].required = True
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 2})
        for name in ("held_on", "start", "minutes", "note", "reason"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control"
        for name in ("status", "staff"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for membership in members:
            row = attendance.get(membership.stay_id)
            sid = membership.stay_id
            self.fields[f"present_{sid}"] = forms.BooleanField(
                required=False, initial=row.present if row else not self.editing
            )
            self.fields[f"late_{sid}"] = forms.IntegerField(
                required=False, min_value=0, max_value=600, initial=row.late_minutes if row else 0
            )
            self.fields[f"early_{sid}"] = forms.IntegerField(
                required=False, min_value=0, max_value=600, initial=row.left_early_minutes if row else 0
            )
            for name in (f"late_{sid}", f"early_{sid}"):
                self.fields[name].widget.attrs.update({"class": "form-control form-control-sm", "style": "width: 6em"})

    def header_fields(self):
        return [self[name] for name in ("held_on", "start", "minutes", "status", "staff")]

    def member_rows(self):
        """(membership, present field, late field, early field) per member, for the template."""
        return [
            (m, self[f"present_{m.stay_id}"], self[f"late_{m.stay_id}"], self[f"early_{m.stay_id}"])
            for m in self.members
        ]

    def attendees(self) -> list[Attendee]:
        """The ticked members. When editing, a member with a row who is no longer ticked becomes absent (the
        service keeps the row with 0 minutes)."""
        data = self.cleaned_data
        return [
            Attendee(
                m.stay,
                present=True,
                late_minutes=data.get(f"late_{m.stay_id}") or 0,
                left_early_minutes=data.get(f"early_{m.stay_id}") or 0,
            )
            for m in self.members
            if data.get(f"present_{m.stay_id}")
        ]
