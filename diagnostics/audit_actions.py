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
COMPARISON: dict = {}

# team conferences, flags, planned therapies
CONFERENCE: dict = {}

ACTIONS = {**PROFILES, **COMPARISON, **CONFERENCE}
