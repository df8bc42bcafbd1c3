"""Two people editing the same goal of a draft: the second save of one version is refused with what changed
(wmr.locking); nothing of it is stored; the form comes back with the input and the new version, and saves then."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import transaction
from django.urls import reverse

from goals import services
from goals.models import Goal
from tests.conftest import login
from tests.goals.conftest import goal_values
from tests.wmr.test_locking import pg_only, race
from wmr.locking import StaleEdit


@pytest.fixture
def goal(draft) -> Goal:
    return draft.goals.order_by("position").first()


def _stored(goal: Goal) -> Goal:
    return Goal.objects.get(pk=goal.pk)


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _form_data(**overrides) -> dict:
    values = goal_values(**overrides)
    return {**values, "review_on": values["review_on"].isoformat(), "save": "1"}


# --- service ---------------------------------------------------------------------------------------------------------


def test_a_save_of_the_loaded_version_raises_the_version(goal, treating_psychologist):
    saved = services.goal_update(by=treating_psychologist, goal=goal, lock_version=0, **goal_values(text="New"))
    assert (saved.lock_version, _stored(goal).lock_version, _stored(goal).text) == (1, 1, "New")


def test_a_save_of_a_stale_version_is_refused_and_overwrites_nothing(goal, treating_psychologist, social_worker):
    mine = Goal.objects.get(pk=goal.pk)  # both loaded version 0
    services.goal_update(
        by=social_worker, goal=goal, lock_version=0, **goal_values(target="Theirs", responsible="team")
    )
    with pytest.raises(StaleEdit) as refused:
        services.goal_update(
            by=treating_psychologist, goal=mine, lock_version=0, **goal_values(text="Mine", target="Also mine")
        )
    stored = _stored(goal)
    assert (stored.text, stored.target, stored.responsible, stored.lock_version) == (
        goal_values()["text"],
        "Theirs",
        "team",
        1,
    )
    # exactly the fields the other person changed, not the ones only I changed
    assert [change.name for change in refused.value.changes] == ["target", "responsible"]
    assert refused.value.by_name == social_worker.display_name
    assert refused.value.current_version == 1
    assert stored.history.count() == 2  # added, and the other person's save: nothing of mine


def test_the_refused_user_saves_after_reviewing_with_the_new_version(goal, treating_psychologist, social_worker):
    services.goal_update(by=social_worker, goal=goal, lock_version=0, **goal_values(target="Theirs"))
    with pytest.raises(StaleEdit) as refused:
        services.goal_update(by=treating_psychologist, goal=_stored(goal), lock_version=0, **goal_values(text="Mine"))
    services.goal_update(
        by=treating_psychologist,
        goal=_stored(goal),
        lock_version=refused.value.current_version,
        **goal_values(text="Mine", target="Theirs"),
    )
    stored = _stored(goal)
    assert (stored.text, stored.target, stored.lock_version) == ("Mine", "Theirs", 2)
    assert stored.history.first().history_user == treating_psychologist


# --- pages -----------------------------------------------------------------------------------------------------------


def test_two_people_submit_the_same_goal_form_the_second_is_refused_with_what_changed(
    stay, goal, treating_psychologist, social_worker
):
    url = reverse("goals:goal-edit", args=[stay.pk, goal.pk])
    first, second = login(treating_psychologist, language="en"), login(social_worker, language="en")
    for client in (first, second):  # both load version 0
        assert 'name="lock_version" value="0"' in client.get(url).content.decode()

    assert first.post(url, {**_form_data(text="First's wording"), "lock_version": "0"}).status_code == 302
    typed = {**_form_data(target="Second's target", review_on=dt.date(2026, 11, 17)), "lock_version": "0"}
    refused = second.post(url, typed)

    assert refused.status_code == 409
    page = _text(refused)
    assert f"This document was changed by {treating_psychologist.display_name} at " in page
    assert "Changed: goal: First's wording (yours: Wieder vier Stunden am Stück am Schreibtisch arbeiten)." in page
    assert "Review and save again." in page
    body = refused.content.decode()
    assert "Second&#x27;s target" in body  # what the second person typed is kept
    assert 'name="lock_version" value="1"' in body  # and the form now carries the current version
    stored = _stored(goal)
    assert (stored.text, stored.target, stored.review_on) == (
        "First's wording",
        goal_values()["target"],
        goal.review_on,
    )

    again = second.post(url, {**typed, "text": "First's wording", "lock_version": "1"})
    assert again.status_code == 302
    stored = _stored(goal)
    assert (stored.text, stored.target, stored.review_on, stored.lock_version) == (
        "First's wording",
        "Second's target",
        dt.date(2026, 11, 17),
        2,
    )


def test_a_form_posted_without_a_version_still_saves(stay, goal, treating_psychologist):
    url = reverse("goals:goal-edit", args=[stay.pk, goal.pk])
    response = login(treating_psychologist).post(url, _form_data(text="Unchecked"))
    assert response.status_code == 302
    assert (_stored(goal).text, _stored(goal).lock_version) == ("Unchecked", 1)


# --- two real connections (PostgreSQL) -------------------------------------------------------------------------------


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_goal_version_exactly_one_wins(goal, treating_psychologist, social_worker):
    def save_as(user, **values):
        def save():
            loaded = Goal.objects.select_related("agreement__stay").get(pk=goal.pk)
            return services.goal_update(by=user, goal=loaded, lock_version=0, **goal_values(**values)).lock_version

        return save

    results = race(save_as(treating_psychologist, text="First"), save_as(social_worker, target="Second"))
    assert results["first"] == 1
    assert isinstance(results["second"], StaleEdit)
    assert [change.name for change in results["second"].changes] == ["text"]
    assert results["second_waited"]
    stored = _stored(goal)
    assert (stored.text, stored.target, stored.lock_version) == ("First", goal_values()["target"], 1)
    with transaction.atomic():
        assert Goal.history.filter(id=goal.pk, target="Second").count() == 0
