"""The shared optimistic-locking mechanism (wmr.locking): the conditional UPDATE, the refusal and its message, the form
mixin, and — on PostgreSQL — two real database connections racing for the same version."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django import forms
from django.db import connection, transaction
from django.utils import translation

from goals import services
from goals.models import Goal
from tests.goals.conftest import DAY2, TODAY, goal_values
from wmr import locking
from wmr.locking import StaleEdit

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two real connections contend for a row lock only on PostgreSQL"
)


@pytest.fixture
def goal(stay, treating_psychologist) -> Goal:
    agreement = services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
    return services.goal_add(by=treating_psychologist, agreement=agreement, **goal_values())


def _stored(goal: Goal) -> Goal:
    return Goal.objects.get(pk=goal.pk)


# --- claim ---------------------------------------------------------------------------------------------------------


def test_a_claim_of_the_stored_version_moves_it_to_the_next(goal, treating_psychologist):
    with transaction.atomic():
        locking.claim(goal, 0, by=treating_psychologist, fields=["text"], typed={"text": "x"})
    assert goal.lock_version == 1
    assert _stored(goal).lock_version == 1


def test_a_claim_of_an_older_version_is_refused_and_moves_nothing(goal, treating_psychologist, social_worker):
    services.goal_update(by=social_worker, goal=goal, lock_version=0, **goal_values(text="Theirs"))
    with pytest.raises(StaleEdit) as refused, transaction.atomic():
        locking.claim(_stored(goal), 0, by=treating_psychologist, fields=["text"], typed={"text": "Mine"})
    assert refused.value.current_version == 1
    assert _stored(goal).lock_version == 1
    assert _stored(goal).text == "Theirs"


def test_a_claim_without_a_version_saves_unchecked_but_raises_the_version(goal, treating_psychologist):
    with transaction.atomic():
        locking.claim(goal, None, by=treating_psychologist, fields=["text"], typed={})
        locking.claim(goal, None, by=treating_psychologist, fields=["text"], typed={})
    assert goal.lock_version == 2
    assert _stored(goal).lock_version == 2


# --- the refusal ---------------------------------------------------------------------------------------------------


def test_the_refusal_names_who_when_and_each_changed_field_with_theirs_and_yours(goal, social_worker):
    services.goal_update(
        by=social_worker, goal=goal, lock_version=0, **goal_values(text="Theirs", review_on=dt.date(2026, 11, 25))
    )
    current = _stored(goal)
    with translation.override("en"):
        refused = locking.stale_edit(
            current, 0, fields=services.GOAL_FIELDS, typed=goal_values(text="Mine", area="health")
        )
    assert [c.name for c in refused.changes] == ["text", "review_on"]  # area was changed by me only: not listed
    assert refused.by_name == social_worker.display_name
    assert refused.changes[0].as_dict() == {"field": "text", "label": "goal", "theirs": "Theirs", "yours": "Mine"}
    assert refused.changes[1].theirs == "11/25/2026"
    assert refused.message.startswith(f"This document was changed by {social_worker.display_name} at ")
    assert "Changed: goal: Theirs (yours: Mine); review date: 11/25/2026 (yours: 11/16/2026)." in refused.message
    assert refused.message.endswith("Review and save again.")
    data = refused.as_dict()
    assert data["current_version"] == 1
    assert data["changed_by"] == social_worker.display_name
    assert [c["field"] for c in data["changes"]] == ["text", "review_on"]


def test_the_refusal_speaks_the_users_language(goal, social_worker):
    services.goal_update(by=social_worker, goal=goal, lock_version=0, **goal_values(review_on=dt.date(2026, 11, 25)))
    with translation.override("de"):
        refused = locking.stale_edit(_stored(goal), 0, fields=["review_on"], typed=goal_values())
        label = str(Goal._meta.get_field("review_on").verbose_name)
    assert (refused.changes[0].label, refused.changes[0].theirs, refused.changes[0].yours) == (
        label,
        "25.11.2026",
        "16.11.2026",
    )


def test_values_are_shown_as_the_user_reads_them(goal):
    with translation.override("en"):
        assert locking.display(Goal._meta.get_field("area"), "health") == "health"
        assert locking.display(Goal._meta.get_field("responsible"), "named") == "a named person"
        assert locking.display(Goal._meta.get_field("review_on"), dt.date(2026, 1, 2)) == "01/02/2026"
        assert locking.display(Goal._meta.get_field("text"), "") == "—"
        assert locking.display(Goal._meta.get_field("text"), "a\n  b") == "a b"
        long = locking.display(Goal._meta.get_field("text"), "x" * 200)
        assert len(long) == locking.SHOWN_CHARS
        assert long.endswith("…")


# --- the form mixin ------------------------------------------------------------------------------------------------


class _Form(locking.VersionedFormMixin, forms.Form):
    text = forms.CharField()


def test_the_form_carries_the_loaded_version_as_a_hidden_field_outside_cleaned_data():
    assert 'type="hidden" name="lock_version" value="3"' in str(_Form(version=3))
    form = _Form({"text": "a", "lock_version": "3"}, version=0)
    assert form.is_valid()
    assert form.cleaned_data == {"text": "a"}
    assert form.loaded_version == 3


def test_a_post_without_the_version_is_unchecked_and_a_garbage_version_is_an_error():
    form = _Form({"text": "a"}, version=0)
    assert form.is_valid()
    assert form.loaded_version is None
    assert not _Form({"text": "a", "lock_version": "x"}, version=0).is_valid()
    assert not _Form({"text": "a", "lock_version": str(10**30)}, version=0).is_valid()
    assert not _Form({"text": "a", "lock_version": "-1"}, version=0).is_valid()
    assert "lock_version" not in _Form()  # no version: nothing to check


def test_a_refused_form_keeps_the_input_and_carries_the_current_version():
    form = _Form({"text": "typed", "lock_version": "0"}, version=0)
    assert form.is_valid()
    locking.form_refused(form, StaleEdit(current_version=4, by_name="X", at=None, changes=[]))
    html = str(form)
    assert 'value="typed"' in html
    assert 'name="lock_version" value="4"' in html
    assert form.non_field_errors()


# --- two real connections (PostgreSQL) -----------------------------------------------------------------------------


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run ``first`` and ``second`` on two threads, each with its own database connection: ``first`` runs in a
    transaction that stays open (its row lock held) until ``second`` is seen waiting for a lock in
    ``pg_stat_activity``; then ``first`` commits and ``second`` goes on. Returns each side's result or exception."""
    results: dict[str, object] = {}
    first_done = threading.Event()
    release = threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = first()
                first_done.set()
                assert release.wait(30), "the second connection never waited for the row lock"
        except Exception as exc:  # noqa: BLE001 - handed to the test
            results["first"] = exc
        finally:
            first_done.set()
            connection.close()

    def run_second():
        first_done.wait(30)
        try:
            results["second"] = second()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    threads[0].start()
    assert first_done.wait(30)
    threads[1].start()
    deadline = time.monotonic() + 30
    while _waiting_for_a_lock() == 0 and threads[1].is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)  # polling a condition (the second backend blocked), not waiting for time to pass
    results["second_waited"] = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(30)
    return results


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_claiming_the_same_version_exactly_one_wins(goal, treating_psychologist, social_worker):
    def claim_as(user, text):
        def claim():
            loaded = Goal.objects.get(pk=goal.pk)
            with transaction.atomic():
                locking.claim(loaded, 0, by=user, fields=["text"], typed={"text": text})
                loaded.text = text
                loaded.save()
            return loaded.lock_version

        return claim

    results = race(claim_as(treating_psychologist, "First"), claim_as(social_worker, "Second"))
    assert results["first"] == 1
    assert isinstance(results["second"], StaleEdit)
    assert results["second_waited"]  # the second connection really blocked on the first's row lock
    stored = _stored(goal)
    assert (stored.text, stored.lock_version) == ("First", 1)
