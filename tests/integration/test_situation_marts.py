"""The situation marts against a real PostgreSQL, from a handful of submitted rows whose
figures are worked out by hand: the local, national and regional rows, the rule that
puts a row in the periods that wholly contain it, the later file winning for a facility
and day, the largest sector for people in need, the reconciliation of the municipalities'
and the national body's registrations, the pressure ranking, and the dbt test that the
levels add up (which must fail once a national figure is changed by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
import pytest

from ingest.runtime import StepFailed
from tests.conftest import MODULE_BUILD
from tests.integration.promoted import arrival, submit

GEVGELIJA, KUMANOVO = "MK00405", "MK00703"


def _capacity(day: int, occupied: int) -> dict:
    return {"report_date": f"2025-03-{day:02d}", "facility_id": "MK-TC-VINOJUG",
            "facility_name": "Transit Centre Vinojug", "municipality": GEVGELIJA,
            "facility_type": "transit_centre", "capacity_beds": "100",
            "occupied_beds": str(occupied)}  # fmt: skip


def _needs(sector: str, in_need: int, reached: int) -> dict:
    return {"municipality": GEVGELIJA, "period_start": "2025-03-01", "period_end": "2025-03-31",
            "sector": sector, "people_in_need": str(in_need), "people_reached": str(reached),
            "capacity_gap": str(in_need - reached)}  # fmt: skip


@pytest.fixture(scope="module")
def built(built_empty_warehouse_dsn, run_dbt):
    """The rows below in a copy of the built empty warehouse, then the situation marts
    and everything they read built with their tests (MODULE_BUILD: the seeds, their
    tests and the unit tests passed in the template)."""
    dsn = built_empty_warehouse_dsn

    def run(*args: str) -> None:
        run_dbt(dsn, *args)

    # Gevgelija's own registrations: 15 in the week of 3 March, 3 in the week of 10 March.
    submit(dsn, "registered_arrivals", [
        arrival(3, "MK-BCP-BOGORODICA", 10),
        arrival(4, "MK-BCP-BOGORODICA", 5, sex="F", age="0-4"),
        arrival(12, "MK-BCP-GEVGELIJA-RAIL", 3),
    ], GEVGELIJA)  # fmt: skip
    # Kumanovo's: 7 at Tabanovce.
    submit(dsn, "registered_arrivals", [arrival(5, "MK-BCP-TABANOVCE", 7)], KUMANOVO)
    # The national body's, placed in the municipalities of the crossings: 12 + 6.
    submit(dsn, "registered_arrivals", [
        arrival(3, "MK-BCP-BOGORODICA", 12),
        arrival(5, "MK-BCP-TABANOVCE", 6),
    ], None)  # fmt: skip
    # Vinojug on 3 and 4 March from the ministry, then 4 March again from Gevgelija
    # (a later file): 50 + 80 occupied of 200 beds.
    submit(dsn, "reception_capacity", [_capacity(3, 50), _capacity(4, 70)], None)
    submit(dsn, "reception_capacity", [_capacity(4, 80)], GEVGELIJA)
    submit(dsn, "needs_assessment", [_needs("shelter", 300, 100), _needs("food", 200, 150)],
            None)  # fmt: skip
    run("build", "--select", "+mart_regional_situation", "+mart_reconciliation",
        "+mart_municipality_pressure", "+assert_situation_levels_add_up",
        *MODULE_BUILD)  # fmt: skip
    return dsn, run


def _rows(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


def test_local_rows_per_week_and_month(built):
    dsn, _ = built
    weeks = _rows(dsn, "select municipality_lau_code, period_start, arrivals,"
                       " arrivals_national_report, bed_days_capacity, bed_days_occupied,"
                       " occupancy_rate, people_in_need from detail.mart_local_situation"
                       " where period_grain = 'week' order by 1, 2")  # fmt: skip
    assert weeks == [
        (GEVGELIJA, date(2025, 3, 3), 15, 12, 200, 130, Decimal("0.6500"), None),
        (GEVGELIJA, date(2025, 3, 10), 3, None, None, None, None, None),
        (KUMANOVO, date(2025, 3, 3), 7, 6, None, None, None, None),
    ]
    month = _rows(dsn, "select arrivals, people_in_need, people_reached, source_datasets,"
                       " quality_score between 0 and 1 from detail.mart_local_situation"
                       " where municipality_lau_code = %s and period_grain = 'month'",
                  GEVGELIJA)  # fmt: skip
    datasets = ("submissions__needs_assessment, submissions__reception_capacity,"
                " submissions__registered_arrivals")  # fmt: skip
    assert month == [(18, 300, 150, datasets, True)]
    # Needs cover the month exactly: not repeated in the quarter or the year.
    coarser = _rows(dsn, "select period_grain, arrivals, people_in_need"
                         " from detail.mart_local_situation where municipality_lau_code = %s"
                         " and period_grain in ('quarter', 'year') order by 1",
                    GEVGELIJA)  # fmt: skip
    assert coarser == [("quarter", 18, None), ("year", 18, None)]


def test_the_published_local_rows_hide_the_small_counts(built):
    """marts.mart_local_situation is the exact detail with disclosure control: Gevgelija's
    3 arrivals in the week of 10 March are suppressed with their rate (no other
    municipality reported that week, so no secondary cell exists to suppress)."""
    dsn, _ = built
    published = _rows(dsn, "select municipality_lau_code, period_start, arrivals,"
                           " arrivals_per_1000, arrivals_suppression,"
                           " arrivals_national_report, bed_days_occupied"
                           " from marts.mart_local_situation"
                           " where period_grain = 'week' order by 1, 2")  # fmt: skip
    assert [r[:3] + r[4:] for r in published] == [
        (GEVGELIJA, date(2025, 3, 3), 15, None, 12, 130),
        (GEVGELIJA, date(2025, 3, 10), None, "small", None, None),
        (KUMANOVO, date(2025, 3, 3), 7, None, 6, None),
    ]
    assert published[1][3] is None  # the rate would give the count back
    exact = _rows(dsn, "select count(*) from detail.mart_local_situation")
    assert _rows(dsn, "select count(*) from marts.mart_local_situation") == exact


def test_national_and_regional_rows_are_sums(built):
    dsn, _ = built
    (row,) = _rows(dsn, "select arrivals, arrivals_national_report, arrivals_per_1000,"
                        " bed_days_occupied, occupancy_rate, people_in_need,"
                        " municipalities_reporting from marts.mart_national_situation"
                        " where country_key = 'MKD' and period_grain = 'month'")  # fmt: skip
    per_1000 = (Decimal(25 * 1000) / Decimal(1836713)).quantize(Decimal("0.0001"))
    assert row == (25, 18, per_1000, 130, Decimal("0.6500"), 300, 2)
    regional = _rows(dsn, "select region_group_key, arrivals, arrivals_countries,"
                          " asylum_applications_countries, asylum_applications_countries_missing"
                          " from marts.mart_regional_situation where period_grain = 'month'"
                          " and region_group_key = 'western_balkans'")  # fmt: skip
    assert regional == [("western_balkans", 25, 1, 0, "ALB, BIH, MKD, MNE, SRB, XKX")]


def test_reconciliation_and_pressure(built):
    dsn, _ = built
    assert _rows(dsn, "select period_grain, local_sum, national_figure, national_minus_local,"
                      " national_minus_local_pct from marts.mart_reconciliation"
                      " where metric = 'arrivals' order by 1") == [
        ("month", 25, 18, -7, Decimal("-38.89")),
        ("year", 25, 18, -7, Decimal("-38.89")),
    ]  # fmt: skip
    assert _rows(dsn, "select municipality_lau_code, share_of_country_arrivals, pressure_rank"
                      " from marts.mart_municipality_pressure order by pressure_rank") == [
        (GEVGELIJA, Decimal("0.7200"), 1),
        (KUMANOVO, Decimal("0.2800"), 2),
    ]  # fmt: skip


def test_the_levels_add_up_test_catches_a_changed_figure(built):
    dsn, run = built
    with psycopg.connect(dsn) as conn:
        conn.execute("update marts.mart_national_situation set arrivals = arrivals + 1"
                     " where country_key = 'MKD' and period_grain = 'month'")  # fmt: skip
    try:
        with pytest.raises(StepFailed, match="assert_situation_levels_add_up"):
            run("test", "--select", "assert_situation_levels_add_up")
    finally:
        with psycopg.connect(dsn) as conn:
            conn.execute("update marts.mart_national_situation set arrivals = arrivals - 1"
                         " where country_key = 'MKD' and period_grain = 'month'")  # fmt: skip
    run("test", "--select", "assert_situation_levels_add_up")
