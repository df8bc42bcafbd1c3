"""Create, recreate or drop the PostgreSQL database named in a database URL.

    python scripts/pg_database.py ensure|recreate|drop postgres://user@host:5432/name

Used by ``scripts/prod-local`` (ensure) and the production smoke test (recreate, drop). Connects to the server's
``postgres`` maintenance database with the URL's credentials.
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg2
from psycopg2 import sql


def _maintenance_connection(config: dict):
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def main(action: str, url: str) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"not a PostgreSQL URL: {url}")
    name = config["NAME"]
    connection = _maintenance_connection(config)
    try:
        with connection.cursor() as cursor:
            if action in {"recreate", "drop"}:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if action in {"ensure", "recreate"}:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    print(f"created database {name}")
    finally:
        connection.close()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"ensure", "recreate", "drop"}:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
