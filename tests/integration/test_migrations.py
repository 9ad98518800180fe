"""The warehouse bootstrap: versioned, idempotent, and what the ledger promises."""

from __future__ import annotations

import psycopg
import pytest

from ingest.warehouse import migrate


def test_migrate_is_idempotent_and_creates_the_bootstrap(warehouse_dsn):
    assert migrate(warehouse_dsn) == []  # the fixture applied everything already
    with psycopg.connect(warehouse_dsn) as conn:
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace")}
        roles = dict(
            conn.execute(
                "select rolname, rolcanlogin from pg_roles"
                " where rolname in ('loader', 'transformer', 'analyst', 'bi_reader')"
            ).fetchall()
        )
        cols = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'ops' and table_name = 'batches'"
            )
        }
    assert {"raw", "ops", "quality"} <= schemas
    # The pipeline's roles log in (ingest/roles.py); the readers' are groups of logins.
    assert roles == {"loader": True, "transformer": True, "analyst": False, "bi_reader": False}
    assert {
        "batch_id", "source", "dataset", "request", "data_interval_start", "data_interval_end",
        "content_sha256", "rows_received", "rows_loaded", "rows_quarantined", "status",
        "started_at", "loaded_at", "validated_at", "error",
    } <= cols  # fmt: skip


def test_the_ledger_refuses_rows_that_do_not_add_up(warehouse_dsn):
    with psycopg.connect(warehouse_dsn) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "insert into ops.batches (source, dataset, raw_table, rows_received, rows_loaded,"
            " rows_quarantined) values ('x', 'y', 'raw.x__y', 10, 8, 1)"
        )


def test_a_changed_migration_is_refused(warehouse_dsn, tmp_path):
    from ingest.config import MIGRATIONS_DIR

    for f in MIGRATIONS_DIR.glob("*.sql"):
        (tmp_path / f.name).write_text(f.read_text() + "\n-- edited after release\n")
    with pytest.raises(RuntimeError, match="changed after it was applied"):
        migrate(warehouse_dsn, tmp_path)
