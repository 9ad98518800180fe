"""The UNHCR ODP GX suites on real PostgreSQL: the samples pass, and each rule catches
what it is there for (blocking rows quarantined, structure failures keep the batch out,
plausibility only warns)."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.quality import load_suite_config, validate_batch
from ingest.sources import unhcr_odp
from ingest.sources.unhcr_odp import client
from ingest.sources.unhcr_odp.datasets import DATASETS

TS = DATASETS["arrivals_timeseries"]
SUB = DATASETS["arrivals_by_sublocation"]
ORIGIN = DATASETS["arrivals_by_origin"]


def _validate(dsn, ds, rows, tag):
    sha = hashlib.sha256(f"{ds.key}/{tag}".encode()).hexdigest()
    loaded = load_batch(dsn, ds, rows, sha256=sha, request=tag)
    return validate_batch(dsn, ds, loaded.batch_id)


def _failed(outcome):
    return {(f.expectation, f.column, f.severity, f.unexpected_count) for f in outcome.failures}


def _descriptions(ds):
    return {e.get("description") for e in load_suite_config(ds)["expectations"]}


@pytest.mark.parametrize("ds", list(DATASETS.values()), ids=lambda d: d.name)
def test_suites_are_complete(ds):
    cfg = load_suite_config(ds)
    types = {(e["type"], e["kwargs"].get("column")) for e in cfg["expectations"]}
    assert ("expect_table_row_count_to_be_between", None) in types
    assert ("expect_column_values_to_match_regex", "value") in types
    assert ("expect_column_value_lengths_to_be_between", "value") in types
    unique = [e for e in cfg["expectations"] if e["type"] == "expect_compound_key_to_be_unique"]
    assert unique[0]["kwargs"]["column_list"] == list(ds.natural_key)
    columns = next(e for e in cfg["expectations"] if e["kwargs"].get("column_set"))
    assert columns["kwargs"]["column_set"] == [*ds.columns, "_batch_id", "_row_number"]
    for key in ds.natural_key:
        assert ("expect_column_values_to_not_be_null", key) in types
    assert any(e["meta"]["severity"] == "warning" for e in cfg["expectations"])


@pytest.mark.parametrize("ds", list(DATASETS.values()), ids=lambda d: d.name)
def test_samples_pass(warehouse_dsn, ds):
    rows = list(unhcr_odp.rows(ds, client.load_sample(ds.name)))
    outcome = _validate(warehouse_dsn, ds, rows, "sample")
    assert outcome.status == "passed", outcome.summary()


def _ts(geo="656", group="4797", freq="day", period="2026-02-01", value="10"):
    return (geo, group, freq, period, "individuals", value, "")


def test_timeseries_bad_rows_are_quarantined_and_plausibility_warns(warehouse_dsn):
    february = [_ts(period=f"2026-02-{d:02d}", value="10") for d in range(1, 29)]
    rows = [
        *february,
        _ts(freq="month", period="2026-02", value="900"),  # the days add up to 280
        _ts(geo="640", period="2026-02-03", value="25000"),  # a cumulative sent as daily?
        _ts(geo="640", period="2026-02-04", value="-5"),  # negative: quarantined
        _ts(geo="640", group="9999", period="2026-02-05"),  # unknown group: quarantined
    ]
    outcome = _validate(warehouse_dsn, TS, rows, "tampered")
    assert outcome.status == "partial", outcome.summary()
    assert outcome.rows_quarantined == 2
    failed = _failed(outcome)
    assert ("expect_column_values_to_match_regex", "value", "blocking", 1) in failed
    assert ("expect_column_values_to_be_in_set", "population_group", "blocking", 1) in failed
    warned = [f for f in outcome.failures if f.expectation == "unexpected_rows_expectation"]
    assert len(warned) == 2 and {f.severity for f in warned} == {"warning"}


def test_an_incomplete_month_is_not_compared_with_its_days(warehouse_dsn):
    rows = [_ts(period="2026-02-01", value="10"), _ts(freq="month", period="2026-02", value="900")]
    assert _validate(warehouse_dsn, TS, rows, "incomplete").status == "passed"


def test_a_day_shaped_like_a_month_keeps_the_batch_out(warehouse_dsn):
    outcome = _validate(warehouse_dsn, TS, [_ts(), _ts(freq="day", period="2026-03")], "shape")
    assert outcome.status == "failed"
    assert ("unexpected_rows_expectation", None, "blocking", None) in {
        (f.expectation, f.column, f.severity, None) for f in outcome.failures
    }


def _sub(year="2026", date="2026-02-20", group="4797", place="64001", value="12"):
    return (
        "640",
        place,
        "Crete",
        "Province",
        "25.06",
        "35.18",
        group,
        "Mediterranean Sea Arrivals",
        year,
        "2",
        date,
        "Hellenic Police",
        "individuals",
        value,
        "",
    )


def test_sublocation_rules(warehouse_dsn):
    rows = [
        _sub(),
        _sub(place="64002", year="2025", date="2026-01-05"),  # filed under the wrong year
        _sub(place="64003", group="4688"),  # not an arrivals group: quarantined
        _sub(place="64001"),  # duplicate key: both rows quarantined
    ]
    outcome = _validate(warehouse_dsn, SUB, rows, "tampered")
    assert outcome.status == "partial", outcome.summary()
    assert outcome.rows_quarantined == 3
    assert any(
        f.expectation == "unexpected_rows_expectation" and f.severity == "warning"
        for f in outcome.failures
    )


def _origin(measure, value, code="SUD", group="12564"):
    return (
        "656",
        "656",
        "Italy",
        group,
        "ARR",
        "NEW",
        code,
        "Sudan",
        "2026",
        "2",
        "2026-02-24",
        "Ministry of Interior",
        measure,
        value,
        "",
    )


def test_origin_breakdown_plausibility_warns(warehouse_dsn):
    rows = [
        _origin("individuals", "100"),
        _origin("male_total", "80"),
        _origin("female_total", "30"),  # 110 > 100
        _origin("children_total", "10"),
        _origin("uac_total", "12"),  # more unaccompanied children than children
        _origin("individuals", "50", code="sud", group="12565"),  # not a UNHCR code
    ]
    outcome = _validate(warehouse_dsn, ORIGIN, rows, "tampered")
    assert outcome.status == "partial", outcome.summary()
    assert outcome.rows_quarantined == 1
    warned = [f for f in outcome.failures if f.severity == "warning"]
    assert len(warned) == 2
    with psycopg.connect(warehouse_dsn) as conn:
        (reasons,) = conn.execute(
            "select reasons from quality.quarantine where batch_id = %s", (outcome.batch_id,)
        ).fetchone()
    assert "pop_origin_code 'sud' does not match" in reasons[0]
