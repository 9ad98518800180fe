"""`mwh bench validate`: the hand-written baseline counts what GX counts, failure by
failure, and the command prints one JSON report."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid

import psycopg
import pytest

from ingest import bench
from ingest.config import with_dbname
from ingest.loader import load_batch
from ingest.quality import load_suite_config, rule_name, validate_batch

DS = bench.DS


def _row(citizen="SY", sex="T", geo="AT", time="2030-01", value="15", flag="", **kw):
    dims = {"freq": "M", "unit": "PER", "applicant": "FRST", "age": "TOTAL"} | kw
    return (
        dims["freq"], dims["unit"], citizen, sex, dims["applicant"], dims["age"], geo, time,
        DS.code, value, flag,
    )  # fmt: skip


def _country_total(time, value):
    return _row(citizen="TOTAL", applicant="TOTAL", geo="SI", time=time, value=value)


def test_generated_rows_are_a_clean_batch(warehouse_dsn):
    rows = list(itertools.islice(bench.generate_rows(), 3000))
    assert len({r[2:8] for r in rows}) == len(rows)  # the natural key is unique
    assert {r[3] for r in rows} <= set(bench.SEXES)
    batch = bench.load_rows(warehouse_dsn, iter(rows), len(rows), "clean")
    outcome = validate_batch(warehouse_dsn, DS, batch)
    assert outcome.status == "passed", outcome.failures


def test_baseline_counts_what_gx_counts(warehouse_dsn):
    clean = list(itertools.islice(bench.generate_rows(seed=7), 2000))
    injected = [
        _row(value="12a"),  # not a count, not rounded
        _row(citizen="AF", value="1234567890"),  # too long
        _row(citizen="IQ", value="-5", time="2030-13"),  # two blocking rules
        _row(citizen="PK", value="17"),  # a warning only
        _row(citizen="IR", geo=None),  # no reporting country
        _row(citizen="BD", geo="at"),  # not a code
        _row(citizen="TR"),  # the same natural key twice
        _row(citizen="TR", value="20"),
        _row(citizen="MA", sex="X"),  # unknown sex
        _row(citizen="ma"),  # not a code
        _row(citizen=None),
        _row(citizen="DZ", time=None),
        _row(citizen="LY", flag="x"),  # unknown flag
        _row(citizen="NG", freq="Q", unit="NR", applicant="NASY_APP", age="Y_BAD"),
        _country_total("2030-01", "400"),  # a threefold jump in a country total
        _country_total("2030-02", "420"),
        _country_total("2030-03", "4000"),
    ]
    sha = hashlib.sha256(b"bench baseline").hexdigest()
    batch = load_batch(warehouse_dsn, DS, clean + injected, sha256=sha, request="t").batch_id

    outcome = validate_batch(warehouse_dsn, DS, batch)
    with psycopg.connect(warehouse_dsn) as conn:
        ours = bench.baseline_counts(conn, batch)
    gx = bench.gx_counts(outcome)

    # One count per expectation of the suite: a new expectation needs the baseline too.
    suite = {
        (rule_name(e["type"], e["kwargs"]), e["meta"]["severity"])
        for e in load_suite_config(DS)["expectations"]
    }
    assert set(ours) == set(gx) == suite
    assert ours == gx
    regex = "expect_column_values_to_match_regex"
    key = "citizen, sex, applicant, age, geo, time"
    assert ours[("expect_table_row_count_to_be_between", "blocking")] == 2017
    assert ours[(f"{regex}(value)", "blocking")] == 2
    assert ours[(f"{regex}(value)", "warning")] == 3
    assert ours[(f"expect_compound_key_to_be_unique({key})", "blocking")] == 2
    assert ours[("expect_column_values_to_be_in_set(sex)", "blocking")] == 1
    assert ours[("expect_column_values_to_not_be_null(geo)", "blocking")] == 1
    assert ours[("unexpected_rows_expectation", "warning")] == 1
    assert ours[("expect_table_columns_to_match_set", "blocking")] == 0
    # Every injected failure is seen: only the column set and the not-null checks of
    # freq, unit, sex, applicant and age pass.
    assert sum(n == 0 for n in ours.values()) == 6


def test_mwh_bench_validate_prints_one_json_report(warehouse_dsn, monkeypatch, capsys):
    from ingest.cli import main

    monkeypatch.setenv("WAREHOUSE_DSN", warehouse_dsn)
    monkeypatch.setattr(bench, "FILLER_BATCH_ROWS", 1000)
    name = f"mwh_bench_test_{uuid.uuid4().hex[:8]}"
    try:
        args = ["--rows", "2000", "--table-rows", "5000", "--repeat", "1", "--database", name]
        assert main(["bench", "validate", *args]) == 0
        out = capsys.readouterr().out
        with psycopg.connect(with_dbname(warehouse_dsn, name)) as conn:
            batches = conn.execute(
                "select count(*), sum(rows_loaded) from ops.batches where request like 'bench %'"
            ).fetchone()
        with psycopg.connect(with_dbname(warehouse_dsn, f"{name}_alone")) as conn:
            alone = conn.execute("select count(*) from raw.eurostat__asylum_applicants_monthly")
            assert alone.fetchone() == (2000,)
    finally:
        bench.drop_databases(warehouse_dsn, name)

    assert out.count("\n") == 1
    report = json.loads(out)
    assert {
        "rows", "table_rows", "repeat", "ours_s", "baseline_s", "ratio", "gx_import_s",
        "setup_s", "server_version", "alone_s", "in_table_vs_alone",
    } <= set(report)  # fmt: skip
    assert (report["rows"], report["table_rows"], report["repeat"]) == (2000, 5000, 1)
    # Rounded to milliseconds in the report: the ratios are of the unrounded times.
    assert report["ratio"] == pytest.approx(report["ours_s"] / report["baseline_s"], rel=0.1)
    assert report["in_table_vs_alone"] == pytest.approx(
        report["ours_s"] / report["alone_s"], rel=0.1
    )
    assert batches == (4, 5000)  # three filler batches, then the measured one
    with psycopg.connect(with_dbname(warehouse_dsn, "postgres")) as conn:
        left = conn.execute(
            "select count(*) from pg_database where datname like %s", (f"{name}%",)
        ).fetchone()
    assert left == (0,)
