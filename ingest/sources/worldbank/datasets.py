"""The World Bank datasets the warehouse ingests, each declared once.

Light on purpose (no HTTP imports): DAG files import it at parse time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ingest.datasets import RawDataset

# WDI indicators the warehouse compares migration figures with (persons, annual).
# SM.POP.REFG and SM.POP.REFG.OR were retired and replaced by the UNHCR-based
# RHCR pair: by country of asylum (EA) and by country of origin (EO).
INDICATORS = (
    "SM.POP.NETM",  # net migration
    "SM.POP.TOTL",  # international migrant stock, total
    "SP.POP.TOTL",  # population, total (denominator)
    "SM.POP.RHCR.EA",  # refugee population by country or territory of asylum
    "SM.POP.RHCR.EO",  # refugee population by country or territory of origin
)
# The first year WDI publishes: a run without a data interval asks for everything.
FIRST_YEAR = 1960


@dataclass(frozen=True)
class WorldBankDataset(RawDataset):
    endpoint: str = ""  # "indicator" (observations) or "country" (the economy list)
    indicators: tuple[str, ...] = ()
    countries: str = "all"  # the {codes} of /country/{codes}/indicator/{id}
    per_page: int = 1000
    # WDI revises recent years (population estimates, UN DESA and WPP revisions,
    # late UNHCR figures): each run asks again for this many years before the
    # interval's start, so a re-run or a backfill asks for the same thing.
    revision_years: int = 10

    def years(self, start: datetime | None, end: datetime | None) -> tuple[int, int] | None:
        """`date=first:last` for one data interval; None for the list endpoint."""
        if self.endpoint != "indicator":
            return None
        last = (end or start or datetime.now()).year
        first = FIRST_YEAR if start is None else max(FIRST_YEAR, start.year - self.revision_years)
        return first, max(first, last)


INDICATOR_OBSERVATIONS = WorldBankDataset(
    source="worldbank",
    name="indicators",
    columns=("country_id", "countryiso3code", "date", "measure", "value", "flag"),
    # countryiso3code follows from country_id; the key is the economy's WB id.
    natural_key=("country_id", "date", "measure"),
    description=(
        "WDI indicators (migration, migrant stock, population, refugees) per economy "
        "and year, from api.worldbank.org/v2/country/all/indicator/{id}; the measure is "
        "the indicator id, the flag its obs_status"
    ),
    endpoint="indicator",
    indicators=INDICATORS,
)

# An economy's attributes are its dimensions; its numbers (the capital's coordinates)
# are the measures, one row each.
ECONOMY_COLUMNS = (
    "id", "iso2_code", "name", "region_id", "region_name", "admin_region_id",
    "admin_region_name", "income_level_id", "income_level_name", "lending_type_id",
    "lending_type_name", "capital_city", "measure", "value", "flag",
)  # fmt: skip

ECONOMIES = WorldBankDataset(
    source="worldbank",
    name="countries",
    columns=ECONOMY_COLUMNS,
    natural_key=("id", "measure"),
    description=(
        "The World Bank's economies (countries and aggregates) from "
        "api.worldbank.org/v2/country: region, income level, lending type; the "
        "measures are the capital's longitude and latitude. region_id 'NA' "
        "(Aggregates) marks regions and income groups, which must never be summed "
        "with countries"
    ),
    endpoint="country",
    per_page=400,
)

DATASETS: dict[str, WorldBankDataset] = {d.name: d for d in (INDICATOR_OBSERVATIONS, ECONOMIES)}
