"""The municipal population seeds in dim_geography, against a real PostgreSQL: every
municipality of the five countries is a row of its own with its census population, and
each country's municipalities add up exactly to the official national total (the seeds
and dim_geography are built in the empty-warehouse template, with the seeds' tests)."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from tests.conftest import MODULE_BUILD
from tests.integration.promoted import arrival, submit

# ISO alpha-3 -> (municipalities, official total), as the statistics offices publish them.
OFFICIAL = {
    "MKD": (80, 1_836_713),  # SSO, census 2021
    "GRC": (333, 10_432_481),  # ELSTAT, census 2021 (provisional)
    "SVN": (212, 2_108_977),  # SURS, 1 January 2021
    "BIH": (142, 3_531_159),  # BHAS, census 2013
    "MNE": (25, 623_633),  # MONSTAT, census 2023
}


def _rows(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchall()


def test_every_municipality_has_its_population(built_empty_warehouse_dsn):
    rows = _rows(
        built_empty_warehouse_dsn,
        "select country_key, count(*), count(population), sum(population),"
        " count(population_reference_year), count(population_source)"
        " from marts.dim_geography where geography_level = 'municipality'"
        " group by country_key",
    )
    assert {k: (n, total) for k, n, _, total, _, _ in rows} == OFFICIAL
    assert all(n == with_pop == with_year == with_source
               for _, n, with_pop, _, with_year, with_source in rows)  # fmt: skip


def test_municipalities_keep_their_names_codes_and_sources(built_empty_warehouse_dsn):
    rows = _rows(
        built_empty_warehouse_dsn,
        "select geography_key, geography_name, geography_name_local, nuts3_code,"
        " nuts2_code, country_key, population, population_reference_year, population_source"
        " from marts.dim_geography"
        " where geography_key in ('MK00405', 'MK00815', 'GR3701', 'SI001', 'BA001', 'ME025')"
        " order by geography_key",
    )
    assert rows == [
        ("BA001", "Bihać", "BIHAĆ", None, None, "BIH", 56261, 2013, "bhas_census_2013"),
        ("GR3701", "Patreon", "ΠΑΤΡΕΩΝ", None, None, "GRC", 211593, 2021, "elstat_census_2021"),
        ("ME025", "Zeta", "Zeta", None, None, "MNE", 16071, 2023, "monstat_census_2023"),
        ("MK00405", "Gevgelija", "Гевгелија", "MK004", "MK00", "MKD", 21582, 2021,
         "sso_census_2021"),
        ("MK00815", "Čair", "Чаир", "MK008", "MK00", "MKD", 62586, 2021, "sso_census_2021"),
        ("SI001", "Ajdovščina", "Ajdovščina", None, None, "SVN", 19704, 2021, "surs_2021"),
    ]  # fmt: skip
    # The City of Skopje (SSO 0019) is the sum of its ten municipalities, not a row.
    (n,) = _rows(built_empty_warehouse_dsn, "select count(*) from reference.ref_municipalities"
                 " where national_code in ('0000', '0019')")[0]  # fmt: skip
    assert n == 0


@pytest.fixture(scope="module")
def every_municipality_arrived(built_empty_warehouse_dsn, run_dbt):
    """A file from every municipality of North Macedonia and Greece with its
    registrations in March 2025 (5 to 11 persons, at the municipality itself), then the
    local and national situation marts built with their tests. No World Bank or
    Eurostat population is loaded, so the countries' populations are their censuses."""
    dsn = built_empty_warehouse_dsn
    with psycopg.connect(dsn) as conn:
        codes = conn.execute(
            "select m.lau_code, c.iso3 from reference.ref_municipalities m"
            " join reference.ref_countries c on m.country_code = c.iso2"
            " where c.iso3 in ('MKD', 'GRC') order by 1"
        ).fetchall()
    persons = {code: 5 + i % 7 for i, (code, _) in enumerate(codes)}
    for code, _ in codes:
        submit(dsn, "registered_arrivals", [arrival(10, code, persons[code])], code)
    run_dbt(dsn, "build", "--select", "+mart_local_situation", "+mart_national_situation",
            *MODULE_BUILD)  # fmt: skip
    return dsn, persons


def test_per_1000_rates_for_every_municipality(every_municipality_arrived):
    dsn, persons = every_municipality_arrived
    rows = _rows(
        dsn,
        "select s.municipality_lau_code, s.country_key, s.arrivals, s.population,"
        " g.population, s.population_source, s.arrivals_per_1000"
        " from detail.mart_local_situation s"
        " join marts.dim_geography g on g.geography_key = s.municipality_lau_code"
        " where s.period_grain = 'month' and s.period_start = '2025-03-01'",
    )
    assert len(rows) == 80 + 333
    by_country: dict[str, int] = {}
    for code, country, arrivals, population, dim_population, source, rate in rows:
        assert arrivals == persons[code] and population == dim_population > 0 and source
        assert rate == (Decimal(1000 * arrivals) / population).quantize(Decimal("0.0001"))
        by_country[country] = by_country.get(country, 0) + population
    assert by_country == {"MKD": OFFICIAL["MKD"][1], "GRC": OFFICIAL["GRC"][1]}


def test_national_rates_use_the_census_when_no_dataset_has_a_population(
    every_municipality_arrived,
):
    dsn, persons = every_municipality_arrived
    rows = _rows(
        dsn,
        "select country_key, arrivals, population, population_source,"
        " population_reference_year, arrivals_per_1000 from marts.mart_national_situation"
        " where period_grain = 'month' and period_start = '2025-03-01' order by 1",
    )
    mk = sum(p for c, p in persons.items() if c.startswith("MK"))
    gr = sum(p for c, p in persons.items() if c.startswith("GR"))

    def rate(n: int, country: str) -> Decimal:
        return (Decimal(1000 * n) / OFFICIAL[country][1]).quantize(Decimal("0.0001"))

    assert rows == [
        ("GRC", gr, OFFICIAL["GRC"][1], "elstat_census_2021", 2021, rate(gr, "GRC")),
        ("MKD", mk, OFFICIAL["MKD"][1], "sso_census_2021", 2021, rate(mk, "MKD")),
    ]
