"""The conformed dimensions of marts.core and the facility snapshot against a real
PostgreSQL: the calendar, countries and region groups, the geography hierarchy from a
municipality up to its country, one dim_source row per raw dataset the code declares,
and a capacity change kept as a second version by `dbt snapshot`."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.sources import ALL_SOURCES, datasets
from ingest.submissions.datasets import DATASETS as SUBMISSIONS
from tests.conftest import MODULE_BUILD

VIZBEGOVO = {
    "facility_id": "MK-RC-VIZBEGOVO",
    "facility_name": "Reception Centre for Asylum Seekers Vizbegovo",
    "municipality": "MK00803",
    "facility_type": "reception_centre",
}


def _submit_capacity(dsn: str, report_date: str, beds: str) -> int:
    """A promoted reception_capacity file from the ministry with one facility's report."""
    ds = SUBMISSIONS["reception_capacity"].raw
    values = {**VIZBEGOVO, "report_date": report_date, "capacity_beds": beds,
              "occupied_beds": "80", "file_row": "2"}  # fmt: skip
    row = tuple(values.get(c) for c in ds.columns)
    sha = hashlib.sha256(json.dumps(["core", row]).encode()).hexdigest()
    batch_id = load_batch(dsn, ds, [row], sha256=sha, request="test").batch_id
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set status = 'passed', municipality = null,"
            " period_start = %s, period_end = %s, file_name = 'reception_capacity.csv'"
            " where batch_id = %s",
            (report_date, report_date, batch_id),
        )
    return batch_id


@pytest.fixture(scope="module")
def built(built_empty_warehouse_dsn, run_dbt):
    """marts.core and the snapshot built once with their tests, after one capacity
    report of Vizbegovo, in a copy of the built empty warehouse (the seeds, their tests
    and the unit tests passed in the template; it has no snapshot yet); `run` runs
    further dbt commands with the module's own target and log folders."""
    dsn = built_empty_warehouse_dsn

    def run(*args: str) -> None:
        run_dbt(dsn, *args)

    _submit_capacity(dsn, "2025-03-31", "150")
    run("build", "--select", "+marts.core", "+snap_facilities", *MODULE_BUILD)
    return dsn, run


def _rows(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


def test_dim_date_covers_2000_to_2030(built):
    dsn, _ = built
    assert _rows(dsn, "select count(*), min(date_day), max(date_day) from marts.dim_date") == [
        (11323, date(2000, 1, 1), date(2030, 12, 31))
    ]
    # 1 January 2025 is a Wednesday of ISO week 2025-W01, which starts on 30 December 2024.
    assert _rows(
        dsn,
        "select iso_day_of_week, iso_year_week, week_start, month_start, year_number"
        " from marts.dim_date where date_day = '2025-01-01'",
    ) == [(3, "2025-W01", date(2024, 12, 30), date(2025, 1, 1), 2025)]


def test_countries_and_region_groups(built):
    dsn, _ = built
    assert _rows(dsn, "select country_key, eurostat_geo_code from marts.dim_country"
                      " where country_name = 'Kosovo'") == [("XKX", "XK")]  # fmt: skip
    assert _rows(dsn, "select count(*) from marts.dim_geography where geography_key = 'XKX'") == [
        (1,)
    ]
    groups = dict(_rows(
        dsn, "select region_group_key, count(*) from marts.dim_region_group_member group by 1"
    ))  # fmt: skip
    assert groups == {"eu27_2020": 27, "cei": 17, "western_balkans": 6, "south_east_europe": 14}
    (wb,) = _rows(dsn, "select array_agg(country_key order by country_key)"
                       " from marts.dim_region_group_member"
                       " where region_group_key = 'western_balkans'")[0]  # fmt: skip
    assert wb == ["ALB", "BIH", "MKD", "MNE", "SRB", "XKX"]
    assert _rows(dsn, "select country_key, membership_status, is_active_member"
                      " from marts.dim_region_group_member"
                      " where region_group_key = 'cei' and not is_active_member") == [
        ("BLR", "suspended", False)
    ]  # fmt: skip


def test_geography_hierarchy_from_municipality_to_country(built):
    dsn, _ = built
    levels = dict(_rows(
        dsn, "select geography_level, count(*) from marts.dim_geography group by 1"
    ))  # fmt: skip
    (countries,) = _rows(dsn, "select count(*) from marts.dim_country")[0]
    # North Macedonia 80, Greece 333, Slovenia 212, Bosnia and Herzegovina 142, Montenegro 25.
    assert levels == {"municipality": 792, "nuts3": 8, "nuts2": 1, "country": countries}

    def parent(key: str) -> tuple[str, str | None]:
        level, nuts3, nuts2, country = _rows(
            dsn,
            "select geography_level, nuts3_code, nuts2_code, country_key"
            " from marts.dim_geography where geography_key = %s",
            key,
        )[0]
        up = {"municipality": nuts3, "nuts3": nuts2, "nuts2": country, "country": None}[level]
        return level, up

    chain, key = [], "MK00405"  # Gevgelija
    while key is not None:
        level, up = parent(key)
        chain.append((key, level))
        key = up
    assert chain == [("MK00405", "municipality"), ("MK004", "nuts3"), ("MK00", "nuts2"),
                     ("MKD", "country")]  # fmt: skip
    assert _rows(dsn, "select geography_name from marts.dim_geography"
                      " where geography_level = 'nuts3' order by geography_key") == [
        ("Vardar",), ("East",), ("South-West",), ("South-East",), ("Pelagonia",), ("Polog",),
        ("North-East",), ("Skopje",),
    ]  # fmt: skip
    # Only published figures: every municipality's (test_municipal_populations) and each
    # country's census total above them (its municipalities added up), no estimates.
    assert _rows(dsn, "select geography_key, population, population_reference_year"
                      " from marts.dim_geography where population is not null"
                      " and geography_level != 'municipality' order by geography_key") == [
        ("BIH", 3531159, 2013), ("GRC", 10432481, 2021), ("MK00", 1836713, 2021),
        ("MKD", 1836713, 2021), ("MNE", 623633, 2023), ("SVN", 2108977, 2021),
    ]  # fmt: skip


def test_dim_source_lists_every_raw_dataset(built):
    dsn, _ = built
    declared = {f"{src}__{name}" for src in ALL_SOURCES for name in datasets(src)}
    got = dict(_rows(dsn, "select source_dataset_key, expected_cadence_days from marts.dim_source"))
    assert set(got) == declared
    assert got["unhcr_odp__arrivals_timeseries"] == 1
    assert got["eurostat__asylum_applicants_monthly"] == 31
    assert got["unhcr__population"] == 365
    levels = set(_rows(dsn, "select distinct source, governance_level from marts.dim_source"))
    assert ("submissions", "local") in levels
    assert ("eurostat", "international") in levels
    assert len(levels) == len({source for source, _ in levels})  # one level per source


def test_dim_facility_and_snapshot_keep_capacity_history(built):
    dsn, run = built
    assert _rows(dsn, "select facility_id, capacity_beds, capacity_report_date"
                      " from marts.dim_facility order by facility_id") == [
        ("MK-DC-GAZIBABA", None, None),
        ("MK-RC-VIZBEGOVO", 150, date(2025, 3, 31)),
        ("MK-TC-TABANOVCE", None, None),
        ("MK-TC-VINOJUG", None, None),
    ]  # fmt: skip
    history = "select capacity_beds, capacity_report_date, dbt_valid_to is null" \
              " from snapshots.snap_facilities where facility_id = 'MK-RC-VIZBEGOVO'" \
              " order by dbt_valid_from"  # fmt: skip
    assert _rows(dsn, history) == [(150, date(2025, 3, 31), True)]

    # A later report with more beds: the next snapshot closes the old version, and
    # dim_facility (run in the same dbt command) shows the new capacity.
    later = _submit_capacity(dsn, "2025-04-30", "180")
    run("build", "--select", "snap_facilities", "dim_facility",
        "--exclude-resource-type", "test", "unit_test")  # fmt: skip
    assert _rows(dsn, history) == [
        (150, date(2025, 3, 31), False),
        (180, date(2025, 4, 30), True),
    ]
    # Facilities that did not change keep one version.
    assert _rows(dsn, "select count(*) from snapshots.snap_facilities"
                      " where facility_id <> 'MK-RC-VIZBEGOVO'") == [(3,)]  # fmt: skip
    assert _rows(dsn, "select capacity_beds, capacity_batch_id from marts.dim_facility"
                      " where facility_id = 'MK-RC-VIZBEGOVO'") == [(180, later)]  # fmt: skip
    # An unchanged source adds no version.
    run("snapshot", "--select", "snap_facilities")
    assert len(_rows(dsn, history)) == 2
