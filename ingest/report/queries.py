"""What the situation report reads: the published marts, one query shape for every
governance level (municipality, country, region group).

The report reads as the role the transform's publish runs as (`transformer`, the
Airflow connection `warehouse_transform`), and only from `marts`: the published,
disclosure-controlled figures analysts and BI tools read, never `detail`.

A level names its situation mart, key and name columns, its scorecard level and its
grains; the figures a level shows are the columns of FIGURES its mart has (read from
the catalog), so the SQL below is written once and composed per level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from psycopg import sql
from psycopg.rows import dict_row

from ingest.warehouse import connect


@dataclass(frozen=True)
class Level:
    name: str  # the page folder: municipality, country, region
    label: str
    mart: str
    key: str
    name_column: str
    scorecard_level: str  # mart_quality_scorecard.geography_level
    grains: tuple[str, ...]  # finest first
    extra_columns: tuple[str, ...] = ()


LEVELS = {
    lv.name: lv
    for lv in (
        Level("region", "Region", "mart_regional_situation", "region_group_key",
              "region_group_name", "region_group", ("month", "quarter", "year")),
        Level("country", "Country", "mart_national_situation", "country_key",
              "country_name", "country", ("month", "quarter", "year")),
        Level("municipality", "Municipality", "mart_local_situation", "municipality_lau_code",
              "municipality_name", "municipality", ("week", "month", "quarter", "year"),
              ("country_key",)),
    )
}  # fmt: skip

ARRIVALS = ("submissions__registered_arrivals",)
RECEPTION = ("submissions__reception_capacity",)
NEEDS = ("submissions__needs_assessment",)
FUNDING = ("submissions__funding",)
ODP = ("unhcr_odp__arrivals_timeseries", "unhcr_odp__arrivals_by_sublocation")
APPLICATIONS = (
    "eurostat__asylum_applicants_annual", "eurostat__asylum_applicants_monthly",
    "unhcr__asylum_applications",
)  # fmt: skip
DECISIONS = ("eurostat__asylum_decisions_first_instance", "unhcr__asylum_decisions")
POPULATION = ("eurostat__population_by_citizenship", "worldbank__indicators")


@dataclass(frozen=True)
class Figure:
    column: str
    label: str
    kind: str  # count, rate (0-1), per1000, eur
    datasets: tuple[str, ...]  # the datasets it may come from (ref_source_preference)
    source_column: str | None = None  # the mart's own column naming the dataset picked
    covered_by: str | None = None  # the figure whose days a rate covers (incomplete_figures)


FIGURES = (
    Figure("population", "Population", "count", POPULATION, "population_source"),
    Figure("arrivals", "Arrivals registered by municipalities", "count", ARRIVALS),
    Figure("arrivals_per_1000", "Arrivals per 1,000 inhabitants", "per1000", ARRIVALS,
           covered_by="arrivals"),
    Figure("arrivals_national_report", "Arrivals registered by the national body", "count",
           ARRIVALS),
    Figure("arrivals_international", "Arrivals counted by UNHCR", "count", ODP,
           "arrivals_international_source"),
    Figure("bed_days_capacity", "Reception capacity (bed-days)", "count", RECEPTION),
    Figure("bed_days_occupied", "Reception occupied (bed-days)", "count", RECEPTION,
           covered_by="bed_days_capacity"),
    Figure("occupancy_rate", "Occupancy rate", "rate", RECEPTION,
           covered_by="bed_days_capacity"),
    Figure("asylum_applications", "Asylum applications", "count", APPLICATIONS,
           "asylum_applications_source"),
    Figure("first_time_applications", "First-time asylum applications", "count",
           APPLICATIONS, "asylum_applications_source"),
    Figure("decisions_total", "First-instance decisions", "count", DECISIONS,
           "decisions_source"),
    Figure("recognition_rate", "Recognition rate", "rate", DECISIONS, "decisions_source",
           covered_by="decisions_total"),
    Figure("people_in_need", "People in need", "count", NEEDS),
    Figure("people_reached", "People reached", "count", NEEDS, covered_by="people_in_need"),
    Figure("funding_planned_eur", "Funds planned (EUR)", "eur", FUNDING),
    Figure("funding_disbursed_eur", "Funds disbursed (EUR)", "eur", FUNDING,
           covered_by="funding_planned_eur"),
)  # fmt: skip

ROW_COLUMNS = (
    "period_start", "period_end", "period_grain", "period_coverage", "is_complete_period",
    "incomplete_figures", "source_datasets",
)  # fmt: skip


@dataclass
class LevelData:
    level: Level
    figures: tuple[Figure, ...]  # those the level's mart has
    rows: list[dict]  # every situation row of the level (key, name, ROW_COLUMNS, figures)
    scorecard: list[dict]  # the level's scorecard rows


@dataclass
class ReportData:
    levels: dict[str, LevelData]
    pressure: list[dict]  # mart_municipality_pressure
    members: dict[str, list[str]]  # region group -> active member countries


def _columns(conn, table: str) -> set[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns"
        " where table_schema = 'marts' and table_name = %s",
        (table,),
    ).fetchall()
    return {r["column_name"] for r in rows}


def _level_rows(conn, level: Level, figures: tuple[Figure, ...], have: set[str]) -> list[dict]:
    extra = [f.source_column for f in figures if f.source_column in have]
    extra += [f"{f.column}_suppression" for f in figures if f"{f.column}_suppression" in have]
    columns = [level.key, level.name_column, *level.extra_columns, *ROW_COLUMNS,
               *(f.column for f in figures), *dict.fromkeys(extra)]  # fmt: skip
    query = sql.SQL(
        "select {key} as place_key, {name} as place_name, {cols} from {mart}"
        " where period_grain = any(%s) order by {key}, period_grain, period_start"
    ).format(
        key=sql.Identifier(level.key),
        name=sql.Identifier(level.name_column),
        cols=sql.SQL(", ").join(map(sql.Identifier, columns[2:])),
        mart=sql.Identifier("marts", level.mart),
    )
    return conn.execute(query, (list(level.grains),)).fetchall()


def read_report_data(dsn: str) -> ReportData:
    """Everything the site shows, in one connection (a handful of queries)."""
    with connect(dsn) as conn:
        conn.row_factory = dict_row
        levels = {}
        for level in LEVELS.values():
            have = _columns(conn, level.mart)
            figures = tuple(f for f in FIGURES if f.column in have)
            rows = _level_rows(conn, level, figures, have)
            scorecard = conn.execute(
                """select geography_key, source_dataset_key, period_start, period_end,
                          freshness_score, freshness_reason, completeness_score,
                          completeness_reason, validity_score, validity_reason, quality_score
                   from marts.mart_quality_scorecard
                   where geography_level = %s""",
                (level.scorecard_level,),
            ).fetchall()
            levels[level.name] = LevelData(level, figures, rows, scorecard)
        pressure = conn.execute(
            """select municipality_lau_code, municipality_name, country_key, period_start,
                      population, arrivals, arrivals_per_1000, pressure_rank,
                      is_complete_period
               from marts.mart_municipality_pressure
               order by period_start, country_key, pressure_rank, municipality_lau_code"""
        ).fetchall()
        members: dict[str, list[str]] = {}
        for r in conn.execute(
            """select region_group_key, country_key from marts.dim_region_group_member
               where is_active_member order by region_group_key, country_key"""
        ):
            members.setdefault(r["region_group_key"], []).append(r["country_key"])
    return ReportData(levels, pressure, members)


@dataclass
class Badge:
    """The quality of one figure: the scorecard's components for its datasets, its
    place and the scorecard periods overlapping its period (their mean, as the
    situation marts' `quality_score` is computed), its source and its coverage."""

    source: str | None
    freshness: Decimal | None
    completeness: Decimal | None
    validity: Decimal | None
    quality: Decimal | None
    reasons: dict[str, str]
    coverage_days: str | None  # "14/31 days" when the figure covers part of its period
    complete: bool


def _mean(values: list) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.0001"))


def figure_sources(figure: Figure, row: dict) -> list[str]:
    """The datasets a figure on `row` comes from: the mart's own `*_source` column
    where it has one, else the figure's candidates among the row's `source_datasets`."""
    picked = row.get(figure.source_column) if figure.source_column else None
    if picked:
        return [picked]
    listed = [s.strip() for s in (row.get("source_datasets") or "").split(",")]
    return [d for d in figure.datasets if d in listed]


def figure_coverage(figure: Figure, row: dict) -> str | None:
    """`14/31 days` when `incomplete_figures` lists the figure (or the count a rate is
    computed from), else None: the figure covers its whole period."""
    name = figure.covered_by or figure.column
    for part in (row.get("incomplete_figures") or "").split(","):
        words = part.split()
        if words and words[0] == name:
            return " ".join(words[1:])
    return None


def badge(figure: Figure, row: dict, scorecard: list[dict]) -> Badge:
    sources = figure_sources(figure, row)
    scored = [
        s for s in scorecard
        if s["geography_key"] == row["place_key"] and s["source_dataset_key"] in sources
        and s["period_start"] <= row["period_end"] and s["period_end"] >= row["period_start"]
    ]  # fmt: skip
    latest = max(scored, key=lambda s: s["period_start"], default=None)
    reasons = {}
    if latest:
        for part in ("freshness", "completeness", "validity"):
            if latest[f"{part}_reason"]:
                more = f" (mean of {len(scored)} scorecard rows)" if len(scored) > 1 else ""
                reasons[part] = latest[f"{part}_reason"] + more
    coverage = None if figure.column == "population" else figure_coverage(figure, row)
    source = ", ".join(sources) or (row.get(figure.source_column) if figure.source_column else None)
    return Badge(
        source=source,
        freshness=_mean([s["freshness_score"] for s in scored]),
        completeness=_mean([s["completeness_score"] for s in scored]),
        validity=_mean([s["validity_score"] for s in scored]),
        quality=_mean([s["quality_score"] for s in scored]),
        reasons=reasons,
        coverage_days=coverage,
        complete=coverage is None,
    )


def latest_value(figure: Figure, rows: list[dict], grains: tuple[str, ...]) -> dict | None:
    """The row of the figure's latest period: the latest month with a value (or a
    suppressed one), else the latest quarter, else the latest year. Weeks are for the
    trend chart."""
    for grain in ("month", "quarter", "year"):
        if grain not in grains:
            continue
        found = [
            r for r in rows
            if r["period_grain"] == grain
            and (r[figure.column] is not None or r.get(f"{figure.column}_suppression"))
        ]  # fmt: skip
        if found:
            return max(found, key=lambda r: r["period_start"])
    return None


def series(rows: list[dict], columns: tuple[str, ...], grains: tuple[str, ...]):
    """(grain, rows of that grain in period order) for the finest grain in which any of
    `columns` has a value; (None, []) when none has one."""
    for grain in grains:
        of_grain = [r for r in rows if r["period_grain"] == grain]
        if any(r.get(c) is not None for r in of_grain for c in columns):
            return grain, sorted(of_grain, key=lambda r: r["period_start"])
    return None, []


def period_label(start: date, grain: str) -> str:
    if grain == "year":
        return str(start.year)
    if grain == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if grain == "month":
        return start.strftime("%b %Y")
    return f"week of {start.isoformat()}"
