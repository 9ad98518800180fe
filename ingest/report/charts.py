"""The report's charts: plotly figures as plain dicts (no validation pass: a page
builds in milliseconds), rendered as a div and a script that calls the plotly.js the
site ships in `static/` (never a CDN, never MathJax).

A chart function returns None when its level has no such data: the page then says
"no data reported" instead of drawing an empty chart.
"""

from __future__ import annotations

import html

from ingest.report.queries import period_label, series

# plotly.js fetches nothing with these: no logo link, no "send to Chart Studio" (its
# "showLink" and "showEditInChartStudio" are off by default), no
# MathJax typesetting; the topojson folder (only geo traces load it, the report has
# none) points into the site instead of plotly's CDN.
CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "typesetMath": False,
    "responsive": True,
    "topojsonURL": "../static/",
}
HEIGHT = 340
COLORS = {
    "arrivals": "#1f6f8b",
    "arrivals_national_report": "#e07b39",
    "arrivals_international": "#6a4c93",
    "bed_days_capacity": "#9fb8c8",
    "bed_days_occupied": "#1f6f8b",
    "occupancy_rate": "#c0392b",
    "people_in_need": "#e07b39",
    "people_reached": "#f3c59b",
    "funding_planned_eur": "#2e8b57",
    "funding_disbursed_eur": "#a8d5ba",
    "highlight": "#c0392b",
    "other": "#1f6f8b",
}
TREND = {
    "arrivals": "Registered by municipalities",
    "arrivals_national_report": "Registered by the national body",
    "arrivals_international": "Counted by UNHCR",
}


def text(value) -> str:
    """A label for plotly's own text markup (it reads <b>, <br>, <a href>): entities
    for `<`, `>` and `&`, so a name can never become markup or a link."""
    return html.escape(str(value), quote=False)


def _layout(title: str, **more) -> dict:
    return {
        "title": {"text": text(title), "font": {"size": 15}},
        "height": HEIGHT,
        "margin": {"l": 60, "r": 30, "t": 50, "b": 50},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        **more,
    }


def _axis(title: str = "", **more) -> dict:
    return {"title": {"text": text(title)}, "gridcolor": "#e5e5e5", "zeroline": False, **more}


def _num(value):
    return None if value is None else float(value)


def arrivals_trend(rows: list[dict], grains: tuple[str, ...]) -> dict | None:
    columns = tuple(c for c in TREND if rows and c in rows[0])
    grain, periods = series(rows, columns, grains)
    if not grain:
        return None
    labels = [period_label(r["period_start"], grain) for r in periods]
    data = []
    for column in columns:
        if all(r[column] is None for r in periods):
            continue
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": TREND[column],
            "x": labels, "y": [_num(r[column]) for r in periods],
            "line": {"color": COLORS[column]},
            # An incomplete period (a partial total) is an open marker.
            "marker": {"size": 8, "symbol": [
                "circle" if r["is_complete_period"] else "circle-open" for r in periods]},
            "text": [text(r["incomplete_figures"] or "whole period") for r in periods],
            "hovertemplate": "%{x}: %{y:,}<br>%{text}<extra>%{fullData.name}</extra>",
        })  # fmt: skip
    return {
        "data": data,
        "layout": _layout(
            f"Arrivals per {grain} (open marker: partial period)",
            xaxis=_axis(type="category"),
            yaxis=_axis("persons", rangemode="tozero"),
        ),
    }


def pressure_ranking(pressure: list[dict], highlight: str | None) -> dict | None:
    """Municipalities ranked by arrivals per 1,000 inhabitants in the latest month in
    which any of them has a figure (`pressure` is already the page's scope)."""
    scored = [p for p in pressure if p["arrivals_per_1000"] is not None]
    if not scored:
        return None
    month = max(p["period_start"] for p in scored)
    ranked = sorted(
        (p for p in scored if p["period_start"] == month),
        key=lambda p: (-p["arrivals_per_1000"], p["municipality_lau_code"]),
    )
    ranked.reverse()  # the most affected at the top of a horizontal bar chart
    unranked = sum(1 for p in pressure if p["period_start"] == month) - len(ranked)
    note = f"; {unranked} more without a figure" if unranked else ""
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [_num(p["arrivals_per_1000"]) for p in ranked],
                "y": [text(f"{p['municipality_name']} ({p['country_key']})") for p in ranked],
                "marker": {
                    "color": [
                        COLORS["highlight"]
                        if p["municipality_lau_code"] == highlight
                        else COLORS["other"]
                        for p in ranked
                    ]
                },
                "customdata": [[p["pressure_rank"], p["arrivals"]] for p in ranked],
                "hovertemplate": "%{y}: %{x:.2f} per 1,000 (rank %{customdata[0]},"
                " %{customdata[1]:,} arrivals)<extra></extra>",
            }
        ],  # fmt: skip
        "layout": _layout(
            f"Arrivals per 1,000 inhabitants, {period_label(month, 'month')}{note}",
            xaxis=_axis("arrivals per 1,000 inhabitants", rangemode="tozero"),
            yaxis=_axis(type="category", automargin=True),
            margin={"l": 160, "r": 30, "t": 50, "b": 50},
        ),
    }


def occupancy(rows: list[dict], grains: tuple[str, ...]) -> dict | None:
    columns = ("bed_days_capacity", "bed_days_occupied")
    if not rows or "bed_days_capacity" not in rows[0]:
        return None
    grain, periods = series(rows, columns, tuple(g for g in grains if g != "week"))
    if not grain:
        return None
    periods = [r for r in periods if any(r[c] is not None for c in columns)]
    labels = [period_label(r["period_start"], grain) for r in periods]
    data = [
        {"type": "bar", "name": name, "x": labels, "y": [_num(r[c]) for r in periods],
         "marker": {"color": COLORS[c]}, "hovertemplate": "%{x}: %{y:,} bed-days"}
        for c, name in (("bed_days_capacity", "Capacity"), ("bed_days_occupied", "Occupied"))
    ]  # fmt: skip
    data.append({
        "type": "scatter", "mode": "lines+markers", "name": "Occupancy rate", "yaxis": "y2",
        "x": labels, "y": [_num(r["occupancy_rate"]) for r in periods],
        "line": {"color": COLORS["occupancy_rate"]}, "hovertemplate": "%{x}: %{y:.1%}",
    })  # fmt: skip
    return {
        "data": data,
        "layout": _layout(
            f"Reception: occupied against capacity, per {grain}",
            barmode="group", xaxis=_axis(type="category"),
            yaxis=_axis("bed-days", rangemode="tozero"),
            yaxis2=_axis("occupancy rate", overlaying="y", side="right", tickformat=".0%",
                         rangemode="tozero", showgrid=False),
        ),
    }  # fmt: skip


def needs_funding(rows: list[dict], grains: tuple[str, ...]) -> dict | None:
    """People in need and reached beside funds planned and disbursed, each at the
    finest grain it is reported in (needs count in their month only, funds in the
    periods of their lines), in two panels."""
    if not rows or "people_in_need" not in rows[0]:
        return None
    grains = tuple(g for g in grains if g != "week")
    panels = []
    for columns, axis_title in (
        (("people_in_need", "people_reached"), "persons"),
        (("funding_planned_eur", "funding_disbursed_eur"), "euros"),
    ):
        grain, periods = series(rows, columns, grains)
        periods = [r for r in periods if any(r[c] is not None for c in columns)]
        if grain:
            panels.append((columns, axis_title, grain, periods))
    if not panels:
        return None
    names = {
        "people_in_need": "People in need",
        "people_reached": "People reached",
        "funding_planned_eur": "Funds planned",
        "funding_disbursed_eur": "Funds disbursed",
    }
    data, layout_axes, titles = [], {}, []
    width = 1 / len(panels)
    for i, (columns, axis_title, grain, periods) in enumerate(panels, start=1):
        labels = [period_label(r["period_start"], grain) for r in periods]
        for c in columns:
            data.append({
                "type": "bar", "name": names[c], "x": labels, "y": [_num(r[c]) for r in periods],
                "xaxis": f"x{i}", "yaxis": f"y{i}", "marker": {"color": COLORS[c]},
                "hovertemplate": "%{x}: %{y:,}",
            })  # fmt: skip
        suffix = "" if i == 1 else str(i)
        layout_axes[f"xaxis{suffix}"] = _axis(
            type="category", domain=[(i - 1) * width + 0.06 * (i > 1), i * width - 0.06],
            anchor=f"y{i}")  # fmt: skip
        layout_axes[f"yaxis{suffix}"] = _axis(axis_title, anchor=f"x{i}", rangemode="tozero")
        titles.append(("Needs" if columns[0] == "people_in_need" else "Funds") + f" per {grain}")
    missing = {"Needs", "Funds"} - {t.split()[0] for t in titles}
    note = f" (no {missing.pop().lower()} reported)" if missing else ""
    return {
        "data": data,
        "layout": _layout(" · ".join(titles) + note, barmode="group", **layout_axes),
    }
