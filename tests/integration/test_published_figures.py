"""Checked against published figures: real recorded files from ../shared/real-data loaded
into an empty warehouse as promoted batches, the dbt models built, and the warehouse's
figures compared with the numbers the files publish, computed here straight from the
files (never with the project's parsers). Skipped where the folder is absent (a user's
fresh clone).

* Eurostat migr_asyappctzm for France, 12 months: the national monthly figure is
  Eurostat's own all-origins total (citizen TOTAL), kept in fct_asylum_applications
  as origin_kind `all`; Eurostat rounds every cell to 5, so a sum over origins would
  not give it.
* UNHCR ODP Mediterranean sea arrivals per disembarkation place and year, 2014-2022,
  and their published sums per country and year (Greece 2015: 856,723).
* UNHCR's world totals of forcibly displaced and stateless people, 2010-2023.
* mart_national_situation, once it is in the project: the same published figures.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from datetime import date, timedelta

import psycopg
import pytest

from ingest.loader import load_batch
from tests.conftest import MODULE_BUILD, PROJECT_ROOT, REAL_DATA

EUROSTAT_FILE = REAL_DATA / "eurostat" / "migr_asyappctzm_FR_12m_jsonstat.json"
ODP_PLACES_FILE = REAL_DATA / "unhcr_odp" / "med_sea_arrivals_by_disembarkation_2014_2022.csv"
ODP_COUNTRY_YEAR_FILE = REAL_DATA / "unhcr_odp" / "med_sea_arrivals_country_year_2014_2022.csv"
UNHCR_WORLD_FILE = REAL_DATA / "unhcr" / "api_population_world_2010_2023.json"
FILES = (EUROSTAT_FILE, ODP_PLACES_FILE, ODP_COUNTRY_YEAR_FILE, UNHCR_WORLD_FILE)

MART_FILE = PROJECT_ROOT / "dbt_project/models/marts/national/mart_national_situation.sql"

pytestmark = pytest.mark.skipif(
    not all(p.is_file() for p in FILES), reason=f"no real data at {REAL_DATA}"
)

# SOURCES.txt: the flattened ODP answer was asked for these ODP countries (geo ids)
# and population group 4797, Mediterranean sea arrivals.
ODP_COUNTRIES = {
    "Italy": ("656", "ITA"),
    "Greece": ("640", "GRC"),
    "Spain": ("729", "ESP"),
    "Cyprus": ("616", "CYP"),
    "Malta": ("690", "MLT"),
}
SEA_ARRIVALS = "4797"
# France's national figure: all citizenships, sexes and ages, persons, monthly.
FRANCE_ALL = {
    "freq": "M",
    "unit": "PER",
    "citizen": "TOTAL",
    "sex": "T",
    "age": "TOTAL",
    "geo": "FR",
}
GREECE_2015 = 856_723  # UNHCR's published Mediterranean sea arrivals to Greece in 2015

# UNHCR population/ count fields and the warehouse's population types (the returns are
# flows, not stocks: the warehouse leaves them out).
UNHCR_TYPES = {
    "refugees": "refugees",
    "asylum_seekers": "asylum_seekers",
    "idps": "idps",
    "stateless": "stateless",
    "ooc": "others_of_concern",
    "oip": "other_in_need_of_international_protection",
    "hst": "host_community",
}


# ---------------------------------------------------------------- the files, read here


def _jsonstat_value(doc: dict, coords: dict[str, str]) -> int | None:
    """One cell of a JSON-stat 2.0 dataset: the flat index is row-major over `id`
    (the last dimension fastest); `value` is a dict keyed by that index or a list."""
    flat, stride = 0, 1
    for dim, size in zip(reversed(doc["id"]), reversed(doc["size"]), strict=True):
        index = doc["dimension"][dim]["category"]["index"]
        code = coords[dim]
        pos = index[code] if isinstance(index, dict) else index.index(code)
        flat += pos * stride
        stride *= size
    values = doc["value"]
    return values.get(str(flat)) if isinstance(values, dict) else values[flat]


def _eurostat_france_totals() -> dict[tuple[date, str], int]:
    """(month, applicant type) -> France's all-origins, all-sexes, all-ages figure."""
    doc = json.loads(EUROSTAT_FILE.read_bytes())
    times = doc["dimension"]["time"]["category"]["index"]
    assert len(times) == 12
    out = {}
    for period in times:
        for applicant in ("TOTAL", "FRST"):
            coords = {**FRANCE_ALL, "applicant": applicant, "time": period}
            value = _jsonstat_value(doc, coords)
            assert value is not None, f"no published figure for {coords}"
            year, month = period.split("-")
            out[(date(int(year), int(month), 1), applicant)] = int(value)
    return out


def _month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _place_id(geo_id: str, name: str) -> str:
    """The flattened file has no geomaster_id: a stable id derived from the country and
    the place name (sha256), in 900,000,000-999,999,999, far above ODP's own ids and
    within the raw table's 9-digit rule and staging's integer."""
    digest = hashlib.sha256(f"{geo_id}/{name}".encode()).hexdigest()
    return str(900_000_000 + int(digest, 16) % 100_000_000)


def _odp_places() -> list[dict[str, str]]:
    with ODP_PLACES_FILE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _odp_raw_rows(columns: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    """The flattened sublocation answer as the rows of raw.unhcr_odp__arrivals_by_sublocation:
    the geo id of the country asked and the population group come from SOURCES.txt,
    ODP's `date` (the day the year's figure runs to) is the file's `last_update`."""
    out = []
    for rec in _odp_places():
        geo_id, _ = ODP_COUNTRIES[rec["country_name"]]
        row = {
            "geo_id": geo_id,
            "geomaster_id": _place_id(geo_id, rec["geomaster_name"]),
            "geomaster_name": rec["geomaster_name"],
            "admin_level": rec["admin_level"],
            "centroid_lon": rec["centroid_lon"],
            "centroid_lat": rec["centroid_lat"],
            "population_group_id": SEA_ARRIVALS,
            "population_groups_concat": rec["population_groups_concat"],
            "year": rec["year"],
            "month": rec["month"],
            "date": rec["last_update"],
            "source": None,
            "measure": "individuals",
            "value": rec["individuals"],
            "flag": "",
        }
        out.append(tuple(row[c] for c in columns))
    return out


def _odp_country_years() -> dict[tuple[str, int], int]:
    with ODP_COUNTRY_YEAR_FILE.open(newline="", encoding="utf-8") as fh:
        return {
            (ODP_COUNTRIES[r["country_name"]][1], int(r["year"])): int(r["individuals"])
            for r in csv.DictReader(fh)
        }


def _unhcr_world_totals() -> dict[tuple[int, str], int | None]:
    """(year, population type) -> UNHCR's world total; None where UNHCR sent `-` (the
    category did not exist yet)."""
    items = json.loads(UNHCR_WORLD_FILE.read_bytes())["items"]
    out = {}
    for item in items:
        assert item["coa"] == item["coo"] == "-"  # both dimensions summed: the world
        for field, population_type in UNHCR_TYPES.items():
            cell = str(item[field]).strip()
            out[(int(item["year"]), population_type)] = None if cell == "-" else int(cell)
    return out


# ---------------------------------------------------------------- the warehouse


def _load_promoted(dsn: str, ds, rows, sha256: str, request: str) -> int:
    """Rows loaded as one batch, promoted as the quality gate would (the conformance
    tests run the gate itself on these files)."""
    result = load_batch(dsn, ds, rows, sha256=sha256, request=request)
    assert result.rows_loaded == result.rows_received > 0
    with psycopg.connect(dsn) as conn:
        conn.execute("update ops.batches set status = 'passed' where batch_id = %s",
                     (result.batch_id,))  # fmt: skip
    return result.batch_id


@pytest.fixture(scope="module")
def built(built_empty_warehouse_dsn, run_dbt):
    """The three real files loaded into a copy of the built empty warehouse and the
    facts built; `run` runs further dbt commands with the module's own target and log
    folders. The facts' own data tests run on the real figures (their unit tests passed
    in the template); the upstream views exist in the template and read the new rows as
    they are, and their tests are left to the other suites (on 237k Eurostat rows they
    would double the module's time)."""
    from ingest.sources import eurostat, unhcr, unhcr_odp

    dsn = built_empty_warehouse_dsn

    def run(*args: str) -> None:
        run_dbt(dsn, *args)

    content = EUROSTAT_FILE.read_bytes()
    ds = eurostat.DATASETS["asylum_applicants_monthly"]
    batches = {"eurostat": _load_promoted(
        dsn, ds, eurostat.rows(ds, content), hashlib.sha256(content).hexdigest(),
        f"real-data:{EUROSTAT_FILE.name}",
    )}  # fmt: skip

    ds = unhcr_odp.DATASETS["arrivals_by_sublocation"]
    rows = _odp_raw_rows(ds.columns)
    ids = {(r[0], r[2]): r[1] for r in rows}
    assert len(set(ids.values())) == len(ids), "two places share a derived id"
    sha = hashlib.sha256(ODP_PLACES_FILE.read_bytes()).hexdigest()
    batches["odp"] = _load_promoted(dsn, ds, rows, sha, f"real-data:{ODP_PLACES_FILE.name}")

    content = UNHCR_WORLD_FILE.read_bytes()
    ds = unhcr.DATASETS["population"]
    batches["unhcr"] = _load_promoted(
        dsn, ds, unhcr.rows(ds, content), hashlib.sha256(content).hexdigest(),
        f"real-data:{UNHCR_WORLD_FILE.name}",
    )  # fmt: skip

    # The facts (from scratch, as in a fresh warehouse) and their tests in one command.
    run("build", "--select", "fct_asylum_applications", "fct_arrivals", "fct_population_stock",
        "int_arrivals_harmonised", "--indirect-selection", "buildable",
        "--exclude-resource-type", "unit_test", "--full-refresh")  # fmt: skip
    return dsn, run, batches


def _rows(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


# ---------------------------------------------------------------- Eurostat


def test_france_monthly_applications_are_eurostat_all_origins_totals(built):
    dsn, _, _ = built
    published = _eurostat_france_totals()
    got = _rows(
        dsn,
        "select period_start, source_application_type, applications, period_grain,"
        " period_end, origin_country_key"
        " from marts.fct_asylum_applications"
        " where source_dataset_key = 'eurostat__asylum_applicants_monthly'"
        " and country_key = 'FRA' and origin_kind = 'all' and sex = 'T' and is_all_ages"
        " and application_type in ('total', 'first_time')",
    )
    # One row per month and type, so nothing was counted twice.
    assert Counter((r[0], r[1]) for r in got) == Counter(published.keys())
    assert {(r[0], r[1]): r[2] for r in got} == published
    for start, _, _, grain, end, origin in got:
        assert (grain, end, origin) == ("month", _month_end(start), None)
    assert published[(date(2025, 10, 1), "TOTAL")] == 13965
    assert published[(date(2025, 10, 1), "FRST")] == 11260


def test_the_sum_over_origins_is_not_the_published_total(built):
    """Why the all-origins row is kept: Eurostat rounds every cell to 5, so the sum of
    France's citizenships (countries, stateless, unknown) misses the published total in
    most months; adding the two would double the figure."""
    dsn, _, _ = built
    got = _rows(
        dsn,
        "select period_start, application_type,"
        " sum(applications) filter (where origin_kind = 'all'),"
        " sum(applications) filter (where origin_kind <> 'all')"
        " from marts.fct_asylum_applications"
        " where source_dataset_key = 'eurostat__asylum_applicants_monthly'"
        " and country_key = 'FRA' and sex = 'T' and is_all_ages"
        " and application_type in ('total', 'first_time')"
        " group by 1, 2",
    )
    assert len(got) == 24
    differ = [(m, t) for m, t, total, summed in got if total != summed]
    assert len(differ) >= 12, "the sum over origins should rarely hit the rounded total"
    assert all(100 * abs(total - summed) <= total for _, _, total, summed in got)  # 1%


def test_groups_of_origins_never_land_and_origins_do(built):
    dsn, _, _ = built
    kinds = dict(_rows(
        dsn,
        "select origin_kind, count(*) from marts.fct_asylum_applications"
        " where country_key = 'FRA' group by 1",
    ))  # fmt: skip
    assert set(kinds) == {"country", "stateless", "unknown", "all"}
    groups = _rows(
        dsn,
        "select distinct source_origin_code from marts.fct_asylum_applications"
        " where source_origin_code in (select code from reference.eurostat_aggregate_codes"
        " where kind = 'country_group')",
    )
    assert groups == []
    # The all-origins total is the only row with citizen TOTAL.
    assert _rows(
        dsn,
        "select distinct origin_kind from marts.fct_asylum_applications"
        " where source_origin_code = 'TOTAL'",
    ) == [("all",)]


# ---------------------------------------------------------------- UNHCR ODP


def test_greece_2015_sea_arrivals_sum_to_the_published_figure(built):
    dsn, _, _ = built
    assert _rows(
        dsn,
        "select sum(arrivals), count(*) from detail.fct_arrivals"
        " where source_dataset_key = 'unhcr_odp__arrivals_by_sublocation'"
        " and country_key = 'GRC' and period_start = '2015-01-01'",
    ) == [(GREECE_2015, 12)]


def test_every_country_and_year_equals_the_published_sums(built):
    dsn, _, _ = built
    got = {
        (country, int(year)): int(total)
        for country, year, total in _rows(
            dsn,
            "select country_key, extract(year from period_start), sum(arrivals)"
            " from detail.fct_arrivals"
            " where source_dataset_key = 'unhcr_odp__arrivals_by_sublocation'"
            " group by 1, 2",
        )
    }
    published = _odp_country_years()
    assert len(published) == 41
    assert got == published


def test_every_place_lands_once_with_its_period(built):
    """Each place and year of the file is one fact row of all nationalities at the
    international level, located at the place, in its country; a figure dated before
    the end of its year is the year so far (period_end its date, grain `custom`)."""
    dsn, _, batches = built
    expected = {}
    for rec in _odp_places():
        geo_id, iso3 = ODP_COUNTRIES[rec["country_name"]]
        year, as_of = int(rec["year"]), date.fromisoformat(rec["last_update"])
        end, grain = (
            (date(year, 12, 31), "year") if as_of >= date(year, 12, 31) else (as_of, "custom")
        )
        place = _place_id(geo_id, rec["geomaster_name"])
        expected.setdefault(place, {})[year] = (iso3, end, grain, int(rec["individuals"]))
    got = {}
    for place, start, end, grain, country, n, kind, level, loc_type, batch in _rows(
        dsn,
        "select location_code, period_start, period_end, period_grain, country_key,"
        " arrivals, origin_kind || '/' || sex || '/' || age_group, reporting_level,"
        " location_type || '/' || geography_level || '/' || geography_key, batch_id"
        " from detail.fct_arrivals"
        " where source_dataset_key = 'unhcr_odp__arrivals_by_sublocation'",
    ):
        assert start == date(start.year, 1, 1)
        assert (kind, level, batch) == ("all/T/total", "international", batches["odp"])
        assert loc_type == f"place/country/{country}"
        got.setdefault(place, {})[start.year] = (country, end, grain, n)
    assert got == expected
    custom = sorted(
        (c, y, e) for p in got for y, (c, e, g, _) in got[p].items() if g == "custom"
    )  # fmt: skip
    assert custom == [
        ("CYP", 2018, date(2018, 10, 31)),
        ("ESP", 2016, date(2016, 9, 30)),
        ("GRC", 2018, date(2018, 11, 30)),
    ]


# ---------------------------------------------------------------- UNHCR world totals


def test_unhcr_world_totals_are_kept_apart_from_countries(built):
    """UNHCR's published world totals (refugees under its mandate at end-2023:
    31,637,408) reach the harmonised layer as they are published, as a total of
    countries (`aggregate`); fct_population_stock holds countries only, so not one of
    them lands there, where they would be added to the countries."""
    dsn, _, batches = built
    published = _unhcr_world_totals()
    assert published[(2023, "refugees")] == 31_637_408
    assert published[(2010, "other_in_need_of_international_protection")] is None
    got = _rows(
        dsn,
        "select reference_year, population_type, persons, is_not_applicable, country_kind,"
        " origin_kind from ("
        "   select extract(year from period_start)::int as reference_year, *"
        "   from intermediate.int_population_stock_harmonised"
        "   where source_dataset_key = 'unhcr__population' and batch_id = %s"
        " ) as world",
        batches["unhcr"],
    )
    assert {(y, t): n for y, t, n, *_ in got} == published
    assert {(na, ck, ok) for _, _, n, na, ck, ok in got if n is None} == {
        (True, "aggregate", "aggregate")
    }
    assert {(ck, ok) for *_, ck, ok in got} == {("aggregate", "aggregate")}
    assert _rows(
        dsn, "select count(*) from marts.fct_population_stock where batch_id = %s",
        batches["unhcr"],
    ) == [(0,)]  # fmt: skip


# ---------------------------------------------------------------- the national mart


@pytest.mark.skipif(
    not MART_FILE.is_file(),
    reason=f"mart_national_situation is not in the project yet ({MART_FILE} is absent)",
)
def test_national_situation_has_the_published_figures(built):
    dsn, run, _ = built
    # The facts and what they read are built already (the module's fixture).
    run("build", "--select", "+mart_national_situation", "--exclude", "+fct_asylum_applications",
        "+fct_arrivals", "+fct_population_stock", *MODULE_BUILD)  # fmt: skip
    published = _eurostat_france_totals()
    got = _rows(
        dsn,
        "select period_start, period_end, asylum_applications, first_time_applications"
        " from marts.mart_national_situation"
        " where country_key = 'FRA' and period_grain = 'month'",
    )
    assert sorted(r[0] for r in got) == sorted({m for m, _ in published})
    for start, end, applications, first_time in got:
        assert end == _month_end(start)
        assert (applications, first_time) == (
            published[(start, "TOTAL")], published[(start, "FRST")]
        )  # fmt: skip
    assert _rows(
        dsn,
        "select period_end, arrivals_international from marts.mart_national_situation"
        " where country_key = 'GRC' and period_grain = 'year' and period_start = '2015-01-01'",
    ) == [(date(2015, 12, 31), GREECE_2015)]
