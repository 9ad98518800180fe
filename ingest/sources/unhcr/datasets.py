"""The UNHCR Refugee Statistics API datasets the warehouse ingests, each declared once.

One raw table per endpoint, in the long format: the identity fields of a row (year,
country of origin and of asylum, and the endpoint's own procedure or population
codes) are dimensions; every count field of the row becomes one observation with
`measure` = the field's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.datasets import RawDataset

# Who a row is about, as the API sends it with cf_type=ISO: UNHCR's internal id, its own
# country code (GFR Germany, AUS Austria: not ISO), the ISO3 code and the name, for the
# country of origin (coo) and of asylum (coa). All "-" when that dimension is summed.
IDENTITY = (
    "year",
    "coo_id", "coo", "coo_iso", "coo_name",
    "coa_id", "coa", "coa_iso", "coa_name",
)  # fmt: skip
# Always sent, never null: UNHCR's code, unlike the ISO3 code, exists for every origin
# (CRB and a few others have no ISO3), so it identifies the row; ids and names follow it.
KEY_IDENTITY = ("year", "coo", "coa")

# UNHCR revises the last few years of its figures in later releases; each run asks again
# for them, so a re-run or a backfill of an interval asks for the same years.
REVISION_YEARS = 3


@dataclass(frozen=True)
class UnhcrDataset(RawDataset):
    endpoint: str = ""  # the API path under population/v1/, e.g. asylum-applications
    dimensions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()  # the count fields, in the order the API sends them
    first_year: int = 1951  # the first year the endpoint publishes
    extra_params: tuple[tuple[str, str], ...] = ()  # endpoint-specific query parameters

    def years(self, start: datetime | None, end: datetime | None) -> tuple[int, int]:
        """(yearFrom, yearTo) for a data interval. Figures for year Y are published in
        Y+1, so an interval asks for the years up to its end plus the `REVISION_YEARS`
        before its start; a year not yet published simply has no rows. No interval:
        everything the endpoint has."""
        if start is None:
            year_to = (end or datetime.now(UTC)).year
            return self.first_year, year_to
        year_to = (end or start).year
        return max(self.first_year, start.year - REVISION_YEARS), year_to


def _unhcr(
    name: str,
    endpoint: str,
    codes: tuple[str, ...],
    measures: tuple[str, ...],
    *,
    first_year: int,
    description: str,
    extra_params: tuple[tuple[str, str], ...] = (),
) -> UnhcrDataset:
    dims = (*IDENTITY, *codes)
    return UnhcrDataset(
        source="unhcr",
        name=name,
        columns=(*dims, "measure", "value", "flag"),
        natural_key=(*KEY_IDENTITY, *codes, "measure"),
        description=description,
        endpoint=endpoint,
        dimensions=dims,
        measures=measures,
        first_year=first_year,
        extra_params=extra_params,
    )


POPULATION = _unhcr(
    "population",
    "population",
    (),
    (
        "refugees",
        "asylum_seekers",
        "returned_refugees",
        "idps",
        "returned_idps",
        "stateless",
        "ooc",
        "oip",
        "hst",
    ),  # fmt: skip
    first_year=1951,
    description="Forcibly displaced and stateless people at the end of each year, by "
    "country of origin and of asylum (stocks; returns are flows during the year)",
)

ASYLUM_APPLICATIONS = _unhcr(
    "asylum_applications",
    "asylum-applications",
    # authority (G/J/U), application type (N new, R repeat, A appeal, ...), the level of
    # the procedure, and whether the count is of persons (P) or cases (C)
    ("procedure_type", "app_type", "dec_level", "app_pc"),
    ("applied",),
    first_year=2000,
    description="Asylum applications lodged during each year, by origin, asylum country, "
    "authority, application type, procedure level and unit (persons or cases)",
)

ASYLUM_DECISIONS = _unhcr(
    "asylum_decisions",
    "asylum-decisions",
    ("procedure_type", "dec_level", "dec_pc"),
    ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"),
    first_year=2000,
    description="Decisions on asylum applications during each year by outcome, origin, "
    "asylum country, authority, procedure level and unit (persons or cases)",
)

DEMOGRAPHICS = _unhcr(
    "demographics",
    "demographics",
    ("pop_type",),
    (
        "f_0_4",
        "f_5_11",
        "f_12_17",
        "f_18_59",
        "f_60",
        "f_other",
        "f_total",
        "m_0_4",
        "m_5_11",
        "m_12_17",
        "m_18_59",
        "m_60",
        "m_other",
        "m_total",
        "total",
    ),  # fmt: skip
    first_year=2001,
    description="End-year stocks by population type, sex and age band, by origin and "
    "asylum country (a separate collection: totals need not match population)",
    # One row per population type; without it UNHCR sums every type, host communities too.
    extra_params=(("ptype_show", "true"),),
)

SOLUTIONS = _unhcr(
    "solutions",
    "solutions",
    (),
    ("returned_refugees", "resettlement", "naturalisation", "returned_idps"),
    first_year=1959,
    description="Durable solutions during each year: refugee returns, resettlement, "
    "naturalisation and IDP returns, by origin and asylum country",
)

DATASETS: dict[str, UnhcrDataset] = {
    d.name: d for d in (POPULATION, ASYLUM_APPLICATIONS, ASYLUM_DECISIONS, DEMOGRAPHICS, SOLUTIONS)
}
# The endpoint a saved answer came from -> its dataset.
BY_ENDPOINT: dict[str, UnhcrDataset] = {d.endpoint: d for d in DATASETS.values()}
