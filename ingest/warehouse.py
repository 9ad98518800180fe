"""Connections to the warehouse and its versioned, idempotent migrations."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import psycopg
from psycopg import sql

from ingest.config import MIGRATIONS_DIR
from ingest.roles import ensure_runtime_roles

log = logging.getLogger(__name__)

# Any constant will do: it serialises concurrent `migrate` calls across processes.
_MIGRATION_LOCK = 7_341_001


# The session of a `rolled_back` block, borrowed by every `connect` inside it.
_session: ContextVar[psycopg.Connection | None] = ContextVar("mwh_session", default=None)


def connect(dsn: str, **kwargs):
    """A connection for a `with connect(dsn) as conn:` block (commits at its end).
    Inside `rolled_back`, the block borrows that session instead, as a savepoint."""
    if (session := _session.get()) is not None:
        return _Savepoint(session)
    return psycopg.connect(dsn, application_name="mwh", **kwargs)


class _Savepoint:
    """A block of a borrowed session: a savepoint, rolled back if the block fails
    (like a connection's own transaction), never committed."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.tx = conn.transaction()

    def __enter__(self) -> psycopg.Connection:
        self.tx.__enter__()
        return self.conn

    def __exit__(self, *exc) -> bool | None:
        return self.tx.__exit__(*exc)


@contextmanager
def rolled_back(dsn: str) -> Iterator[psycopg.Connection]:
    """Run the block's warehouse work in one transaction that is never committed:
    every `connect(dsn)` in it (this thread) borrows the session, and GX reads it
    through `shared_session`. A killed process leaves nothing behind either: the
    server rolls back what a dead session never committed."""
    with (
        psycopg.connect(dsn, application_name="mwh dry run") as conn,
        conn.transaction(force_rollback=True),
    ):
        token = _session.set(conn)
        try:
            yield conn
        finally:
            _session.reset(token)


def shared_session() -> psycopg.Connection | None:
    """The session of the enclosing `rolled_back` block, if any."""
    return _session.get()


class SharedConnection(psycopg.Connection):
    """The DBAPI connection SQLAlchemy (and so GX) gets inside `rolled_back`: the same
    server session, so it reads the block's uncommitted rows; its commit, rollback and
    close are no-ops, so SQLAlchemy's housekeeping cannot end the block's transaction."""

    @classmethod
    def of(cls, conn: psycopg.Connection) -> SharedConnection:
        return cls(conn.pgconn)

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


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
                script = path.read_text()
                checksum = hashlib.sha256(script.encode()).hexdigest()
                if version in done:
                    if done[version] != checksum:
                        raise RuntimeError(
                            f"migration {path.name} changed after it was applied; "
                            "add a new migration instead"
                        )
                    continue
                with conn.transaction():
                    conn.execute(script)
                    conn.execute(
                        "insert into ops.schema_migrations (version, checksum) values (%s, %s)",
                        (version, checksum),
                    )
                log.info("applied migration %s", path.name)
                applied_now.append(version)
            ensure_raw_tables(conn)
            restrict_database(conn)
            ensure_runtime_roles(conn)
            conn.commit()
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
    return applied_now


def restrict_database(conn: psycopg.Connection) -> None:
    """The database's own grants: PUBLIC may neither connect nor create temporary
    tables; the pipeline's and the readers' roles may connect. CREATE DATABASE ...
    TEMPLATE does not copy a database's ACL, so this runs on every migrate, not once
    as a migration, and on every copy of a warehouse (`copy_database`)."""
    db = sql.Identifier(conn.info.dbname)
    conn.execute(sql.SQL("revoke connect, temporary on database {} from public").format(db))
    conn.execute(
        sql.SQL("grant connect on database {} to loader, transformer, analyst, bi_reader").format(
            db
        )
    )
    # dbt's incremental models and GX stage in temporary tables; analysts may too.
    conn.execute(
        sql.SQL("grant temporary on database {} to loader, transformer, analyst").format(db)
    )
    # The blue/green publish creates and renames schemas (ingest.generations).
    conn.execute(sql.SQL("grant create on database {} to transformer").format(db))


def copy_database(admin_dsn: str, template: str, name: str) -> str:
    """A new database `name`, a copy of the warehouse `template` (which must have no
    sessions), with the database grants a copy does not inherit; its DSN."""
    from ingest.config import with_dbname

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template {}").format(
            sql.Identifier(name), sql.Identifier(template)))  # fmt: skip
    dsn = with_dbname(admin_dsn, name)
    with connect(dsn) as conn:
        restrict_database(conn)
    return dsn


def ensure_raw_tables(conn: psycopg.Connection) -> None:
    """Every registered dataset's raw table exists from the start, so dbt's sources
    resolve before the first batch arrives. Columns are declared by the datasets."""
    from ingest.loader import ensure_raw_table
    from ingest.sources import ALL_SOURCES, datasets

    for source in ALL_SOURCES:
        for ds in datasets(source).values():
            ensure_raw_table(conn, ds)
