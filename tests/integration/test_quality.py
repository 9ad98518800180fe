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
