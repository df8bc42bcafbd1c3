"""The orchestrator of ``python -m bench`` (module docstring of ``bench/__main__.py``)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.report import evaluate_bars, render_markdown

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = "1000,10000,50000"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TEMPLATE = "wmr_bench_template"
# Our settings that must not leak in from the caller's shell (the orchestrator sets what it needs).
CLEARED = (
    "DATABASE_URL",
    "DEBUG",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASE_CONN_MAX_AGE",
    "WMR_ENV",
    "EMAIL_BACKEND",
)


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive numbers of stays, e.g. 1000,10000")
    return sizes


def facilities_for(stays: int) -> int:
    return max(1, stays // 10000)


def child_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env |= {
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "wmr.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # the report's notices go nowhere
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",  # whitenoise: no collected static files here
    }
    return env


def run_child(args: list[str], database_url: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=child_env(database_url), capture_output=True, text=True)
    return time.perf_counter() - start, done


class Postgres:
    """Databases on the server of ``admin_url`` (trust auth as on this machine): template, one per size."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url

    def url(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))

    def _execute(self, sql: str) -> None:
        import psycopg2

        parts = urlsplit(self.admin_url)
        connection = psycopg2.connect(
            dbname=parts.path.lstrip("/") or "postgres",
            user=parts.username or "postgres",
            password=parts.password,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def fresh(self, name: str, template: str | None = None) -> str:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def template(self) -> str:
        url = self.fresh(TEMPLATE)
        migrate(url)
        return url

    def for_size(self, size: int) -> str:
        return self.fresh(f"wmr_bench_{size}", template=TEMPLATE)


class Sqlite:
    """Database files in ``workdir``: a migrated template, copied per size."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.template_path = workdir / "template.sqlite3"

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def template(self) -> str:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.template_path.unlink(missing_ok=True)
        url = self.url(self.template_path)
        migrate(url)
        return url

    def for_size(self, size: int) -> str:
        path = self.workdir / f"wmr_bench_{size}.sqlite3"
        shutil.copyfile(self.template_path, path)
        return self.url(path)


def migrate(url: str) -> None:
    say("migrating the template database")
    seconds, done = run_child([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], url)
    if done.returncode:
        raise SystemExit(f"bench: migrate failed:\n{done.stdout}\n{done.stderr}")
    say(f"migrated in {seconds:.1f} s")


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def bench_size(backend, size: int, args, workdir: Path) -> dict:
    url = backend.for_size(size)
    facilities = facilities_for(size)
    seed_args = ["seed_synthetic", "--stays", str(size), "--facilities", str(facilities), "--seed", "1"]
    say(f"{size} stays: manage.py {' '.join(seed_args)}")
    seconds, done = run_child([sys.executable, "manage.py", *seed_args], url)
    entry: dict = {"seed_seconds": round(seconds, 1), "seed_command": "manage.py " + " ".join(seed_args)}
    entry["seed_output"] = tail(done.stdout + done.stderr, 40)
    if done.returncode:
        say(f"{size} stays: seeding failed after {seconds:.1f} s\n{tail(done.stderr)}")
        return entry | {"error": "seed_synthetic failed", "pages": [], "figures": {}}
    say(f"{size} stays: seeded in {seconds:.1f} s; measuring ({args.repeat} rounds per page)")
    out = workdir / f"measure-{args.database}-{size}.json"
    out.unlink(missing_ok=True)
    measure = [sys.executable, "-m", "bench.measure", "--label", str(size), "--repeat", str(args.repeat)]
    measure += ["--warmup", str(args.warmup), "--out", str(out)]
    seconds, done = run_child(measure, url)
    if done.returncode or not out.exists():
        say(f"{size} stays: measuring failed\n{tail(done.stderr)}")
        return entry | {"error": "bench.measure failed: " + tail(done.stderr, 5), "pages": [], "figures": {}}
    say(f"{size} stays: measured in {seconds:.1f} s ({tail(done.stdout, 1)})")
    return entry | json.loads(out.read_text()) | {"measure_seconds": round(seconds, 1)}


def load_results(path: Path, database: str, fresh: bool) -> dict:
    if path.exists() and not fresh:
        try:
            results = json.loads(path.read_text())
            if results.get("database") == database:
                return results
        except (OSError, ValueError):
            pass
    return {"database": database, "sizes": {}}


def write_results(results: dict, out: Path, database: str) -> tuple[Path, Path]:
    results["generated_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["bars"] = evaluate_bars(results)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"bench-{database}.json", out / f"bench-{database}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(render_markdown(results))
    return json_path, md_path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="The benchmark suite of issue 10.")
    p.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    p.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES), help=f"stays ({DEFAULT_SIZES})")
    p.add_argument("--repeat", type=int, default=30, help="timed rounds per page (30)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up rounds per page (3)")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results", help="where the report goes")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="PostgreSQL server to create the databases on (its maintenance database; $BENCH_PG_URL)",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "wmr-bench",
        help="SQLite files and the raw measurements",
    )
    p.add_argument("--fresh", action="store_true", help="drop sizes measured earlier from the report")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    backend = Postgres(args.pg_url) if args.database == "postgresql" else Sqlite(args.workdir)
    results = load_results(args.out / f"bench-{args.database}.json", args.database, args.fresh)
    results["command"] = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    backend.template()
    failed = False
    for size in args.sizes:
        entry = bench_size(backend, size, args, args.workdir)
        failed |= bool(entry.get("error")) or not all(page.get("ok") for page in entry.get("pages", []))
        results["sizes"][str(size)] = entry
        json_path, md_path = write_results(results, args.out, args.database)
    say(f"report: {json_path.relative_to(REPO) if json_path.is_relative_to(REPO) else json_path}, {md_path.name}")
    for bar in results["bars"]:
        say(f"{bar['verdict']:<4} {bar['bar']}: {bar['detail']}")
    return 1 if failed else 0
