"""mart_quality_scorecard against a real PostgreSQL: a few submitted registered-arrivals
files (a municipality's with a quarantined row, the ministry's, an older one of a
second municipality that then stops reporting, and a third municipality's file the
gate failed) give known freshness, completeness, validity, consistency and quality
scores with their reasons at municipality, country and region-group level, computed
with the same definitions at each."""

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
GEVGELIJA, KUMANOVO_AREA, LATE, FAILED = "MK00405", "MK00702", "MK00814", "MK00703"
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


def _fail(dsn, batch_id):
    """The gate quarantined every row of the file: it failed as a whole."""
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set status = 'failed', rows_loaded = 0,"
            " rows_quarantined = rows_received where batch_id = %s",
            (batch_id,),
        )


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
    * FAILED (MK00703) sent March, 4 rows, every one quarantined: the file failed.
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
        "failed": _submit(dsn, [_row(i, FAILED, "2025-03-04", "-1") for i in range(2, 6)],
                          municipality=FAILED, period=MARCH),
    }  # fmt: skip
    _quarantine(dsn, b["local"], 3)
    _fail(dsn, b["failed"])
    run_dbt(dsn, "build", "--select", "+mart_quality_scorecard", *MODULE_BUILD)
    return dsn, b


COLUMNS = (
    "latest_batch_id, freshness_age_days, freshness_score, reports_expected,"
    " reports_received, completeness_score, rows_received, rows_passed, validity_score,"
    " consistency_figure, consistency_reference_figure, consistency_score, quality_score,"
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


def _quality(*scores: tuple[str, Decimal | None]) -> Decimal:
    """The documented weighted mean over the components present, rounded to 4."""
    weights = {"freshness": D("0.25"), "completeness": D("0.25"), "validity": D("0.30"),
               "consistency": D("0.20")}  # fmt: skip
    present = [(weights[name], value) for name, value in scores if value is not None]
    total = sum(w * v for w, v in present) / sum(w for w, _ in present)
    return total.quantize(D("0.0001"))


def _members(dsn, group):
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "select count(*) from marts.dim_region_group_member"
            " where region_group_key = %s and is_active_member",
            (group,),
        ).fetchone()[0]


def test_municipality_with_quarantine_and_a_national_difference(scorecard):
    dsn, b = scorecard
    # freshness 1; completeness 1/1; validity (2 + 2) / (3 + 2) = 0.8 over its own file
    # and the ministry's; consistency: 9 against 10 is 10 % apart, within the tolerance: 1;
    # quality 0.25 + 0.25 + 0.30 x 0.8 + 0.20 x 1 = 0.94.
    assert _score(dsn, "municipality", GEVGELIJA, "2025-03-01") == (
        b["local"], 0, D("1"), 1, 1, D("1"), 5, 4, D("0.8"), 9, 10, D("1"), D("0.94"), "good"
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
    # March, North Macedonia: its units are its 80 municipalities; 2 sent usable rows
    # (Gevgelija; MK00702 through the ministry), the failed file counts for none.
    # Rows: Gevgelija's (3/2), the ministry's (2/2), the failed file's (4/0): 4/9.
    # Consistency over the municipality-months with both sides: 9 vs 10, within 10 %.
    # Freshness of the latest file placed in the country (today): 1.
    validity = D("0.4444")
    country_march = _quality(("freshness", D("1")), ("completeness", D("0.025")),
                             ("validity", validity), ("consistency", D("1")))  # fmt: skip
    country = _score(dsn, "country", "MKD", "2025-03-01")
    assert country[0] in (b["local"], b["national"], b["failed"]) and country[1] == 0
    assert country[2:] == (D("1"), 80, 2, D("0.025"), 9, 4, validity, 9, 10, D("1"),
                           country_march, "poor")  # fmt: skip
    # A region group's units are its active member countries: North Macedonia is the
    # only one with data; the rows and figures are the same.
    for group in ("cei", "western_balkans", "south_east_europe"):
        members = _members(dsn, group)
        completeness = (D(1) / members).quantize(D("0.0001"))
        quality = _quality(("freshness", D("1")), ("completeness", completeness),
                           ("validity", validity), ("consistency", D("1")))  # fmt: skip
        assert _score(dsn, "region_group", group, "2025-03-01")[2:6] == (
            D("1"), members, 1, completeness), group  # fmt: skip
        assert _score(dsn, "region_group", group, "2025-03-01")[6:12] == (
            9, 4, validity, 9, 10, D("1")), group  # fmt: skip
        assert _score(dsn, "region_group", group, "2025-03-01")[12] == quality, group
    # February: only LATE reported, 1 of 80.
    feb = _quality(("freshness", D("1")), ("completeness", D("0.0125")), ("validity", D("1")))
    assert _score(dsn, "country", "MKD", "2025-02-01")[2:] == (
        D("1"), 80, 1, D("0.0125"), 1, 1, D("1"), None, None, None, feb, "poor")  # fmt: skip
    with psycopg.connect(dsn) as conn:
        groups = conn.execute(
            "select count(*) from marts.mart_quality_scorecard where geography_key = 'eu27_2020'"
        ).fetchone()[0]
    assert groups == 0  # no member of the EU has data


def test_a_failed_file_lowers_the_scores_with_a_reason(scorecard):
    dsn, b = scorecard
    # FAILED's file reached no fact: its municipality-month is still scored, with no
    # usable rows (completeness 0 of 1) and validity 0 of 4; freshness is its country's
    # national body's (it has never sent a usable file itself).
    assert _score(dsn, "municipality", FAILED, "2025-03-01") == (
        b["national"], 0, D("1"), 1, 0, D("0"), 4, None, D("0"), None, None, None,
        _quality(("freshness", D("1")), ("completeness", D("0")), ("validity", D("0"))),
        "poor",
    )  # fmt: skip
    with psycopg.connect(dsn) as conn:
        reasons = conn.execute(
            "select completeness_reason, validity_reason, freshness_reason"
            " from marts.mart_quality_scorecard where geography_key = %s"
            " and period_grain = 'month'",
            (FAILED,),
        ).fetchone()
        country = conn.execute(
            "select completeness_reason, validity_reason, consistency_reason"
            " from marts.mart_quality_scorecard where geography_key = 'MKD'"
            " and source_dataset_key = %s and period_start = '2025-03-01'"
            " and period_grain = 'month'",
            (KEY,),
        ).fetchone()
    assert reasons == (
        "0 of 1 municipality reported",
        "0 of 4 rows passed the quality gate, 4 quarantined, 1 file(s) or batch(es) failed",
        "latest promoted batch 0 days old, expected every 31 days",
    )
    assert country == (
        "2 of 80 municipalities reported",
        "4 of 9 rows passed the quality gate, 5 quarantined, 1 file(s) or batch(es) failed",
        "the municipalities' own registrations against the national body's: 9 against 10,"
        " 10.0 % apart (tolerance 10 %)",
    )


def test_every_dataset_has_a_row_of_its_own(scorecard):
    dsn, b = scorecard
    with psycopg.connect(dsn) as conn:
        rows = dict(
            conn.execute(
                "select source_dataset_key, (latest_batch_id, rows_received, rows_passed,"
                " batches_failed, freshness_score, validity_score)::text"
                " from marts.mart_quality_scorecard where geography_level = 'dataset'"
            ).fetchall()
        )
        declared = conn.execute("select count(*) from marts.dim_source").fetchone()[0]
    # Every declared dataset, also those without a batch (freshness 0: never loaded).
    assert len(rows) == declared
    assert rows["eurostat__asylum_applicants_monthly"] == "(,,,,0.0000,)"
    # Registered arrivals: its latest batch is the failed file (0 of 4).
    assert rows[KEY] == f"({b['national']},4,0,1,1.0000,0.0000)"


def test_scores_stay_in_range_and_keys_are_unique(scorecard):
    dsn, _ = scorecard
    with psycopg.connect(dsn) as conn:
        bad, total, keys = conn.execute(
            "select count(*) filter (where not (quality_score between 0 and 1)"
            " or not (completeness_score between 0 and 1)), count(*),"
            " count(distinct scorecard_key) from marts.mart_quality_scorecard"
        ).fetchone()
    assert bad == 0 and total == keys and total > 0
