"""Team conferences (rec 4.10, 9.12): the facility's conferences and the weekly indicator, and a stay at a
conference (mounted under /diagnostics/, see diagnostics/urls.py)."""

from django.urls import path

from diagnostics.views import conference

STAY_CONF = "stays/<int:stay_id>/conferences/<int:conf_id>/"

urlpatterns = [
    path("conferences/", conference.conference_list, name="conference-list"),
    path("conferences/new/", conference.conference_create, name="conference-create"),
    path("conferences/weekly/", conference.conference_weekly, name="conference-weekly"),
    path("conferences/<int:pk>/", conference.conference_detail, name="conference-detail"),
    path("conferences/<int:pk>/edit/", conference.conference_edit, name="conference-edit"),
    path(STAY_CONF, conference.stay_conference, name="stay-conference"),
    path(STAY_CONF + "add/", conference.stay_conference_add, name="stay-conference-add"),
    path(STAY_CONF + "flags/", conference.stay_conference_flags, name="stay-conference-flags"),
    path(STAY_CONF + "findings/", conference.stay_conference_findings, name="stay-conference-findings"),
    path(STAY_CONF + "therapies/", conference.stay_conference_therapy_add, name="stay-conference-therapy-add"),
    path(
        STAY_CONF + "therapies/<int:therapy_id>/end/",
        conference.stay_conference_therapy_end,
        name="stay-conference-therapy-end",
    ),
]
