"""Build the situation report: a static, offline HTML site with one page per
municipality (those in the local marts), country and region group, and an index.

    <site>/index.html
    <site>/static/plotly.min.js, report.css  (plotly.js from the installed package)
    <site>/{municipality,country,region}/<key>.html

Every page references the static files relatively, so the site opens from disk or
any web server with no network: no CDN, no web fonts, no MathJax. It is built in a
sibling folder and swapped in (`ingest.sites.building`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ingest.config import state_dir
from ingest.report import charts
from ingest.report.queries import (
    LEVELS,
    Figure,
    LevelData,
    ReportData,
    badge,
    latest_value,
    period_label,
    read_report_data,
)
from ingest.sites import building

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHARTS = (
    ("trend", "Arrivals trend"),
    ("pressure", "Pressure ranking: arrivals per 1,000 inhabitants"),
    ("occupancy", "Reception occupancy against capacity"),
    ("needs_funding", "Needs against funding"),
)


def site_dir() -> Path:
    return Path(os.environ.get("MWH_SITE_DIR", state_dir() / "site"))


def site_index(out_dir: Path | None = None) -> Path | None:
    index = (out_dir or site_dir()) / "index.html"
    return index if index.exists() else None


def page_name(key: str) -> str:
    """A file name for a place's key (LAU, ISO3 and region keys are already safe)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", key) + ".html"


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )
    env.filters["band"] = lambda s: (
        "na" if s is None else "good" if s >= Decimal("0.9") else "fair" if s >= Decimal("0.7")
        else "poor"
    )  # fmt: skip
    env.filters["score"] = lambda s: "not scored" if s is None else f"{s:.2f}"
    return env


def display(figure: Figure, value) -> str:
    if figure.kind == "count":
        return f"{int(value):,}"
    if figure.kind == "eur":
        return f"€{value:,.0f}"
    if figure.kind == "rate":
        return f"{value * 100:.1f} %"
    return f"{value:,.2f}"


@dataclass
class ShownFigure:
    column: str
    label: str
    period: str
    period_start: str
    grain: str
    raw: str
    display: str
    suppressed: str | None
    badge: object
    grain_has_coverage: bool
    coverage_title: str


def shown_figures(data: LevelData, rows: list[dict]) -> list[ShownFigure]:
    shown = []
    for figure in data.figures:
        row = latest_value(figure, rows, data.level.grains)
        if row is None:
            continue
        value = row[figure.column]
        suppressed = row.get(f"{figure.column}_suppression") if value is None else None
        b = badge(figure, row, data.scorecard)
        shown.append(ShownFigure(
            column=figure.column, label=figure.label,
            period=period_label(row["period_start"], row["period_grain"]),
            period_start=row["period_start"].isoformat(), grain=row["period_grain"],
            raw="" if value is None else str(value),
            display=f"suppressed ({suppressed})" if value is None else display(figure, value),
            suppressed=suppressed, badge=b,
            grain_has_coverage=figure.column != "population",
            coverage_title=(f"{figure.covered_by or figure.column} covers "
                            f"{b.coverage_days or 'the whole period'}"),
        ))  # fmt: skip
    return shown


def _render_chart(name: str, fig: dict | None) -> str | None:
    if fig is None:
        return None
    import plotly.io as pio
    from markupsafe import Markup

    return Markup(pio.to_html(
        fig, validate=False, full_html=False, include_plotlyjs=False, include_mathjax=False,
        config=charts.CONFIG, div_id=f"chart-{name}", default_height=f"{charts.HEIGHT}px",
    ))  # fmt: skip


@dataclass
class Page:
    level: str
    key: str
    name: str
    href: str  # from the site's root
    meta: str


def _scope(data: ReportData, level: str, key: str, rows: list[dict]) -> tuple[set, str | None]:
    """The countries whose municipalities the pressure ranking shows, and the
    municipality to highlight."""
    if level == "municipality":
        return {rows[0]["country_key"]} if "country_key" in rows[0] else set(), key
    if level == "country":
        return {key}, None
    return set(data.members.get(key, ())), None


def build_site(dsn: str, out_dir: Path | None = None) -> Path:
    """Read the marts (as the DSN's role: the transform's `transformer`) and write the
    site; returns the path of its index.html."""
    import plotly.offline

    started = time.perf_counter()
    out_dir = Path(out_dir or site_dir()).resolve()
    data = read_report_data(dsn)
    env = _environment()
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    place_tpl = env.get_template("place.html")
    by_level: dict[str, list[Page]] = {}
    with building(out_dir) as tmp:
        static = tmp / "static"
        static.mkdir()
        (static / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
        shutil.copyfile(TEMPLATES / "report.css", static / "report.css")
        names = {lv: {} for lv in LEVELS}
        grouped = {}
        for level, ld in data.levels.items():
            grouped[level] = {}
            for row in ld.rows:
                grouped[level].setdefault(row["place_key"], []).append(row)
                names[level][row["place_key"]] = row["place_name"] or row["place_key"]
        for level, ld in data.levels.items():
            (tmp / level).mkdir()
            pages = by_level.setdefault(level, [])
            for key, rows in grouped[level].items():
                countries, highlight = _scope(data, level, key, rows)
                pressure = [p for p in data.pressure if p["country_key"] in countries]
                figs = {
                    "trend": charts.arrivals_trend(rows, ld.level.grains),
                    "pressure": charts.pressure_ranking(pressure, highlight),
                    "occupancy": charts.occupancy(rows, ld.level.grains),
                    "needs_funding": charts.needs_funding(rows, ld.level.grains),
                }
                related = _related(data, names, level, key, rows)
                html = place_tpl.render(
                    root="../", title=names[level][key], built_at=built_at, level=ld.level,
                    key=key, name=names[level][key], code=key if level != "region" else None,
                    related=related, figures=shown_figures(ld, rows),
                    charts=[{"name": n, "title": t, "html": _render_chart(n, figs[n])}
                            for n, t in CHARTS],
                )  # fmt: skip
                (tmp / level / page_name(key)).write_text(html, encoding="utf-8")
                latest = max(r["period_start"] for r in rows)
                charted = sum(f is not None for f in figs.values())
                pages.append(
                    Page(
                        level,
                        key,
                        names[level][key],
                        f"{level}/{page_name(key)}",
                        f"{key} · data to {latest:%b %Y} · {charted} charts",
                    )
                )
        groups = [
            {"level": LEVELS[lv], "title": t, "pages": sorted(by_level[lv], key=lambda p: p.name)}
            for lv, t in (("region", "Region groups"), ("country", "Countries"),
                          ("municipality", "Municipalities"))
        ]  # fmt: skip
        (tmp / "index.html").write_text(
            env.get_template("index.html").render(
                root="", title="Index", built_at=built_at, groups=groups),
            encoding="utf-8",
        )  # fmt: skip
    log.info(
        "situation report: %s pages in %s (%.1fs)",
        sum(len(p) for p in by_level.values()), out_dir, time.perf_counter() - started,
    )  # fmt: skip
    return out_dir / "index.html"


def _related(data: ReportData, names: dict, level: str, key: str, rows: list[dict]) -> list:
    """Links up and down the levels: a municipality's country, a country's region
    groups and municipalities, a region's member countries (pages that exist)."""
    links = []
    if level == "municipality":
        country = rows[0].get("country_key")
        if country in names["country"]:
            links.append(("country", country))
    elif level == "country":
        links += [("region", r) for r, m in data.members.items()
                  if key in m and r in names["region"]]  # fmt: skip
        links += [("municipality", m) for m, ms in _municipalities_of(data).items() if ms == key]
    else:
        links += [("country", c) for c in data.members.get(key, ()) if c in names["country"]]
    return [{"href": f"../{lv}/{page_name(k)}", "name": names[lv][k]} for lv, k in links]


def _municipalities_of(data: ReportData) -> dict[str, str]:
    return {r["place_key"]: r["country_key"] for r in data.levels["municipality"].rows}
