"""The synthetic generator's goals part: goal agreements, goals, reviews and outcomes as ``goals.services`` writes
them (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from goals import rules
from goals.models import Goal, GoalAgreement, GoalOutcome, GoalReview
from goals.selectors import stay_goals_state
from patients.models import Stay
from synthetic import diagnostics, goals, people
from synthetic.management.commands import seed_synthetic
from tests.synthetic.conftest import TODAY

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def seeded_parts(monkeypatch, snapshot, parts=(people, goals, diagnostics), **kwargs):
    """Seed only ``parts`` (people first), take ``snapshot()``, roll back: the parts' own rows, whatever the later
    parts do (each part draws from its own random generator, so its rows do not depend on the others)."""
    result = []
    with monkeypatch.context() as patch:
        patch.setattr(seed_synthetic, "PARTS", list(parts))
        try:
            with transaction.atomic():
                call_command("seed_synthetic", today=TODAY, verbosity=0, **kwargs)
                result = snapshot()
                raise _Rollback
        except _Rollback:
            pass
    return result


def _last_day(stay: Stay) -> datetime.date:
    return min(TODAY - datetime.timedelta(days=1), stay.discharge_date)


def test_agreements_goals_and_reviews_keep_the_rules(synthetic_small):
    stays = list(Stay.objects.prefetch_related("goal_agreements__goals", "goal_agreements__reviews__outcomes"))
    with_agreement = 0
    for stay in stays:
        versions = sorted(stay.goal_agreements.all(), key=lambda a: a.version)
        if stay.status == "invited":
            assert versions == []
            continue
        with_agreement += bool(versions)
        last = _last_day(stay)
        assert [v.version for v in versions] == list(range(1, len(versions) + 1))
        assert sum(v.status == "agreed" for v in versions) <= 1
        assert sum(v.status == "draft" for v in versions) <= 1
        for v in versions:
            v.full_clean()
            assert stay.admission_date <= v.written_on <= last
            assert v.created_at.date() == v.written_on
            if v.agreed_on:
                assert v.written_on <= v.agreed_on <= last
            if v.copy_handed_over_on:
                assert v.agreed_on <= v.copy_handed_over_on <= last
            if v.version > 1:
                assert v.previous == versions[v.version - 2]
                assert v.made_by_review.agreement == v.previous
            goals = sorted(v.goals.all(), key=lambda g: g.position)
            assert 3 <= len(goals) <= 5
            assert [g.position for g in goals] == list(range(1, len(goals) + 1))
            for goal in goals:
                goal.full_clean()
                assert goal.review_on >= stay.admission_date
                if v.version > 1:
                    assert goal.previous.agreement == v.previous
            for review in v.reviews.all():
                review.full_clean()
                assert v.agreed_on <= review.reviewed_on <= last
                codes = {o.goal_id: o.outcome for o in review.outcomes.all()}
                assert rules.check_outcomes([g.pk for g in goals], codes).ok
                assert (review.new_version is not None) == rules.needs_new_version(codes.values())
        if len(versions) > 1 and versions[-1].status == "agreed":
            assert versions[0].status == "superseded"
    assert with_agreement >= 0.6 * sum(s.status != "invited" for s in stays)
    assert GoalReview.objects.filter(occasion="after_diagnostics").exists()
    assert GoalReview.objects.filter(occasion="discharge").exists()
    assert GoalOutcome.objects.filter(review__occasion="discharge").count() >= 3


def test_first_week_states_vary(synthetic_small):
    states = {
        stay_goals_state(stay, TODAY).first_week_state
        for stay in Stay.objects.exclude(status="invited").select_related("facility")
    }
    assert {"met"} <= states and states & {"late", "overdue"}


def test_a_change_makes_a_second_version(monkeypatch):
    """Bigger set (about one stay in six whose goals are reviewed changes one): version 2 copies the goals."""

    def snapshot():
        second = GoalAgreement.objects.filter(version=2).select_related("previous").first()
        if second is None:
            return []
        changed = GoalOutcome.objects.get(review__new_version=second, outcome="changed").goal
        copy = Goal.objects.get(agreement=second, previous=changed)
        return [(second.previous.version, changed.position == copy.position, changed.text != copy.text)]

    assert seeded_parts(monkeypatch, snapshot, stays=200, facilities=1, seed=4, per_year=800) == [(1, True, True)]


def test_same_seed_same_goals(monkeypatch):
    def snapshot():
        return list(
            Goal.objects.order_by("agreement__stay__number", "agreement__version", "position").values_list(
                "agreement__stay__number",
                "agreement__version",
                "agreement__status",
                "agreement__written_on",
                "agreement__agreed_on",
                "text",
                "review_on",
                "responsible_name",
            )
        )

    first = seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=5, per_year=150)
    assert first
    assert seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=5, per_year=150) == first
    assert seeded_parts(monkeypatch, snapshot, stays=40, facilities=1, seed=6, per_year=150) != first


def test_goals_page_and_case_overview_of_a_synthetic_stay(synthetic_small, client):
    stay = (
        Stay.objects.filter(status="admitted", goal_agreements__reviews__isnull=False).order_by("pk").first()
        or Stay.objects.filter(status="admitted", goal_agreements__isnull=False).order_by("pk").first()
    )
    member = stay.care_team.get(function="primary_therapist").user
    client.force_login(member)
    page = client.get(reverse("goals:agreement", args=[stay.pk]))
    assert page.status_code == 200
    goal = stay.goal_agreements.order_by("-version").first().goals.order_by("position").first()
    assert goal.text in page.content.decode()
    assert client.get(reverse("goals:versions", args=[stay.pk])).status_code == 200
    assert client.get(reverse("cases:overview", args=[stay.pk])).status_code == 200
