"""Audit action codes of diagnostics and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part so the parts can grow independently; ACTIONS joins them.
"""

from django.utils.translation import gettext_lazy as _

# sessions, job descriptions, profiles and ratings
PROFILES = {
    "diagnostics.stay.viewed": _("Work-related diagnostics of a stay read"),
    "diagnostics.session.recorded": _("Diagnostic session recorded"),
    "diagnostics.session.corrected": _("Diagnostic session corrected"),
    "diagnostics.session.api_listed": _("Diagnostic sessions read through the API"),
    "diagnostics.job.created": _("Job description recorded"),
    "diagnostics.job.changed": _("Job description changed"),
    "diagnostics.profile.created": _("Capacity or demand profile created"),
    "diagnostics.profile.changed": _("Profile header changed"),
    "diagnostics.profile.viewed": _("Profile read"),
    "diagnostics.profile.api_listed": _("Profiles read through the API"),
    "diagnostics.rating.recorded": _("Profile ratings recorded"),
}

# instruments, comparison page and PDF
COMPARISON = {
    "diagnostics.instrument.imported": _("Profile instrument version imported"),
    "diagnostics.instrument.changed": _("Profile instrument version changed"),
    "diagnostics.instrument.change_refused": _("Change of a profile instrument version in use refused"),
    "diagnostics.comparison.viewed": _("Profile comparison read"),
    "diagnostics.comparison.api_viewed": _("Profile comparison read through the API"),
    "diagnostics.comparison.pdf_created": _("PDF of the profile comparison created"),
}

# team conferences, flags, planned therapies
CONFERENCE = {
    "diagnostics.conference.created": _("Team conference recorded"),
    "diagnostics.conference.changed": _("Team conference changed (date, note or participants)"),
    "diagnostics.conference.listed": _("Team conferences listed"),
    "diagnostics.conference.viewed": _("Team conference read"),
    "diagnostics.conference_case.added": _("Stay discussed at a team conference: comparison frozen"),
    "diagnostics.conference_case.flags_decided": _("Flagged dimensions confirmed or dismissed by the conference"),
    "diagnostics.conference_case.findings_changed": _("Conference findings of a stay changed"),
    "diagnostics.conference_case.api_listed": _("Team-conference discussions of a stay read through the API"),
    "diagnostics.therapy.planned": _("Therapy planned by the team conference"),
    "diagnostics.therapy.ended": _("Planned therapy ended"),
}

ACTIONS = {**PROFILES, **COMPARISON, **CONFERENCE}
