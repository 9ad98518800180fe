"""Every real Eurostat JSON-stat response in ../shared/real-data parses, and what we parse
and load has the file's own count and sum of observations. Skipped where the folder is
absent (a user's fresh clone)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.sources.eurostat import jsonstat, parse_saved
from tests.conftest import REAL_DATA

EUROSTAT = REAL_DATA / "eurostat"
FILES = sorted(EUROSTAT.glob("*.json")) if EUROSTAT.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real data at {EUROSTAT}")


def _kind(doc) -> str:
    if "error" in doc:
        return "error"
    return "empty" if 0 in doc["size"] else "dataset"


def _file_figures(doc) -> tuple[int, Decimal]:
    """Straight from the file: cells with a value or a status, and the sum of values."""
    values = doc["value"]
    status = doc.get("status") or {}
    if isinstance(values, list):
        values = {str(i): v for i, v in enumerate(values) if v is not None}
    return len(values.keys() | status.keys()), sum(Decimal(str(v)) for v in values.values())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path):
    content = path.read_bytes()
    doc = json.loads(content)
    kind = _kind(doc)
    if kind == "error":
        with pytest.raises(jsonstat.EurostatApiError):
            parse_saved(content)
        return
    if kind == "empty":
        with pytest.raises(jsonstat.EmptySelectionError):
            parse_saved(content)
        return
    dims, rows = parse_saved(content)
    rows = list(rows)
    count, total = _file_figures(doc)
    assert dims == doc["id"]
    assert len(rows) == count
    assert sum(Decimal(r[-2]) for r in rows if r[-2]) == total
    assert {r[-3] for r in rows} == {jsonstat.dataset_code(doc)}
    # Every coordinate is a code of its dimension.
    for i, d in enumerate(dims):
        assert {r[i] for r in rows} <= set(doc["dimension"][d]["category"]["index"])


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert "migr_asyappctzm_FR_12m_jsonstat.json" in names
    assert "error_413_extraction_too_big.json" in names


def test_real_monthly_file_loads_with_its_count_and_sum(warehouse_dsn):
    """The largest real response through the loader: the raw table holds the file's figures."""
    import hashlib

    import psycopg

    from ingest.loader import load_batch
    from ingest.sources.eurostat import rows as eurostat_rows
    from ingest.sources.eurostat.datasets import DATASETS

    ds = DATASETS["asylum_applicants_monthly"]
    content = (EUROSTAT / "migr_asyappctzm_FR_12m_jsonstat.json").read_bytes()
    count, total = _file_figures(json.loads(content))
    result = load_batch(
        warehouse_dsn, ds, eurostat_rows(ds, content), sha256=hashlib.sha256(content).hexdigest()
    )
    assert result.rows_received == result.rows_loaded == count
    with psycopg.connect(warehouse_dsn) as conn:
        n, s = conn.execute(
            "select count(*), sum(nullif(value, '')::numeric)"
            " from raw.eurostat__asylum_applicants_monthly where _batch_id = %s",
            (result.batch_id,),
        ).fetchone()
    assert (n, s) == (count, total)
    # Real figures pass every blocking rule of the suite: nothing is quarantined.
    from ingest.quality import validate_batch

    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0
    assert not [f.rule for f in outcome.failures if f.severity == "blocking"]
