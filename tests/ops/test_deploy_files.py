"""docker-compose.yml, the Dockerfile and the Procfile describe one topology: web (gunicorn), one Celery worker per
queue (test_queues.py), Celery beat, PostgreSQL and Redis, configured only through the environment variables the
settings read. No Docker engine runs in CI, so these read the files; the Procfile's processes really start in
test_prod_local.py."""

from __future__ import annotations

import shlex

import yaml

from tests.ops.support import REPO, settings_variables

APP_SERVICES = ("web", "worker-default", "worker-reports", "worker-pdf", "beat")
WORKERS = ("worker-default", "worker-reports", "worker-pdf")
# Read by gunicorn itself, not by our settings.
NOT_OURS = {"WEB_CONCURRENCY"}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def command_of(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_compose_runs_the_seven_services():
    assert sorted(compose()["services"]) == sorted((*APP_SERVICES, "db", "redis"))


def test_compose_runs_gunicorn_and_celery_worker_and_beat_from_one_image():
    services = compose()["services"]
    assert "gunicorn wmr.wsgi" in command_of(services["web"])
    for name in WORKERS:
        assert "celery -A wmr worker" in command_of(services[name])
    assert "celery -A wmr beat" in command_of(services["beat"])
    assert {services[name]["image"] for name in APP_SERVICES} == {"wmr-case-management:latest"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


def test_compose_configures_the_app_only_with_variables_the_settings_read():
    known = set(settings_variables()) | NOT_OURS
    for name in APP_SERVICES:
        environment = compose()["services"][name]["environment"]
        assert environment["WMR_ENV"] == "production"
        assert sorted(set(environment) - known) == [], name


def test_the_procfile_starts_the_same_programs_as_compose():
    procfile = dict(
        line.split(":", 1) for line in (REPO / "Procfile").read_text(encoding="utf-8").splitlines() if line.strip()
    )
    assert sorted(procfile) == sorted(APP_SERVICES)
    assert procfile["web"].strip().startswith("gunicorn wmr.wsgi")
    for name in WORKERS:
        assert procfile[name].strip().startswith("celery -A wmr worker")
    assert procfile["beat"].strip().startswith("celery -A wmr beat")


def test_the_image_is_python_311_slim_and_runs_gunicorn_as_a_user_without_root():
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()
    assert [line for line in dockerfile if line.startswith("FROM ")] == ["FROM python:3.11-slim"]
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert any("collectstatic" in line for line in dockerfile)
    assert any(line.startswith("CMD") and "gunicorn" in line for line in dockerfile)
