"""The situation report (ingest/report): built from the sample warehouse into a
temporary folder, opened in headless Chromium (tests/browser.py) with the network
refused. The numbers read from the pages' DOM (their `data-` attributes) are checked
against the marts queried here, independently of the report's own code."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.browser import artifacts_dir, screenshot, visit

# (level, key, mart, key column): a region, a country and a municipality of the samples.
PAGES = [
    ("region", "western_balkans", "mart_regional_situation", "region_group_key"),
    ("country", "MKD", "mart_national_situation", "country_key"),
    ("municipality", "MK00405", "mart_local_situation", "municipality_lau_code"),
]
SCORECARD_LEVEL = {"region": "region_group", "country": "country", "municipality": "municipality"}
PAGES_LEVELS = ("municipality", "country", "region")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "Ü"'


@pytest.fixture(scope="module")
def site(built_warehouse_dsn, tmp_path_factory) -> Path:
    from ingest.report.site import build_site
    from ingest.roles import TRANSFORMER, runtime_dsn

    out = tmp_path_factory.mktemp("report") / "site"
    index = build_site(runtime_dsn(built_warehouse_dsn, TRANSFORMER), out)
    assert index == out / "index.html" and index.exists()
    return out


@pytest.fixture(scope="module")
def marts(built_warehouse_dsn):
    with psycopg.connect(built_warehouse_dsn, row_factory=dict_row) as conn:
        yield conn


def _open(browser_context, path: Path):
    v = visit(browser_context, path.as_uri())
    # On file:// the harness's networkidle can come before the parser is done with a
    # page's inline chart scripts: wait for the load event too.
    v.page.wait_for_load_state("load")
    return v


def _expected_charts(marts, level, key, mart, key_col) -> set[str]:
    """Which of the four charts the marts have data for, for this place."""
    cols = {
        r["column_name"]
        for r in marts.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = %s",
            (mart,),
        )
    }

    def any_of(*columns, grains=("week", "month", "quarter", "year")) -> bool:
        present = [c for c in columns if c in cols]
        if not present:
            return False
        cond = " or ".join(f"{c} is not null" for c in present)
        row = marts.execute(
            f"select count(*) as n from marts.{mart} where {key_col} = %s"
            f" and period_grain = any(%s) and ({cond})",
            (key, list(grains)),
        ).fetchone()
        return row["n"] > 0

    if level == "municipality":
        countries = [marts.execute(
            "select country_key from marts.mart_local_situation where municipality_lau_code = %s"
            " limit 1", (key,)).fetchone()["country_key"]]  # fmt: skip
    elif level == "country":
        countries = [key]
    else:
        countries = [r["country_key"] for r in marts.execute(
            "select country_key from marts.dim_region_group_member"
            " where region_group_key = %s and is_active_member", (key,))]  # fmt: skip
    pressure = marts.execute(
        "select count(*) as n from marts.mart_municipality_pressure"
        " where country_key = any(%s) and arrivals_per_1000 is not null",
        (countries,),
    ).fetchone()["n"]
    expected = set()
    if any_of("arrivals", "arrivals_national_report", "arrivals_international"):
        expected.add("trend")
    if pressure:
        expected.add("pressure")
    if any_of("bed_days_capacity", "bed_days_occupied", grains=("month", "quarter", "year")):
        expected.add("occupancy")
    if any_of("people_in_need", "people_reached", "funding_planned_eur", "funding_disbursed_eur",
              grains=("month", "quarter", "year")):  # fmt: skip
        expected.add("needs_funding")
    return expected


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _scorecard_mean(marts, level, key, sources, start, end, column) -> Decimal | None:
    row = marts.execute(
        f"select round(avg({column}), 4) as v from marts.mart_quality_scorecard"
        " where geography_level = %s and geography_key = %s and source_dataset_key = any(%s)"
        " and period_start <= %s and period_end >= %s",
        (SCORECARD_LEVEL[level], key, sources, end, start),
    ).fetchone()
    return row["v"]


@pytest.mark.parametrize(("level", "key", "mart", "key_col"), PAGES, ids=[p[0] for p in PAGES])
def test_page_shows_the_marts_figures_and_charts_offline(
    site, marts, browser_context, level, key, mart, key_col
):
    v = _open(browser_context, site / level / f"{key}.html")
    try:
        assert v.problems == []
        screenshot(v, artifacts_dir() / f"report_{level}.png")
        page = v.page

        # Charts: plotly drew each chart the marts have data for; the others say so.
        expected = _expected_charts(marts, level, key, mart, key_col)
        assert expected == {"trend", "pressure", "occupancy", "needs_funding"}  # samples
        drawn = page.evaluate(
            """() => [...document.querySelectorAll('section.chart')].map(s => [
                s.dataset.chart, s.querySelectorAll('.js-plotly-plot .main-svg').length,
                s.querySelector('.no-data')?.textContent ?? null])"""
        )
        assert {name for name, svgs, _ in drawn if svgs} == expected
        assert all(note == "no data reported" for name, svgs, note in drawn if not svgs)
        assert len(drawn) == 4

        # Figures: each value and badge equals the marts.
        rows = page.eval_on_selector_all("tr.figure", "trs => trs.map(tr => ({...tr.dataset}))")
        assert rows, "no figure shown"
        shown = set()
        for r in rows:
            column, grain, start = r["figure"], r["grain"], r["periodStart"]
            shown.add(column)
            mart_row = marts.execute(
                f"select *, period_end from marts.{mart}"
                f" where {key_col} = %s and period_grain = %s and period_start = %s",
                (key, grain, start),
            ).fetchone()
            assert mart_row is not None, r
            value = mart_row[column]
            assert _dec(r["value"]) == (None if value is None else Decimal(value)), r
            # The latest period of the figure: no later one of that grain has a value.
            later = marts.execute(
                f"select count(*) as n from marts.{mart} where {key_col} = %s and"
                f" period_grain = %s and period_start > %s and {column} is not null",
                (key, grain, start),
            ).fetchone()["n"]
            assert later == 0, r
            sources = [s.strip() for s in r["source"].split(",") if s.strip()]
            for part in ("freshness", "completeness", "validity"):
                assert _dec(r[part]) == _scorecard_mean(
                    marts, level, key, sources, mart_row["period_start"],
                    mart_row["period_end"], f"{part}_score",
                ), (r, part)  # fmt: skip
            if r["complete"] == "false":
                assert r["coverage"] in (mart_row["incomplete_figures"] or ""), r
        # Every figure the mart has at month, quarter or year grain is on the page.
        figure_cols = [c for c in (
            "population", "arrivals", "arrivals_per_1000", "arrivals_national_report",
            "arrivals_international", "bed_days_capacity", "occupancy_rate",
            "asylum_applications", "decisions_total", "people_in_need", "funding_planned_eur",
        ) if c in mart_row]  # fmt: skip
        for column in figure_cols:
            n = marts.execute(
                f"select count(*) as n from marts.{mart} where {key_col} = %s and"
                f" period_grain in ('month', 'quarter', 'year') and {column} is not null",
                (key,),
            ).fetchone()["n"]
            assert (column in shown) == (n > 0), column
    finally:
        v.page.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _links(path: Path) -> list[str]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def test_index_links_every_page_and_no_link_is_broken(site, marts):
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"index.html"}
    linked = {h for h in _links(site / "index.html") if h.endswith(".html") and "/" in h}
    assert linked == pages
    counts = {lv: len(list((site / lv).glob("*.html"))) for lv in PAGES_LEVELS}
    expected = {
        "municipality": "select count(distinct municipality_lau_code)"
        " from marts.mart_local_situation",
        "country": "select count(distinct country_key) from marts.mart_national_situation",
        "region": "select count(distinct region_group_key) from marts.mart_regional_situation",
    }  # fmt: skip
    for lv, q in expected.items():
        assert counts[lv] == marts.execute(q).fetchone()["count"], lv
    for page in site.rglob("*.html"):
        for link in _links(page):
            target = (page.parent / urlsplit(link).path).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: broken link {link}"


# plotly.min.js (plotly.js as the installed plotly wheel ships it, byte for byte)
# names some URLs. The XML namespace URIs are identifiers handed to createElementNS
# and setAttributeNS, never requested. The rest are hosts only plotly's map and geo
# traces, features the report switches off, or comments and messages would use; the
# report draws bar and scatter traces only, and the browser test above refuses and
# records any request leaving the machine. Listed host by host, so that a plotly
# upgrade bringing a new one fails here and gets a look.
XML_NAMESPACES = {
    "http://www.w3.org/1999/xhtml", "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/svg", "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
}  # fmt: skip
PLOTLY_INERT_HOSTS = {
    # map traces (maplibre): basemap styles, tiles, glyphs, sprites, icons, attributions
    "basemaps.cartocdn.com", "tiles.basemaps.cartocdn.com", "fonts.openmaptiles.org",
    "geoserveis.icgc.cat", "tilemaps.icgc.cat", "server.arcgisonline.com",
    "tile.openstreetmap.org", "www.openstreetmap.org", "wiki.openstreetmap.org",
    "www.esri.com", "maplibre.org", "cdn.jsdelivr.net",
    # geo traces' topojson (config topojsonURL, pointed into the site by the report)
    "cdn.plot.ly",
    # config defaults the report turns off: the logo link, Chart Studio's URL
    "plotly.com", "cloud.plotly.com",
    # the message shown where WebGL is missing (gl traces only)
    "get.webgl.org",
    # licence and source comments of bundled libraries
    "feross.org", "getify.mit-license.org", "syntheti.cc", "github.com",
}  # fmt: skip
URL = re.compile(r"""https?://[^\s"'`<>()\\]+""")
# A protocol-relative URL (//host/...) where a browser would fetch it.
RELATIVE_HOST = re.compile(
    r"""(?:(?:src|href|action)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])//"""
)


def test_no_file_names_an_external_url(site):
    files = [p for p in site.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"index.html", "plotly.min.js", "report.css"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        urls = set(URL.findall(text))
        if path == site / "static" / "plotly.min.js":
            other = {u for u in urls - XML_NAMESPACES if urlsplit(u).hostname not in
                     PLOTLY_INERT_HOSTS}  # fmt: skip
            assert other == set(), f"plotly.min.js names new URLs: {sorted(other)}"
        else:
            assert urls == set(), f"{path.relative_to(site)}: {sorted(urls)}"
            assert not RELATIVE_HOST.search(text), path.relative_to(site)


def test_a_hostile_municipality_name_is_text_everywhere(
    built_warehouse_dsn, browser_context, tmp_path
):
    """Runs last in the module: it renames a municipality in its clone of the marts."""
    from ingest.report.site import build_site
    from ingest.roles import TRANSFORMER, runtime_dsn

    with psycopg.connect(built_warehouse_dsn) as conn:
        for table in ("mart_local_situation", "mart_municipality_pressure"):
            conn.execute(
                f"update marts.{table} set municipality_name = %s"
                " where municipality_lau_code = 'MK00405'",
                (HOSTILE,),
            )
    out = build_site(runtime_dsn(built_warehouse_dsn, TRANSFORMER), tmp_path / "site").parent
    for path in (out / "municipality" / "MK00405.html", out / "index.html"):
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw
    v = _open(browser_context, out / "municipality" / "MK00405.html")
    try:
        assert v.problems == []
        assert v.page.locator("h1").inner_text().startswith(HOSTILE)
        assert v.page.locator("img").count() == 0
        # In the pressure chart the name is plotly text, not markup.
        labels = v.page.locator("#chart-pressure .ytick text").all_text_contents()
        assert f"{HOSTILE} (MKD)" in labels
    finally:
        v.page.close()
