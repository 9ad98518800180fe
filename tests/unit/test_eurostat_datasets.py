"""The configured Eurostat datasets: declarations, time scoping, samples, suites and
staging models agree with each other, and each sample passes its quality gate."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from ingest.quality import ROW_RULES, load_suite_config
from ingest.sources import eurostat
from ingest.sources.eurostat import client, parse_saved, periods
from ingest.sources.eurostat.datasets import DATASETS, DEFAULT_GEO
from ingest.sources.eurostat.samples import make_samples

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "dbt_project" / "models" / "staging" / "eurostat"
SEED = ROOT / "dbt_project" / "seeds" / "eurostat_aggregate_codes.csv"
NAMES = sorted(DATASETS)
REGION = {"MK", "RS", "AL", "BA", "ME", "XK", "EL", "BG", "HR", "HU", "SI", "RO", "IT", "AT"}


def _rows(ds):
    return list(eurostat.rows(ds, client.load_sample(ds.code)))


def _column(ds, rows, name):
    i = ds.columns.index(name)
    return [r[i] for r in rows]


# --- declarations ----------------------------------------------------------------


def test_the_configured_datasets():
    assert {n: d.code for n, d in DATASETS.items()} == {
        "asylum_applicants_monthly": "migr_asyappctzm",
        "asylum_applicants_annual": "migr_asyappctza",
        "asylum_decisions_first_instance": "migr_asydcfsta",
        "illegally_present": "migr_eipre",
        "population_by_citizenship": "migr_pop1ctz",
    }
    # The monthly dataset feeds a mart: its layout and request do not move.
    monthly = DATASETS["asylum_applicants_monthly"]
    assert monthly.columns == ("freq", "unit", "citizen", "sex", "applicant", "age", "geo",
                               "time", "measure", "value", "flag")  # fmt: skip
    assert monthly.natural_key == ("citizen", "sex", "applicant", "age", "geo", "time")
    assert monthly.filters == {"geo": DEFAULT_GEO, "sex": ("T",), "age": ("TOTAL",),
                               "unit": ("PER",)}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_declaration_is_consistent(name):
    ds = DATASETS[name]
    assert ds.source == "eurostat" and ds.key == f"eurostat__{name}"
    assert ds.columns == (*ds.dimensions, "measure", "value", "flag")
    assert ds.natural_key == tuple(d for d in ds.dimensions if d not in ("freq", "unit"))
    assert ds.dimensions[-2:] == ("geo", "time")
    assert set(ds.filters) <= set(ds.dimensions)
    # Every dataset asks for the EU total and the region's reporting countries.
    assert {"EU27_2020", "AT", "BG", "EL", "HR", "HU", "IT", "RO", "SI"} <= set(ds.filters["geo"])
    periods.index(ds.first_period, ds.frequency)


def test_candidate_countries_are_asked_where_eurostat_has_them():
    assert "ME" in DATASETS["asylum_applicants_annual"].filters["geo"]
    assert "ME" in DATASETS["asylum_decisions_first_instance"].filters["geo"]
    assert {"ME", "MK", "AL", "RS", "BA", "XK", "TR"} <= set(
        DATASETS["population_by_citizenship"].filters["geo"]
    )


# --- time scoping ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "end", "since", "until"),
    [
        ("asylum_applicants_monthly", (2026, 3, 2), (2026, 3, 9), "2025-03", "2026-03"),
        # An interval ending at midnight on the 1st closes the month before.
        ("asylum_applicants_monthly", (2026, 3, 1), (2026, 4, 1), "2025-03", "2026-03"),
        ("asylum_applicants_annual", (2026, 3, 2), (2026, 3, 9), "2023", "2026"),
        ("asylum_decisions_first_instance", (2025, 1, 1), (2026, 1, 1), "2022", "2025"),
        ("illegally_present", (2026, 3, 2), (2026, 3, 9), "2023", "2026"),
        ("population_by_citizenship", (2026, 3, 2), (2026, 3, 9), "2021", "2026"),
    ],
)  # fmt: skip
def test_requests_follow_the_data_interval_and_the_revision_window(name, start, end, since, until):
    ds = DATASETS[name]
    filters = ds.request_filters(dt.datetime(*start), dt.datetime(*end))
    assert (filters["sinceTimePeriod"], filters["untilTimePeriod"]) == (since, until)
    assert {k: v for k, v in filters.items() if "TimePeriod" not in k} == ds.filters
    # A re-run or backfill of the same interval asks for the same thing.
    assert ds.request_filters(dt.datetime(*start), dt.datetime(*end)) == filters


def test_no_interval_asks_for_the_whole_series():
    ds = DATASETS["population_by_citizenship"]
    assert ds.request_filters(None, None) == ds.filters


@pytest.mark.parametrize(
    ("first", "last", "freq", "parts", "expected"),
    [
        ("2024-01", "2025-12", "M", 2, [("2024-01", "2024-12"), ("2025-01", "2025-12")]),
        ("2020", "2024", "A", 3, [("2020", "2020"), ("2021", "2022"), ("2023", "2024")]),
        ("2024-11", "2025-02", "M", 9,
         [("2024-11", "2024-11"), ("2024-12", "2024-12"), ("2025-01", "2025-01"),
          ("2025-02", "2025-02")]),
    ],
)  # fmt: skip
def test_period_ranges_split_into_contiguous_chunks(first, last, freq, parts, expected):
    assert periods.chunks(first, last, freq, parts) == expected


def test_period_labels_are_checked():
    with pytest.raises(ValueError, match="not a period"):
        periods.index("2025-13", "M")
    with pytest.raises(ValueError, match="unsupported"):
        periods.index("2025-Q1", "Q")


# --- samples ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_sample_parses_with_the_declared_layout(name):
    ds = DATASETS[name]
    path = client.SAMPLES_DIR / f"{ds.code}.json"
    assert path.stat().st_size < 200_000
    doc = json.loads(path.read_bytes())
    rows = _rows(ds)
    assert tuple(doc["id"]) == ds.dimensions
    assert all(len(r) == len(ds.columns) for r in rows)
    assert len(rows) == len(doc["value"].keys() | (doc.get("status") or {}).keys())
    assert {r[-3] for r in rows} == {ds.code}
    key = [ds.columns.index(k) for k in ds.natural_key]
    assert len({tuple(r[i] for i in key) for r in rows}) == len(rows)
    assert sum(int(r[-2]) for r in rows if r[-2]) == sum(doc["value"].values())


@pytest.mark.parametrize("name", NAMES)
def test_sample_passes_every_blocking_row_rule(name):
    """Checked in Python, independently of the gate: nothing would be quarantined."""
    ds = DATASETS[name]
    rows = _rows(ds)
    checked = set()
    for exp in load_suite_config(ds)["expectations"]:
        kw, kind = exp["kwargs"], exp["type"]
        if exp["meta"]["severity"] != "blocking" or kind not in ROW_RULES:
            continue
        if kind == "expect_compound_key_to_be_unique":
            checked.add(kind)
            continue  # test_sample_parses_with_the_declared_layout
        values = _column(ds, rows, kw["column"])
        if kind == "expect_column_values_to_not_be_null":
            assert None not in values
        elif kind == "expect_column_values_to_be_in_set":
            assert set(values) <= set(kw["value_set"]), kw["column"]
        elif kind == "expect_column_values_to_match_regex":
            bad = {v for v in values if not re.search(kw["regex"], v)}
            assert not bad, f"{kw['column']}: {sorted(bad)[:5]} do not match {kw['regex']}"
        elif kind == "expect_column_value_lengths_to_be_between":
            assert all(kw["min_value"] <= len(v) <= kw["max_value"] for v in values)
        checked.add(kind)
    # Every kind of row rule the Eurostat suites use was checked here.
    used = {
        e["type"] for e in load_suite_config(ds)["expectations"]
        if e["meta"]["severity"] == "blocking" and e["type"] in ROW_RULES
    }  # fmt: skip
    assert checked == used and "expect_column_values_to_match_regex" in checked


@pytest.mark.parametrize("name", NAMES)
def test_sample_carries_the_real_quirks(name):
    ds = DATASETS[name]
    rows = _rows(ds)
    codes = set(_column(ds, rows, "geo")) | set(_column(ds, rows, "citizen"))
    assert len(codes & REGION) >= 8, sorted(codes & REGION)
    assert "EU27_2020" in _column(ds, rows, "geo")
    # Aggregates next to countries, flags, and figures that are zero or absent.
    assert "TOTAL" in _column(ds, rows, "citizen")
    assert {f for f in _column(ds, rows, "flag") if f}
    assert any(v == "" for v in _column(ds, rows, "value")) or any(
        v == "0" for v in _column(ds, rows, "value")
    )


def test_every_aggregate_code_in_the_samples_is_in_the_seed():
    with SEED.open() as fh:
        seed = {r["code"]: r for r in csv.DictReader(fh)}
    for ds in DATASETS.values():
        rows = _rows(ds)
        for col in ("geo", "citizen"):
            # Countries are two letters; every longer code is an aggregate.
            longer = {c for c in _column(ds, rows, col) if len(c) != 2}
            assert longer <= set(seed), (ds.name, col, sorted(longer - set(seed)))
    assert seed["NAT"]["kind"] == "reporting_country"


def test_decision_outcomes_add_up_within_rounding():
    ds = DATASETS["asylum_decisions_first_instance"]
    cells = {}
    for r in _rows(ds):
        if r[-2]:
            cells[(r[2], r[6], r[7], r[5])] = int(r[-2])
    series = {k[:3] for k in cells}
    assert len(series) > 100
    for k in series:
        d = {code: cells[(*k, code)] for code in ("TOTAL", "POS", "POS_RFG", "POS_HUM",
                                                  "POS_SPROT", "NEG")}  # fmt: skip
        assert abs(d["POS"] + d["NEG"] - d["TOTAL"]) <= 10, k
        assert abs(d["POS_RFG"] + d["POS_HUM"] + d["POS_SPROT"] - d["POS"]) <= 10, k
        assert d["POS"] <= d["TOTAL"] + 5


def test_population_adds_up_exactly():
    ds = DATASETS["population_by_citizenship"]
    cells = {(r[2], r[4], r[5], r[6]): int(r[-2]) for r in _rows(ds) if r[-2]}
    checked = 0
    for (cit, sex, geo, year), total in cells.items():
        if cit != "TOTAL":
            continue
        if sex == "T" and (("TOTAL", "M", geo, year) in cells):
            assert total == cells[("TOTAL", "M", geo, year)] + cells[("TOTAL", "F", geo, year)]
        parts = [cells.get((c, sex, geo, year)) for c in ("NAT", "FOR_STLS", "UNK")]
        if None not in parts:
            assert total == sum(parts)
            checked += 1
    assert checked > 50


def test_samples_are_regenerated_identically(tmp_path):
    for code in make_samples.SAMPLES:
        out = make_samples.write(code, tmp_path)
        assert out.read_bytes() == client.load_sample(code), code
    # The original monthly sample the marts' expected figures come from.
    assert len(_rows(DATASETS["asylum_applicants_monthly"])) == 9160


# --- shape recognition -----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_saved_answer_is_recognised_even_without_its_code(name):
    ds = DATASETS[name]
    doc = json.loads(client.load_sample(ds.code))
    assert eurostat.recognise(doc) is ds
    del doc["extension"]
    assert eurostat.recognise(doc) is ds
    dims, rows = parse_saved(json.dumps(doc).encode())
    assert tuple(dims) == ds.dimensions
    assert {r[-3] for r in rows} == {ds.code}


def test_an_unknown_layout_keeps_a_neutral_measure():
    doc = {"class": "dataset", "id": ["geo", "time"], "size": [1, 1], "value": {"0": 3},
           "dimension": {"geo": {"category": {"index": {"AT": 0}}},
                         "time": {"category": {"index": {"2025": 0}}}}}  # fmt: skip
    assert eurostat.recognise(doc) is None
    assert list(parse_saved(json.dumps(doc).encode())[1]) == [("AT", "2025", "value", "3", "")]


# --- suites and staging ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_suite_matches_the_declaration(name):
    ds = DATASETS[name]
    suite = load_suite_config(ds)
    assert suite["name"] == ds.key
    by_type = {}
    for exp in suite["expectations"]:
        assert exp["meta"]["severity"] in ("blocking", "warning") and exp["meta"]["why"]
        by_type.setdefault(exp["type"], []).append(exp)
    (columns,) = by_type["expect_table_columns_to_match_set"]
    assert columns["kwargs"]["column_set"] == [*ds.columns, "_batch_id", "_row_number"]
    (key,) = by_type["expect_compound_key_to_be_unique"]
    assert tuple(key["kwargs"]["column_list"]) == ds.natural_key
    not_null = {e["kwargs"]["column"] for e in by_type["expect_column_values_to_not_be_null"]}
    assert set(ds.natural_key) <= not_null
    assert any(e["meta"]["severity"] == "warning" for e in suite["expectations"])


def test_staging_declares_every_dataset():
    sources = yaml.safe_load((STAGING / "_eurostat__sources.yml").read_text())
    (src,) = [s for s in sources["sources"] if s["name"] == "eurostat"]
    tables = {t["name"]: t for t in src["tables"]}
    models = yaml.safe_load((STAGING / "_eurostat__models.yml").read_text())
    model_names = {m["name"] for m in models["models"]}
    tested = {t["model"] for t in models["unit_tests"]}
    for name, ds in DATASETS.items():
        table = tables[name]
        assert table["identifier"] == ds.key
        assert [c["name"] for c in table["columns"]] == [*ds.columns, "_batch_id", "_row_number"]
        assert f"dataset = '{name}'" in table["config"]["loaded_at_query"]
        model = f"stg_eurostat__{name}"
        assert model in model_names and model in tested
        sql = (STAGING / f"{model}.sql").read_text()
        assert f"source('eurostat', '{name}')" in sql
        assert "latest_promoted_rows(" in sql


# --- the quality gate on a real PostgreSQL ----------------------------------------


def _validate(dsn, ds, rows, tag):
    from ingest.loader import load_batch
    from ingest.quality import validate_batch

    sha = hashlib.sha256(f"{ds.key}:{tag}".encode()).hexdigest()
    result = load_batch(dsn, ds, rows, sha256=sha, request=f"test:{tag}")
    return validate_batch(dsn, ds, result.batch_id)


def _set(ds, rows, value, **coords):
    """`rows` with the value of the observation at `coords` replaced."""
    idx = {k: ds.columns.index(k) for k in coords}
    out, hit = [], 0
    for r in rows:
        if all(r[i] == coords[k] for k, i in idx.items()):
            r = (*r[:-2], value(r[-2]) if callable(value) else value, r[-1])
            hit += 1
        out.append(r)
    assert hit == 1, coords
    return out


def _value_of(ds, rows, **coords):
    idx = {k: ds.columns.index(k) for k in coords}
    (found,) = [r[-2] for r in rows if all(r[i] == coords[k] for k, i in idx.items())]
    return int(found)


def _implausible(name, ds, rows):
    """The sample with one implausible figure that only the plausibility warning sees."""
    if name == "asylum_applicants_annual":
        key = dict(citizen="SY", sex="T", age="TOTAL", geo="DE", time="2023")
        total = _value_of(ds, rows, applicant="TOTAL", **key)
        return _set(ds, rows, str(total + 100), applicant="FRST", **key)
    if name == "asylum_decisions_first_instance":
        return _set(ds, rows, lambda v: str(int(v) + 1000), citizen="AF", decision="NEG",
                    geo="IT", time="2022")  # fmt: skip
    if name == "illegally_present":
        return _set(ds, rows, lambda v: str(int(v) * 10), citizen="TOTAL", geo="SI",
                    time="2023")  # fmt: skip
    if name == "population_by_citizenship":
        total = _value_of(ds, rows, citizen="TOTAL", sex="F", geo="AT", time="2024")
        return _set(ds, rows, str(total + 1), citizen="SY", sex="F", geo="AT", time="2024")
    # The monthly dataset's warning is covered by the e2e test.
    return None


@pytest.mark.parametrize("name", NAMES)
def test_sample_passes_the_gate_and_the_warning_can_fire(warehouse_dsn, name):
    ds = DATASETS[name]
    rows = _rows(ds)
    outcome = _validate(warehouse_dsn, ds, rows, "sample")
    assert outcome.status == "passed", outcome.summary()
    assert outcome.rows_quarantined == 0

    changed = _implausible(name, ds, rows)
    if changed is None:
        return
    outcome = _validate(warehouse_dsn, ds, changed, "implausible")
    assert outcome.status == "warned", outcome.summary()
    assert [(f.expectation, f.severity) for f in outcome.failures] == [
        ("unexpected_rows_expectation", "warning")
    ]
