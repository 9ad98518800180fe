"""GX Data Docs rebuilt from the stored results: the suite, each validation, a swap
into place that leaves nothing behind, a site that needs no network (checked in the
files and in Chromium) and shows each expectation's severity. dbt docs generated
against a small built warehouse as one static page, and a failure reported rather
than raised."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re

import pytest

from ingest.config import with_dbname
from ingest.dbt_docs import STATIC_INDEX
from ingest.docs import build_data_docs, data_docs_current, data_docs_index
from ingest.loader import load_batch
from ingest.quality import validate_batch
from ingest.sources.eurostat.datasets import DATASETS
from tests.browser import artifacts_dir, screenshot, visit

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


@pytest.fixture(scope="module")
def dbt_docs_out(warehouse_dsn, run_dbt):
    """A seed and the marts table built from it; the docs are generated into the
    same target folder afterwards, which starts from the session's parse, so dbt
    does not parse the project again."""
    run_dbt(warehouse_dsn, "build", "--select", "+dim_source",
            "--exclude-resource-type", "test", "unit_test")  # fmt: skip
    return run_dbt.folder / "target"


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


@pytest.fixture(scope="module")
def mwh_docs(warehouse_dsn, batch, dbt_docs_out, tmp_path_factory):
    """`mwh docs` run once for the two tests below (dbt docs generation is their slow
    part): GX Data Docs into a folder of their own, dbt docs into the build's target
    folder. (exit code, GX Data Docs folder, and what was printed before, by and after
    the command: `print_data_docs` round it.)"""
    from ingest.cli import main, print_data_docs

    out = tmp_path_factory.mktemp("mwh-docs") / "docs"
    printed, codes = [], []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WAREHOUSE_DSN", warehouse_dsn)
        mp.setenv("MWH_DATA_DOCS_DIR", str(out))
        mp.setenv("MWH_DBT_DOCS_DIR", str(dbt_docs_out))
        for step in (print_data_docs, lambda: main(["docs"]), print_data_docs):
            with contextlib.redirect_stdout(io.StringIO()) as stdout:
                codes.append(step())
            printed.append(stdout.getvalue())
    return codes[1], out, printed


def test_dbt_docs_are_one_static_page_with_the_warehouse_catalog(mwh_docs, dbt_docs_out):
    _, _, (_, docs, _) = mwh_docs
    index = dbt_docs_out / STATIC_INDEX
    # The page build_dbt_docs made and returned (the command prints its path).
    assert docs.splitlines()[-1] == f"dbt docs: {index.as_uri()}" and index.exists()
    page = index.read_text()
    # The manifest and the catalog are inlined: the page needs no other file.
    assert "model.migration_warehouse.dim_source" in page
    assert "model.migration_warehouse.fct_funding" in page
    # The catalog is read from the warehouse: columns of what was built, nothing more.
    catalog = json.loads((dbt_docs_out / "catalog.json").read_text())["nodes"]
    assert "expected_cadence_days" in catalog["model.migration_warehouse.dim_source"]["columns"]
    assert "model.migration_warehouse.fct_funding" not in catalog


def test_a_dbt_docs_failure_is_printed_not_raised(warehouse_dsn, tmp_path, monkeypatch, capsys):
    from ingest.cli import build_dbt_docs_or_say_why, print_dbt_docs

    monkeypatch.setenv("MWH_DBT_DOCS_DIR", str(tmp_path / "dbt_docs"))
    gone = with_dbname(warehouse_dsn, "mwh_no_such_database")

    index = build_dbt_docs_or_say_why(gone)
    print_dbt_docs(index)

    assert index is None
    out = capsys.readouterr().out
    assert "dbt docs not built: " in out and "dbt-docs.log" in out
    assert 'database "mwh_no_such_database" does not exist' in out
    assert out.splitlines()[-1] == "dbt docs: not built (why: see above)"


def test_mwh_docs_prints_both_paths(mwh_docs, dbt_docs_out):
    code, out, (before, docs, after) = mwh_docs
    assert before.startswith("GX Data Docs: not built")

    assert code == 0
    uri = (out / "index.html").as_uri()
    assert docs.splitlines() == [
        f"GX Data Docs: {uri}",
        f"dbt docs: {(dbt_docs_out / STATIC_INDEX).as_uri()}",
    ]
    assert after.strip() == f"GX Data Docs: {uri}"


# A URL a file could make the browser fetch: absolute or protocol-relative.
_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s"'`()<>\\]*""")
# XML namespace names (Bootstrap's CSS has SVG data URIs, vega builds SVG): names,
# never fetched. Allowed in every file.
XML_NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                  "http://www.w3.org/2000/xmlns/")  # fmt: skip
# What the vendored files (the npm releases, unmodified) hold besides: licence
# headers and project links in comments, links in error messages, vega-lite's
# `$schema` name and the target of vega-embed's "Open in Vega Editor" menu item (a
# link the reader may follow). None is requested by a page; the Chromium test below
# would catch one that is. Allowed under static/vendor/ only.
VENDOR_TEXT_URLS = {
    "http://djhvscf.github.io/Blog", "http://opensource.org/licenses/MIT",
    "http://wenzhixin.net.cn/", "http://www.apache.org/licenses/LICENSE-2.0",
    "https://bootstrap-table.com", "https://fontawesome.com",
    "https://fontawesome.com/license/free", "https://getbootstrap.com/",
    "https://github.com/Starcounter-Jack/JSON-Patch",
    "https://github.com/twbs/bootstrap/blob/master/LICENSE",
    "https://github.com/twbs/bootstrap/graphs/contributors",
    "https://github.com/uxsolutions/bootstrap-datepicker",
    "https://github.com/vega/vega-lite/issues/2415", "https://popper.js.org/",
    "https://vega.github.io/editor/", "https://vega.github.io/schema/vega/v5.json",
}  # fmt: skip


def test_no_generated_page_or_asset_names_an_external_url(mwh_docs, warehouse_dsn):
    _, out, _ = mwh_docs
    found = {}
    files = [p for p in out.rglob("*") if p.suffix in (".html", ".css", ".js")]
    for path in files:
        allowed = XML_NAMESPACES
        if path.relative_to(out).as_posix().startswith("static/vendor/"):
            allowed += tuple(VENDOR_TEXT_URLS)
        for url in set(_URL.findall(path.read_text(encoding="utf-8"))) - set(allowed):
            found.setdefault(url, []).append(path.relative_to(out).as_posix())
    assert len(files) > 20 and found == {}
    # The fonts the icons need are in the site.
    assert list(out.glob("static/vendor/fontawesome-free-*/webfonts/fa-solid-900.woff2"))
    # Nothing new validated since: a DAG's data_docs task skips the rebuild.
    assert data_docs_current(warehouse_dsn, out)


_FA_LOADED = """() => [...document.fonts].some(
    f => f.family.includes('Font Awesome') && f.status === 'loaded')"""


def test_site_works_offline_in_chromium_with_icons_and_severity(mwh_docs, browser_context):
    _, out, _ = mwh_docs
    index = visit(browser_context, (out / "index.html").as_uri())
    assert index.problems == []
    # bootstrap-table (jQuery, Bootstrap) builds the list of runs from the page's data.
    runs = index.page.locator("table tbody tr:visible", has=index.page.locator("i.fas"))
    assert runs.count() > 0
    assert index.page.evaluate(_FA_LOADED)

    page = next((out / "validations" / DS.key).rglob("*.html"))
    v = visit(browser_context, page.as_uri())
    assert v.problems == []
    assert v.page.evaluate(_FA_LOADED)
    # The status icons are drawn with the icon font, not a fallback.
    icon = v.page.locator("i.fa-times.text-danger").first
    assert "Font Awesome" in icon.evaluate("e => getComputedStyle(e, '::before').fontFamily")
    assert icon.bounding_box()["width"] > 0
    assert v.page.locator("th", has_text="Severity").first.is_visible()
    badges = v.page.locator(".mwh-severity:visible")
    assert badges.count() > 0
    assert {"blocking", "warning"} <= set(badges.all_inner_texts())
    screenshot(v, artifacts_dir() / "data_docs.png")
