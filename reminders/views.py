"""Pages of the reminders: "My reminders" (the user's own, by overdue / due today / snoozed), snoozing with a reason,
marking done, and the e-mail preference. Only one's own reminders: anyone else's id answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reminders import selectors, services
from reminders.forms import PreferenceForm, SnoozeForm
from reminders.models import Reminder, ReminderState
from staff.models import Role
from wmr import audit
from wmr.access import role_required


def _own(request: HttpRequest, pk) -> Reminder:
    reminder = selectors.my_reminder(request.user, pk)
    if reminder is None:
        raise Http404
    return reminder


@role_required(Role.CLINICIAN)
def reminder_list(request: HttpRequest) -> HttpResponse:
    """The user's open reminders, overdue first, then due today, then the snoozed ones, each linked to the section
    where it is dealt with. The list names patients: one audit row per stay shown."""
    today = timezone.localdate()
    reminders = list(selectors.my_reminders(request.user))
    for reminder in reminders:
        reminder.url = services.section_url(reminder)
    stays = list({r.stay_id: r.stay for r in reminders}.values())
    if stays:
        audit.log_many(stays, "reminders.reminder.listed", user=request.user)
    opened = [r for r in reminders if r.state == ReminderState.OPEN]
    context = {
        "today": today,
        "overdue": [r for r in opened if r.due_on < today],
        "due_today": [r for r in opened if r.due_on >= today],
        "snoozed": [r for r in reminders if r.state == ReminderState.SNOOZED],
        "open_count": len(opened),
        "preference_form": PreferenceForm(initial={"email": selectors.preference_of(request.user)}),
    }
    return render(request, "reminders/reminder_list.html", context)


@role_required(Role.CLINICIAN)
def reminder_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    """Snooze one's own open reminder until a later day, with a reason (required). Bad input: the form again with
    what was typed and the message at the field."""
    reminder = _own(request, pk)
    today = timezone.localdate()
    if reminder.state != ReminderState.OPEN:
        messages.info(request, _("This reminder is not open any more."))
        return redirect("reminders:list")
    form = SnoozeForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_snooze(by=request.user, reminder=reminder, today=today, **form.cleaned_data)
        except services.SnoozeRefused as exc:
            form.add_error(exc.field, exc.message)
        except services.ReminderClosed as exc:
            messages.info(request, exc.message)
            return redirect("reminders:list")
        else:
            messages.success(
                request, _("Reminder snoozed until %(date)s.") % {"date": f"{reminder.snoozed_until:%d.%m.%Y}"}
            )
            return redirect("reminders:list")
    if request.method == "POST":
        messages.error(request, _("The reminder was not snoozed. Please check the marked fields."))
    else:
        audit.log(reminder, "reminders.reminder.viewed", user=request.user)
    reminder.url = services.section_url(reminder)
    return render(request, "reminders/reminder_snooze.html", {"reminder": reminder, "form": form}, status=200)


@require_POST
@role_required(Role.CLINICIAN)
def reminder_done(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = _own(request, pk)
    try:
        services.reminder_done(by=request.user, reminder=reminder)
    except services.ReminderClosed as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("Reminder marked done."))
    return redirect("reminders:list")


@require_POST
@role_required(Role.CLINICIAN)
def preference_change(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is "no"
    services.preference_set(by=request.user, email=form.cleaned_data.get("email", False))
    if form.cleaned_data.get("email") and not request.user.email:
        messages.warning(
            request, _("Saved, but your account has no e-mail address: ask the administration to add one.")
        )
    else:
        messages.success(request, _("Your e-mail preference is saved."))
    return redirect("reminders:list")
