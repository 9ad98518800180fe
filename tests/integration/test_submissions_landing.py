"""The landing zone and the ledger of submitted files, on a real PostgreSQL: the same
file twice, a corrected resubmission, an unknown scope folder, uploads in progress,
and `mwh submit` as a steward runs it."""

from __future__ import annotations

import csv
import subprocess
import sys

import psycopg
import pytest
from airflow.sdk import ObjectStoragePath

from ingest.submissions.landing import drop_examples, pending, process_dataset
from ingest.submissions.pipeline import submit

HEADER = ["report_date", "facility_id", "facility_name", "municipality", "facility_type",
          "capacity_beds", "occupied_beds"]  # fmt: skip


def _capacity_file(path, rows, municipality="MK00405"):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for day, occupied in rows:
            w.writerow([f"{day:02d}.03.2025", "MK-TC-VINOJUG", "Transit Centre Vinojug",
                        municipality, "transit_centre", "500", str(occupied)])  # fmt: skip
    return path


def _staged(dsn, run_dbt):
    run_dbt(dsn, "build", "-s", "stg_submissions__reception_capacity",
            "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test")  # fmt: skip
    with psycopg.connect(dsn) as conn:
        return dict(
            conn.execute(
                "select report_date::text, occupied_beds"
                " from staging.stg_submissions__reception_capacity"
                " where reporting_level = 'municipality'"
            ).fetchall()
        )


@pytest.fixture(scope="module")
def seeded(built_empty_warehouse_dsn):
    """A warehouse with the seeds (the municipalities a scope folder must name); the
    unit tests of staging passed in the built empty template."""
    return built_empty_warehouse_dsn


def test_correction_supersedes_and_duplicate_is_a_no_op(seeded, run_dbt, tmp_path):
    dsn = seeded
    first = submit(dsn, _capacity_file(tmp_path / "week.csv", [(d, 100 + d) for d in (3, 4, 5)]),
                   "reception_capacity", municipality="MK00405")  # fmt: skip
    assert first.status == "passed" and first.rows_loaded == 3

    again = submit(dsn, tmp_path / "week.csv", "reception_capacity", municipality="MK00405")
    assert not again.created and again.batch_id == first.batch_id
    assert "already submitted" in again.message

    # A correction of the same week drops day 5 and changes day 4.
    fixed = submit(dsn, _capacity_file(tmp_path / "week-fixed.csv", [(3, 103), (4, 140)]),
                   "reception_capacity", municipality="MK00405")  # fmt: skip
    # Its period (3-4 March) does not cover the first file's (3-5 March): both count.
    assert fixed.superseded == []
    full = submit(dsn, _capacity_file(tmp_path / "week-full.csv", [(3, 103), (4, 140), (5, 90)]),
                  "reception_capacity", municipality="MK00405")  # fmt: skip
    assert full.superseded == [first.batch_id, fixed.batch_id]
    # A national file for the same days is another report, not a correction.
    national = submit(dsn, _capacity_file(tmp_path / "national.csv", [(3, 1), (4, 1), (5, 1)]),
                      "reception_capacity")  # fmt: skip
    assert national.created and national.superseded == []

    with psycopg.connect(dsn) as conn:
        ledger = conn.execute(
            "select batch_id, superseded_by, period_start::text, period_end::text"
            " from ops.batches where source = 'submissions' order by batch_id"
        ).fetchall()
    assert ledger[0] == (first.batch_id, full.batch_id, "2025-03-03", "2025-03-05")
    assert ledger[1][1] == full.batch_id
    assert _staged(dsn, run_dbt) == {"2025-03-03": 103, "2025-03-04": 140, "2025-03-05": 90}


def test_landing_zone_moves_files_by_outcome_and_publishes_reports(seeded, tmp_path):
    root = ObjectStoragePath(tmp_path.as_uri())
    drop_examples(root)
    bad = root / "incoming" / "reception_capacity" / "MK99999" / "capacity.csv"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(_capacity_file(tmp_path / "x.csv", [(6, 10)]).read_bytes())
    empty = root / "incoming" / "reception_capacity" / "national" / "empty.csv"
    empty.write_bytes(b"")
    uploading = root / "incoming" / "reception_capacity" / "national" / "big.csv.part"
    uploading.write_bytes(b"report_date\n")

    run = process_dataset(seeded, "reception_capacity", root)
    assert run.problems() == []
    outcomes = {f.name: f for f in run.files}
    assert set(outcomes) == {"reception_capacity.xlsx", "capacity.csv", "empty.csv"}
    assert outcomes["reception_capacity.xlsx"].result.status == "passed"
    assert "/processed/reception_capacity/national/" in outcomes["reception_capacity.xlsx"].moved_to
    assert outcomes["empty.csv"].result.code == "empty_file"
    assert "/rejected/reception_capacity/national/" in outcomes["empty.csv"].moved_to
    (reason,) = (root / "rejected" / "reception_capacity" / "MK99999").glob("*.reason.txt")
    assert reason.name.endswith("-capacity.csv.reason.txt")
    assert "unknown municipality" in reason.read_text()
    # The upload still in progress waits; nothing else does.
    assert not list(pending(root, "reception_capacity"))
    assert uploading.exists()
    reports = sorted(p.name for p in (root / "reports" / "reception_capacity").rglob("*"))
    assert any(n.endswith("reception_capacity.html") for n in reports)
    assert any(n.endswith("empty.csv") for n in reports)

    # Every drop again: the same files are logged no-ops.
    drop_examples(root)
    again = process_dataset(seeded, "reception_capacity", root).files
    assert [f.result.created for f in again] == [False]
    assert "duplicate" in again[0].moved_to


def test_mwh_submit_dry_run_and_exit_codes(seeded, tmp_path):
    env_dsn = {"WAREHOUSE_DSN": seeded}
    good = _capacity_file(tmp_path / "good.csv", [(10, 5)])
    bad = tmp_path / "bad.csv"
    bad.write_text("report_date,facility\n", encoding="utf-8")

    def mwh(*args):
        import os

        return subprocess.run(
            [sys.executable, "-m", "ingest.cli", "submit", *args],
            env={**os.environ, **env_dsn}, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    dry = mwh(str(good), "--dataset", "reception_capacity", "--municipality", "MK00405",
              "--dry-run")  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "dry run (nothing landed): passed" in dry.stdout and "report: file://" in dry.stdout
    refused = mwh(str(bad), "--dataset", "reception_capacity")
    assert refused.returncode == 1
    assert "rejected" in refused.stdout and "missing" in refused.stdout
    unknown = mwh(str(good), "--dataset", "reception_capacity", "--municipality", "XX1")
    assert unknown.returncode == 2 and "unknown municipality" in unknown.stderr
    with psycopg.connect(seeded) as conn:
        (dry_rows,) = conn.execute(
            "select count(*) from ops.batches where file_name = 'good.csv'"
        ).fetchone()
    assert dry_rows == 0


def test_a_greek_municipality_passes_the_gate(seeded, tmp_path):
    """ref_municipalities holds Greece's municipalities too (national_code a column
    more): a Greek code is known as the file's scope and as a value, an unknown one
    is not."""
    good = _capacity_file(tmp_path / "patras.csv", [(10, 5)], municipality="GR3701")
    result = submit(seeded, good, "reception_capacity", municipality="GR3701",
                    dry_run=True, report_dir=tmp_path)  # fmt: skip
    assert (result.status, result.rows_loaded) == ("passed", 1), result.reasons
    bad = _capacity_file(tmp_path / "nowhere.csv", [(10, 5)], municipality="GR9999")
    result = submit(seeded, bad, "reception_capacity", municipality="GR3701",
                    dry_run=True, report_dir=tmp_path)  # fmt: skip
    assert (result.status, result.rows_quarantined) == ("failed", 1)
