"""The marts schema is a public interface (issue 6): every model there enforces its
contract, has a description and describes every column; every situation mart carries
its provenance; every BI-facing mart is in an exposure. Read from the parsed manifest."""

from __future__ import annotations

import json

import pytest

PROVENANCE = {"source_datasets", "latest_batch_id", "quality_score"}
SITUATION = (
    "mart_local_situation", "mart_national_situation", "mart_regional_situation",
    "mart_reconciliation", "mart_municipality_pressure",
)  # fmt: skip


@pytest.fixture(scope="module")
def manifest(dbt_manifest) -> dict:
    return json.loads(dbt_manifest.read_text())


@pytest.fixture(scope="module")
def marts(manifest) -> dict[str, dict]:
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("schema") == "marts"
    }


def test_every_mart_is_contracted_and_described(marts):
    assert set(SITUATION) | {"mart_quality_scorecard"} <= set(marts)
    for name, node in marts.items():
        assert node["config"]["contract"]["enforced"], name
        assert node["description"].strip(), name
        undescribed = [c for c, col in node["columns"].items() if not col["description"].strip()]
        assert not undescribed, (name, undescribed)


def test_every_situation_mart_row_carries_provenance(marts):
    for name in SITUATION:
        assert set(marts[name]["columns"]) >= PROVENANCE, name


def test_the_bi_marts_are_exposed(manifest):
    exposed = {
        dep.split(".")[-1]
        for e in manifest["exposures"].values()
        if e["type"] == "dashboard"
        for dep in e["depends_on"]["nodes"]
    }
    assert set(SITUATION) | {"mart_quality_scorecard"} <= exposed
