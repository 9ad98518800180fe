"""Every real IOM DTM file in ../shared/real-data parses, and what we parse and load has
the file's own count and sum of figures, computed here straight from the file. Skipped
where the folder is absent (a user's fresh clone)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.sources.iom_dtm import UnknownShapeError, parse_saved, rows
from ingest.sources.iom_dtm.datasets import DATASETS, MEASURES
from tests.conftest import REAL_DATA

IOM = REAL_DATA / "iom"
FILES = sorted(p for p in IOM.glob("*dtm*") if p.is_file()) if IOM.is_dir() else []
# The API's OpenAPI description sits beside the answers: a document about the API, not data.
SPEC = "dtm_api_v3_openapi.json"

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real data at {IOM}")


def _number(cell) -> Decimal | None:
    if cell is None or cell == "":
        return None
    return Decimal(str(cell).replace(",", ""))


def _file_figures(path: Path) -> tuple[int, Decimal, set[str]]:
    """(figures, their sum, measure names) from the file alone: every measure field a
    record has (null ones too), every measure cell of the CSV; one row per entry of a
    reference list, named after the list."""
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        data = [r for r in reader if not r["admin0Pcode"].startswith("#")]
        cells = [(m, r[m]) for r in data for m in MEASURES if m in r]
    else:
        result = json.loads(path.read_bytes())["result"]
        cells = [(m, rec[m]) for rec in result for m in MEASURES if m in rec]
        if not cells:
            name = "operation_list" if "operationStatus" in result[0] else "country_list"
            return len(result), Decimal(0), {name}
    total = sum(filter(None, (_number(v) for _, v in cells)), Decimal(0))
    return len(cells), total, {m for m, _ in cells}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path):
    if path.name == SPEC:
        pytest.skip("the OpenAPI description of the API, not an answer (see the test below)")
    dims, parsed = parse_saved(path.read_bytes())
    parsed = list(parsed)
    count, total, measures = _file_figures(path)
    assert len(parsed) == count
    assert all(len(r) == len(dims) + 3 for r in parsed)
    assert sum(Decimal(r[-2]) for r in parsed if r[-2]) == total
    assert {r[-3] for r in parsed} == measures
    # Text that is not a number would be a flag: the real files have none.
    assert {r[-1] for r in parsed} == {""}


def test_the_openapi_description_is_refused_as_data():
    with pytest.raises(UnknownShapeError, match="not a DTM API answer"):
        parse_saved((IOM / SPEC).read_bytes())


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert {
        "dtm_v3_displacement-admin0-admin0pcode-hti.json",
        "dtm_v3_displacement-admin2-admin0pcode-tcd.json",
        "dtm_v3_displacement-country-list.json",
        "dtm_v3_displacement-operation-list.json",
        "hdx_global-iom-dtm-from-api_hxl_head400.csv",
        SPEC,
    } <= names


@pytest.mark.parametrize(
    ("name", "dataset"),
    [
        ("dtm_v3_displacement-admin0-admin0pcode-hti.json", "displacement_admin0"),
        ("dtm_v3_displacement-admin2-admin0pcode-tcd.json", "displacement_admin2"),
        ("dtm_v3_displacement-country-list.json", "country_list"),
        ("dtm_v3_displacement-operation-list.json", "operation_list"),
    ],
)
def test_real_answers_load_with_their_figures_and_pass_the_gate(warehouse_dsn, name, dataset):
    """The real answers through the loader and the quality gate: the raw table holds the
    file's figures and no blocking rule of the suite fails on real data."""
    import psycopg

    from ingest.loader import load_batch
    from ingest.quality import validate_batch

    ds = DATASETS[dataset]
    content = (IOM / name).read_bytes()
    count, total, _ = _file_figures(IOM / name)
    result = load_batch(warehouse_dsn, ds, rows(ds, content),
                        sha256=hashlib.sha256(content).hexdigest())  # fmt: skip
    assert result.rows_received == result.rows_loaded == count
    with psycopg.connect(warehouse_dsn) as conn:
        n, s = conn.execute(
            f"select count(*), coalesce(sum(nullif(value, '')::numeric), 0) from {ds.raw_table}"
            " where _batch_id = %s",
            (result.batch_id,),
        ).fetchone()
    assert (n, s) == (count, total)
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0
    assert not [f.rule for f in outcome.failures if f.severity == "blocking"]
