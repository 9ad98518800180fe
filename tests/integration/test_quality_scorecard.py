"""mart_quality_scorecard against a real PostgreSQL: a few submitted registered-arrivals
files (a municipality's with a quarantined row, the ministry's, and an older one of a
second municipality that then stops reporting) give known freshness, completeness,
validity, consistency and quality scores at municipality, country and region-group
level, computed with the same definitions at each."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.submissions.datasets import DATASETS
from tests.conftest import MODULE_BUILD

DATASET = "registered_arrivals"
KEY = "submissions__registered_arrivals"
GEVGELIJA, KUMANOVO_AREA, LATE = "MK00405", "MK00702", "MK00814"
MARCH, FEBRUARY = ("2025-03-01", "2025-03-31"), ("2025-02-01", "2025-02-28")


def _row(file_row: int, location: str, day: str, persons: str, sex: str = "F"):
    values = {
        "arrival_date": day, "location_code": location, "nationality": "SYR", "sex": sex,
        "age_group": "18-59", "persons": persons, "reporting_authority": "Test authority",
        "file_row": str(file_row),
    }  # fmt: skip
    return tuple(values.get(c) for c in DATASETS[DATASET].raw.columns)


def _submit(dsn, rows, *, municipality, period, status="passed", age_days=None):
    """A promoted file as the pipeline leaves it; `age_days` backdates its load."""
    ds = DATASETS[DATASET].raw
    tag = f"quality-{municipality}-{json.dumps(rows)}"
    batch_id = load_batch(
        dsn, ds, rows, sha256=hashlib.sha256(tag.encode()).hexdigest(), request="test"
    ).batch_id
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set status = %s, municipality = %s, period_start = %s,"
            " period_end = %s, file_name = 'registered_arrivals.csv',"
            " rows_received = %s, rows_loaded = %s, rows_quarantined = 0 where batch_id = %s",
            (status, municipality, *period, len(rows), len(rows), batch_id),
        )
        if age_days is not None:
            # An hour more than whole days, so the build's few minutes never change it.
            conn.execute(
                "update ops.batches set loaded_at = now() - make_interval(days => %s)"
                " - interval '1 hour' where batch_id = %s",
                (age_days, batch_id),
            )
    return batch_id


def _quarantine(dsn, batch_id, row_number):
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "insert into quality.quarantine (batch_id, row_number, source, dataset, rules,"
            " reasons, row_data) values (%s, %s, 'submissions', %s, %s, %s, '{}')",
            (batch_id, row_number, DATASET, ["expect_column_values_to_be_null(parse_error)"],
             ["persons: 'x' is not a whole number"]),
        )  # fmt: skip
        conn.execute(
            "update ops.batches set status = 'partial', rows_quarantined = 1,"
            " rows_loaded = rows_received - 1 where batch_id = %s",
            (batch_id,),
        )


@pytest.fixture(scope="module")
def scorecard(built_empty_warehouse_dsn, run_dbt):
    """Four files in a copy of the built empty warehouse, then `+mart_quality_scorecard`
    built with its tests (the seeds, their tests and the unit tests passed in the
    template).

    * LATE (MK00814) sent February 47 days ago (cadence 31: freshness 1 - 16/62),
      then nothing for March: expected but missing in March.
    * Gevgelija sent March: 5 + 4 persons, and a third row quarantined (3 received,
      2 passed).
    * The ministry sent March: 10 persons in Gevgelija, 7 in MK00702 (which never
      submits itself, so the ministry is its reporter).
    """
    dsn = built_empty_warehouse_dsn
    b = {
        "late": _submit(dsn, [_row(2, LATE, "2025-02-10", "3")], municipality=LATE,
                        period=FEBRUARY, age_days=47),
        "local": _submit(dsn, [_row(2, GEVGELIJA, "2025-03-01", "5"),
                               _row(3, GEVGELIJA, "2025-03-02", "4", sex="M"),
                               _row(4, GEVGELIJA, "2025-03-03", "x")],
                         municipality=GEVGELIJA, period=MARCH),
        "national": _submit(dsn, [_row(2, GEVGELIJA, "2025-03-01", "10"),
                                  _row(3, KUMANOVO_AREA, "2025-03-05", "7")],
                            municipality=None, period=MARCH),
    }  # fmt: skip
    _quarantine(dsn, b["local"], 3)
    run_dbt(dsn, "build", "--select", "+mart_quality_scorecard", *MODULE_BUILD)
    return dsn, b


COLUMNS = (
    "latest_batch_id, freshness_age_days, freshness_score, reports_expected,"
    " reports_received, completeness_score, rows_received, rows_passed, validity_score,"
    " consistency_local_sum, consistency_national_figure, consistency_score, quality_score,"
    " quality_band"
)


def _score(dsn, level, key, period_start):
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f"select {COLUMNS} from marts.mart_quality_scorecard where source_dataset_key = %s"
            " and geography_level = %s and geography_key = %s and period_start = %s"
            " and period_grain = 'month'",
            (KEY, level, key, period_start),
        ).fetchall()
    assert len(rows) == 1, (level, key, period_start, rows)
    return rows[0]


def D(value: str) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(value)


def test_municipality_with_quarantine_and_a_national_difference(scorecard):
    dsn, b = scorecard
    # freshness 1; completeness 1/1; validity (2 + 2) / (3 + 2) = 0.8 over its own file
    # and the ministry's; consistency 1 - |9 - 10| / 10 = 0.9;
    # quality 0.25 + 0.25 + 0.30 x 0.8 + 0.20 x 0.9 = 0.92.
    assert _score(dsn, "municipality", GEVGELIJA, "2025-03-01") == (
        b["local"], 0, D("1"), 1, 1, D("1"), 5, 4, D("0.8"), 9, 10, D("0.9"), D("0.92"), "good"
    )  # fmt: skip


def test_municipality_reported_by_the_ministry(scorecard):
    dsn, b = scorecard
    # The ministry is MK00702's reporter: its file's freshness, rows and validity; no
    # local side, so no consistency: (0.25 + 0.25 + 0.30) / 0.80 = 1.
    assert _score(dsn, "municipality", KUMANOVO_AREA, "2025-03-01") == (
        b["national"], 0, D("1"), 1, 1, D("1"), 2, 2, D("1"), None, None, None, D("1"), "good"
    )  # fmt: skip


def test_expected_municipality_that_did_not_report(scorecard):
    dsn, b = scorecard
    # Expected in March (it reported February), missing: completeness 0, no rows, so no
    # validity; freshness of its February file, 47 days old: 1 - 16/62 = 0.7419;
    # quality (0.25 x 0.7419 + 0.25 x 0) / 0.50 = 0.37095 -> 0.3710.
    assert _score(dsn, "municipality", LATE, "2025-03-01") == (
        b["late"], 47, D("0.7419"), 1, 0, D("0"), None, None, None, None, None, None,
        D("0.3710"), "poor",
    )  # fmt: skip
    # February: (0.25 x 0.7419 + 0.25 + 0.30) / 0.80 = 0.91934 -> 0.9193.
    assert _score(dsn, "municipality", LATE, "2025-02-01") == (
        b["late"], 47, D("0.7419"), 1, 1, D("1"), 1, 1, D("1"), None, None, None,
        D("0.9193"), "good",
    )  # fmt: skip
    # Not expected before its first report: no row for January or earlier.
    with psycopg.connect(dsn) as conn:
        months = conn.execute(
            "select count(*) from marts.mart_quality_scorecard where geography_key = %s",
            (LATE,),
        ).fetchone()[0]
    assert months == 2


def test_country_and_region_groups_sum_the_same_reports(scorecard):
    dsn, b = scorecard
    # March, North Macedonia: reporters Gevgelija, LATE and the ministry (the country's
    # own reporter); 2 of 3 reported. Batches: Gevgelija's (3/2) and the ministry's
    # (2/2): 4/5. Consistency over the municipality-months with both sides: 9 vs 10.
    # Freshness of the latest batch of any of its reporters (today): 1.
    # quality 0.25 + 0.25 x 0.6667 + 0.30 x 0.8 + 0.20 x 0.9 = 0.836675 -> 0.8367.
    march = (1, 3, 2, D("0.6667"), 5, 4, D("0.8"), 9, 10, D("0.9"), D("0.8367"), "fair")
    country = _score(dsn, "country", "MKD", "2025-03-01")
    assert country[0] in (b["local"], b["national"]) and country[1] == 0
    assert country[2:] == march
    # The region groups with North Macedonia as an active member read the same, as it
    # is their only member with data.
    for group in ("cei", "western_balkans", "south_east_europe"):
        assert _score(dsn, "region_group", group, "2025-03-01")[2:] == march, group
    # February: only LATE was expected, and reported.
    feb = (D("1"), 1, 1, D("1"), 1, 1, D("1"), None, None, None, D("1"), "good")
    assert _score(dsn, "country", "MKD", "2025-02-01")[2:] == feb
    assert _score(dsn, "region_group", "western_balkans", "2025-02-01")[2:] == feb
    with psycopg.connect(dsn) as conn:
        groups = conn.execute(
            "select count(*) from marts.mart_quality_scorecard where geography_key = 'eu27_2020'"
        ).fetchone()[0]
    assert groups == 0  # no member of the EU has data


def test_scores_stay_in_range_and_keys_are_unique(scorecard):
    dsn, _ = scorecard
    with psycopg.connect(dsn) as conn:
        bad, total, keys = conn.execute(
            "select count(*) filter (where not (quality_score between 0 and 1)"
            " or not (completeness_score between 0 and 1)), count(*),"
            " count(distinct scorecard_key) from marts.mart_quality_scorecard"
        ).fetchone()
    assert bad == 0 and total == keys and total > 0
