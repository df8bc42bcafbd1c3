"""Backup and restore of an installation (issue 9): the database plus every stored document, checksummed.

A backup is a directory:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, online backup API);
- ``documents/<sha256>.<ext>``: every stored document (``patients.Document.content``) as a file of its own. The
  database already holds them; the files let an auditor open a document without restoring, and the restore checks
  the restored rows against them;
- ``manifest.json``: the SHA-256 of every file, the row count of every table, the documents with their hashes, the
  app version, the applied migrations and the time;
- ``SHA256SUMS``: ``sha256sum -c`` format over every file including the manifest (detects a changed manifest).

Counts and documents come from the same snapshot as the dump: on PostgreSQL one REPEATABLE READ transaction exports
its snapshot to ``pg_dump --snapshot``; on SQLite they are read from the copy itself. Credentials reach pg_dump and
pg_restore through the environment (PGPASSWORD …), never through the command line (``ps`` shows it to every user).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db.utils import ConnectionHandler, load_backend
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
DOCUMENTS_DIR = "documents"
POSTGRESQL, SQLITE = "postgresql", "sqlite"
_ENGINES = {"django.db.backends.postgresql": POSTGRESQL, "django.db.backends.sqlite3": SQLITE}
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,8}$")
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; ``message`` says why, in words for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Database:
    """A database by its Django settings dict (``settings.DATABASES[...]`` or a parsed DATABASE_URL)."""

    config: dict[str, Any]

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(dj_database_url.parse(url))

    @classmethod
    def configured(cls) -> Database:
        return cls(dict(settings.DATABASES["default"]))

    @property
    def engine(self) -> str:
        engine = _ENGINES.get(self.config.get("ENGINE", ""))
        if engine is None:
            raise BackupError(
                _("Backup and restore support PostgreSQL and SQLite only, not %(engine)s.")
                % {"engine": self.config.get("ENGINE")}
            )
        return engine

    @property
    def name(self) -> str:
        return str(self.config.get("NAME") or "")

    def wrapper(self):
        """A Django connection of its own (not in ``django.db.connections``), so it can point at any database."""
        config = ConnectionHandler().configure_settings({"default": dict(self.config)})["default"]
        return load_backend(config["ENGINE"]).DatabaseWrapper(config, "wmr-backup")

    def pg_environment(self) -> dict[str, str]:
        """This process's environment plus the libpq variables for this database (the password stays off argv)."""
        env = dict(os.environ)
        for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
            value = self.config.get(key)
            if value:
                env[variable] = str(value)
            else:
                env.pop(variable, None)
        env["PGDATABASE"] = self.name
        sslmode = (self.config.get("OPTIONS") or {}).get("sslmode")
        if sslmode:
            env["PGSSLMODE"] = str(sslmode)
        return env


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    documents: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


# --- helpers -----------------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    """``git describe`` of the checkout, else the project version from pyproject.toml, else "unknown"."""
    git = shutil.which("git")
    if git:
        try:
            described = subprocess.run(  # noqa: S603 - fixed arguments
                [git, "describe", "--always", "--tags", "--dirty"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            described = None
        if described is not None and described.returncode == 0 and described.stdout.strip():
            return described.stdout.strip()
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.exists():
        found = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.MULTILINE)
        if found:
            return found.group(1)
    return "unknown"


def _document_table() -> tuple[str, str, str, str]:
    from patients.models import Document

    meta = Document._meta
    return (
        meta.db_table,
        meta.pk.column,
        meta.get_field("sha256").column,
        meta.get_field("content").column,
    )


def _extension(filename: str, content_type: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if _EXTENSION.match(suffix):
        return suffix
    return mimetypes.guess_extension(content_type or "") or ".bin"


def _table_counts(wrapper) -> dict[str, int]:
    """Rows of every table in the database (every model's table, the M2M and history tables, django_migrations)."""
    with wrapper.cursor() as cursor:
        tables = sorted(wrapper.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(table)}")  # noqa: S608 - introspected name
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _documents(wrapper) -> Iterator[tuple[int, str, str, str, bytes]]:
    """(id, stored sha256, filename, content type, content) of every stored document, by id."""
    table, pk, sha, content = _document_table()
    q = wrapper.ops.quote_name
    with wrapper.cursor() as cursor:
        cursor.execute(
            f"SELECT {q(pk)}, {q(sha)}, {q('filename')}, {q('content_type')}, {q(content)} "  # noqa: S608
            f"FROM {q(table)} ORDER BY {q(pk)}"
        )
        while rows := cursor.fetchmany(50):
            for row in rows:
                yield int(row[0]), str(row[1]), str(row[2]), str(row[3]), bytes(row[4])


def _migrations(wrapper) -> dict[str, list[str]]:
    with wrapper.cursor() as cursor:
        if "django_migrations" not in wrapper.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH. Install the PostgreSQL client tools of the server's major version "
                "(Debian: apt-get install postgresql-client)."
            )
            % {"tool": name}
        )
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(_("%(what)s could not be started: %(error)s") % {"what": what, "error": exc}) from exc
    if finished.returncode != 0:
        raise BackupError(
            _("%(what)s failed (exit %(code)d): %(error)s")
            % {"what": what, "code": finished.returncode, "error": finished.stderr.strip()[-2000:]}
        )


# --- backup ------------------------------------------------------------------------------------------------------


def create_backup(directory: Path, *, database: Database, now: datetime) -> dict[str, Any]:
    """Write a backup of ``database`` into ``directory`` (new or empty); return its manifest.

    Raises BackupError (pg_dump missing or failing, directory not empty …); then nothing is left behind."""
    engine = database.engine
    if engine == POSTGRESQL:
        pg_dump = _tool("pg_dump")
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(_("The output directory %(path)s is not empty.") % {"path": directory})
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        if engine == POSTGRESQL:
            manifest = _backup_postgresql(directory, database, pg_dump)
        else:
            manifest = _backup_sqlite(directory, database)
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    manifest.update(format=FORMAT, engine=engine, created_at=now.isoformat(), app_version=app_version())
    files = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        files[path.relative_to(directory).as_posix()] = file_sha256(path)
    manifest["files"] = files
    manifest = {key: manifest[key] for key in sorted(manifest)}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sums = dict(files, **{MANIFEST: file_sha256(directory / MANIFEST)})
    (directory / SUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())))
    return manifest


def _contents(wrapper, directory: Path) -> dict[str, Any]:
    """Counts, documents (written to files) and migrations, read through ``wrapper`` (already on the snapshot)."""
    counts = _table_counts(wrapper)
    documents_dir = directory / DOCUMENTS_DIR
    documents_dir.mkdir()
    documents = []
    for pk, stored_sha, filename, content_type, content in _documents(wrapper):
        actual = hashlib.sha256(content).hexdigest()
        name = f"{DOCUMENTS_DIR}/{actual}{_extension(filename, content_type)}"
        target = directory / name
        if not target.exists():
            target.write_bytes(content)
        documents.append({"id": pk, "sha256": stored_sha, "content_sha256": actual, "size": len(content), "file": name})
    return {
        "tables": counts,
        "total_rows": sum(counts.values()),
        "documents": documents,
        "document_count": len(documents),
        "documents_not_matching_their_hash": [d["id"] for d in documents if d["sha256"] != d["content_sha256"]],
        "migrations": _migrations(wrapper),
    }


def _backup_postgresql(directory: Path, database: Database, pg_dump: str) -> dict[str, Any]:
    wrapper = database.wrapper()
    try:
        try:
            wrapper.ensure_connection()
        except Exception as exc:
            raise BackupError(
                _("Cannot connect to the database %(name)s: %(error)s") % {"name": database.name, "error": exc}
            ) from exc
        with wrapper.cursor() as cursor:
            # One snapshot for the dump, the counts and the documents: a write during the backup is in all or none.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={directory / PG_DUMP_FILE}",
            ],
            database.pg_environment(),
            "pg_dump",
        )
        contents = _contents(wrapper, directory)
        with wrapper.cursor() as cursor:
            cursor.execute("COMMIT")
    finally:
        wrapper.close()
    contents["database"] = {"file": PG_DUMP_FILE, "name": database.name, "server_version": server_version}
    return contents


def _backup_sqlite(directory: Path, database: Database) -> dict[str, Any]:
    source_path = Path(database.name)
    if not source_path.exists():
        raise BackupError(_("The SQLite database %(path)s does not exist.") % {"path": source_path})
    copy = directory / SQLITE_FILE
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # the online backup API: a consistent copy while the app keeps writing
        finally:
            target.close()
    finally:
        source.close()
    wrapper = Database({**database.config, "NAME": str(copy)}).wrapper()
    try:
        contents = _contents(wrapper, directory)
    finally:
        wrapper.close()
    contents["database"] = {"file": SQLITE_FILE, "name": source_path.name, "server_version": sqlite3.sqlite_version}
    return contents


# --- verify and restore ------------------------------------------------------------------------------------------


def verify_backup(directory: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The manifest and every problem found: a file missing or changed, the manifest changed, a document without
    its file. An empty list means every checksum of SHA256SUMS and the manifest holds."""
    problems: list[str] = []
    sums_path, manifest_path = directory / SUMS, directory / MANIFEST
    if not manifest_path.is_file():
        return None, [_("%(file)s is missing: %(path)s is not a backup.") % {"file": MANIFEST, "path": directory}]
    if not sums_path.is_file():
        return None, [_("%(file)s is missing.") % {"file": SUMS}]
    sums = {}
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        sums[name] = digest
    if sums.get(MANIFEST) != file_sha256(manifest_path):
        return None, [_("%(file)s was changed after the backup (its checksum differs).") % {"file": MANIFEST}]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return None, [_("%(file)s is not valid JSON: %(error)s") % {"file": MANIFEST, "error": exc}]
    if manifest.get("format") != FORMAT:
        return None, [_("Unknown backup format %(format)r.") % {"format": manifest.get("format")}]
    files: dict[str, str] = manifest.get("files", {})
    for name, digest in sorted(files.items()):
        path = directory / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            problems.append(_("%(file)s: not a path inside the backup.") % {"file": name})
        elif not path.is_file():
            problems.append(_("%(file)s is missing.") % {"file": name})
        elif file_sha256(path) != digest:
            problems.append(_("%(file)s was changed (its SHA-256 differs from the manifest).") % {"file": name})
        elif sums.get(name) != digest:
            problems.append(_("%(file)s: %(sums)s and the manifest disagree.") % {"file": name, "sums": SUMS})
    database_file = (manifest.get("database") or {}).get("file")
    if database_file not in files:
        problems.append(_("The manifest names no database file."))
    for document in manifest.get("documents", []):
        if files.get(document["file"]) != document["content_sha256"]:
            problems.append(
                _("Document %(id)s: its file %(file)s is not in the manifest with its hash.")
                % {"id": document["id"], "file": document["file"]}
            )
    return manifest, problems


def _rows_per_table(wrapper) -> dict[str, int]:
    try:
        wrapper.ensure_connection()
    except Exception as exc:
        raise BackupError(
            _("Cannot connect to the target database %(name)s: %(error)s")
            % {"name": wrapper.settings_dict["NAME"], "error": exc}
        ) from exc
    return _table_counts(wrapper)


def restore_backup(directory: Path, *, database: Database, force: bool = False) -> RestoreReport:
    """Restore the backup in ``directory`` into ``database`` and compare the result with the manifest.

    Refuses (BackupError, nothing restored) when a checksum fails, the engines differ, or the target has a table
    with rows and ``force`` is not set. Returns the comparison: row counts per table, every document's content
    against its stored SHA-256 and the manifest."""
    manifest, problems = verify_backup(directory)
    if problems or manifest is None:
        raise BackupError(
            _("The backup in %(path)s fails its checksums; nothing was restored:\n%(problems)s")
            % {"path": directory, "problems": "\n".join(f"- {p}" for p in problems)}
        )
    engine = database.engine
    if manifest["engine"] != engine:
        raise BackupError(
            _("This is a %(backup)s backup; it cannot be restored into a %(target)s database.")
            % {"backup": manifest["engine"], "target": engine}
        )
    if engine == SQLITE and not Path(database.name).exists():
        existing: dict[str, int] = {}
    else:
        wrapper = database.wrapper()
        try:
            existing = _rows_per_table(wrapper)
        finally:
            wrapper.close()
    filled = sorted(table for table, rows in existing.items() if rows)
    if filled and not force:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        raise BackupError(
            _(
                "The target database %(name)s is not empty (%(count)d tables with rows: %(tables)s); nothing was "
                "restored. Restore into an empty database, or use --force to replace its contents."
            )
            % {"name": database.name, "count": len(filled), "tables": shown}
        )
    source = directory / manifest["database"]["file"]
    if engine == POSTGRESQL:
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if existing:
            command += ["--clean", "--if-exists"]
        _run(
            [*command, "--no-password", f"--dbname={database.name}", str(source)],
            database.pg_environment(),
            "pg_restore",
        )
    else:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(database.name)
            try:
                backup.backup(target)
            finally:
                target.close()
        finally:
            backup.close()
    return compare_with_manifest(database, manifest)


def compare_with_manifest(database: Database, manifest: dict[str, Any]) -> RestoreReport:
    """Row counts per table and every document's hashes of ``database`` against ``manifest``."""
    report = RestoreReport()
    wrapper = database.wrapper()
    try:
        counts = _rows_per_table(wrapper)
        documents = {
            pk: (stored, hashlib.sha256(content).hexdigest()) for pk, stored, *_rest, content in _documents(wrapper)
        }
    finally:
        wrapper.close()
    expected: dict[str, int] = manifest["tables"]
    for table, rows in sorted(expected.items()):
        if table not in counts:
            report.differences.append(_("table %(table)s is missing") % {"table": table})
        elif counts[table] != rows:
            report.differences.append(
                _("table %(table)s: %(actual)d rows, the backup had %(expected)d")
                % {"table": table, "actual": counts[table], "expected": rows}
            )
    for table in sorted(set(counts) - set(expected)):
        if counts[table]:
            report.differences.append(_("table %(table)s is not in the backup") % {"table": table})
    manifest_documents = {d["id"]: d for d in manifest["documents"]}
    for pk in sorted(set(manifest_documents) - set(documents)):
        report.differences.append(_("document %(id)d is missing") % {"id": pk})
    for pk in sorted(set(documents) - set(manifest_documents)):
        report.differences.append(_("document %(id)d is not in the backup") % {"id": pk})
    for pk, (stored, actual) in sorted(documents.items()):
        entry = manifest_documents.get(pk)
        if entry is None:
            continue
        if actual != entry["content_sha256"] or stored != entry["sha256"]:
            report.differences.append(_("document %(id)d differs from the backup") % {"id": pk})
        elif actual != stored and pk not in manifest.get("documents_not_matching_their_hash", []):
            report.differences.append(_("document %(id)d does not match its stored SHA-256") % {"id": pk})
    report.tables = len(expected)
    report.rows = sum(counts.get(table, 0) for table in expected)
    report.documents = len(documents)
    return report
