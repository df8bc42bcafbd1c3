"""Audit action codes of diagnostics and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part so the parts can grow independently; ACTIONS joins them.
"""

from django.utils.translation import gettext_lazy as _

# sessions, job descriptions, profiles and ratings
PROFILES = {
    "diagnostics.placeholder.none": _("(placeholder)"),
}

# instruments, comparison page and PDF
COMPARISON: dict = {}

# team conferences, flags, planned therapies
CONFERENCE: dict = {}

ACTIONS = {**PROFILES, **COMPARISON, **CONFERENCE}
