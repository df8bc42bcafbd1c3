"""Settings come from environment variables only, through helpers that fail loudly on bad values (wmr/env.py), and
production settings are safe: no start without a secret key, `check --deploy` without a single warning."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest

from tests.ops.support import REPO, clean_environment, settings_variables
from wmr.env import ImproperSetting, env_bool, env_int, env_list, env_str


def production_environment(**overrides: str) -> dict[str, str]:
    return clean_environment(
        WMR_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="wmr.example",
        DATABASE_URL="postgres://wmr@db.wmr.example:5432/wmr",
        CELERY_BROKER_URL="redis://redis.wmr.example:6379/0",
        PUBLIC_BASE_URL="https://wmr.example",
        **overrides,
    )


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("WMR_TEST_FLAG", raw)
    assert env_bool("WMR_TEST_FLAG") is expected


def test_env_bool_refuses_anything_else_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("WMR_TEST_FLAG", "maybe")
    with pytest.raises(ImproperSetting, match="WMR_TEST_FLAG must be a boolean"):
        env_bool("WMR_TEST_FLAG")


def test_env_bool_and_env_int_fall_back_to_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("WMR_TEST_NUMBER", raising=False)
    assert env_int("WMR_TEST_NUMBER", 30) == 30
    monkeypatch.setenv("WMR_TEST_FLAG", "")
    assert env_bool("WMR_TEST_FLAG", default=True) is True


def test_env_int_refuses_a_word_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("WMR_TEST_NUMBER", "thirty")
    with pytest.raises(ImproperSetting, match="WMR_TEST_NUMBER must be an integer"):
        env_int("WMR_TEST_NUMBER", 30)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("WMR_TEST_HOSTS", " wmr.example, ,intranet.klinik ")
    assert env_list("WMR_TEST_HOSTS") == ["wmr.example", "intranet.klinik"]


def test_a_file_variant_wins_over_the_plain_variable(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("from-the-secret-file\n", encoding="utf-8")
    monkeypatch.setenv("WMR_TEST_SECRET", "from-the-environment")
    monkeypatch.setenv("WMR_TEST_SECRET_FILE", str(secret_file))
    assert env_str("WMR_TEST_SECRET") == "from-the-secret-file"


def test_a_file_variant_naming_a_missing_file_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("WMR_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError):
        env_str("WMR_TEST_SECRET")


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_takes_the_secret_key_from_a_file(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
    env = production_environment(SECRET_KEY_FILE=str(secret_file))
    del env["SECRET_KEY"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_value_stops_the_start_with_the_variable_named():
    result = manage(production_environment(SESSION_IDLE_MINUTES="half an hour"), "check")
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES must be an integer" in result.stderr


def test_the_session_idle_timeout_comes_from_the_environment():
    result = manage(
        production_environment(SESSION_IDLE_MINUTES="45"),
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_AGE, settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2700", "False"]


def test_check_deploy_under_production_settings_prints_no_warning():
    result = manage(production_environment(), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"\bWARNINGS?\b|\(\w+\.W\d+\)", output), output


def test_the_readme_documents_every_variable_the_settings_read():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = settings_variables()
    assert "SECRET_KEY" in names
    assert [name for name in names if f"`{name}`" not in readme] == []
