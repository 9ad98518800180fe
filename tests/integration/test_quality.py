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
REGEX = "expect_column_values_to_match_regex"


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

    row_rule = E("expect_column_values_to_be_in_set", "sex", "blocking", False)
    table_rule = E("expect_table_row_count_to_be_between", None, "blocking", False)
    warning = E("expect_column_values_to_match_regex", "flag", "warning", False)
    assert batch_status([]) == "passed"
    assert batch_status([warning]) == "warned"
    assert batch_status([warning, row_rule], rows_received=3, rows_quarantined=1) == "partial"
    # Nothing left to promote.
    assert batch_status([row_rule], rows_received=3, rows_quarantined=3) == "failed"
    assert batch_status([table_rule, warning]) == "failed"


def _quarantine(dsn, batch_id):
    with psycopg.connect(dsn) as conn:
        return {
            row: (rules, reasons, data)
            for row, rules, reasons, data in conn.execute(
                "select row_number, rules, reasons, row_data from quality.quarantine"
                " where batch_id = %s",
                (batch_id,),
            )
        }


def _counts(dsn, batch_id):
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "select status, rows_received, rows_loaded, rows_quarantined from ops.batches"
            " where batch_id = %s",
            (batch_id,),
        ).fetchone()


def test_failing_rows_are_quarantined_with_reasons(warehouse_dsn):
    rows = [
        _row(),  # 1 good
        _row(citizen="AF", value="12x"),  # 2 not a count
        _row(citizen="IQ", geo=None),  # 3 no reporting country
        ("M", "PER", "SY", "X", "FRST", "TOTAL", "AT", "2025-02", "migr_asyappctzm", "5", ""),
        _row(citizen="TR", time="2025-03"),  # 5 and 6: the same natural key twice
        _row(citizen="TR", time="2025-03", value="20"),
        _row(citizen="VE", value="1234567890"),  # 7 too long for an integer
        _row(citizen="MA", value="-5", time="2025-13"),  # 8 two rules at once
        _row(citizen="PK", value="17"),  # 9 a warning only: promoted
    ]
    batch = _load(warehouse_dsn, rows, "quarantine")
    outcome = validate_batch(warehouse_dsn, DS, batch)

    assert outcome.status == "partial"
    assert outcome.rows_quarantined == 7
    # Every row is accounted for: received = loaded (promotable) + quarantined.
    assert _counts(warehouse_dsn, batch) == ("partial", 9, 2, 7)
    q = _quarantine(warehouse_dsn, batch)
    assert sorted(q) == [2, 3, 4, 5, 6, 7, 8]
    assert q[2][0] == ["expect_column_values_to_match_regex(value)"]
    assert q[2][1][0].startswith("value '12x' does not match ^[0-9]*$ (counts of persons")
    assert q[3][1] == ["geo is missing (part of the natural key)"]
    assert q[4][1][0].startswith("sex 'X' is not one of T, M, F, UNK")
    assert (
        q[5][0]
        == q[6][0]
        == ["expect_compound_key_to_be_unique(citizen, sex, applicant, age, geo, time)"]
    )
    assert q[5][1][0].startswith(
        "(citizen, sex, applicant, age, geo, time) = (TR, T, FRST, TOTAL, AT, 2025-03)"
        " occurs 2 times in the batch"
    )
    assert q[7][1][0].startswith("value '1234567890' is not 0 to 9 characters long")
    assert set(q[8][0]) == {
        "expect_column_values_to_match_regex(time)",
        "expect_column_values_to_match_regex(value)",
    }
    # The row as received, so a steward can correct it.
    assert q[2][2] == dict(zip(DS.columns, rows[1], strict=True))
    # Each quarantine count matches GX's own count for the rule.
    blocking = {f.rule: f.unexpected_count for f in outcome.failures if f.severity == "blocking"}
    for rule, n in blocking.items():
        assert sum(rule in rules for rules, _, _ in q.values()) == n
    # Stored results hold counts, never the rows' values (only the quarantine does).
    with psycopg.connect(warehouse_dsn) as conn:
        stored = conn.execute(
            "select r.gx_result::text || string_agg(e::text, '') from quality.validation_runs r"
            " join quality.expectation_results e using (run_id) where r.batch_id = %s"
            " group by r.gx_result::text",
            (batch,),
        ).fetchone()[0]
    # (values with a non-hex letter: GX's results carry random uuids)
    assert "12x" not in stored and "1234567890" not in stored and '"VE"' not in stored


def test_revalidating_replaces_the_quarantine(warehouse_dsn):
    batch = _load(warehouse_dsn, [_row(), _row(citizen="AF", value="x")], "revalidate")
    first = validate_batch(warehouse_dsn, DS, batch)
    second = validate_batch(warehouse_dsn, DS, batch)
    assert first.rows_quarantined == second.rows_quarantined == 1
    assert list(_quarantine(warehouse_dsn, batch)) == [2]
    assert _counts(warehouse_dsn, batch) == ("partial", 2, 1, 1)
    # The batch's view for GX is gone once the batch is validated.
    with psycopg.connect(warehouse_dsn) as conn:
        views = conn.execute("select viewname from pg_views where schemaname = 'validation'")
        assert views.fetchall() == []


def test_good_warned_and_failed_batches(warehouse_dsn):
    good = _load(warehouse_dsn, [_row(), _row(applicant="TOTAL", value="20")], "good")
    # Not rounded to 5: a warning, the batch is still promoted.
    warned = _load(warehouse_dsn, [_row(value="17")], "warned")
    # Every row fails a blocking rule: nothing left to promote.
    bad = _load(warehouse_dsn, [_row(applicant="NASY_APP"), _row(), _row()], "bad")
    # A table-level blocking failure: an empty batch is a failed extraction.
    empty = _load(warehouse_dsn, [], "empty")

    assert validate_batch(warehouse_dsn, DS, good).status == "passed"
    outcome = validate_batch(warehouse_dsn, DS, warned)
    assert outcome.status == "warned"
    assert [(f.column, f.severity) for f in outcome.failures] == [("value", "warning")]
    assert _quarantine(warehouse_dsn, warned) == {}
    outcome = validate_batch(warehouse_dsn, DS, bad)
    assert outcome.status == "failed"
    failed = {(f.expectation, f.column) for f in outcome.failures if f.severity == "blocking"}
    assert ("expect_column_values_to_be_in_set", "applicant") in failed
    assert ("expect_compound_key_to_be_unique", None) in failed
    assert _counts(warehouse_dsn, bad) == ("failed", 3, 0, 3)

    outcome = validate_batch(warehouse_dsn, DS, empty)
    assert outcome.status == "failed"
    assert [f.expectation for f in outcome.failures] == ["expect_table_row_count_to_be_between"]
    assert _counts(warehouse_dsn, empty) == ("failed", 0, 0, 0)

    status, summary = _ledger(warehouse_dsn, bad)
    assert status == "failed" and summary["gx_version"].startswith("1.24")
    # The good batch was validated on its own rows only, before and after the bad one.
    assert _ledger(warehouse_dsn, good)[0] == "passed"
    assert validate_batch(warehouse_dsn, DS, good).status == "passed"


def test_month_on_month_jump_is_a_warning(warehouse_dsn):
    def total(time, value):
        return _row(citizen="TOTAL", applicant="TOTAL", geo="SI", time=time, value=value)

    rows = [total("2025-01", "400"), total("2025-02", "420"), total("2025-03", "4000")]
    outcome = validate_batch(warehouse_dsn, DS, _load(warehouse_dsn, rows, "jump"))
    assert outcome.status == "warned"
    (jump,) = outcome.failures
    assert (jump.expectation, jump.severity, jump.observed_value) == (
        "unexpected_rows_expectation", "warning", 1.0
    )  # fmt: skip


def test_a_blocking_rule_with_mostly_is_refused(tmp_path, monkeypatch):
    import json

    import ingest.quality as quality

    cfg = load_suite_config(DS)
    exp = next(e for e in cfg["expectations"] if e["kwargs"].get("column") == "geo")
    exp["kwargs"]["mostly"] = 0.9
    (tmp_path / f"{DS.key}.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(quality, "EXPECTATIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match="cannot use mostly"):
        load_suite_config(DS)


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
    assert run[1:6] == ("partial", True, outcome.evaluated, 1, 1)
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

    batch = _load(warehouse_dsn, [_row(applicant="NASY_APP"), _row(citizen="AF")], "cli")
    validate_batch(warehouse_dsn, DS, batch)
    monkeypatch.setenv("WAREHOUSE_DSN", warehouse_dsn)
    assert main(["quality"]) == 0
    out = capsys.readouterr().out
    assert f"eurostat__asylum_applicants_monthly: batch {batch} partial" in out
    assert "1 of 2 rows quarantined" in out
    assert "[blocking] expect_column_values_to_be_in_set on applicant (1 rows, 50.00%)" in out
    assert "quarantined 1 rows: expect_column_values_to_be_in_set(applicant)" in out


def test_gx_and_quarantine_disagreeing_stops_the_gate(warehouse_dsn, monkeypatch):
    """If our row query and GX count a rule differently, nothing is written and the
    batch stays unvalidated, rather than promoting or dropping rows silently."""
    import ingest.quality as quality

    batch = _load(warehouse_dsn, [_row(), _row(citizen="AF", value="x")], "disagree")
    wrong = quality.RowRule(lambda kw: psycopg.sql.SQL("true"), quality.ROW_RULES[REGEX].reason)
    monkeypatch.setitem(quality.ROW_RULES, REGEX, wrong)
    with pytest.raises(RuntimeError, match="GX counts 1 rows failing"):
        validate_batch(warehouse_dsn, DS, batch)
    assert _counts(warehouse_dsn, batch) == ("loaded", 2, 2, 0)
    assert _quarantine(warehouse_dsn, batch) == {}


def test_an_expectation_gx_cannot_evaluate_is_an_error_not_a_verdict(
    warehouse_dsn, tmp_path, monkeypatch
):
    import json

    import ingest.quality as quality

    cfg = load_suite_config(DS)
    exp = next(
        e
        for e in cfg["expectations"]
        if e["kwargs"].get("column") == "geo" and "regex" in e["kwargs"]
    )
    exp["kwargs"]["regex"] = "^[A-Z"  # PostgreSQL rejects this regex
    (tmp_path / f"{DS.key}.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(quality, "EXPECTATIONS_DIR", tmp_path)
    batch = _load(warehouse_dsn, [_row()], "gx-error")
    with pytest.raises(RuntimeError, match="GX could not evaluate"):
        validate_batch(warehouse_dsn, DS, batch)
    assert _counts(warehouse_dsn, batch) == ("loaded", 1, 1, 0)


def test_a_key_with_a_null_part_is_not_a_duplicate(warehouse_dsn):
    """As in GX: rows whose key has a null part are caught by not_null, not counted as
    duplicates (otherwise the quarantine and GX would disagree)."""
    rows = [_row(citizen="IQ", geo=None), _row(citizen="IQ", geo=None)]
    rows += [_row(citizen="TR"), _row(citizen="TR"), _row(citizen="AF")]
    outcome = validate_batch(warehouse_dsn, DS, _load(warehouse_dsn, rows, "null-key"))
    assert outcome.status == "partial" and outcome.rows_quarantined == 4
    rules = {r: q[0] for r, q in _quarantine(warehouse_dsn, outcome.batch_id).items()}
    assert rules[1] == rules[2] == ["expect_column_values_to_not_be_null(geo)"]
    assert (
        rules[3]
        == rules[4]
        == ["expect_compound_key_to_be_unique(citizen, sex, applicant, age, geo, time)"]
    )


def test_our_key_check_counts_what_gx_builtin_counts(warehouse_dsn, tmp_path, monkeypatch):
    """expect_compound_key_to_be_unique is a cheaper query for GX's own
    expect_compound_columns_to_be_unique: on the same batch both count the same rows,
    and either one quarantines them."""
    import json

    import ingest.quality as quality

    rows = [_row(citizen="IQ", geo=None)] * 2 + [_row(citizen="TR")] * 3
    rows += [_row(citizen="AF", time="2025-02")] * 2 + [_row(citizen="SY")]
    batch = _load(warehouse_dsn, rows, "key-vs-builtin")
    cfg = load_suite_config(DS)
    ours = next(e for e in cfg["expectations"] if e["type"] == "expect_compound_key_to_be_unique")
    counts = {}
    for kind in ("expect_compound_key_to_be_unique", "expect_compound_columns_to_be_unique"):
        others = [e for e in cfg["expectations"] if e is not ours]
        suite = cfg | {"expectations": [*others, ours | {"type": kind}]}
        (tmp_path / f"{DS.key}.json").write_text(json.dumps(suite))
        monkeypatch.setattr(quality, "EXPECTATIONS_DIR", tmp_path)
        outcome = validate_batch(warehouse_dsn, DS, batch)
        (result,) = [r for r in outcome.results if r.expectation == kind]
        counts[kind] = (result.unexpected_count, result.element_count, outcome.rows_quarantined)
    # 3 TR and 2 AF rows share a key; the null-key rows are the not-null rule's.
    assert counts["expect_compound_key_to_be_unique"] == (5, 8, 7)
    assert counts["expect_compound_columns_to_be_unique"] == (5, 8, 7)
