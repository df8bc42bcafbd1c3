"""Audit action codes of therapy and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part so the parts can grow independently; ACTIONS joins them.
"""

from django.utils.translation import gettext_lazy as _  # noqa: F401

# sessions, attendance, groups, the session API
SESSIONS: dict = {
    "therapy.session.logged": _("Session logged"),
    "therapy.session.changed": _("Session changed"),
    "therapy.session.cancelled": _("Session cancelled"),
    "therapy.session.viewed": _("Session and its versions read"),
    "therapy.sessions.viewed": _("Contact log of a stay read"),
    "therapy.sessions.api_listed": _("Sessions of a stay read through the API"),
    "therapy.group_session.logged": _("Group session logged"),
    "therapy.group_session.changed": _("Group session changed"),
    "therapy.group_session.cancelled": _("Group session cancelled"),
    "therapy.group_sessions.api_listed": _("Sessions of a group read through the API"),
    "therapy.attendance.logged": _("Participation in a group session logged"),
    "therapy.attendance.changed": _("Participation in a group session changed"),
    "therapy.attendance.cancelled": _("Group session cancelled for a participant"),
    "therapy.attendance.viewed": _("Participation in a group session read"),
    "therapy.membership.viewed": _("Group membership read on the group's page"),
    "therapy.group.created": _("Group created"),
    "therapy.group.changed": _("Group changed"),
    "therapy.membership.added": _("Patient added to a group"),
    "therapy.membership.ended": _("Group membership ended"),
}

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
PROGRESS: dict = {
    "therapy.myday.viewed": _("“My day” read (stays with open counseling bars)"),
    "therapy.contactlog.exported": _("Contact log exported (CSV or PDF)"),
}

ACTIONS = {**SESSIONS, **TRAINING, **PROGRESS}
