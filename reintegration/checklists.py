"""The return-to-work checklists as a pure catalogue: which items apply to a stay, and why (no ORM, no clock).

Sources (``../shared/domain/recommendations.csv``): 8.1, 8.15, 8.16 and 10.4 apply to every patient; 8.8–8.10 and
10.3 to the unemployed and those whose unemployment is impending; 8.6 and 8.7 when the ability to do the last job is
limited (or the discharge letter recommends vocational rehabilitation, the condition of 8.7); 8.11 when the ability
on the general labour market is limited. "Limited" is any appraisal below six hours a day (DRV discharge report:
"3 to under 6 hours" and "under 3 hours"). WMR or not does not matter.

``Facts`` holds plain values (``selectors_checklists`` reads them from the stay, its work situation and its newest
discharge letter); ``applicable_groups(facts)`` names the groups that apply with the reason; ``applicable_items(facts)``
lists their items in catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Values of patients.models.EmploymentStatus, reintegration.models.JobRisk and reintegration.models.WorkAbility
# (kept as plain strings so this module stays free of the ORM; tests check they match the choices).
UNEMPLOYED = "unemployed"
IMPENDING = "impending"
LIMITED_ABILITIES = ("3_to_6", "below_3")  # below six hours a day


class Group(StrEnum):
    ALWAYS = "always"
    UNEMPLOYMENT = "unemployment"
    LAST_JOB_LIMITED = "last_job_limited"
    MARKET_LIMITED = "market_limited"


GROUP_TITLES: dict[Group, Promise] = {
    Group.ALWAYS: _("Every patient"),
    Group.UNEMPLOYMENT: _("Unemployment or impending unemployment"),
    Group.LAST_JOB_LIMITED: _("Limited ability to do the last job: vocational rehabilitation"),
    Group.MARKET_LIMITED: _("Limited ability on the general labour market: pension advice"),
}


@dataclass(frozen=True)
class Item:
    key: str  # stored in ChecklistEntry.item; a URL slug
    rec: str  # recommendation id
    group: Group
    text: Promise
    when: Promise | None = None  # when in the stay it is due, where the recommendation says so


ITEMS: tuple[Item, ...] = (
    Item("stay_extension", "8.1", Group.ALWAYS, _("A possible extension of the stay discussed with the patient"),
         _("as early as possible")),
    Item("case_management", "8.16", Group.ALWAYS,
         _("Checked whether case management of the pension insurer should start; patient advised, started where "
           "offered"), _("early in the stay")),
    Item("cooperation_explained", "10.4", Group.ALWAYS,
         _("Explained why cooperation with external stakeholders (employer, company medical service) matters")),
    Item("integration_service", "8.15", Group.ALWAYS,
         _("Checked whether the integration service should be involved"), _("at the end of the stay")),
    Item("career_options", "8.8", Group.UNEMPLOYMENT, _("Personal career options talked through")),
    Item("agency_found", "8.9", Group.UNEMPLOYMENT,
         _("Responsible employment agency or job centre found with the patient")),
    Item("agency_called", "8.10", Group.UNEMPLOYMENT,
         _("Phoned the employment agency or job centre together with the patient")),
    Item("career_centre_advised", "10.3", Group.UNEMPLOYMENT,
         _("Advised to visit the career information centre (BiZ) at home after rehab")),
    Item("vocational_rehab_explained", "8.6", Group.LAST_JOB_LIMITED,
         _("Vocational rehabilitation explained in person and recommended in the discharge letter")),
    Item("vocational_rehab_filed", "8.7", Group.LAST_JOB_LIMITED,
         _("Application for vocational rehabilitation filed together during WMR")),
    Item("pension_advice", "8.11", Group.MARKET_LIMITED,
         _("Detailed advice on pension types and the pension insurer's advice centres, voluntary advisors, website "
           "and hotline")),
)  # fmt: skip

ITEMS_BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}


@dataclass(frozen=True)
class Facts:
    """What decides which checklists apply. Empty ``ability_*``: not appraised (yet)."""

    employment_status: str = ""  # patients.models.EmploymentStatus of the stay
    job_risk: str = ""  # reintegration.models.JobRisk of the work situation ("" without one)
    ability_last_job: str = ""  # reintegration.models.WorkAbility of the newest discharge letter
    ability_general_market: str = ""
    vocational_rehab_recommended: bool = False  # the newest discharge letter recommends it (8.7)


@dataclass(frozen=True)
class Applies:
    group: Group
    reason: str  # "applies because …", for the page

    @property
    def title(self) -> str:
        return str(GROUP_TITLES[self.group])

    @property
    def items(self) -> list[Item]:
        return [item for item in ITEMS if item.group == self.group]


def is_limited(ability: str) -> bool:
    """Below six hours a day (an empty appraisal is not limited)."""
    return ability in LIMITED_ABILITIES


def _unemployment_reason(facts: Facts) -> str | None:
    if facts.employment_status == UNEMPLOYED or facts.job_risk == UNEMPLOYED:
        return str(_("applies because the patient is unemployed"))
    if facts.job_risk == IMPENDING:
        return str(_("applies because the patient's unemployment is impending"))
    return None


def _last_job_reason(facts: Facts) -> str | None:
    if is_limited(facts.ability_last_job):
        return str(_("applies because the discharge letter appraises the ability to do the last job below six hours"))
    if facts.vocational_rehab_recommended:
        return str(_("applies because the discharge letter recommends vocational rehabilitation"))
    return None


def _market_reason(facts: Facts) -> str | None:
    if is_limited(facts.ability_general_market):
        return str(
            _("applies because the discharge letter appraises the ability on the general labour market below six hours")
        )
    return None


def applicable_groups(facts: Facts) -> list[Applies]:
    """The groups that apply, in catalogue order, each with the reason it applies."""
    reasons = {
        Group.ALWAYS: str(_("applies to every patient")),
        Group.UNEMPLOYMENT: _unemployment_reason(facts),
        Group.LAST_JOB_LIMITED: _last_job_reason(facts),
        Group.MARKET_LIMITED: _market_reason(facts),
    }
    return [Applies(group, reason) for group, reason in reasons.items() if reason]


def applicable_items(facts: Facts) -> list[Item]:
    """Every item of the groups that apply, in catalogue order."""
    groups = {applies.group for applies in applicable_groups(facts)}
    return [item for item in ITEMS if item.group in groups]
