"""The UNHCR Operational Data Portal (data.unhcr.org) datasets the warehouse ingests.

Light on purpose (no HTTP imports): DAG files import it. Each dataset declares its
endpoint, its raw columns and the requests one data interval needs.

Endpoints (`https://data.unhcr.org/population/get/<endpoint>`), none of them paged:

* `timeseries`: one series per request (a place, a population group, a frequency);
  `{"data": {"timeseries": [...]}}` with `{data_date, individuals}` items for
  `frequency=day` and `{month, year, individuals}` items for `frequency=month`. The
  items do not say which place or group they count: the request does, so the live
  payload keeps every request beside its answer (ingest.payload.pack).
* `sublocation`: the places below a country (islands, provinces, border areas) with
  the arrivals of one `year` up to `date`: `{"data": [{geomaster_id, geomaster_name,
  admin_level, centroid_lon, centroid_lat, date, month, year, population_group_id,
  population_groups_concat, individuals, households, ...}]}`.
* `origin`: the same per nationality: `{"data": [{geomaster_id, pop_origin_code (UNHCR
  codes, not ISO: SUD, ARE, OTH ...), date, month, year, population_group_id,
  individuals, households, male_04 ... female_total, children_total, uac_total}]}`.

Numbers arrive as strings (sometimes as JSON numbers, or null). `month` in sublocation
and origin rows is not the calendar month of `date` (the real answers carry 12 and 15
for March and May dates): it is kept as sent and never used as a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ingest.datasets import RawDataset

SOURCE = "unhcr_odp"
# The "Europe sea arrivals" situation view (data.unhcr.org/en/situations/europe-sea-arrivals);
# older clients used 11 (Mediterranean situation) for the same population groups.
SITUATION_VIEW = "100"

SEA = "4797"  # Mediterranean sea arrivals
LAND = "4798"  # land arrivals
SEA_CANARIES = "5634"  # Spain: sea arrivals to the Canary Islands (Atlantic route), apart
POPULATION_GROUPS = {
    SEA: "Mediterranean sea arrivals",
    LAND: "Land arrivals",
    SEA_CANARIES: "Sea arrivals to the Canary Islands",
}


@dataclass(frozen=True)
class Place:
    """A country as ODP knows it (its geomaster id) and the arrivals it reports."""

    geo_id: str
    name: str  # ODP's English name: the client checks answers against it
    iso3: str
    groups: tuple[str, ...]


PLACES = (
    Place("656", "Italy", "ITA", (SEA,)),
    Place("640", "Greece", "GRC", (SEA, LAND)),
    Place("729", "Spain", "ESP", (SEA, SEA_CANARIES, LAND)),
    Place("616", "Cyprus", "CYP", (SEA,)),
    Place("690", "Malta", "MLT", (SEA,)),
    # Not confirmed against ODP's geography (the others are the ids its situation pages
    # use): the client refuses an answer that names another country.
    Place("595", "Bulgaria", "BGR", (LAND,)),
)
PLACE_BY_ID = {p.geo_id: p for p in PLACES}

# The measures ODP sends per row; every one present in a row becomes a long row.
TIMESERIES_MEASURES = ("individuals",)
SUBLOCATION_MEASURES = ("individuals", "households")
ORIGIN_MEASURES = (
    "individuals", "households",
    "male_04", "male_511", "male_1217", "male_1859", "male_60", "male_total", "male_hhs",
    "female_04", "female_511", "female_1217", "female_1859", "female_60", "female_total",
    "female_hhs", "children_total", "uac_total",
)  # fmt: skip

# Where the series start (the 2014-2015 Mediterranean emergency); the default range.
HISTORY_START = date(2014, 1, 1)


@dataclass(frozen=True)
class OdpDataset(RawDataset):
    endpoint: str = ""  # timeseries | sublocation | origin
    dimensions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    frequencies: tuple[str, ...] = ()  # timeseries only: day, month
    extra_params: dict[str, str] = field(default_factory=dict)
    # ODP revises the last weeks (late registrations, corrected disembarkation counts):
    # every run asks again for this many days before its interval.
    revision_days: int = 42

    def requests(self, start: datetime | None, end: datetime | None) -> list[dict[str, str]]:
        """The query parameters of every request one data interval needs, in a fixed
        order (so the same interval gives the same payload)."""
        first, last = self.window(start, end)
        years = [str(y) for y in range(first.year, last.year + 1)] if last else []
        out: list[dict[str, str]] = []
        for place in PLACES:
            base = {"sv_id": SITUATION_VIEW, "geo_id": place.geo_id, **self.extra_params}
            if self.endpoint == "origin":
                # Nationalities are asked per country; the rows name their groups.
                out.extend({**base, "year": y} for y in years)
                continue
            for group in place.groups:
                asked = {**base, "population_group": group}
                if self.endpoint == "timeseries":
                    for freq in self.frequencies:
                        out.append({**asked, "frequency": freq, **_date_range(freq, first, last)})
                else:
                    out.extend({**asked, "year": y} for y in years)
        return out

    def window(self, start: datetime | None, end: datetime | None) -> tuple[date, date | None]:
        """First and last day asked: the interval (its end is exclusive) widened by the
        revision window; the whole history when there is no interval."""
        first = HISTORY_START if start is None else start.date() - timedelta(self.revision_days)
        last = None if end is None else end.date() - timedelta(days=1)
        if last is None and self.endpoint != "timeseries":
            last = date.today()  # the per-year endpoints need a last year
        return first, last


def _date_range(frequency: str, first: date, last: date | None) -> dict[str, str]:
    if frequency == "month":
        first = first.replace(day=1)  # a month is asked whole
    params = {"fromDate": first.isoformat()}
    if last is not None:
        params["toDate"] = last.isoformat()
    return params


ARRIVALS_TIMESERIES = OdpDataset(
    source=SOURCE,
    name="arrivals_timeseries",
    columns=("geo_id", "population_group", "frequency", "period", "measure", "value", "flag"),
    natural_key=("geo_id", "population_group", "frequency", "period", "measure"),
    description=(
        "Sea and land arrivals per country, daily and monthly (population/get/timeseries)"
    ),
    endpoint="timeseries",
    dimensions=("geo_id", "population_group", "frequency", "period"),
    measures=TIMESERIES_MEASURES,
    frequencies=("day", "month"),
)

_SUBLOCATION_DIMS = (
    "geo_id", "geomaster_id", "geomaster_name", "admin_level", "centroid_lon",
    "centroid_lat", "population_group_id", "population_groups_concat", "year", "month",
    "date", "source",
)  # fmt: skip
ARRIVALS_BY_SUBLOCATION = OdpDataset(
    source=SOURCE,
    name="arrivals_by_sublocation",
    columns=(*_SUBLOCATION_DIMS, "measure", "value", "flag"),
    natural_key=("geomaster_id", "population_group_id", "year", "measure"),
    description=(
        "Arrivals of one year so far per disembarkation or border place (population/get/"
        "sublocation)"
    ),
    endpoint="sublocation",
    dimensions=_SUBLOCATION_DIMS,
    measures=SUBLOCATION_MEASURES,
)

_ORIGIN_DIMS = (
    "geo_id", "geomaster_id", "geomaster_name", "population_group_id", "pop_type_code",
    "pop_data_type_code", "pop_origin_code", "pop_origin_name", "year", "month", "date",
    "source",
)  # fmt: skip
ARRIVALS_BY_ORIGIN = OdpDataset(
    source=SOURCE,
    name="arrivals_by_origin",
    columns=(*_ORIGIN_DIMS, "measure", "value", "flag"),
    natural_key=("geomaster_id", "population_group_id", "pop_origin_code", "year", "measure"),
    description=(
        "Arrivals of one year so far per country of arrival and nationality, with the sex "
        "and age breakdown (population/get/origin)"
    ),
    endpoint="origin",
    dimensions=_ORIGIN_DIMS,
    measures=ORIGIN_MEASURES,
    # Population collection 28: "most common nationalities" of sea and land arrivals.
    extra_params={"population_collection": "28"},
)

DATASETS: dict[str, OdpDataset] = {
    d.name: d for d in (ARRIVALS_TIMESERIES, ARRIVALS_BY_SUBLOCATION, ARRIVALS_BY_ORIGIN)
}
