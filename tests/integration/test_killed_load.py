"""A load killed between its COPY and its commit leaves nothing behind, and the re-run
equals a clean load (DESIGN.md: a batch and its ledger row commit together)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest

from ingest import pipeline
from ingest.warehouse import migrate
from tests.conftest import PROJECT_ROOT, _create_database, _drop_database

# The child runs the production load, paused once COPY and the ledger update are done
# and before the transaction commits: the moment a crash would hurt most.
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ingest import ledger, pipeline

    dsn, payload, ready = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    close_load = ledger.close_load

    def close_then_hang(*args, **kwargs):
        close_load(*args, **kwargs)
        ready.write_text("copied, not committed")
        time.sleep(600)

    ledger.close_load = close_then_hang
    pipeline.load(dsn, payload)
    """
)


@pytest.fixture
def clean_dsn(server_dsn):
    name, dsn = _create_database(server_dsn, "mwh_test_clean")
    migrate(dsn)
    yield dsn
    _drop_database(server_dsn, name)


def _snapshot(dsn: str) -> tuple[list, list]:
    with psycopg.connect(dsn) as conn:
        raw = conn.execute(
            "select citizen, sex, applicant, age, geo, time, value, flag, _row_number"
            " from raw.eurostat__asylum_applicants_monthly order by _row_number"
        ).fetchall()
        ledger = conn.execute(
            "select source, dataset, content_sha256, rows_received, rows_loaded, status"
            " from ops.batches order by batch_id"
        ).fetchall()
    return raw, ledger


def test_a_load_killed_before_commit_leaves_nothing_and_reruns_cleanly(
    warehouse_dsn, clean_dsn, tmp_path, monkeypatch
):
    import json

    monkeypatch.setenv("MWH_PAYLOAD_DIR", str(tmp_path / "payloads"))
    payload = pipeline.fetch("eurostat", "asylum_applicants_monthly", live=False)
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, warehouse_dsn, json.dumps(payload), str(ready)],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert child.poll() is None, "the loading process ended before the pause"
            assert time.monotonic() < deadline, "the load never reached its commit"
            time.sleep(0.05)
        with psycopg.connect(warehouse_dsn) as conn:
            # Copied, but invisible until the commit that will never come.
            (active,) = conn.execute(
                "select count(*) from pg_stat_activity where state = 'idle in transaction'"
                " and datname = current_database()"
            ).fetchone()
            assert active == 1
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()

    # PostgreSQL rolls the transaction back once it sees the client gone.
    deadline = time.monotonic() + 30
    while True:
        with psycopg.connect(warehouse_dsn) as conn:
            (open_txns,) = conn.execute(
                "select count(*) from pg_stat_activity where state like 'idle in transaction%'"
                " and datname = current_database()"
            ).fetchone()
        if open_txns == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raw, ledger = _snapshot(warehouse_dsn)
    assert raw == [] and ledger == []

    rerun = pipeline.load(warehouse_dsn, payload)
    clean = pipeline.load(clean_dsn, payload)
    assert rerun["created"] and rerun["rows_received"] == clean["rows_received"] == 9160
    assert _snapshot(warehouse_dsn) == _snapshot(clean_dsn)
