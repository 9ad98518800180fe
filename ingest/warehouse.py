"""Connections to the warehouse and its versioned, idempotent migrations."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import psycopg

from ingest.config import MIGRATIONS_DIR

log = logging.getLogger(__name__)

# Any constant will do: it serialises concurrent `migrate` calls across processes.
_MIGRATION_LOCK = 7_341_001


def connect(dsn: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(dsn, application_name="mwh", **kwargs)


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def migrate(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction.

    A migration file that changed after it was applied is an error: migrations are
    append-only, a fix is a new file.
    """
    applied_now: list[str] = []
    with connect(dsn) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            conn.execute("create schema if not exists ops")
            conn.execute(
                """create table if not exists ops.schema_migrations (
                       version text primary key,
                       checksum char(64) not null,
                       applied_at timestamptz not null default now())"""
            )
            conn.commit()
            done = dict(conn.execute("select version, checksum from ops.schema_migrations"))
            for path in migration_files(directory):
                version = path.stem
                sql = path.read_text()
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if version in done:
                    if done[version] != checksum:
                        raise RuntimeError(
                            f"migration {path.name} changed after it was applied; "
                            "add a new migration instead"
                        )
                    continue
                with conn.transaction():
                    conn.execute(sql)
                    conn.execute(
                        "insert into ops.schema_migrations (version, checksum) values (%s, %s)",
                        (version, checksum),
                    )
                log.info("applied migration %s", path.name)
                applied_now.append(version)
            ensure_raw_tables(conn)
            conn.commit()
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
    return applied_now


def ensure_raw_tables(conn: psycopg.Connection) -> None:
    """Every registered dataset's raw table exists from the start, so dbt's sources
    resolve before the first batch arrives. Columns are declared by the datasets."""
    from ingest.loader import ensure_raw_table
    from ingest.sources import ALL_SOURCES, datasets

    for source in ALL_SOURCES:
        for ds in datasets(source).values():
            ensure_raw_table(conn, ds)
