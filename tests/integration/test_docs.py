"""GX Data Docs rebuilt from the stored results: the suite, each validation, a swap
into place that leaves nothing behind."""

from __future__ import annotations

import hashlib

import pytest

from ingest.docs import build_data_docs, data_docs_index
from ingest.loader import load_batch
from ingest.quality import validate_batch
from ingest.sources.eurostat.datasets import DATASETS

DS = DATASETS["asylum_applicants_monthly"]


def _row(citizen="SY", value="15"):
    dims = ("M", "PER", citizen, "T", "FRST", "TOTAL", "AT", "2025-01")
    return (*dims, "migr_asyappctzm", value, "")


@pytest.fixture(scope="module")
def batch(warehouse_dsn):
    rows = [_row(), _row(citizen="AF", value="12x")]
    sha = hashlib.sha256(b"docs").hexdigest()
    batch_id = load_batch(warehouse_dsn, DS, rows, sha256=sha, request="docs").batch_id
    validate_batch(warehouse_dsn, DS, batch_id)
    return batch_id


def _site(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


def test_site_has_the_suite_and_the_batch(warehouse_dsn, batch, tmp_path):
    out = tmp_path / "data_docs"
    assert data_docs_index(out) is None

    index = build_data_docs(warehouse_dsn, out)

    assert index == out / "index.html" and index.exists()
    assert data_docs_index(out) == index
    assert f"expectations/{DS.key}.html" in _site(out)
    pages = list((out / "validations" / DS.key / f"batch {batch}").rglob("*.html"))
    assert len(pages) == 1
    assert DS.key in pages[0].read_text()
    assert f"batch {batch}" in index.read_text()
    # Counts only: the failing value never reaches the site.
    assert "12x" not in pages[0].read_text()


def test_rebuild_is_idempotent_and_leaves_no_temporary_folder(warehouse_dsn, batch, tmp_path):
    out = tmp_path / "data_docs"
    build_data_docs(warehouse_dsn, out)
    first = _site(out)
    build_data_docs(warehouse_dsn, out)
    assert _site(out) == first
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["data_docs"]


def test_mwh_docs_prints_the_path(warehouse_dsn, batch, tmp_path, monkeypatch, capsys):
    from ingest.cli import main, print_data_docs

    out = tmp_path / "docs"
    monkeypatch.setenv("WAREHOUSE_DSN", warehouse_dsn)
    monkeypatch.setenv("MWH_DATA_DOCS_DIR", str(out))
    print_data_docs()
    assert capsys.readouterr().out.startswith("GX Data Docs: not built")

    assert main(["docs"]) == 0
    uri = (out / "index.html").as_uri()
    assert capsys.readouterr().out.strip() == f"GX Data Docs: {uri}"
    print_data_docs()
    assert capsys.readouterr().out.strip() == f"GX Data Docs: {uri}"
