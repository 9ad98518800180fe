"""mart_quality_failed_checks against a real PostgreSQL: submitted files validated by
the real gate, the mart built by dbt (its tests too), read as bi_reader: the failed
checks with their counts, no row values, nothing of superseded files."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from ingest.submissions.pipeline import submit
from tests.conftest import MODULE_BUILD
from tests.submissions.corpus import NA_HEAD, csv_bytes, needs_row

NA = "needs_assessment"


@pytest.fixture(scope="module")
def checks(built_empty_warehouse_dsn, run_dbt, tmp_path_factory):
    dsn = built_empty_warehouse_dsn
    folder = tmp_path_factory.mktemp("failed-checks")

    def send(name, *rows, municipality="MK00405"):
        path = folder / name
        path.write_bytes(csv_bytes([NA_HEAD, *rows]))
        return submit(dsn, path, NA, municipality=municipality, report_dir=folder)

    # An earlier file with a bad sector, superseded by a corrected one: not counted.
    send("old.csv", needs_row(remarks="SECRET-REMARK"), needs_row(sector="SECRET-SECTOR"))
    send("fixed.csv", needs_row(),
         needs_row(sector="food", in_need="-5"), needs_row(sector="health", in_need="-7"),
         needs_row(sector="wash", reached="500", in_need="400", gap="0"))  # fmt: skip
    run_dbt(dsn, "build", "-s", "mart_quality_failed_checks", *MODULE_BUILD)
    with psycopg.connect(dsn) as conn:
        (quarantine_readable,) = conn.execute(
            "select has_schema_privilege('bi_reader', 'quality', 'usage')"
            " or has_table_privilege('bi_reader', 'quality.quarantine', 'select')"
        ).fetchone()
        conn.execute("set role bi_reader")
        cur = conn.cursor(row_factory=dict_row)
        rows = cur.execute("select * from marts.mart_quality_failed_checks").fetchall()
    return rows, quarantine_readable


def test_bi_reader_reads_the_failed_checks_of_counted_batches(checks):
    rows, _ = checks
    got = {(r["check_name"], r["severity"]): r for r in rows}
    negative = got[("expect_column_values_to_match_regex(people_in_need)", "blocking")]
    assert (negative["rows_failed"], negative["batches_failed"]) == (2, 1)
    assert negative["batches_refused"] == 0 and negative["municipality"] == "MK00405"
    assert str(negative["period_month"]) == "2025-03-01"
    assert negative["source_dataset_key"] == "submissions__needs_assessment"
    warning = got[("expect_row_condition(people_reached <= people_in_need)", "warning")]
    # Over the whole batch: the two negative rows fail it too.
    assert warning["rows_failed"] == 3
    # The superseded file's failed sector check is gone with it.
    assert not [k for k in got if "(sector)" in k[0]], sorted(got)


def test_no_row_values_and_no_quarantine_for_bi(checks):
    rows, quarantine_readable = checks
    assert not quarantine_readable
    assert "SECRET" not in repr(rows)
    assert set(rows[0]) == {
        "failed_check_key", "source_dataset_key", "source", "dataset", "municipality",
        "period_month", "check_name", "severity", "batches_failed", "batches_refused",
        "rows_failed", "max_percent_failed", "last_failed_at",
    }  # fmt: skip
