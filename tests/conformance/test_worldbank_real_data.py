"""Every real World Bank API answer in ../shared/real-data parses, and what we parse and
load has the file's own count and sum of observations; the error body raises our clear
error. Skipped where the folder is absent (a user's fresh clone)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.sources.worldbank import parse_saved, wbjson
from tests.conftest import REAL_DATA

WORLDBANK = REAL_DATA / "worldbank"
FILES = sorted(WORLDBANK.glob("*.json")) if WORLDBANK.is_dir() else []
DATA_FILES = [p for p in FILES if "message" not in json.loads(p.read_bytes())[0]]

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real data at {WORLDBANK}")


def _file_figures(doc) -> tuple[int, Decimal]:
    """Straight from the file: every observation (null values included) and the sum of
    the values."""
    observations = doc[1] or []
    values = [o["value"] for o in observations if o["value"] is not None]
    return len(observations), sum((Decimal(str(v)) for v in values), Decimal(0))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path):
    content = path.read_bytes()
    doc = json.loads(content)
    if "message" in doc[0]:
        # The retired-indicator body (HTTP 200, message id 175): named when known.
        indicator = path.stem.split("_")[2]
        with pytest.raises(wbjson.WorldBankApiError, match="deleted or archived") as err:
            parse_saved(content, indicator)
        assert err.value.code == "175"
        assert f"indicator {indicator}" in str(err.value)
        return
    dims, rows = parse_saved(content)
    rows = list(rows)
    count, total = _file_figures(doc)
    assert doc[0]["total"] == count  # the file is complete: one page of all of it
    assert dims == ["country_id", "countryiso3code", "date"]
    assert len(rows) == count
    assert sum(Decimal(r[4]) for r in rows if r[4]) == total
    assert {r[3] for r in rows} == {o["indicator"]["id"] for o in doc[1]}
    assert {(r[0], r[1]) for r in rows} == {
        (o["country"]["id"], o["countryiso3code"]) for o in doc[1]
    }


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert "error_175_SM.POP.REFG.OR_archived.json" in names
    assert "SM.POP.NETM_15_african_countries_mrv10.json" in names
    assert "SM.POP.TOTL_15_african_countries_mrv5.json" in names


@pytest.mark.skipif(not DATA_FILES, reason="no real World Bank data file")
def test_real_files_load_with_their_count_and_sum(warehouse_dsn):
    """Each real answer through the loader and the quality gate: the raw table holds the
    file's figures and no row breaks a blocking rule."""
    import psycopg

    from ingest.loader import load_batch
    from ingest.quality import validate_batch
    from ingest.sources.worldbank import rows as worldbank_rows
    from ingest.sources.worldbank.datasets import DATASETS

    ds = DATASETS["indicators"]
    for path in DATA_FILES:
        content = path.read_bytes()
        count, total = _file_figures(json.loads(content))
        result = load_batch(
            warehouse_dsn, ds, worldbank_rows(ds, content),
            sha256=hashlib.sha256(content).hexdigest(),
        )  # fmt: skip
        assert result.rows_received == result.rows_loaded == count
        with psycopg.connect(warehouse_dsn) as conn:
            n, s = conn.execute(
                "select count(*), coalesce(sum(nullif(value, '')::numeric), 0)"
                " from raw.worldbank__indicators where _batch_id = %s",
                (result.batch_id,),
            ).fetchone()
        assert (n, s) == (count, total), path.name
        outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
        # One indicator per file: the "all five indicators" warning may fire.
        assert outcome.status in ("passed", "warned"), outcome.summary()
        assert outcome.rows_quarantined == 0
        assert not [f.rule for f in outcome.failures if f.severity == "blocking"]
