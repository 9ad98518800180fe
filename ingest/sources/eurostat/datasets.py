"""The Eurostat datasets the warehouse ingests, each declared once: its code, its
dimensions (in the order of the API's `id`), the filters it is asked with and how its
time range follows the data interval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ingest.datasets import RawDataset
from ingest.sources.eurostat import periods

# Reporting countries the region compares itself with (CEI members in the EU/EFTA,
# their neighbours on the Balkan and Central Mediterranean routes) and the EU total.
DEFAULT_GEO = (
    "EU27_2020", "AT", "BG", "CY", "CZ", "DE", "EL", "HR", "HU", "IT", "MT", "PL", "RO",
    "SI", "SK", "CH",
)  # fmt: skip
# Montenegro reports asylum statistics to Eurostat (it is in the asylum tables' geo
# code list); the other candidate countries of the region do not.
ASYLUM_GEO = (*DEFAULT_GEO, "ME")
# Population statistics also cover candidate and potential candidate countries; a code
# Eurostat has no figures for comes back without data (or not at all), never an error.
POPULATION_GEO = (*DEFAULT_GEO, "ME", "MK", "AL", "RS", "BA", "XK", "TR")

# The asylum tables share one layout since `applicant` replaced `asyl_app`.
ASYLUM_DIMS = ("freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time")
DECISION_CODES = ("TOTAL", "POS", "POS_RFG", "POS_HUM", "POS_SPROT", "NEG")


@dataclass(frozen=True)
class EurostatDataset(RawDataset):
    code: str = ""  # Eurostat's dataset code, e.g. migr_asyappctzm
    dimensions: tuple[str, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    frequency: str = "M"  # M or A: the labels of `time`
    revision_periods: int = 12  # how many periods before the interval Eurostat revises
    first_period: str = ""  # where the series starts: the bound of an unscoped request

    def request_filters(
        self, start: datetime | None, end: datetime | None = None
    ) -> dict[str, tuple[str, ...] | str]:
        """Filters for one data interval [start, end): the source revises recent
        periods, so ask again for the last `revision_periods` before the interval's
        start, up to the period the interval ends in. A re-run or backfill of the
        same interval asks for the same periods."""
        params: dict[str, tuple[str, ...] | str] = dict(self.filters)
        if start is not None:
            first = periods.index(periods.of(start, self.frequency), self.frequency)
            params["sinceTimePeriod"] = periods.label(first - self.revision_periods, self.frequency)
        if end is not None:
            # The interval excludes its end: 2026-04-01T00:00 closes March.
            params["untilTimePeriod"] = periods.of(end - timedelta(microseconds=1), self.frequency)
        return params


def _eurostat(code: str, name: str, dims: tuple[str, ...], **kw) -> EurostatDataset:
    key = tuple(d for d in dims if d not in ("freq", "unit"))
    return EurostatDataset(
        source="eurostat",
        name=name,
        columns=(*dims, "measure", "value", "flag"),
        natural_key=key,
        code=code,
        dimensions=dims,
        **kw,
    )


ASYLUM_APPLICANTS_MONTHLY = _eurostat(
    "migr_asyappctzm",
    "asylum_applicants_monthly",
    ASYLUM_DIMS,
    description="Asylum applicants by type, citizenship, age and sex - monthly data (rounded)",
    filters={"geo": DEFAULT_GEO, "sex": ("T",), "age": ("TOTAL",), "unit": ("PER",)},
    frequency="M",
    revision_periods=12,
    first_period="2008-01",
)

ASYLUM_APPLICANTS_ANNUAL = _eurostat(
    "migr_asyappctza",
    "asylum_applicants_annual",
    ASYLUM_DIMS,
    description="Asylum applicants by type, citizenship, age and sex - annual aggregated "
    "data (rounded)",
    # By sex: the annual table is the reference for planning reception places.
    filters={"geo": ASYLUM_GEO, "sex": ("T", "M", "F"), "age": ("TOTAL",), "unit": ("PER",)},
    frequency="A",
    revision_periods=3,
    first_period="2008",
)

ASYLUM_DECISIONS_FIRST_INSTANCE = _eurostat(
    "migr_asydcfsta",
    "asylum_decisions_first_instance",
    ("freq", "unit", "citizen", "sex", "age", "decision", "geo", "time"),
    description="First instance decisions on applications by citizenship, age and sex - "
    "annual aggregated data (rounded)",
    filters={
        "geo": ASYLUM_GEO,
        "sex": ("T",),
        "age": ("TOTAL",),
        "unit": ("PER",),
        "decision": DECISION_CODES,
    },
    frequency="A",
    revision_periods=3,
    first_period="2008",
)

ILLEGALLY_PRESENT = _eurostat(
    "migr_eipre",
    "illegally_present",
    # The order of the API's `id` (unit comes after age here).
    ("freq", "reason", "apprehen", "citizen", "sex", "age", "unit", "geo", "time"),
    description="Third country nationals found to be illegally present - annual data (rounded)",
    # Enforcement statistics come from EU and EFTA states only.
    filters={
        "geo": DEFAULT_GEO,
        "reason": ("TOTAL",),
        "apprehen": ("TOTAL",),
        "sex": ("T",),
        "age": ("TOTAL",),
        "unit": ("PER",),
    },
    frequency="A",
    revision_periods=3,
    first_period="2008",
)

POPULATION_BY_CITIZENSHIP = _eurostat(
    "migr_pop1ctz",
    "population_by_citizenship",
    ("freq", "unit", "citizen", "age", "sex", "geo", "time"),
    description="Population on 1 January by age group, sex and citizenship",
    # Every citizenship: the denominators of per-capita figures by nationality.
    filters={"geo": POPULATION_GEO, "age": ("TOTAL",), "sex": ("T", "M", "F"), "unit": ("NR",)},
    frequency="A",
    # Census rounds revise several years of population estimates.
    revision_periods=5,
    first_period="1998",
)

DATASETS: dict[str, EurostatDataset] = {
    d.name: d
    for d in (
        ASYLUM_APPLICANTS_MONTHLY,
        ASYLUM_APPLICANTS_ANNUAL,
        ASYLUM_DECISIONS_FIRST_INSTANCE,
        ILLEGALLY_PRESENT,
        POPULATION_BY_CITIZENSHIP,
    )
}
