"""Scale-out in config (issue 10): three Celery queues with their own workers, gunicorn's worker count, the read
replica's alias.

- every task has an explicit route to `default`, `reports` or `pdf` (a new task without one fails here), and a
  message published by name (the outbox, beat) lands in that queue;
- docker-compose.yml, the Procfile and scripts/prod-local run a worker for every queue (none is left unconsumed);
- `wmr.db_router.read_replica()` is "default" unless DATABASE_REPLICA_URL configures the replica.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import json
import re
import shlex
import subprocess
import sys
import warnings

import kombu
import pytest
import yaml
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.test import override_settings

from tests.ops.support import REPO, clean_environment
from wmr import outbox
from wmr.celery import app
from wmr.db_router import ReplicaRouter, read_replica
from wmr.models import OutboxMessage

QUEUES = {"default", "reports", "pdf"}
# Long batch work over a whole facility: the quarterly report (with its PDF and CSV), the nightly refresh of every
# stay, dashboards, exports. By name, so a new one is recognised when it is added.
REPORT_WORDS = ("report", "refresh_all", "dashboard", "export")
# A task of its own for one document.
PDF_WORDS = ("pdf", "render", "letter", "document")


def registered_tasks() -> list[str]:
    """Every task of the project (Celery's own `celery.*` excluded), with every app's tasks module imported."""
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def routed_queue(task_name: str) -> str:
    """The queue Celery publishes the task to by name (what `send_task` does for the outbox and beat)."""
    return app.amqp.router.route({}, task_name, (), {})["queue"].name


def worker_queues(command: str) -> set[str]:
    """The queues a `celery -A wmr worker` command consumes (`-Q a,b` / `--queues=a,b`); all declared ones without."""
    words = shlex.split(command)
    for index, word in enumerate(words):
        if word in {"-Q", "--queues"}:
            return set(words[index + 1].split(","))
        if word.startswith("--queues="):
            return set(word.split("=", 1)[1].split(","))
    return set(app.amqp.queues)


def option(command: str, name: str) -> str | None:
    words = shlex.split(command)
    return words[words.index(name) + 1] if name in words else None


def compose_services() -> dict[str, dict]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def compose_command(service: dict) -> str:
    command = service.get("command", "")  # db and redis keep their image's command or give their own
    return command if isinstance(command, str) else shlex.join(command)


def procfile() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text(encoding="utf-8").splitlines()
    return {name.strip(): command.strip() for name, command in (line.split(":", 1) for line in lines if line.strip())}


def test_there_are_tasks_to_route():
    assert "wmr.tasks.flush_outbox" in registered_tasks()
    assert "screening.tasks.build_quota_report" in registered_tasks()


@pytest.mark.parametrize("task_name", registered_tasks())
def test_every_task_has_an_explicit_route_to_one_of_the_three_queues(task_name):
    route = settings.CELERY_TASK_ROUTES.get(task_name)
    assert route is not None, f"{task_name} has no route: add it to CELERY_TASK_ROUTES in wmr/settings.py"
    assert route["queue"] in QUEUES
    assert routed_queue(task_name) == route["queue"]


def test_routes_name_only_tasks_that_exist():
    assert sorted(set(settings.CELERY_TASK_ROUTES) - set(registered_tasks())) == []


@pytest.mark.parametrize("task_name", registered_tasks())
def test_report_tasks_go_to_reports_and_pdf_tasks_to_pdf(task_name):
    short = task_name.rpartition(".")[2].lower()
    if any(word in short for word in REPORT_WORDS):
        assert routed_queue(task_name) == "reports"
    elif any(word in short for word in PDF_WORDS):
        assert routed_queue(task_name) == "pdf"
    # Whatever its name: a task whose code speaks of PDFs never waits in (or holds up) the default queue.
    source = inspect.getsource(app.tasks[task_name].run)
    if re.search(r"pdf|weasyprint", source, re.IGNORECASE):
        assert routed_queue(task_name) in {"reports", "pdf"}


def test_the_quarterly_report_and_the_nightly_refresh_go_to_reports_the_outbox_flush_to_default():
    assert routed_queue("screening.tasks.build_quota_report") == "reports"
    assert routed_queue("screening.tasks.build_last_quarter_reports") == "reports"
    assert routed_queue("compliance.tasks.refresh_all") == "reports"
    assert routed_queue("compliance.tasks.refresh_stay") == "default"
    assert routed_queue("wmr.tasks.flush_outbox") == "default"
    assert routed_queue("privacy.tasks.erase_expired") == "default"


def test_unrouted_work_goes_to_default_and_a_worker_without_queue_option_consumes_all_three():
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    assert routed_queue("celery.chord_unlock") == "default"
    assert set(app.amqp.queues) == QUEUES


def test_the_outbox_publishes_each_task_into_its_queue():
    """The outbox sends by name (`send_task`); the routes apply to that too (kombu's in-memory transport here)."""
    tasks = registered_tasks()
    with kombu.Connection("memory://") as connection:
        with connection.channel() as channel:
            for queue in QUEUES:  # the in-memory broker lives as long as the process: start empty
                while channel.basic_get(queue) is not None:
                    pass
        for task_name in tasks:
            outbox._send(OutboxMessage(task_name=task_name, args=[], key=f"test:{task_name}"), connection)
        received: dict[str, list[str]] = {}
        with connection.channel() as channel:
            for queue in sorted(QUEUES):
                while (message := channel.basic_get(queue)) is not None:
                    received.setdefault(queue, []).append(message.headers["task"])
    expected: dict[str, list[str]] = {}
    for task_name in tasks:
        expected.setdefault(settings.CELERY_TASK_ROUTES[task_name]["queue"], []).append(task_name)
    assert received == expected


def test_compose_runs_a_worker_for_each_queue_and_beat_once():
    services = compose_services()
    workers = {name: compose_command(s) for name, s in services.items() if "celery -A wmr worker" in compose_command(s)}
    assert sorted(workers) == ["worker-default", "worker-pdf", "worker-reports"]
    assert {name: worker_queues(command) for name, command in workers.items()} == {
        "worker-default": {"default"},
        "worker-reports": {"reports"},
        "worker-pdf": {"pdf"},
    }
    # distinct node names, so workers of different queues never clash on one host
    assert len({option(command, "-n") for command in workers.values()}) == 3
    # reports: one or two at a time by default
    concurrency = option(workers["worker-reports"], "--concurrency")
    assert re.fullmatch(r"\$\{CELERY_REPORTS_CONCURRENCY:-[12]\}", concurrency)
    assert [name for name, s in services.items() if "celery -A wmr beat" in compose_command(s)] == ["beat"]
    assert services["beat"]["command"] == [
        "celery",
        "-A",
        "wmr",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        "/tmp/celerybeat-schedule",
    ]  # noqa: E501, S108 - unchanged by issue 10


def test_the_procfile_runs_a_worker_for_each_queue():
    processes = procfile()
    workers = {name: command for name, command in processes.items() if command.startswith("celery -A wmr worker")}
    assert sorted(workers) == ["worker-default", "worker-pdf", "worker-reports"]
    assert set().union(*(worker_queues(command) for command in workers.values())) == QUEUES
    assert worker_queues(workers["worker-reports"]) == {"reports"}
    assert worker_queues(workers["worker-pdf"]) == {"pdf"}


def test_prod_local_starts_every_process_of_the_procfile():
    """scripts/prod-local runs the whole Procfile (no process list after it), so all three queues are consumed; the
    smoke test (test_prod_local.py) asks the running workers which queues they consume."""
    script = (REPO / "scripts" / "prod-local").read_text(encoding="utf-8")
    starts = [line.strip() for line in script.splitlines() if "honcho start" in line]
    assert starts == ["exec honcho start -f Procfile"]


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", REPO / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_takes_web_concurrency_else_two_per_core_plus_one_capped():
    conf = _gunicorn_conf()
    automatic = min(2 * conf.cpu_cores() + 1, conf.MAX_DEFAULT_WORKERS)
    assert conf.default_workers({"WEB_CONCURRENCY": "5"}) == 5
    assert conf.default_workers({"WEB_CONCURRENCY": "12"}) == 12  # an explicit number is not capped
    assert conf.default_workers({}) == automatic
    assert conf.default_workers({"WEB_CONCURRENCY": "0"}) == automatic
    assert conf.default_workers({"WEB_CONCURRENCY": ""}) == automatic
    assert 3 <= automatic <= conf.MAX_DEFAULT_WORKERS


def test_the_dashboard_reads_the_default_database_without_a_replica():
    assert "replica" not in settings.DATABASES
    assert read_replica() == DEFAULT_DB_ALIAS


def test_the_dashboard_reads_the_replica_when_one_is_configured():
    replica = {**settings.DATABASES[DEFAULT_DB_ALIAS], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Django warns on any DATABASES override; only the alias is read here
        with override_settings(DATABASES={**settings.DATABASES, "replica": replica}):
            assert read_replica() == "replica"
    assert read_replica() == DEFAULT_DB_ALIAS


def test_the_per_stay_indicator_export_reads_the_replica_and_the_dashboard_cache_never_does():
    """The export of every result of a facility-period reads the replica when there is one; the dashboard's cached
    aggregates stay on the primary (a cache a write invalidates must never be refilled from a lagging copy)."""
    from compliance.exports import stay_table_results
    from compliance.periods import current_quarter
    from compliance.selectors import Filters
    from patients.models import Facility

    facility, period, filters = Facility(pk=1), current_quarter(dt.date(2026, 12, 6)), Filters()
    assert stay_table_results(facility=facility, period=period, filters=filters).db == DEFAULT_DB_ALIAS
    replica = {**settings.DATABASES[DEFAULT_DB_ALIAS], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with override_settings(DATABASES={**settings.DATABASES, "replica": replica}):
            assert stay_table_results(facility=facility, period=period, filters=filters).db == "replica"
            team = stay_table_results(facility=facility, period=period, filters=Filters(team_user_id=7))
            assert team.db == "replica"
    source = inspect.getsource(importlib.import_module("compliance.dashboard_cache"))
    assert "read_replica" not in source and "using(" not in source


def test_database_replica_url_configures_the_alias_the_router_and_a_test_mirror_and_pgbouncer_mode():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(json.dumps([r['NAME'], r['HOST'], r['TEST']['MIRROR'], settings.DATABASE_ROUTERS, "
        "[settings.DATABASES[a]['DISABLE_SERVER_SIDE_CURSORS'] for a in ('default', 'replica')]]))"
    )
    env = clean_environment(
        DATABASE_URL="postgres://wmr@primary.example:5432/wmr",
        DATABASE_REPLICA_URL="postgres://wmr_ro@replica.example:5432/wmr",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="true",  # pgbouncer in transaction mode
    )
    done = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "wmr",
        "replica.example",
        "default",
        ["wmr.db_router.ReplicaRouter"],
        [True, True],
    ]


def test_the_replica_is_never_migrated_and_never_written():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "patients") is False
    assert router.allow_migrate("default", "patients") is None
    assert router.db_for_write(OutboxMessage) == DEFAULT_DB_ALIAS
    assert router.db_for_read(OutboxMessage) is None
