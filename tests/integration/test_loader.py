"""Loads against a real PostgreSQL: one transaction with the ledger, idempotent by sha256."""

from __future__ import annotations

import hashlib
import logging

import psycopg
import pytest

from ingest.datasets import RawDataset
from ingest.loader import load_batch
from ingest.pipeline import fetch, load

DS = RawDataset(
    source="testsrc", name="things", columns=("geo", "time", "value"), natural_key=("geo", "time")
)
ROWS = [("AT", "2025-01", "10"), ("EL", "2025-01", ""), ("XK", "2025-01", "5")]


def _count(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchone()[0]


def test_load_is_one_batch_and_the_same_content_is_a_noop(warehouse_dsn, caplog):
    caplog.set_level(logging.INFO, logger="ingest.loader")
    sha = hashlib.sha256(b"payload-1").hexdigest()
    first = load_batch(warehouse_dsn, DS, ROWS, sha256=sha, request="test")
    assert first.created and first.rows_received == first.rows_loaded == 3
    assert first.rows_quarantined == 0
    again = load_batch(warehouse_dsn, DS, ROWS, sha256=sha, request="test")
    assert not again.created and again.batch_id == first.batch_id
    assert "already loaded" in caplog.text
    assert _count(warehouse_dsn, "select count(*) from raw.testsrc__things") == 3
    assert _count(warehouse_dsn, "select count(*) from ops.batches where source = 'testsrc'") == 1
    # Raw is faithful: text as sent, plus the batch and row number.
    with psycopg.connect(warehouse_dsn) as conn:
        got = conn.execute(
            "select geo, value, _batch_id, _row_number from raw.testsrc__things order by 4"
        ).fetchall()
    assert got == [("AT", "10", first.batch_id, 1), ("EL", "", first.batch_id, 2),
                   ("XK", "5", first.batch_id, 3)]  # fmt: skip


def test_a_failing_load_leaves_no_rows_and_a_ledger_error(warehouse_dsn, tmp_path, monkeypatch):
    """A row that breaks mid-COPY rolls back the whole batch; the ledger says why."""
    monkeypatch.setenv("MWH_PAYLOAD_DIR", str(tmp_path))
    before = _count(warehouse_dsn, "select count(*) from raw.eurostat__asylum_applicants_monthly")

    import ingest.sources.eurostat as eurostat

    real_rows = eurostat.rows

    def broken_rows(ds, content):
        yield from list(real_rows(ds, content))[:100]
        yield ("too", "short")

    payload = fetch("eurostat", "asylum_applicants_monthly", live=False)
    monkeypatch.setattr(eurostat, "rows", broken_rows)
    with pytest.raises(ValueError, match="row 101 has 2 fields"):
        load(warehouse_dsn, payload)
    after = _count(warehouse_dsn, "select count(*) from raw.eurostat__asylum_applicants_monthly")
    assert after == before
    with psycopg.connect(warehouse_dsn) as conn:
        status, error, sha = conn.execute(
            "select status, error, content_sha256 from ops.batches"
            " where source = 'eurostat' order by batch_id desc limit 1"
        ).fetchone()
    assert status == "error" and "row 101" in error and sha == payload["sha256"]
    # A failed attempt does not block the retry: the same payload now loads.
    monkeypatch.undo()
    monkeypatch.setenv("MWH_PAYLOAD_DIR", str(tmp_path))
    result = load(warehouse_dsn, payload)
    assert result["created"] and result["rows_loaded"] > 100


def test_a_tampered_payload_file_is_refused(warehouse_dsn, tmp_path, monkeypatch):
    monkeypatch.setenv("MWH_PAYLOAD_DIR", str(tmp_path))
    payload = fetch("eurostat", "asylum_applicants_monthly", live=False)
    with open(payload["path"], "ab") as fh:
        fh.write(b" ")
    with pytest.raises(ValueError, match="sha256"):
        load(warehouse_dsn, payload)
