"""Every raw dataset's dbt source declares its freshness, in step with its cadence.

`dbt source freshness` and the quality scorecard (the age of a dataset's latest batch
against `ref_source_datasets.expected_cadence_days`) must tell the same story: a
source that warned before its next batch is even due would warn on a healthy pipeline.
"""

from __future__ import annotations

import csv
import json

import pytest

from ingest.config import DBT_PROJECT_DIR
from ingest.sources import ALL_SOURCES, datasets

SEED = DBT_PROJECT_DIR / "seeds" / "ref_source_datasets.csv"
DAYS_PER = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1}


@pytest.fixture(scope="module")
def raw_sources(dbt_manifest) -> dict[str, dict]:
    """The manifest's source nodes in schema raw, by raw table name."""
    nodes = json.loads(dbt_manifest.read_text())["sources"].values()
    return {n["identifier"]: n for n in nodes if n["schema"] == "raw"}


@pytest.fixture(scope="module")
def cadence() -> dict[str, int]:
    with SEED.open(newline="") as f:
        return {
            f"{r['source']}__{r['dataset']}": int(r["expected_cadence_days"])
            for r in csv.DictReader(f)
        }


def _freshness(node: dict) -> dict:
    return node.get("freshness") or node["config"].get("freshness") or {}


def _days(threshold: dict | None) -> float | None:
    if not threshold or threshold.get("count") is None or threshold.get("period") is None:
        return None
    return threshold["count"] * DAYS_PER[threshold["period"]]


def test_every_raw_dataset_is_a_source_with_a_cadence(raw_sources, cadence):
    declared = {ds.key for source in ALL_SOURCES for ds in datasets(source).values()}
    assert set(raw_sources) == declared
    assert declared <= set(cadence)


def test_every_raw_source_has_warn_and_error_after_and_a_loaded_at(raw_sources):
    problems = []
    for key, node in sorted(raw_sources.items()):
        fresh = _freshness(node)
        warn, error = _days(fresh.get("warn_after")), _days(fresh.get("error_after"))
        if warn is None or error is None:
            problems.append(f"{key}: warn_after {warn}, error_after {error}")
        elif error <= warn:
            problems.append(f"{key}: error_after ({error} d) not after warn_after ({warn} d)")
        config = node["config"]
        query = node.get("loaded_at_query") or config.get("loaded_at_query")
        field = node.get("loaded_at_field") or config.get("loaded_at_field")
        if not (query or field):
            problems.append(f"{key}: neither loaded_at_field nor loaded_at_query")
        # A block copied from a sibling table must not keep measuring the sibling.
        source, dataset = key.split("__", 1)
        if query and not (f"source = '{source}'" in query and f"dataset = '{dataset}'" in query):
            problems.append(f"{key}: loaded_at_query reads another dataset: {query}")
    assert problems == []


def test_warn_after_is_not_shorter_than_the_expected_cadence(raw_sources, cadence):
    too_early = {
        key: (_days(_freshness(node).get("warn_after")), cadence[key])
        for key, node in raw_sources.items()
        if (_days(_freshness(node).get("warn_after")) or 0) < cadence[key]
    }
    assert too_early == {}, "warn_after (days) below expected_cadence_days"
