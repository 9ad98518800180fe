"""Writes the bundled sample payloads `indicators.json` and `countries.json` (run it
to regenerate).

The figures are invented but shaped like the real API's answers: `[meta, rows]`
pages (three pages per indicator at per_page=80), economies in iso3 order, years
newest first, integer values and nulls where WDI has none (migrant stock only in
2020 and 2024, no UN series for Kosovo, refugee figures a year behind, no world net
migration), aggregates (WLD, EUU, ECS) among the countries, and the economy list
with its quirks (per_page as a string, aggregates with region "NA", Namibia's iso2
code "NA", a region name with a trailing space). Deterministic: the same files
every time.
"""

from __future__ import annotations

import random
from pathlib import Path

from ingest.payload import Part, pack

HERE = Path(__file__).resolve().parent
BASE = "https://api.worldbank.org/v2"
YEARS = list(range(2024, 2016, -1))  # the API lists the newest year first
PER_PAGE = 80
LAST_UPDATED = "2026-07-01"

# iso3 -> (iso2, name); the indicator answers carry both.
ECONOMIES = {
    "AFG": ("AF", "Afghanistan"), "ALB": ("AL", "Albania"), "AUT": ("AT", "Austria"),
    "BGR": ("BG", "Bulgaria"), "BIH": ("BA", "Bosnia and Herzegovina"),
    "DEU": ("DE", "Germany"), "ECS": ("Z7", "Europe & Central Asia"),
    "EUU": ("EU", "European Union"), "GRC": ("GR", "Greece"), "HRV": ("HR", "Croatia"),
    "HUN": ("HU", "Hungary"), "ITA": ("IT", "Italy"), "MKD": ("MK", "North Macedonia"),
    "MNE": ("ME", "Montenegro"), "ROU": ("RO", "Romania"), "SRB": ("RS", "Serbia"),
    "SVN": ("SI", "Slovenia"), "SYR": ("SY", "Syrian Arab Republic"),
    "TUR": ("TR", "Turkiye"), "UKR": ("UA", "Ukraine"), "WLD": ("1W", "World"),
    "XKX": ("XK", "Kosovo"),
}  # fmt: skip
INDICATOR_NAMES = {
    "SM.POP.NETM": "Net migration",
    "SM.POP.TOTL": "International migrant stock, total",
    "SP.POP.TOTL": "Population, total",
    "SM.POP.RHCR.EA": "Refugee population by country or territory of asylum",
    "SM.POP.RHCR.EO": "Refugee population by country or territory of origin",
}
# Rough levels around 2020: population, migrant stock, net migration per year,
# refugees hosted, refugees originating.
LEVELS = {
    "AFG": (40_000_000, 145_000, -60_000, 70_000, 2_700_000),
    "ALB": (2_800_000, 49_000, -15_000, 100, 12_000),
    "AUT": (9_000_000, 1_800_000, 60_000, 130_000, 20),
    "BGR": (6_700_000, 180_000, -5_000, 20_000, 100),
    "BIH": (3_250_000, 34_000, -20_000, 5_000, 15_000),
    "DEU": (83_500_000, 16_000_000, 400_000, 1_200_000, 150),
    "ECS": (925_000_000, 95_000_000, 1_500_000, 6_500_000, 300_000),
    "EUU": (447_000_000, 56_000_000, 1_000_000, 2_700_000, 1_000),
    "GRC": (10_600_000, 1_300_000, -10_000, 100_000, 50),
    "HRV": (3_950_000, 530_000, -5_000, 1_000, 25_000),
    "HUN": (9_700_000, 590_000, 20_000, 5_000, 500),
    "ITA": (59_300_000, 6_400_000, 150_000, 170_000, 60),
    "MKD": (1_840_000, 131_000, -1_000, 300, 1_500),
    "MNE": (621_000, 70_000, -1_000, 1_000, 500),
    "ROU": (19_200_000, 720_000, -60_000, 3_000, 500),
    "SRB": (6_800_000, 800_000, -10_000, 25_000, 30_000),
    "SVN": (2_100_000, 280_000, 10_000, 1_000, 20),
    "SYR": (21_000_000, 870_000, -300_000, 20_000, 6_500_000),
    "TUR": (84_000_000, 6_000_000, 300_000, 3_500_000, 60_000),
    "UKR": (44_000_000, 4_900_000, 10_000, 2_000, 10_000),
    "WLD": (7_800_000_000, 281_000_000, 0, 20_000_000, 20_000_000),
    "XKX": (1_780_000, 0, 0, 0, 0),
}
POPULATION, STOCK, NET, HOSTED, ORIGIN = range(5)
STOCK_YEARS = {2015, 2020, 2024}  # UN DESA publishes migrant stock every five years
# Refugees fleeing Ukraine from 2022: hosted by these, originating from Ukraine.
UKRAINE_2022 = {"DEU": 1_100_000, "BGR": 50_000, "ROU": 90_000, "HUN": 35_000,
                "HRV": 20_000, "SVN": 9_000, "ITA": 160_000, "AUT": 90_000,
                "MKD": 500, "SRB": 1_000, "MNE": 40_000, "EUU": 4_000_000,
                "ECS": 5_000_000, "WLD": 5_900_000}  # fmt: skip


def value(rng: random.Random, indicator: str, iso3: str, year: int) -> int | None:
    """An invented figure of the indicator, or None where WDI has no value."""
    levels = LEVELS[iso3]
    drift = 1 + (year - 2020) * rng.uniform(-0.006, 0.012)
    if indicator == "SP.POP.TOTL":
        if iso3 == "UKR" and year >= 2022:
            return int(levels[POPULATION] * 0.86 * rng.uniform(0.99, 1.01))
        return int(levels[POPULATION] * drift)
    if iso3 == "XKX":
        return None  # UN DESA and UNHCR count Kosovo within Serbia
    if indicator == "SM.POP.TOTL":
        return int(levels[STOCK] * drift) if year in STOCK_YEARS else None
    if indicator == "SM.POP.NETM":
        if iso3 == "WLD":
            return None  # the world's net migration is zero by definition
        base = levels[NET] * rng.uniform(0.7, 1.3)
        if year == 2022 and iso3 == "UKR":
            return -5_700_000
        if year == 2022 and iso3 in UKRAINE_2022 and iso3 not in ("ECS", "EUU"):
            base += UKRAINE_2022[iso3]
        return int(round(base, -1))
    if year == 2024:
        return None  # UNHCR figures reach WDI a year later
    if indicator == "SM.POP.RHCR.EA":
        extra = UKRAINE_2022.get(iso3, 0) if year >= 2022 else 0
        return int(levels[HOSTED] * drift) + extra
    if indicator == "SM.POP.RHCR.EO":
        if iso3 == "UKR" and year >= 2022:
            return UKRAINE_2022["WLD"] + rng.randint(0, 50_000)
        return int(levels[ORIGIN] * drift)
    raise ValueError(indicator)


def indicator_answers() -> list[Part]:
    rng = random.Random(2026)
    codes = ";".join(sorted(ECONOMIES))
    parts = []
    for indicator, name in INDICATOR_NAMES.items():
        rows = [
            {
                "indicator": {"id": indicator, "value": name},
                "country": {"id": ECONOMIES[iso3][0], "value": ECONOMIES[iso3][1]},
                "countryiso3code": iso3,
                "date": str(year),
                "value": value(rng, indicator, iso3, year),
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            }
            for iso3 in sorted(ECONOMIES)
            for year in YEARS
        ]
        pages = (len(rows) + PER_PAGE - 1) // PER_PAGE
        for page in range(1, pages + 1):
            meta = {"page": page, "pages": pages, "per_page": PER_PAGE, "total": len(rows),
                    "sourceid": "2", "lastupdated": LAST_UPDATED}  # fmt: skip
            url = (
                f"{BASE}/country/{codes}/indicator/{indicator}?format=json"
                f"&per_page={PER_PAGE}&date={YEARS[-1]}:{YEARS[0]}&page={page}"
            )
            chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
            parts.append(Part(url, [meta, chunk]))
    return parts


def _group(code: str, iso2: str, value: str) -> dict:
    return {"id": code, "iso2code": iso2, "value": value}


AGGREGATE = _group("NA", "NA", "Aggregates")
NONE = _group("", "", "")
ECS = _group("ECS", "Z7", "Europe & Central Asia")
ECA = _group("ECA", "7E", "Europe & Central Asia (excluding high income)")
MEA = _group("MEA", "ZQ", "Middle East, North Africa, Afghanistan & Pakistan")
MNA = _group(
    "MNA", "XQ", "Middle East, North Africa, Afghanistan & Pakistan (excluding high income)"
)
SSF = _group("SSF", "ZG", "Sub-Saharan Africa ")
SSA = _group("SSA", "ZF", "Sub-Saharan Africa (excluding high income)")
LCN = _group("LCN", "ZJ", "Latin America & Caribbean ")
HIC, UMC = _group("HIC", "XD", "High income"), _group("UMC", "XT", "Upper middle income")
LIC, INX = _group("LIC", "XM", "Low income"), _group("INX", "XY", "Not classified")
IBD, IDX = _group("IBD", "XF", "IBRD"), _group("IDX", "XI", "IDA")
LNX = _group("LNX", "XX", "Not classified")

# id: (iso2, name, region, admin region, income, lending, capital, longitude, latitude)
COUNTRIES = {
    "AFG": ("AF", "Afghanistan", MEA, MNA, LIC, IDX, "Kabul", "69.1761", "34.5228"),
    "ALB": ("AL", "Albania", ECS, ECA, UMC, IBD, "Tirane", "19.8172", "41.3317"),
    "AUT": ("AT", "Austria", ECS, NONE, HIC, LNX, "Vienna", "16.3798", "48.2201"),
    "BGR": ("BG", "Bulgaria", ECS, NONE, HIC, IBD, "Sofia", "23.3238", "42.7105"),
    "BIH": ("BA", "Bosnia and Herzegovina", ECS, ECA, UMC, IBD, "Sarajevo", "18.4214",
            "43.8607"),
    "DEU": ("DE", "Germany", ECS, NONE, HIC, LNX, "Berlin", "13.4115", "52.5235"),
    "ECS": ("Z7", "Europe & Central Asia", AGGREGATE, NONE, AGGREGATE, None, "", "", ""),
    "EMU": ("XC", "Euro area", AGGREGATE, NONE, AGGREGATE, None, "", "", ""),
    "EUU": ("EU", "European Union", AGGREGATE, NONE, AGGREGATE, None, "", "", ""),
    "GRC": ("GR", "Greece", ECS, NONE, HIC, LNX, "Athens", "23.7166", "37.9792"),
    "HRV": ("HR", "Croatia", ECS, NONE, HIC, LNX, "Zagreb", "15.9614", "45.8069"),
    "HUN": ("HU", "Hungary", ECS, NONE, HIC, LNX, "Budapest", "19.0408", "47.4984"),
    "ITA": ("IT", "Italy", ECS, NONE, HIC, LNX, "Rome", "12.4823", "41.8955"),
    "MKD": ("MK", "North Macedonia", ECS, ECA, UMC, IBD, "Skopje", "21.4361", "41.9959"),
    "MNE": ("ME", "Montenegro", ECS, ECA, UMC, IBD, "Podgorica", "19.2595", "42.4602"),
    "NAM": ("NA", "Namibia", SSF, SSA, UMC, IBD, "Windhoek", "17.0931", "-22.5648"),
    "ROU": ("RO", "Romania", ECS, NONE, HIC, IBD, "Bucharest", "26.0979", "44.4479"),
    "SRB": ("RS", "Serbia", ECS, ECA, UMC, IBD, "Belgrade", "20.4656", "44.8024"),
    "SVN": ("SI", "Slovenia", ECS, NONE, HIC, LNX, "Ljubljana", "14.5044", "46.0546"),
    "SYR": ("SY", "Syrian Arab Republic", MEA, MNA, LIC, IDX, "Damascus", "36.3119",
            "33.5146"),
    "TUR": ("TR", "Turkiye", ECS, ECA, UMC, IBD, "Ankara", "32.3606", "39.7153"),
    "UKR": ("UA", "Ukraine", ECS, ECA, UMC, IBD, "Kiev", "30.5038", "50.4536"),
    "UMC": ("XT", "Upper middle income", AGGREGATE, NONE, AGGREGATE, None, "", "", ""),
    "VEN": ("VE", "Venezuela, RB", LCN, NONE, INX, IBD, "Caracas", "-69.8371", "9.08165"),
    "WLD": ("1W", "World", AGGREGATE, NONE, AGGREGATE, None, "", "", ""),
    "XKX": ("XK", "Kosovo", ECS, ECA, UMC, IDX, "Pristina", "20.926", "42.565"),
}  # fmt: skip


def country_answers() -> list[Part]:
    rows = []
    for code, (iso2, name, region, admin, income, lending, capital, lon, lat) in sorted(
        COUNTRIES.items()
    ):
        rows.append({
            "id": code, "iso2Code": iso2, "name": name, "region": region,
            "adminregion": admin, "incomeLevel": income,
            # Aggregates have a lending type without id: {"id": "", "value": "Aggregates"}.
            "lendingType": lending or _group("", "", "Aggregates"),
            "capitalCity": capital, "longitude": lon, "latitude": lat,
        })  # fmt: skip
    # The country endpoint sends per_page as a string.
    meta = {"page": 1, "pages": 1, "per_page": "400", "total": len(rows)}
    return [Part(f"{BASE}/country?format=json&per_page=400&page=1", [meta, rows])]


def main() -> None:
    (HERE / "indicators.json").write_bytes(pack(indicator_answers()))
    (HERE / "countries.json").write_bytes(pack(country_answers()))


if __name__ == "__main__":
    main()
