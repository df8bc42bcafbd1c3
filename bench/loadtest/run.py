"""The bounded load test (issue 9): gunicorn + PostgreSQL on the loopback, 50 locust users for at most 60 s.

    .venv/bin/python bench/loadtest/run.py [--database-url URL] [--users 50] [--spawn-rate 10] [--run-time 60]
                                           [--workers 4] [--results bench/results]

1. the database (default postgres://postgres@127.0.0.1:5432/wmr_load) is created if missing, migrated and given the
   demo clinic (idempotent); static files are collected when they changed (production serves hashed files);
2. gunicorn (``gunicorn.conf.py``, 4 workers) starts on a free port of 127.0.0.1 with production settings:
   WMR_ENV=production, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false (plain http on the
   loopback; the users send X-Forwarded-Proto: https like the clinic's TLS proxy), no Celery broker (the traffic
   only reads, so nothing is queued), the default local-memory cache;
3. ``locust --headless`` runs ``bench/loadtest/locustfile.py`` (login form, worklist, case overview, API lists);
4. the report (requests, failures, p50/p95/p99 per endpoint and in total) goes to ``<results>/loadtest.json`` and
   ``loadtest.md``; the totals are printed. Exit 1 if any request failed (or none was made).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MAX_RUN_SECONDS = 60
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wmr_load"
# Our settings that must not leak in from the caller's shell (the runner sets what it needs).
CLEARED = (
    "DEBUG",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASE_CONN_MAX_AGE",
    "TRUST_X_FORWARDED_FOR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def say(message: str) -> None:
    print(f"loadtest: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: list[str], env: dict[str, str], timeout: int = 900) -> None:
    finished = subprocess.run(command, cwd=REPO, env=env, timeout=timeout, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        sys.exit(f"loadtest: {' '.join(command[:3])} … failed:\n{finished.stdout[-3000:]}{finished.stderr[-3000:]}")


def environment(database_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(
        PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]),
        DJANGO_SETTINGS_MODULE="wmr.settings",
        WMR_ENV="production",
        SECRET_KEY="loadtest-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        STATIC_ROOT=env.get("STATIC_ROOT", str(REPO / "staticfiles")),
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    python = sys.executable
    say(f"database {env['DATABASE_URL']}: create if missing, migrate, demo clinic")
    run([python, "scripts/pg_database.py", "ensure", env["DATABASE_URL"]], env)
    run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([python, "manage.py", "load_demo", "--force"], env)
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (REPO / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        say("collecting static files (about a minute)")
        run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path):
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [str(BIN / "gunicorn"), "wmr.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(f"loadtest: gunicorn stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
            try:
                with urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except (URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                sys.exit(f"loadtest: gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


DEMO_CLINICIANS = ("psychologin", "psychologe", "aerztin", "sozialarbeit", "ergotherapie", "physiotherapie", "pflege")
DEMO_PASSWORD = "Demo-Klinik-2026"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in(base: str, username: str) -> tuple[dict, float]:
    """One login through the form, as the clinic's TLS proxy would pass it on; (session cookies, milliseconds)."""
    import requests  # locust's dependency (requirements-bench.txt)

    origin = "https://" + base.split("://", 1)[1]
    session = requests.Session()
    session.headers["X-Forwarded-Proto"] = "https"
    started = time.perf_counter()
    form = session.get(f"{base}/login/", timeout=120)
    token = CSRF_TOKEN.search(form.text)
    if form.status_code != 200 or not token:
        raise RuntimeError(f"login form for {username}: {form.status_code}")
    for cookie in session.cookies:
        cookie.secure = False  # production's cookies are Secure; the loopback stands in for the TLS proxy
    answer = session.post(
        f"{base}/login/",
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Origin": origin, "Referer": f"{origin}/login/"},
        allow_redirects=False,
        timeout=120,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 302 or "/login/" in answer.headers.get("Location", ""):
        raise RuntimeError(f"login of {username} refused: {answer.status_code} {answer.headers.get('Location')}")
    return {"username": username, "cookies": {c.name: c.value for c in session.cookies}}, elapsed


def log_in_users(base: str, users: int, parallel: int) -> tuple[list[dict], list[float]]:
    names = [DEMO_CLINICIANS[i % len(DEMO_CLINICIANS)] for i in range(users)]
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(lambda name: log_in(base, name), names))
    return [session for session, _ in results], [elapsed for _, elapsed in results]


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(share * len(ordered)))
    return round(ordered[rank - 1], 1)


def summarise(name: str, samples: list[tuple[float, bool]], seconds: int) -> dict:
    times = sorted(time for time, _failed in samples)
    return {
        "name": name,
        "requests": len(samples),
        "failures": sum(1 for _time, failed in samples if failed),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "average_ms": round(sum(times) / len(times), 1),
        "max_ms": round(times[-1], 1),
        "requests_per_second": round(len(times) / seconds, 1),
    }


def read_results(samples_file: Path, failures_csv: Path, seconds: int) -> tuple[list[dict], dict, dict, list[dict]]:
    """Per endpoint, in total, and in total without the logins (the setup of each user, CPU-bound by design:
    PBKDF2); the failures as locust grouped them."""
    samples: dict[str, list[tuple[float, bool]]] = json.loads(samples_file.read_text(encoding="utf-8"))
    endpoints = [summarise(name, rows, seconds) for name, rows in sorted(samples.items()) if rows]
    everything = [row for rows in samples.values() for row in rows]
    pages = [row for name, rows in samples.items() if "/login/" not in name for row in rows]
    total = summarise("total", everything, seconds) if everything else {"requests": 0, "failures": 0}
    without_login = summarise("total without login", pages, seconds) if pages else {"requests": 0, "failures": 0}
    failures = []
    if failures_csv.exists():
        with failures_csv.open(newline="", encoding="utf-8") as handle:
            failures = [
                {"method": r["Method"], "name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
                for r in csv.DictReader(handle)
            ]
    return endpoints, total, without_login, failures


def markdown(report: dict) -> str:
    lines = [
        "# Load test",
        "",
        f"{report['finished_at']} · {report['users']} users (spawn rate {report['spawn_rate']}/s) for "
        f"{report['run_time_seconds']} s · gunicorn {report['gunicorn_workers']} workers · PostgreSQL "
        f"`{report['database']}` · settings: {report['settings']} · app {report['app_version']}",
        "",
        f"Command: `{report['command']}`",
        "",
        "| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | avg ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*report["endpoints"], report["total_without_login"], report["total"]]
    for row in rows:
        name = row["name"] if row in report["endpoints"] else f"**{row['name']}**"
        lines.append(
            f"| {name} | {row['requests']} | {row['failures']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['average_ms']} | {row['max_ms']} | "
            f"{row['requests_per_second']} |"
        )
    logins = report["logins"]
    if logins.get("before_the_run"):
        lines += [
            "",
            f"Before the timed run, {logins['requests']} logins through the login form ({report['gunicorn_workers']} "
            f"at a time, {logins['seconds']} s): p50 {logins['p50_ms']} ms, p95 {logins['p95_ms']} ms, max "
            f"{logins['max_ms']} ms; each locust user then used one of these sessions.",
        ]
    if report["failure_details"]:
        lines += ["", "## Failures", ""]
        lines += [f"- {f['method']} {f['name']}: {f['error']} ({f['occurrences']}×)" for f in report["failure_details"]]
    lines += [
        "",
        "Percentiles: nearest rank over every response time locust recorded (ms, wall clock at the client, failed "
        "requests included); req/s over the whole run including the ramp-up. A login costs one PBKDF2 hash (CPU-bound "
        "by design); with --login-in-run the logins are in the table and the total without login is the page load.",
        "",
    ]
    return "\n".join(lines)


def app_version() -> str:
    described = subprocess.run(
        ["git", "describe", "--always", "--tags", "--dirty"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return described.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--run-time", type=int, default=MAX_RUN_SECONDS, help="seconds, at most 60")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument(
        "--login-in-run",
        action="store_true",
        help="each locust user logs in itself during the timed run (default: all log in through the form before it)",
    )
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate, demo and collectstatic (a rerun)")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("loadtest: the load test runs against PostgreSQL (--database-url postgres://…)")
    run_time = max(1, min(args.run_time, MAX_RUN_SECONDS))
    port = free_port()
    env = environment(args.database_url, port)
    if not args.no_prepare:
        prepare(env)
    args.results.mkdir(parents=True, exist_ok=True)
    work = args.results / ".work"
    work.mkdir(exist_ok=True)
    prefix = work / "locust"
    locust = [
        str(BIN / "locust"),
        "-f",
        str(REPO / "bench" / "loadtest" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{run_time}s",
        "--stop-timeout",
        "5",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    say(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}; locust {args.users} users for {run_time} s")
    samples = work / "samples.json"
    samples.unlink(missing_ok=True)
    locust_env = {**env, "LOADTEST_SAMPLES": str(samples)}
    logins: dict = {"before_the_run": False}
    with gunicorn(env, port, args.workers, work / "gunicorn.log"):
        if not args.login_in_run:
            say(f"{args.users} logins through the login form ({args.workers} at a time) before the timed run")
            started = time.perf_counter()
            sessions, times = log_in_users(f"http://127.0.0.1:{port}", args.users, args.workers)
            logins = {
                **summarise("POST /login/ (before the run)", [(t, False) for t in times], 1),
                "before_the_run": True,
                "seconds": round(time.perf_counter() - started, 1),
            }
            del logins["requests_per_second"]
            (work / "sessions.json").write_text(json.dumps(sessions), encoding="utf-8")
            locust_env["LOADTEST_SESSIONS"] = str(work / "sessions.json")
        finished = subprocess.run(  # noqa: S603 - our own command line
            locust, cwd=REPO, env=locust_env, timeout=run_time + 120, check=False
        )
    if not samples.exists():
        sys.exit(f"loadtest: locust wrote no samples (exit {finished.returncode})")
    endpoints, total, without_login, failures = read_results(samples, Path(f"{prefix}_failures.csv"), run_time)
    report = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": ".venv/bin/python bench/loadtest/run.py"
        f" --users {args.users} --spawn-rate {args.spawn_rate} --run-time {run_time} --workers {args.workers}"
        " (the defaults of make loadtest: 50 users, 10/s, 60 s, 4 workers)",
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time_seconds": run_time,
        "gunicorn_workers": args.workers,
        "database": args.database_url.rsplit("@", 1)[-1],
        "settings": "WMR_ENV=production (SECURE_SSL_REDIRECT=false, X-Forwarded-Proto: https), no Celery broker",
        "app_version": app_version(),
        "locust_exit_code": finished.returncode,
        "total": total,
        "total_without_login": without_login,
        "logins": logins,
        "endpoints": endpoints,
        "failure_details": failures,
    }
    (args.results / "loadtest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.results / "loadtest.md").write_text(markdown(report), encoding="utf-8")
    if logins.get("before_the_run"):
        say(f"{logins['requests']} logins before the run: p95 {logins['p95_ms']} ms, {logins['seconds']} s in all")
    say(
        f"{total['requests']} requests, {total['failures']} failures, p50 {total.get('p50_ms')} ms, "
        f"p95 {total.get('p95_ms')} ms, p99 {total.get('p99_ms')} ms; without the logins: "
        f"{without_login['requests']} requests, p95 {without_login.get('p95_ms')} ms "
        f"({args.users} users, {run_time} s, gunicorn {args.workers} workers) → {args.results / 'loadtest.md'}"
    )
    return 0 if total.get("requests") and not total.get("failures") else 1


if __name__ == "__main__":
    sys.exit(main())
