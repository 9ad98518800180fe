"""The GX suite on one batch: blocking failures fail the batch, warnings only warn, and
other batches in the same table are not looked at."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.quality import batch_status, load_suite_config, validate_batch
from ingest.sources.eurostat.datasets import DATASETS

DS = DATASETS["asylum_applicants_monthly"]


def _row(citizen="SY", applicant="FRST", geo="AT", time="2025-01", value="15", flag=""):
    return ("M", "PER", citizen, "T", applicant, "TOTAL", geo, time, "migr_asyappctzm", value, flag)


def _load(dsn, rows, tag):
    sha = hashlib.sha256(tag.encode()).hexdigest()
    return load_batch(dsn, DS, rows, sha256=sha, request=tag).batch_id


def _ledger(dsn, batch_id):
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "select status, validation_summary from ops.batches where batch_id = %s", (batch_id,)
        ).fetchone()


def test_every_expectation_has_a_severity():
    cfg = load_suite_config(DS)
    assert cfg["name"] == DS.key
    assert {e["meta"]["severity"] for e in cfg["expectations"]} == {"blocking", "warning"}


def test_batch_status_rules():
    from ingest.quality import ExpectationOutcome as E

    assert batch_status([]) == "passed"
    assert batch_status([E("x", None, "warning", False)]) == "warned"
    assert (
        batch_status([E("x", None, "warning", False), E("y", "c", "blocking", False)]) == "failed"
    )


def test_good_warned_and_failed_batches(warehouse_dsn):
    good = _load(warehouse_dsn, [_row(), _row(applicant="TOTAL", value="20")], "good")
    # Not rounded to 5: a warning, the batch is still promoted.
    warned = _load(warehouse_dsn, [_row(value="17")], "warned")
    # An unknown applicant type and a duplicate key: blocking.
    bad = _load(warehouse_dsn, [_row(applicant="NASY_APP"), _row(), _row()], "bad")

    assert validate_batch(warehouse_dsn, DS, good).status == "passed"
    outcome = validate_batch(warehouse_dsn, DS, warned)
    assert outcome.status == "warned"
    assert [(f.column, f.severity) for f in outcome.failures] == [("value", "warning")]
    outcome = validate_batch(warehouse_dsn, DS, bad)
    assert outcome.status == "failed"
    failed = {(f.expectation, f.column) for f in outcome.failures if f.severity == "blocking"}
    assert ("expect_column_values_to_be_in_set", "applicant") in failed
    assert ("expect_compound_columns_to_be_unique", None) in failed

    status, summary = _ledger(warehouse_dsn, bad)
    assert status == "failed" and summary["gx_version"].startswith("1.24")
    # The good batch was validated on its own rows only, before and after the bad one.
    assert _ledger(warehouse_dsn, good)[0] == "passed"
    assert validate_batch(warehouse_dsn, DS, good).status == "passed"


def test_unknown_severity_is_refused(tmp_path, monkeypatch):
    import json

    import ingest.quality as quality

    cfg = load_suite_config(DS)
    cfg["expectations"][0]["meta"]["severity"] = "fatal"
    (tmp_path / f"{DS.key}.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(quality, "EXPECTATIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match="severity"):
        load_suite_config(DS)


def test_results_are_warehouse_tables(warehouse_dsn):
    batch = _load(warehouse_dsn, [_row(value="17"), _row(applicant="NASY_APP")], "stored")
    outcome = validate_batch(warehouse_dsn, DS, batch)
    with psycopg.connect(warehouse_dsn) as conn:
        run = conn.execute(
            "select run_id, status, success, evaluated, failed_blocking, failed_warning,"
            " gx_version from quality.validation_runs where batch_id = %s",
            (batch,),
        ).fetchone()
        rows = conn.execute(
            "select expectation_type, column_name, severity, success, unexpected_count,"
            " element_count from quality.expectation_results where run_id = %s",
            (run[0],),
        ).fetchall()
    assert run[1:6] == ("failed", False, outcome.evaluated, 1, 1)
    assert run[6] == outcome.gx_version
    assert len(rows) == outcome.evaluated == len(load_suite_config(DS)["expectations"])
    failing = {(r[0], r[1], r[2]) for r in rows if not r[3]}
    assert failing == {
        ("expect_column_values_to_be_in_set", "applicant", "blocking"),
        ("expect_column_values_to_match_regex", "value", "warning"),
    }
    applicant = next(r for r in rows if r[1] == "applicant" and r[0].endswith("in_set"))
    assert applicant[4:] == (1, 2)


def test_mwh_quality_prints_the_latest_run(warehouse_dsn, monkeypatch, capsys):
    from ingest.cli import main

    batch = _load(warehouse_dsn, [_row(applicant="NASY_APP")], "cli")
    validate_batch(warehouse_dsn, DS, batch)
    monkeypatch.setenv("WAREHOUSE_DSN", warehouse_dsn)
    assert main(["quality"]) == 0
    out = capsys.readouterr().out
    assert f"eurostat__asylum_applicants_monthly: batch {batch} failed" in out
    assert "[blocking] expect_column_values_to_be_in_set on applicant (1 rows, 100.00%)" in out
