"""Audit action codes of therapy and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part so the parts can grow independently; ACTIONS joins them.
"""

from django.utils.translation import gettext_lazy as _  # noqa: F401

# sessions, attendance, groups, the session API
SESSIONS: dict = {}

# workplace training: sub-goals, situations, transfer strategies and their PDF
TRAINING: dict = {
    "therapy.training.viewed": _("Workplace training of a stay read"),
    "therapy.training.started": _("Workplace training started"),
    "therapy.training.changed": _("Workplace training start or profile basis changed"),
    "therapy.training.subgoal_added": _("Workplace-training sub-goal agreed"),
    "therapy.training.subgoal_assessed": _("Workplace-training sub-goal assessed"),
    "therapy.training.situation_added": _("Work situation practised recorded"),
    "therapy.training.strategy_added": _("Transfer strategy recorded"),
    "therapy.training.strategy_changed": _("Transfer strategy changed"),
    "therapy.training.pdf_created": _("PDF of the transfer strategies created for the patient"),
}

# progress, my day, contact-log export
PROGRESS: dict = {}

ACTIONS = {**SESSIONS, **TRAINING, **PROGRESS}
