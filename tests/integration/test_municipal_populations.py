"""The municipal population seeds in dim_geography, against a real PostgreSQL: every
municipality of the five countries is a row of its own with its census population, and
each country's municipalities add up exactly to the official national total (the seeds
and dim_geography are built in the empty-warehouse template, with the seeds' tests)."""

from __future__ import annotations

import psycopg

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
