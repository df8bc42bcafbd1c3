"""The K-1 threshold (rec 8.4: "at least 3 months") is the setting GRTW_EXAMINE_MIN_DAYS, read from the environment
like the other settings: 90 by default, a bad value stops the start with the variable named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.ops.support import REPO, clean_environment


def settings_value(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--verbosity=0",
            "-c",
            "from django.conf import settings; print(settings.GRTW_EXAMINE_MIN_DAYS)",
        ],
        cwd=REPO,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_threshold_is_90_days_unless_the_environment_says_otherwise():
    assert settings_value().stdout.split() == ["90"]
    assert settings_value(GRTW_EXAMINE_MIN_DAYS="91").stdout.split() == ["91"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("three months", "GRTW_EXAMINE_MIN_DAYS must be an integer"),
        ("0", "GRTW_EXAMINE_MIN_DAYS must be 1 … 366 days, got 0"),
        ("400", "GRTW_EXAMINE_MIN_DAYS must be 1 … 366 days, got 400"),
    ],
)
def test_a_bad_threshold_stops_the_start_with_the_variable_named(raw, message):
    result = settings_value(GRTW_EXAMINE_MIN_DAYS=raw)
    assert result.returncode != 0
    assert message in result.stderr
