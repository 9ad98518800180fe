"""The submitted datasets' GX suites are generated from their dictionaries: the
committed files must be current, and every blocking row rule must be one the
quarantine can explain."""

from __future__ import annotations

import pytest

from ingest.config import EXPECTATIONS_DIR
from ingest.quality import ROW_RULES, load_suite_config, seed_values
from ingest.submissions.datasets import DATASETS
from ingest.submissions.suites import render


@pytest.mark.parametrize("name", list(DATASETS))
def test_committed_suite_is_current(name):
    d = DATASETS[name]
    committed = (EXPECTATIONS_DIR / f"{d.raw.key}.json").read_text(encoding="utf-8")
    assert committed == render(d), "run: python -m ingest.submissions.suites"


@pytest.mark.parametrize("name", list(DATASETS))
def test_suite_loads_with_seed_value_sets_resolved(name):
    d = DATASETS[name]
    cfg = load_suite_config(d.raw)
    row_level = table_level = 0
    for exp in cfg["expectations"]:
        value_set = exp["kwargs"].get("value_set")
        assert value_set is None or isinstance(value_set, list)
        if exp["type"] in ROW_RULES:
            row_level += 1
        else:
            table_level += 1
    assert row_level > table_level >= 2
    for c in d.columns:
        if c.required:
            assert {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": c.name},
            } in [{k: e[k] for k in ("type", "kwargs")} for e in cfg["expectations"]]


def test_reference_lists_hold_the_codes_the_examples_use():
    municipalities = seed_values("ref_municipalities.lau_code")
    assert len([m for m in municipalities if m.startswith("MK")]) == 80
    assert {"MK00405", "MK00703", "MK00706", "MK00803"} <= set(municipalities)
    assert {"MK-TC-VINOJUG", "MK-RC-VIZBEGOVO"} <= set(seed_values("ref_facilities.facility_id"))
    crossings = set(seed_values("ref_border_crossing_points.crossing_code"))
    assert {"MK-BCP-BOGORODICA", "MK-BCP-TABANOVCE", "MK-BCP-GEVGELIJA-RAIL"} <= crossings
