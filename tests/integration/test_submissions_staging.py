"""Submitted files through dbt staging against a real PostgreSQL: only promoted, not
superseded files reach staging, without their quarantined rows, and a municipality's
and a ministry's report of the same key are both kept."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.submissions.datasets import DATASETS
from tests.conftest import MODULE_BUILD

GEVGELIJA, BUTEL = "MK00405", "MK00803"
ARRIVAL = {  # one registration key; files differ by scope and figures
    "arrival_date": "2025-03-01", "location_code": "MK-BCP-BOGORODICA", "nationality": "SYR",
    "sex": "F", "age_group": "18-59", "reporting_authority": "Border Police Gevgelija",
}  # fmt: skip


def _row(dataset: str, file_row: int, parse_error: str | None = None, **values: str):
    """A raw row in the table's column order; cells not given are empty (NULL)."""
    values = {**values, "file_row": str(file_row), "parse_error": parse_error}
    return tuple(values.get(c) for c in DATASETS[dataset].raw.columns)


def _submit(dsn, dataset, rows, *, municipality, status="passed", period=None):
    """A submitted file as the pipeline leaves it: loaded, validated, scoped."""
    ds = DATASETS[dataset].raw
    tag = f"{dataset}-{municipality}-{json.dumps(rows)}"
    batch_id = load_batch(
        dsn, ds, rows, sha256=hashlib.sha256(tag.encode()).hexdigest(), request="test"
    ).batch_id
    start, end = period or ("2025-01-01", "2025-12-31")
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set status = %s, municipality = %s, period_start = %s,"
            " period_end = %s, file_name = %s where batch_id = %s",
            (status, municipality, start, end, f"{dataset}.csv", batch_id),
        )
    return batch_id


def _quarantine(dsn, batch_id, row_number, dataset):
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "insert into quality.quarantine (batch_id, row_number, source, dataset, rules,"
            " reasons, row_data) values (%s, %s, 'submissions', %s, %s, %s, '{}')",
            (batch_id, row_number, dataset, ["expect_column_values_to_be_null(parse_error)"],
             ["persons: 'three' is not a whole number"]),
        )  # fmt: skip
        conn.execute(
            "update ops.batches set rows_quarantined = 1, rows_loaded = rows_received - 1"
            " where batch_id = %s",
            (batch_id,),
        )


@pytest.fixture(scope="module")
def staged(built_empty_warehouse_dsn, run_dbt):
    dsn = built_empty_warehouse_dsn
    b = {}
    # Arrivals: a national file superseded as a whole by a later national file, a
    # municipal file revised by a later municipal file whose second row is quarantined.
    b["national_old"] = _submit(dsn, "registered_arrivals", [
        _row("registered_arrivals", 2, **ARRIVAL, persons="7"),
        _row("registered_arrivals", 3, **{**ARRIVAL, "location_code": "MK-BCP-TABANOVCE",
                                          "reporting_authority": "Border Police Tabanovce"},
             persons="4"),
    ], municipality=None)  # fmt: skip
    b["municipal_old"] = _submit(dsn, "registered_arrivals", [
        _row("registered_arrivals", 2, **ARRIVAL, persons="10"),
        _row("registered_arrivals", 3, **{**ARRIVAL, "location_code": GEVGELIJA,
                                          "reporting_authority": "Municipal office"},
             persons="3"),
    ], municipality=GEVGELIJA)  # fmt: skip
    b["national_new"] = _submit(
        dsn, "registered_arrivals", [_row("registered_arrivals", 2, **ARRIVAL, persons="12")],
        municipality=None,
    )  # fmt: skip
    b["municipal_new"] = _submit(dsn, "registered_arrivals", [
        _row("registered_arrivals", 2, **ARRIVAL, persons="11"),
        _row("registered_arrivals", 3, "persons: 'three' is not a whole number",
             **{**ARRIVAL, "location_code": GEVGELIJA, "reporting_authority": "Municipal office"},
             persons="three"),
    ], municipality=GEVGELIJA, status="partial")  # fmt: skip
    _quarantine(dsn, b["municipal_new"], 2, "registered_arrivals")
    b["failed"] = _submit(
        dsn, "registered_arrivals", [_row("registered_arrivals", 2, **ARRIVAL, persons="99")],
        municipality=None, status="failed",
    )  # fmt: skip
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set superseded_by = %s where batch_id = %s",
            (b["national_new"], b["national_old"]),
        )

    # The other datasets: the same key from a municipality and from the ministry.
    capacity = {"report_date": "2025-03-31", "facility_id": "MK-RC-VIZBEGOVO",
                "facility_name": "Reception Centre for Asylum Seekers Vizbegovo",
                "municipality": BUTEL, "facility_type": "reception_centre"}  # fmt: skip
    for scope, beds in ((BUTEL, "150"), (None, "160")):
        _submit(dsn, "reception_capacity", [
            _row("reception_capacity", 2, **capacity, capacity_beds=beds, occupied_beds="87",
                 persons_female_0_17="12"),
        ], municipality=scope)  # fmt: skip
    need = {"municipality": GEVGELIJA, "period_start": "2025-03-01", "period_end": "2025-03-31",
            "sector": "shelter"}  # fmt: skip
    for scope, in_need in ((GEVGELIJA, "420"), (None, "400")):
        _submit(dsn, "needs_assessment", [
            _row("needs_assessment", 2, **need, people_in_need=in_need, people_reached="310"),
        ], municipality=scope)  # fmt: skip
    _submit(dsn, "funding", [
        _row("funding", 2, municipality=GEVGELIJA, period_start="2025-01-01",
             period_end="2025-12-31", fund_source="eu", programme="Reception",
             planned_amount="250000.50", currency="EUR"),
    ], municipality=GEVGELIJA)  # fmt: skip
    _submit(dsn, "funding", [
        _row("funding", 2, national_body="Ministry of Interior", period_start="2025-01-01",
             period_end="2025-12-31", fund_source="national_budget", programme="Reception",
             planned_amount="1000000.00", disbursed_amount="180000.25", currency="EUR"),
    ], municipality=None)  # fmt: skip

    # The submissions and reference models and their tests in one run (the seeds,
    # their tests and the unit tests passed in the built empty template); tests of other
    # sources' models on the shared ledger are not ours (a test runs when all it reads
    # is selected). Own target and log folders: other dbt runs may use the project's.
    run_dbt(dsn, "build", "--select", "+tag:submissions", "tag:reference", *MODULE_BUILD)
    return dsn, b


def _rows(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


def test_arrivals_keep_both_scopes_and_drop_superseded_failed_and_quarantined(staged):
    dsn, b = staged
    got = _rows(
        dsn,
        "select location_code, reporting_level, submitted_for_municipality, persons,"
        " location_type, source_file_row, batch_id, batch_status"
        " from staging.stg_submissions__registered_arrivals",
    )
    # Sorted here: the database's collation may order '-' and digits either way.
    assert sorted(got) == [
        # The same key, reported by the municipality (revised) and by the ministry.
        ("MK-BCP-BOGORODICA", "municipality", GEVGELIJA, 11, "border_crossing", 2,
         b["municipal_new"], "partial"),
        ("MK-BCP-BOGORODICA", "national", None, 12, "border_crossing", 2, b["national_new"],
         "passed"),
        # The municipality's earlier figure stands where its later file's row was quarantined.
        (GEVGELIJA, "municipality", GEVGELIJA, 3, "municipality", 3, b["municipal_old"],
         "passed"),
    ]  # fmt: skip
    # Tabanovce was only in the superseded file: gone with it.
    batches = {r[0] for r in _rows(
        dsn, "select batch_id from staging.stg_submissions__registered_arrivals"
    )}  # fmt: skip
    assert not batches & {b["national_old"], b["failed"]}


def test_the_other_datasets_keep_municipal_and_national_reports(staged):
    dsn, _ = staged
    capacity = _rows(
        dsn,
        "select reporting_level, facility_id, report_date, capacity_beds, persons_female_0_17,"
        " persons_male_0_17 from staging.stg_submissions__reception_capacity order by 1",
    )
    assert capacity == [
        ("municipality", "MK-RC-VIZBEGOVO", date(2025, 3, 31), 150, 12, None),
        ("national", "MK-RC-VIZBEGOVO", date(2025, 3, 31), 160, 12, None),
    ]
    needs = _rows(
        dsn,
        "select reporting_level, submitted_for_municipality, municipality_lau_code,"
        " people_in_need, capacity_gap from staging.stg_submissions__needs_assessment order by 1",
    )
    assert needs == [
        ("municipality", GEVGELIJA, GEVGELIJA, 420, None),
        ("national", None, GEVGELIJA, 400, None),
    ]
    funding = _rows(
        dsn,
        "select reporting_level, municipality_lau_code, national_body, period_end,"
        " planned_amount, disbursed_amount from staging.stg_submissions__funding order by 1",
    )
    assert funding == [
        ("municipality", GEVGELIJA, None, date(2025, 12, 31), Decimal("250000.50"), None),
        ("national", None, "Ministry of Interior", date(2025, 12, 31), Decimal("1000000.00"),
         Decimal("180000.25")),
    ]  # fmt: skip


def test_staging_columns_are_typed(staged):
    dsn, _ = staged
    types = {
        (table, column): (data_type, precision, scale)
        for table, column, data_type, precision, scale in _rows(
            dsn,
            "select table_name, column_name, data_type, numeric_precision, numeric_scale"
            " from information_schema.columns where table_schema = 'staging'"
            " and table_name like 'stg_submissions__%%'",
        )
    }
    arrivals = "stg_submissions__registered_arrivals"
    assert types[(arrivals, "arrival_date")][0] == "date"
    assert types[(arrivals, "persons")][0] == "integer"
    assert types[(arrivals, "source_file_row")][0] == "integer"
    assert types[(arrivals, "batch_id")][0] == "bigint"
    assert types[("stg_submissions__reception_capacity", "occupied_beds")][0] == "integer"
    assert types[("stg_submissions__needs_assessment", "period_start")][0] == "date"
    assert types[("stg_submissions__funding", "planned_amount")] == ("numeric", 18, 2)
    assert types[("stg_submissions__funding", "disbursed_amount")] == ("numeric", 18, 2)
    # Raw bookkeeping stays out of staging.
    assert not {c for (_, c) in types} & {"file_row", "parse_error", "batch_municipality",
                                          "revision_rank", "_batch_id"}  # fmt: skip


def test_seeds_know_the_contract_codes(staged):
    dsn, _ = staged
    crossings = dict(_rows(
        dsn, "select crossing_code, municipality_lau_code from reference.ref_border_crossing_points"
    ))  # fmt: skip
    assert {"MK-BCP-BOGORODICA", "MK-BCP-GEVGELIJA-RAIL", "MK-BCP-TABANOVCE",
            "MK-BCP-DEVE-BAIR", "MK-BCP-BLACE", "MK-BCP-KAFASAN"} <= crossings.keys()  # fmt: skip
    assert crossings["MK-BCP-TABANOVCE"] == "MK00703"
    facilities = dict(_rows(
        dsn, "select facility_id, municipality_lau_code from reference.ref_facilities"
    ))  # fmt: skip
    assert facilities == {"MK-TC-VINOJUG": "MK00405", "MK-TC-TABANOVCE": "MK00706",
                          "MK-RC-VIZBEGOVO": "MK00803", "MK-DC-GAZIBABA": "MK00804"}  # fmt: skip
    (n,) = _rows(dsn, "select count(*) from reference.ref_municipalities"
                      " where country_code = 'MK'")[0]  # fmt: skip
    assert n == 80
