"""`manage.py backup` and `manage.py restore` end to end, with the real tools (sqlite3 backup API, pg_dump,
pg_restore) in subprocesses, as an operator runs them.

The demo clinic is migrated and loaded once per engine (module fixtures, the slow part: about 40 s on SQLite, one to
two minutes on PostgreSQL); each test then restores that one backup. The PostgreSQL tests run when the suite runs on
PostgreSQL (DATABASE_URL=postgres…, CI's PostgreSQL leg) and create and drop their own uniquely named databases on
that server. Messages are checked by what does not get translated (file and table names), results through SQL."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from tests.ops.support import REPO, clean_environment

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://"))
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="the PostgreSQL round trip runs when the suite runs on PostgreSQL (DATABASE_URL)"
)


def manage(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean_environment(DATABASE_URL=database_url, **env),
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def ok(process: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return process


def load_demo_clinic(database_url: str) -> None:
    ok(manage("migrate", "--noinput", "-v0", database_url=database_url))
    ok(manage("load_demo", database_url=database_url))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- what a database holds, read with plain SQL ------------------------------------------------------------------


def sqlite_state(path: Path) -> tuple[dict[str, int], dict[int, tuple[str, str]]]:
    """Rows per table and (stored sha256, sha256 of the content) per document id."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence' ORDER BY name"
            )
        ]
        counts = {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
        documents = {}
        if "patients_document" in counts:
            rows = connection.execute("SELECT id, sha256, content FROM patients_document")
            documents = {pk: (stored, hashlib.sha256(content).hexdigest()) for pk, stored, content in rows}
    finally:
        connection.close()
    return counts, documents


def pg_connect(url: str):
    parts = psycopg2.extensions.parse_dsn(url.replace("postgres://", "postgresql://", 1))
    return psycopg2.connect(**parts)


def postgresql_state(url: str) -> tuple[dict[str, int], dict[int, tuple[str, str]]]:
    connection = pg_connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [name for (name,) in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            documents = {}
            if "patients_document" in tables:
                cursor.execute("SELECT id, sha256, encode(sha256(content), 'hex') FROM patients_document")
                documents = {pk: (stored, actual) for pk, stored, actual in cursor.fetchall()}
    finally:
        connection.close()
    return counts, documents


def database_url(name: str) -> str:
    return DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"


def pg_database(action: str, url: str) -> None:
    subprocess.run(
        [sys.executable, "scripts/pg_database.py", action, url], cwd=REPO, check=True, timeout=120, capture_output=True
    )


def copy_backup(backup: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    return copy


def flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


# --- SQLite (every leg) ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory) -> tuple[Path, Path]:
    """The demo clinic in a SQLite file and its backup directory."""
    root = tmp_path_factory.mktemp("sqlite-demo")
    source = root / "source.sqlite3"
    load_demo_clinic(sqlite_url(source))
    backup = root / "backup"
    ok(manage("backup", "--output", str(backup), database_url=sqlite_url(source)))
    return source, backup


def test_a_sqlite_backup_restores_into_an_empty_database_with_equal_counts_and_document_hashes(sqlite_demo, tmp_path):
    source, backup = sqlite_demo
    manifest = json.loads((backup / "manifest.json").read_text())
    target = tmp_path / "restored.sqlite3"

    restored = ok(
        manage("restore", str(backup), "--database-url", sqlite_url(target), database_url="sqlite://:memory:")
    )

    source_counts, source_documents = sqlite_state(source)
    target_counts, target_documents = sqlite_state(target)
    assert target_counts == source_counts == manifest["tables"]
    assert target_documents == source_documents
    assert len(source_documents) == manifest["document_count"] > 0
    assert all(stored == actual for stored, actual in target_documents.values())
    assert sum(source_counts.values()) > 1000
    for table in (
        "staff_user",
        "auth_group",
        "patients_stayuserobjectpermission",
        "patients_historicalstay",
        "wmr_auditentry",
    ):
        assert source_counts[table] > 0, table
    assert f"{len(source_counts)} " in restored.stdout
    assert f"{sum(source_counts.values())} " in restored.stdout


def test_the_backup_holds_every_document_as_a_file_and_a_checksum_for_every_file(sqlite_demo):
    source, backup = sqlite_demo
    manifest = json.loads((backup / "manifest.json").read_text())
    _, documents = sqlite_state(source)
    files = {path.relative_to(backup).as_posix() for path in backup.rglob("*") if path.is_file()}
    assert files == set(manifest["files"]) | {"manifest.json", "SHA256SUMS"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((backup / name).read_bytes()).hexdigest() == digest
    assert {d["id"]: d["sha256"] for d in manifest["documents"]} == {pk: sha for pk, (sha, _) in documents.items()}
    for document in manifest["documents"]:
        assert hashlib.sha256((backup / document["file"]).read_bytes()).hexdigest() == document["sha256"]
    sums = dict(reversed(line.split("  ", 1)) for line in (backup / "SHA256SUMS").read_text().splitlines())
    assert sums["manifest.json"] == hashlib.sha256((backup / "manifest.json").read_bytes()).hexdigest()
    assert manifest["migrations"]["patients"] and manifest["engine"] == "sqlite" and manifest["app_version"]


@pytest.mark.parametrize("tamper", ["document file", "database file", "manifest count", "missing document file"])
def test_a_tampered_backup_is_refused_and_nothing_is_restored(sqlite_demo, tmp_path, tamper):
    _, original = sqlite_demo
    backup = copy_backup(original, tmp_path)
    document_file = sorted((backup / "documents").iterdir())[0]
    if tamper == "document file":
        flip_last_byte(document_file)
        named = document_file.name
    elif tamper == "missing document file":
        document_file.unlink()
        named = document_file.name
    elif tamper == "database file":
        flip_last_byte(backup / "database.sqlite3")
        named = "database.sqlite3"
    else:
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["tables"]["staff_user"] += 1
        (backup / "manifest.json").write_text(json.dumps(manifest))
        named = "manifest.json"
    target = tmp_path / "target.sqlite3"

    refused = manage("restore", str(backup), "--database-url", sqlite_url(target), database_url="sqlite://:memory:")

    assert refused.returncode != 0
    assert named in refused.stderr
    assert not target.exists()


def test_a_non_empty_target_is_refused_unless_forced(sqlite_demo, tmp_path):
    _, backup = sqlite_demo
    target = tmp_path / "busy.sqlite3"
    connection = sqlite3.connect(target)
    connection.execute("CREATE TABLE earlier_data (id integer)")
    connection.execute("INSERT INTO earlier_data VALUES (1)")
    connection.commit()
    connection.close()

    refused = manage("restore", str(backup), "--database-url", sqlite_url(target), database_url="sqlite://:memory:")
    assert refused.returncode != 0
    assert "earlier_data" in refused.stderr
    assert sqlite_state(target)[0] == {"earlier_data": 1}

    ok(
        manage(
            "restore", str(backup), "--database-url", sqlite_url(target), "--force", database_url="sqlite://:memory:"
        )
    )
    counts, _ = sqlite_state(target)
    assert counts == json.loads((backup / "manifest.json").read_text())["tables"]


def test_a_backup_refuses_an_output_directory_that_is_not_empty(sqlite_demo, tmp_path):
    source, _ = sqlite_demo
    (tmp_path / "notes.txt").write_text("earlier")
    refused = manage("backup", "--output", str(tmp_path), database_url=sqlite_url(source))
    assert refused.returncode != 0
    assert str(tmp_path) in refused.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_a_postgresql_backup_without_pg_dump_exits_with_a_clear_message(tmp_path):
    # pg_dump is looked up before anything else happens: no server is needed to see the message.
    output = tmp_path / "backup"
    refused = manage(
        "backup",
        "--output",
        str(output),
        database_url="postgres://wmr@127.0.0.1:5432/wmr",
        PATH=str(Path(sys.executable).parent),
    )
    assert refused.returncode != 0
    assert "pg_dump" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not output.exists()


# --- PostgreSQL (the PostgreSQL leg) -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgresql_demo(tmp_path_factory):
    """The demo clinic in a database of its own on the suite's server, and its backup; the database is dropped."""
    source = database_url(f"wmr_backup_source_{uuid.uuid4().hex[:10]}")
    pg_database("recreate", source)
    try:
        load_demo_clinic(source)
        backup = tmp_path_factory.mktemp("postgresql-demo") / "backup"
        ok(manage("backup", "--output", str(backup), database_url=source))
        yield source, backup
    finally:
        pg_database("drop", source)


@pytest.fixture
def empty_postgresql_database():
    url = database_url(f"wmr_backup_target_{uuid.uuid4().hex[:10]}")
    pg_database("recreate", url)
    try:
        yield url
    finally:
        pg_database("drop", url)


@needs_postgresql
def test_a_postgresql_backup_restores_into_an_empty_database_with_equal_counts_and_document_hashes(
    postgresql_demo, empty_postgresql_database
):
    source, backup = postgresql_demo
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql" and (backup / "database.dump").read_bytes()[:5] == b"PGDMP"

    restored = ok(manage("restore", str(backup), "--database-url", empty_postgresql_database, database_url=source))

    source_counts, source_documents = postgresql_state(source)
    target_counts, target_documents = postgresql_state(empty_postgresql_database)
    assert target_counts == source_counts == manifest["tables"]
    assert target_documents == source_documents
    assert len(source_documents) == manifest["document_count"] > 0
    assert all(stored == actual for stored, actual in target_documents.values())
    assert sum(source_counts.values()) > 1000
    for table in (
        "staff_user",
        "auth_group",
        "patients_stayuserobjectpermission",
        "patients_historicalstay",
        "wmr_auditentry",
    ):
        assert source_counts[table] > 0, table
    assert f"{len(source_counts)} " in restored.stdout
    assert f"{sum(source_counts.values())} " in restored.stdout


@needs_postgresql
def test_a_postgresql_restore_refuses_a_non_empty_target_and_a_tampered_dump(
    postgresql_demo, empty_postgresql_database, tmp_path
):
    source, original = postgresql_demo
    before = postgresql_state(source)
    refused = manage("restore", str(original), "--database-url", source, database_url=source)
    assert refused.returncode != 0
    assert "auth_user" in refused.stderr or "auth_group" in refused.stderr
    assert postgresql_state(source) == before

    backup = copy_backup(original, tmp_path)
    flip_last_byte(backup / "database.dump")
    refused = manage("restore", str(backup), "--database-url", empty_postgresql_database, database_url=source)
    assert refused.returncode != 0
    assert "database.dump" in refused.stderr
    assert postgresql_state(empty_postgresql_database) == ({}, {})


@needs_postgresql
def test_a_postgresql_backup_of_a_missing_database_exits_with_a_clear_message(tmp_path):
    missing = f"wmr_backup_missing_{uuid.uuid4().hex[:10]}"
    output = tmp_path / "backup"
    refused = manage("backup", "--output", str(output), database_url=database_url(missing))
    assert refused.returncode != 0
    assert missing in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not output.exists()
