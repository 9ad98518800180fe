"""`mwh bench ingest`: the payload holds the same observations as psql's file, both
sides load them all, and the command prints one JSON report."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from ingest import bench_ingest
from ingest.config import with_dbname
from ingest.sources.eurostat import rows as eurostat_rows
from ingest.sources.eurostat.datasets import DATASETS


def test_payload_and_psql_file_hold_the_same_observations(tmp_path):
    payload, tsv = bench_ingest.write_payload(3000, tmp_path)
    parsed = sorted(eurostat_rows(DATASETS["asylum_applicants_monthly"], payload.read_bytes()))
    lines = tsv.read_text().splitlines()
    from_file = sorted(tuple(line.split("\t")[:-2]) for line in lines)
    assert len(parsed) == 3000 and parsed == from_file
    # Realistic: flags, confidential cells without a value, zeros.
    assert any(r[-1] == "p" for r in parsed) and any(r[-2:] == ("", "c") for r in parsed)


def test_mwh_bench_ingest_prints_one_json_report(server_dsn, monkeypatch, capsys):
    from ingest.cli import main

    monkeypatch.setenv("WAREHOUSE_DSN", server_dsn)
    name = f"mwh_bench_ingest_test_{uuid.uuid4().hex[:8]}"
    try:
        assert main(["bench", "ingest", "--rows", "5000", "--repeat", "2", "--database", name]) == 0
        with psycopg.connect(with_dbname(server_dsn, name)) as conn:
            ledger = conn.execute(
                "select count(*), sum(rows_received), min(status) from ops.batches"
            ).fetchone()
    finally:
        with psycopg.connect(with_dbname(server_dsn, "postgres"), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    report = json.loads(out)
    assert (report["rows"], report["repeat"]) == (5000, 2)
    assert len(report["ours_runs_s"]) == len(report["baseline_runs_s"]) == 2
    assert report["ratio"] == pytest.approx(report["ours_s"] / report["baseline_s"], rel=0.1)
    # The last run's batch, through the production load path and its ledger.
    assert ledger == (1, 5000, "loaded")
