"""Permission-matrix rows of the workplace training (collected by tests/test_permission_matrix.py).

The page is the care team's to read; its forms are the care team's clinicians'. Rows that need a plan, a sub-goal or a
strategy create them through the services (dates inside the shared stay, 02.11.–07.12.2026, and in the past).
"""

from __future__ import annotations

import datetime as dt

from tests.permissions import POST_ONLY_GET, TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

DAY = dt.date(2026, 11, 5)
TODAY = dt.date(2026, 11, 20)


def training_plan(stay_, by, **kwargs):
    """The stay's plan (started on 05.11.2026 unless given), made through the service if it has none."""
    from therapy.models import TrainingPlan
    from therapy.services.training import training_plan_start

    plan = TrainingPlan.objects.filter(stay=stay_).first()
    if plan is None:
        kwargs.setdefault("starts_on", DAY)
        plan = training_plan_start(by=by, stay=stay_, today=TODAY, **kwargs)
    return plan


def _plan(o):
    return training_plan(o["stay"], o["membership"].user)


def with_plan(o):
    _plan(o)
    return [o["stay"].pk]


def with_subgoal(o):
    from therapy.services.training import subgoal_add

    subgoal = subgoal_add(
        by=o["membership"].user,
        plan=_plan(o),
        text="2 h Bildschirmarbeit",
        verification="Pausenprotokoll",
        agreed_on=DAY,
        today=TODAY,
    )
    return [o["stay"].pk, subgoal.pk]


def with_strategy(o):
    from therapy.services.training import strategy_add

    strategy = strategy_add(
        by=o["membership"].user,
        plan=_plan(o),
        situation="Montagmorgen",
        strategy="Erst Liste, dann E-Mails",
        written_on=DAY,
        today=TODAY,
    )
    return [o["stay"].pk, strategy.pk]


def _day() -> str:
    return DAY.isoformat()


ROWS: list[Row] = [
    Row("therapy:training", "get", stay, TEAM_READ),
    Row("therapy:training", "get", with_plan, TEAM_READ),
    Row("therapy:training-start", "get", stay, TEAM_WRITE_FORM),
    Row(
        "therapy:training-start",
        "post",
        stay,
        TEAM_WRITE_POST,
        data=lambda o: {"starts_on": _day(), "profile_basis": "Belastbarkeit 4 h"},
    ),
    Row("therapy:training-change", "get", with_plan, TEAM_WRITE_FORM),
    Row("therapy:training-subgoal-add", "get", with_plan, TEAM_WRITE_FORM),
    Row(
        "therapy:training-subgoal-add",
        "post",
        with_plan,
        TEAM_WRITE_POST,
        data=lambda o: {"text": "Telefonat führen", "verification": "Rollenspiel", "agreed_on": _day()},
    ),
    Row("therapy:training-subgoal-assess", "get", with_subgoal, TEAM_WRITE_FORM),
    Row(
        "therapy:training-subgoal-assess",
        "post",
        with_subgoal,
        TEAM_WRITE_POST,
        data=lambda o: {"result": "yes", "note": "", "assessed_on": _day()},
    ),
    Row("therapy:training-situation-add", "get", with_plan, TEAM_WRITE_FORM),
    Row("therapy:training-strategy-add", "get", with_plan, TEAM_WRITE_FORM),
    Row(
        "therapy:training-strategy-add",
        "post",
        with_plan,
        TEAM_WRITE_POST,
        data=lambda o: {"situation": "Im Büro", "strategy": "Pause einplanen", "written_on": _day()},
    ),
    Row("therapy:training-strategy-change", "get", with_strategy, TEAM_WRITE_FORM),
    Row("therapy:training-pdf", "post", lambda o: with_strategy(o)[:1], TEAM_WRITE_POST),
    Row("therapy:training-pdf", "get", with_plan, POST_ONLY_GET),
]
