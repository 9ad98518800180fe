"""Writes the bundled sample payloads (run it to regenerate): one per dataset.

Each is what `client.fetch` packs for one data interval (a run on 2026-03-02 with
`--since 2025-10-13`, so the revision window reaches back to 2025-09-01): every request
of `OdpDataset.requests` with an answer in the endpoint's real shape. The figures are
invented but of the right size for each route in 2025-2026, and the answers carry the
real quirks: numbers as strings (a few as JSON numbers), days not reported yet (null),
sublocation and origin `month` fields that disagree with `date`, breakdowns sent as
null or as all "0" beside a positive total, UNHCR origin codes that are not ISO (SUD,
ARE, ALG, ICO, GAM, GAZ) and the residual OTH and UKN. Monthly series equal the sum of
their daily series. Deterministic: the same files every time.
"""

from __future__ import annotations

import calendar
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from ingest.payload import Part, pack
from ingest.sources.unhcr_odp.client import BASE_URL
from ingest.sources.unhcr_odp.datasets import (
    DATASETS,
    LAND,
    ORIGIN_MEASURES,
    PLACE_BY_ID,
    POPULATION_GROUPS,
    SEA,
    SEA_CANARIES,
)

HERE = Path(__file__).resolve().parent
START = datetime(2025, 10, 13, tzinfo=UTC)
END = datetime(2026, 3, 2, tzinfo=UTC)
SITUATION = {
    "situation_view_id": 100,
    "situation_view_name": "Europe Sea Arrivals",
    "situation_view_description": "Sea and land arrivals to Europe (sample written for tests).",
}
# Mean arrivals per day by (geo_id, group), late 2025.
DAILY_MEAN = {
    ("656", SEA): 190.0, ("640", SEA): 120.0, ("640", LAND): 9.0, ("729", SEA): 45.0,
    ("729", SEA_CANARIES): 70.0, ("729", LAND): 6.0, ("616", SEA): 4.0, ("690", SEA): 0.6,
    ("595", LAND): 8.0,
}  # fmt: skip
# The last days a country has not reported yet (null), by (geo_id, group).
NOT_YET_REPORTED = {("640", SEA): 3, ("640", LAND): 3, ("595", LAND): 6}
CENTROIDS = {
    "656": (12.56738, 41.87194), "640": (21.824312, 39.074208), "729": (-3.74922, 40.463667),
    "616": (33.2193, 35.0445), "690": (14.5, 35.8833), "595": (25.48583, 42.733883),
}  # fmt: skip
# Places below each country: (name, admin level, lon, lat, share of the country's arrivals).
SUBLOCATIONS = {
    ("656", SEA): [
        ("Sicily", "Province", 14.25, 37.75, 0.71), ("Calabria", "Province", 16.5, 39.0, 0.14),
        ("Apulia", "Province", 16.7338, 41.0, 0.05), ("Sardinia", "Province", 9.0, 40.0, 0.06),
        ("Campania", "Province", 14.9205, 40.91, 0.04),
    ],
    ("640", SEA): [
        ("Crete", "Province", 25.059814453125, 35.18278813800229, 0.52),
        ("Lesvos", "Settlement", 26.2766, 39.2035, 0.12),
        ("Samos", "Settlement", 26.8, 37.75, 0.08), ("Kos", "Settlement", 27.1667, 36.8333, 0.07),
        ("Rhodes", "Settlement", 28.0, 36.2, 0.09), ("Chios", "Settlement", 26.0244, 38.4058, 0.06),
        ("Other Islands", "Settlement", 25.48828125, 36.94989178681279, 0.06),
    ],
    ("640", LAND): [("Evros", "Province", 26.1, 41.15, 1.0)],
    ("729", SEA): [
        ("Andalusia", "Province", -4.5, 37.4, 0.42),
        ("Balearic Islands", "Province", 3.0, 39.6, 0.41),
        ("Murcia", "Province", -1.13, 37.98, 0.1), ("Valencia", "Province", -0.38, 39.47, 0.07),
    ],
    ("729", SEA_CANARIES): [("Canary Islands", "Province", -15.5, 28.1, 1.0)],
    ("729", LAND): [
        ("Ceuta", "Settlement", -5.3162, 35.8894, 0.55),
        ("Melilla", "Settlement", -2.9381, 35.2923, 0.45),
    ],
    ("616", SEA): [("Cyprus", "Country", 33.2193, 35.0445, 1.0)],
    ("690", SEA): [("Malta", "Country", 14.5, 35.8833, 1.0)],
    ("595", LAND): [
        ("Haskovo", "Province", 25.55, 41.93, 0.6), ("Burgas", "Province", 27.47, 42.5, 0.25),
        ("Yambol", "Province", 26.5, 42.48, 0.15),
    ],
}  # fmt: skip
SOURCES = {
    "656": "Ministry of Interior", "640": "Hellenic Police, UNHCR", "729": "Ministry of Interior",
    "616": "Government, UNHCR", "690": "Government", "595": "Ministry of Interior",
}  # fmt: skip
# UNHCR origin codes (not ISO) and names; shares of a country's arrivals.
ORIGINS = {
    "656": [("BGD", "Bangladesh", .3), ("ARE", "Egypt", .16), ("ERT", "Eritrea", .1),
            ("PAK", "Pakistan", .09), ("SUD", "Sudan", .08), ("TUN", "Tunisia", .07),
            ("ICO", "Côte d'Ivoire", .05), ("GUI", "Guinea", .04), ("OTH", "Others", .11)],
    "640": [("AFG", "Afghanistan", .22), ("ARE", "Egypt", .2), ("SUD", "Sudan", .14),
            ("GAZ", "Palestinian", .09), ("SYR", "Syrian Arab Rep.", .08),
            ("YEM", "Yemen", .05), ("ERT", "Eritrea", .05), ("UKN", "Unknown", .02),
            ("OTH", "Others", .15)],
    "729": [("MLI", "Mali", .3), ("SEN", "Senegal", .17), ("ALG", "Algeria", .16),
            ("MOR", "Morocco", .1), ("GUI", "Guinea", .07), ("GAM", "Gambia", .05),
            ("OTH", "Others", .15)],
    "616": [("SYR", "Syrian Arab Rep.", .6), ("SUD", "Sudan", .15), ("OTH", "Others", .25)],
    "690": [("BGD", "Bangladesh", .35), ("SUD", "Sudan", .3), ("OTH", "Others", .35)],
    "595": [("AFG", "Afghanistan", .5), ("MOR", "Morocco", .2), ("SYR", "Syrian Arab Rep.", .15),
            ("OTH", "Others", .15)],
}  # fmt: skip


def url(endpoint: str, params: dict[str, str]) -> str:
    """The URL exactly as the client's session would send it."""
    return requests.Request("GET", f"{BASE_URL}/{endpoint}", params=params).prepare().url


def days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def number(rng: random.Random, n: int | None):
    """Mostly a string, as ODP sends it; now and then a JSON number; None when missing."""
    if n is None:
        return None
    return n if rng.random() < 0.07 else str(n)


def daily_series(rng: random.Random, key: tuple[str, str], first: date, last: date) -> dict:
    mean = DAILY_MEAN[key]
    out = {}
    for d in days(first, last):
        # Calm spells and surges: the weather decides when boats leave.
        surge = 3.0 if rng.random() < 0.06 else (0.2 if rng.random() < 0.25 else 1.0)
        out[d] = max(0, round(rng.gauss(mean * surge, mean * 0.6)))
    missing = NOT_YET_REPORTED.get(key, 0)
    for d in list(out)[len(out) - missing :]:
        out[d] = None
    return out


def timeseries(rng: random.Random) -> bytes:
    ds = DATASETS["arrivals_timeseries"]
    series: dict[tuple[str, str], dict] = {}
    parts = []
    for params in ds.requests(START, END):
        key = (params["geo_id"], params["population_group"])
        first = date.fromisoformat(params["fromDate"])
        last = date.fromisoformat(params["toDate"])
        if key not in series:
            series[key] = daily_series(rng, key, first, last)
        daily = series[key]
        if params["frequency"] == "day":
            items = [
                {"data_date": d.isoformat(), "unix_timestamp": _unix(d),
                 "individuals": number(rng, n)}
                for d, n in daily.items()
            ]  # fmt: skip
        else:
            items = []
            for y, m in sorted({(d.year, d.month) for d in daily}):
                total = sum(n or 0 for d, n in daily.items() if (d.year, d.month) == (y, m))
                items.append({"month": m, "year": y, "unix_timestamp": _unix(date(y, m, 1)),
                              "individuals": number(rng, total)})  # fmt: skip
        place = PLACE_BY_ID[params["geo_id"]]
        body = {
            **SITUATION,
            "data": {
                "geoMasterId": {
                    "id": int(place.geo_id),
                    "name": place.name,
                    "admin_level": "Country",
                },  # fmt: skip
                "timeseries": items,
            },
        }
        parts.append(Part(url("timeseries", params), body))
    return pack(parts)


def _unix(d: date) -> int:
    return calendar.timegm(d.timetuple())


def as_of(rng: random.Random, year: int) -> date:
    """The date a year's figure runs to: year end, or a recent update this year."""
    return date(year, 12, 31) if year < END.year else END.date() - timedelta(rng.randint(2, 9))


def year_total(key: tuple[str, str], year: int, until: date) -> float:
    days_in = (until - date(year, 1, 1)).days + 1
    return DAILY_MEAN[key] * days_in


def sublocation(rng: random.Random) -> bytes:
    ds = DATASETS["arrivals_by_sublocation"]
    parts = []
    for params in ds.requests(START, END):
        geo_id, group, year = params["geo_id"], params["population_group"], int(params["year"])
        until = as_of(rng, year)
        total = year_total((geo_id, group), year, until)
        data = []
        for i, (name, level, lon, lat, share) in enumerate(SUBLOCATIONS[(geo_id, group)]):
            month = until.month if rng.random() < 0.8 else 12  # `month` is not date's month
            data.append({
                "geomaster_name": name, "geomaster_id": int(geo_id) * 100 + i + 1,
                "admin_level": level, "centroid_lon": lon, "centroid_lat": lat,
                "source": SOURCES[geo_id], "date": until.isoformat(), "month": month,
                "year": year, "population_groups_concat": POPULATION_GROUPS[group],
                "population_group_id": group, "individuals_type": 1, "demography_type": 1,
                "individuals": str(round(total * share * rng.uniform(0.85, 1.15))),
                "households": None if rng.random() < 0.85 else "0",
            })  # fmt: skip
        parts.append(Part(url("sublocation", params), {**SITUATION, "data": data}))
    return pack(parts)


def breakdown(rng: random.Random, individuals: int) -> dict:
    """Sex and age bands that add up: totals per sex, children, unaccompanied children."""
    bands = ("04", "511", "1217", "1859", "60")
    weights = {"male": (0.03, 0.04, 0.09, 0.62, 0.01), "female": (0.03, 0.03, 0.03, 0.11, 0.01)}
    known = round(individuals * rng.uniform(0.9, 1.0))  # the rest: sex or age not recorded
    out: dict[str, str | None] = {}
    for sex, w in weights.items():
        counts = [round(known * x) for x in w]
        out.update({f"{sex}_{b}": str(c) for b, c in zip(bands, counts, strict=True)})
        out[f"{sex}_total"] = str(sum(counts))
        out[f"{sex}_hhs"] = None
    children = sum(int(out[f"{s}_{b}"]) for s in weights for b in bands[:3])
    out["children_total"] = str(children)
    out["uac_total"] = str(round(children * rng.uniform(0.4, 0.7)))
    out["households"] = None
    return out


def origin(rng: random.Random) -> bytes:
    ds = DATASETS["arrivals_by_origin"]
    parts = []
    for params in ds.requests(START, END):
        geo_id, year = params["geo_id"], int(params["year"])
        place = PLACE_BY_ID[geo_id]
        until = as_of(rng, year)
        total = sum(year_total((geo_id, g), year, until) for g in place.groups)
        lon, lat = CENTROIDS[geo_id]
        data = []
        for i, (code, name, share) in enumerate(ORIGINS[geo_id]):
            individuals = round(total * share * rng.uniform(0.9, 1.1))
            roll = rng.random()
            if code in ("OTH", "UKN") or roll < 0.15:
                demo = {m: None for m in ORIGIN_MEASURES[1:]}  # no breakdown published
            elif roll < 0.25:
                demo = {m: "0" for m in ORIGIN_MEASURES[1:]}  # "0" everywhere: none either
            else:
                demo = breakdown(rng, individuals)
            data.append({
                "geomaster_name": place.name, "geomaster_id": int(geo_id),
                "admin_level": "Country", "centroid_lon": lon, "centroid_lat": lat,
                "pop_accommodation_code": None, "pop_accommodation_name": None,
                "pop_data_type_code": "NEW", "pop_data_type_name": "New Arrivals",
                "pop_type_code": "ARR", "pop_type_name": "Sea and land arrivals",
                "pop_frequency_name": "Daily", "pop_frequency_code": "D",
                "pop_frequency_cumulative": "cumulative", "pop_frequency_cumulative_code": "C",
                "pop_origin_name": name, "pop_origin_code": code, "date": until.isoformat(),
                "month": until.month if rng.random() < 0.7 else rng.choice((12, 15)),
                "year": year,
                "population_groups": f"Arrivals in {place.name} from {name}",
                "population_group_id": str(int(geo_id) * 10 + 6000 + i),
                "source": SOURCES[geo_id], "individuals": number(rng, individuals),
                **{m: demo[m] for m in ORIGIN_MEASURES[1:]},
            })  # fmt: skip
        body = {"pop_frequency_code": ["D", "M", "A"], "pop_frequency_cumulative_code": [],
                "data": data}  # fmt: skip
        parts.append(Part(url("origin", params), body))
    return pack(parts)


def main() -> None:
    for name, build in (("arrivals_timeseries", timeseries),
                        ("arrivals_by_sublocation", sublocation),
                        ("arrivals_by_origin", origin)):  # fmt: skip
        content = build(random.Random(f"unhcr_odp/{name}"))
        (HERE / f"{name}.json").write_bytes(content + b"\n")
        print(f"{name}.json: {len(content):,} bytes")


if __name__ == "__main__":
    main()
