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


def _dataset_files() -> list[Path]:
    """The real answers of datasets the warehouse ingests (recognised by their code)."""
    from ingest.sources.eurostat import recognise

    out = []
    for path in FILES:
        doc = json.loads(path.read_bytes())
        if _kind(doc) == "dataset" and recognise(doc) is not None:
            out.append(path)
    return out


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert "migr_asyappctzm_FR_12m_jsonstat.json" in names
    assert "eurostat_migr_eipre_CH_PT_SE_2010_2023.json" in names
    assert "error_413_extraction_too_big.json" in names
    assert {p.name for p in _dataset_files()} >= {
        "migr_asyappctzm_FR_12m_jsonstat.json",
        "eurostat_migr_eipre_CH_PT_SE_2010_2023.json",
    }


def test_the_real_too_big_body_says_how_to_split():
    content = (EUROSTAT / "error_413_extraction_too_big.json").read_bytes()
    with pytest.raises(jsonstat.ExtractionTooBigError) as exc:
        parse_saved(content)
    assert (exc.value.estimated_rows, exc.value.max_rows) == (8068608, 5000000)
    with pytest.raises(jsonstat.AsynchronousResponseError):
        parse_saved((EUROSTAT / "error_413_asynchronous_response.json").read_bytes())


def _time_slice(doc: dict, keep: list[str]) -> dict:
    """The part of a JSON-stat answer for some periods of its last dimension (`time`),
    re-indexed the way Eurostat would answer the narrower request."""
    assert doc["id"][-1] == "time"
    index = doc["dimension"]["time"]["category"]["index"]
    times = sorted(index, key=index.get)
    n = len(times)
    new_pos = {times.index(t): i for i, t in enumerate(keep)}

    def remap(cells: dict) -> dict:
        out = {}
        for key, item in cells.items():
            series, t = divmod(int(key), n)
            if t in new_pos:
                out[str(series * len(keep) + new_pos[t])] = item
        return out

    part = json.loads(json.dumps(doc))
    part["size"][-1] = len(keep)
    part["dimension"]["time"]["category"]["index"] = {t: i for i, t in enumerate(keep)}
    part["value"] = remap(doc["value"])
    if doc.get("status"):
        part["status"] = remap(doc["status"])
    return part


def test_real_too_big_answer_then_halves_give_the_whole_file(monkeypatch):
    """The FR file asked as one request answered with the real EXTRACTION_TOO_BIG body:
    the client asks for two halves of the year, and the batch holds the file's own
    count and sum of observations."""
    from ingest.http import make_session
    from ingest.payload import parts
    from ingest.sources.eurostat import client
    from ingest.sources.eurostat import rows as eurostat_rows
    from ingest.sources.eurostat.datasets import DATASETS
    from tests.fakehttp import FakeServer, Reply

    doc = json.loads((EUROSTAT / "migr_asyappctzm_FR_12m_jsonstat.json").read_bytes())
    too_big = (EUROSTAT / "error_413_extraction_too_big.json").read_bytes()
    months = sorted(doc["dimension"]["time"]["category"]["index"])
    halves = [_time_slice(doc, months[:6]), _time_slice(doc, months[6:])]
    replies = [Reply(413, too_big), *(Reply(200, json.dumps(h).encode()) for h in halves)]
    filters = {"geo": "FR", "sinceTimePeriod": months[0], "untilTimePeriod": months[-1]}
    with FakeServer(replies) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, _ = client.fetch_dataset(
            "migr_asyappctzm", filters, frequency="M",
            session=make_session(retries=0, timeout=(5, 30)),
        )  # fmt: skip
    assert len(srv.seen) == 3 and len(parts(content)) == 2
    assert "untilTimePeriod=2025-04" in srv.seen[1].path
    assert "sinceTimePeriod=2025-05" in srv.seen[2].path
    rows = list(eurostat_rows(DATASETS["asylum_applicants_monthly"], content))
    count, total = _file_figures(doc)
    assert len(rows) == count
    assert sum(Decimal(r[-2]) for r in rows if r[-2]) == total


@pytest.mark.parametrize("path", _dataset_files(), ids=lambda p: p.name)
def test_real_file_loads_into_its_dataset_with_its_count_and_sum(warehouse_dsn, path):
    """A real answer through the loader and the dataset's suite: the raw table holds
    the file's figures and real figures pass every blocking rule."""
    import hashlib

    import psycopg

    from ingest.loader import load_batch
    from ingest.quality import validate_batch
    from ingest.sources.eurostat import recognise
    from ingest.sources.eurostat import rows as eurostat_rows

    content = path.read_bytes()
    doc = json.loads(content)
    ds = recognise(doc)
    count, total = _file_figures(doc)
    result = load_batch(
        warehouse_dsn, ds, eurostat_rows(ds, content), sha256=hashlib.sha256(content).hexdigest()
    )
    assert result.rows_received == result.rows_loaded == count
    with psycopg.connect(warehouse_dsn) as conn:
        n, s = conn.execute(
            f"select count(*), sum(nullif(value, '')::numeric) from {ds.raw_table}"  # noqa: S608
            " where _batch_id = %s",
            (result.batch_id,),
        ).fetchone()
    assert (n, s) == (count, total)
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0
    assert not [f.rule for f in outcome.failures if f.severity == "blocking"]
