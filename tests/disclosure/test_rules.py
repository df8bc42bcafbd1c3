"""The pure rules of disclosure: the policy table, intersected with the patient's consent and its scope."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from disclosure import rules
from disclosure.rules import POLICY, Purpose, Section
from patients.models import CONSENT_FOR_CONTACT, ContactKind

TODAY = dt.date(2026, 11, 20)
VALID = rules.ConsentFacts(consent_id=1, given_on=dt.date(2026, 11, 3))
WORKPLACE = ("employer", "bem_contact")


def test_the_policy_names_every_contact_kind_and_every_purpose():
    assert set(POLICY) == set(ContactKind.values) == set(CONSENT_FOR_CONTACT)
    for kind, purposes in POLICY.items():
        assert set(purposes) == set(Purpose.values), kind
        for sections in purposes.values():
            assert set(sections) <= set(Section.values)


@pytest.mark.parametrize("kind", WORKPLACE)
@pytest.mark.parametrize("purpose", Purpose.values)
def test_the_workplace_side_never_gets_anything_medical(kind, purpose):
    assert not set(rules.policy_sections(kind, purpose)) & rules.MEDICAL


def test_the_employer_gets_the_step_plan_and_the_capacity_summary_for_a_graded_return():
    assert rules.policy_sections("employer", "graded_return") == ("graded_plan", "capacity_summary")


def test_the_occupational_physician_may_get_the_profile_comparison_but_no_diagnoses():
    for purpose in Purpose.values:
        assert "diagnoses" not in rules.policy_sections("occupational_physician", purpose)
    assert "profile_comparison" in rules.policy_sections("occupational_physician", "graded_return")


def test_the_employment_agency_gets_nothing_for_a_graded_return():
    assert rules.policy_sections("employment_agency", "graded_return") == ()
    assert rules.policy_purposes("employment_agency") == ("aftercare",)


CASES = list(itertools.product(ContactKind.values, Purpose.values))


@pytest.mark.parametrize(("kind", "purpose"), CASES)
def test_a_valid_consent_without_scope_offers_exactly_the_policy(kind, purpose):
    decision = rules.decide(contact_kind=kind, purpose=purpose, consent=VALID, today=TODAY)
    policy = rules.policy_sections(kind, purpose)
    if policy:
        assert decision.allowed and decision.offered == policy
        assert set(decision.left_out) == set(Section.values) - set(policy)
        assert set(decision.left_out.values()) <= {rules.LEFT_OUT_BY_POLICY}
    else:
        assert decision.refusal == rules.PURPOSE_NOT_OPEN and decision.offered == ()


@pytest.mark.parametrize(("kind", "purpose"), CASES)
@pytest.mark.parametrize("section", Section.values)
def test_a_section_is_offered_iff_the_policy_and_the_scope_both_allow_it(kind, purpose, section):
    """The consent × recipient × section matrix: a scope of one section offers it only where the policy does."""
    consent = rules.ConsentFacts(
        consent_id=1, given_on=dt.date(2026, 11, 3), scope_purposes=(purpose,), scope_sections=(section,)
    )
    decision = rules.decide(contact_kind=kind, purpose=purpose, consent=consent, today=TODAY)
    in_policy = section in rules.policy_sections(kind, purpose)
    assert (section in decision.offered) is in_policy
    assert decision.allowed is in_policy
    if in_policy:
        assert decision.offered == (section,)
        for other in rules.policy_sections(kind, purpose):
            if other != section:
                assert decision.left_out[other] == rules.LEFT_OUT_BY_CONSENT


@pytest.mark.parametrize("kind", ContactKind.values)
def test_without_a_consent_everything_is_refused(kind):
    for purpose in rules.policy_purposes(kind):
        decision = rules.decide(contact_kind=kind, purpose=purpose, consent=None, today=TODAY)
        assert decision.refusal == rules.NO_CONSENT and decision.offered == ()


def test_a_withdrawn_consent_stops_packages_from_the_day_of_withdrawal():
    consent = rules.ConsentFacts(consent_id=1, given_on=dt.date(2026, 11, 3), withdrawn_on=TODAY)
    before = rules.decide(
        contact_kind="employer", purpose="graded_return", consent=consent, today=TODAY - dt.timedelta(days=1)
    )
    on = rules.decide(contact_kind="employer", purpose="graded_return", consent=consent, today=TODAY)
    assert before.allowed
    assert on.refusal == rules.CONSENT_WITHDRAWN


def test_a_consent_given_later_is_not_yet_valid():
    consent = rules.ConsentFacts(consent_id=1, given_on=TODAY + dt.timedelta(days=1))
    decision = rules.decide(contact_kind="employer", purpose="graded_return", consent=consent, today=TODAY)
    assert decision.refusal == rules.CONSENT_NOT_YET_VALID


def test_a_purpose_outside_the_scope_is_refused():
    consent = rules.ConsentFacts(
        consent_id=1, given_on=dt.date(2026, 11, 3), scope_purposes=("bem",), scope_sections=tuple(Section.values)
    )
    decision = rules.decide(contact_kind="employer", purpose="graded_return", consent=consent, today=TODAY)
    assert decision.refusal == rules.PURPOSE_NOT_AGREED


def test_a_scope_without_any_allowed_section_leaves_nothing():
    consent = rules.ConsentFacts(
        consent_id=1, given_on=dt.date(2026, 11, 3), scope_purposes=None, scope_sections=("diagnoses",)
    )
    decision = rules.decide(contact_kind="employer", purpose="graded_return", consent=consent, today=TODAY)
    assert decision.refusal == rules.NOTHING_LEFT


def test_outside_names_crafted_and_unknown_sections():
    decision = rules.decide(contact_kind="employer", purpose="graded_return", consent=VALID, today=TODAY)
    assert decision.outside(["graded_plan"]) == ()
    assert decision.outside(["graded_plan", "diagnoses", "secret"]) == ("diagnoses", "secret")


def test_ordered_keeps_the_package_order_and_drops_unknown_values():
    assert rules.ordered(["diagnoses", "graded_plan", "x", "graded_plan"]) == ("graded_plan", "diagnoses")
