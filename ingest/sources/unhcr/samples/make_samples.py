"""Writes the bundled sample payloads `<dataset>.json` (run it to regenerate).

Each is what a live run for a 2024 data interval would store: every page of
`<endpoint>/?cf_type=ISO&coo_all=true&coa_all=true&yearFrom=2021&yearTo=2024...`
packed into one payload. The figures are invented but shaped like the real answers:
origin x asylum pair rows for South-East and Central Europe; UNHCR's own country codes
beside the ISO3 ones (GFR/DEU, AUS/AUT, GRE/GRC, BSN/BIH, MCD/MKD); Serbia reported as
"Serbia and Kosovo: S/RES/1244 (1999)"; "Unknown " with its trailing space and ISO3 UNK;
stateless people under STA/XXA; counts as numbers, zeros and some counts as strings,
"-" where a category does not apply; small counts rounded as UNHCR does. The population
sample is asked 100 rows a page, so it spans three pages as a live answer would.
Deterministic: the same files every time.
"""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlencode

from ingest.payload import Part, pack
from ingest.sources.unhcr.client import BASE_URL, PAGE_LIMIT, build_params
from ingest.sources.unhcr.datasets import DATASETS

HERE = Path(__file__).resolve().parent
YEARS = (2021, 2022, 2023, 2024)

# ISO3 -> (UNHCR id, UNHCR code, name as the API spells it)
COUNTRIES = {
    "DEU": (72, "GFR", "Germany"),
    "AUT": (12, "AUS", "Austria"),
    "ITA": (95, "ITA", "Italy"),
    "GRC": (76, "GRE", "Greece"),
    "BGR": (33, "BUL", "Bulgaria"),
    "HRV": (49, "HRV", "Croatia"),
    "HUN": (85, "HUN", "Hungary"),
    "SVN": (173, "SVN", "Slovenia"),
    "ROU": (159, "ROM", "Romania"),
    "TUR": (196, "TUR", "Türkiye"),
    "SRB": (277, "SRB", "Serbia and Kosovo: S/RES/1244 (1999)"),
    "MKD": (117, "MCD", "North Macedonia"),
    "ALB": (3, "ALB", "Albania"),
    "BIH": (27, "BSN", "Bosnia and Herzegovina"),
    "MNE": (278, "MNE", "Montenegro"),
    "SYR": (185, "SYR", "Syrian Arab Rep."),
    "AFG": (2, "AFG", "Afghanistan"),
    "IRQ": (92, "IRQ", "Iraq"),
    "UKR": (200, "UKR", "Ukraine"),
    "IRN": (91, "IRN", "Iran (Islamic Rep. of)"),
    "PAK": (146, "PAK", "Pakistan"),
    "RUS": (160, "RUS", "Russian Federation"),
    "BGD": (17, "BGD", "Bangladesh"),
    "MAR": (130, "MOR", "Morocco"),
    "NGA": (140, "NIG", "Nigeria"),
    "UNK": (262, "UKN", "Unknown "),
    "XXA": (216, "STA", "Stateless"),
}


def identity(year: int, origin: str, asylum: str) -> dict:
    """The identity fields in the API's order."""
    coo_id, coo, coo_name = COUNTRIES[origin]
    coa_id, coa, coa_name = COUNTRIES[asylum]
    return {
        "year": year,
        "coo_id": coo_id, "coo_name": coo_name, "coo": coo, "coo_iso": origin,
        "coa_id": coa_id, "coa_name": coa_name, "coa": coa, "coa_iso": asylum,
    }  # fmt: skip


def rounded(n: float, small: int = 5) -> int:
    """UNHCR rounds counts below `small` (5; 10 for decisions) to the nearest 5."""
    n = max(int(round(n)), 0)
    return 5 * round(n / 5) if n < small else n


class Cells:
    """How the API writes counts: zeros as "0", most others as numbers, some as strings."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def __call__(self, n: int) -> int | str:
        if n == 0:
            return "0"
        return str(n) if self.rng.random() < 0.12 else n


def noisy(rng: random.Random, base: float, factor: float) -> float:
    return base * factor * rng.uniform(0.9, 1.1)


# --------------------------------------------------------------------- population

# (origin, asylum): (refugees, asylum-seekers) at the end of 2023
POPULATION_PAIRS = {
    ("SYR", "DEU"): (705800, 72600), ("SYR", "AUT"): (66500, 18900),
    ("SYR", "TUR"): (3214780, 0), ("SYR", "GRC"): (41200, 6300),
    ("SYR", "BGR"): (10100, 3400), ("SYR", "ITA"): (5900, 1200),
    ("SYR", "ROU"): (2300, 700), ("SYR", "SRB"): (35, 20), ("SYR", "HUN"): (45, 0),
    ("AFG", "DEU"): (232900, 61300), ("AFG", "AUT"): (44800, 11900),
    ("AFG", "TUR"): (128900, 17200), ("AFG", "GRC"): (45600, 4800),
    ("AFG", "ITA"): (15700, 5100), ("AFG", "BGR"): (1900, 2100), ("AFG", "SVN"): (110, 40),
    ("IRQ", "DEU"): (139700, 28300), ("IRQ", "TUR"): (19500, 59800),
    ("IRQ", "GRC"): (10100, 2900), ("IRQ", "AUT"): (13200, 1300),
    ("UKR", "DEU"): (1125000, 2500), ("UKR", "ITA"): (161100, 900),
    ("UKR", "AUT"): (79100, 300), ("UKR", "ROU"): (81100, 0), ("UKR", "BGR"): (62700, 0),
    ("UKR", "HUN"): (35600, 10), ("UKR", "HRV"): (19700, 0), ("UKR", "SVN"): (9700, 0),
    ("UKR", "MNE"): (8600, 0), ("UKR", "SRB"): (3900, 15), ("UKR", "MKD"): (700, 0),
    ("UKR", "GRC"): (27200, 0), ("UKR", "TUR"): (32100, 0), ("UKR", "ALB"): (190, 0),
    ("UKR", "BIH"): (150, 5),
    ("IRN", "DEU"): (46900, 9100), ("IRN", "TUR"): (5300, 15200), ("IRN", "AUT"): (9200, 900),
    ("PAK", "ITA"): (14400, 17300), ("PAK", "GRC"): (3300, 4100),
    ("BGD", "ITA"): (3800, 16400), ("MAR", "ITA"): (1100, 5300),
    ("NGA", "ITA"): (12300, 3100), ("TUR", "DEU"): (52100, 70900),
    ("TUR", "AUT"): (2900, 2100), ("TUR", "GRC"): (6400, 1900), ("RUS", "DEU"): (32600, 6900),
    ("RUS", "AUT"): (10400, 600), ("RUS", "MNE"): (110, 90),
    ("SRB", "DEU"): (4300, 900), ("SRB", "MNE"): (430, 0), ("MKD", "DEU"): (900, 500),
    ("ALB", "DEU"): (700, 500), ("ALB", "ITA"): (900, 700), ("BIH", "SRB"): (3200, 0),
    ("HRV", "SRB"): (13500, 0), ("HRV", "BIH"): (1500, 0), ("BIH", "MNE"): (320, 0),
    ("UNK", "DEU"): (0, 4900), ("UNK", "GRC"): (0, 600),
}  # fmt: skip
# Internally displaced people in their own country (origin = asylum).
IDPS = {("SRB", "SRB"): 196140, ("BIH", "BIH"): 91400}
STATELESS = {("XXA", "MKD"): 470, ("XXA", "SRB"): 1920, ("XXA", "MNE"): 410, ("XXA", "ALB"): 940}
# Refugees who returned from the asylum country during the year.
RETURNS = {("SYR", "TUR"): (35600, 51200, 19865, 159439), ("IRQ", "TUR"): (900, 700, 1100, 900)}
TREND = {2021: 0.9, 2022: 0.95, 2023: 1.0, 2024: 1.02}
# Ukrainians abroad were few before the full-scale invasion of February 2022.
TREND_UKR = {2021: 0.002, 2022: 0.93, 2023: 1.0, 2024: 1.04}


def population_items() -> list[dict]:
    rng, cell = random.Random(51), Cells(51)
    items = []
    pairs = sorted({*POPULATION_PAIRS, *IDPS, *STATELESS}, key=lambda p: (p[1], p[0]))
    for year in YEARS:
        for origin, asylum in pairs:
            trend = (TREND_UKR if origin == "UKR" else TREND)[year]
            ref, asy = POPULATION_PAIRS.get((origin, asylum), (0, 0))
            returns = RETURNS.get((origin, asylum), (0, 0, 0, 0))[YEARS.index(year)]
            idps = IDPS.get((origin, asylum), 0)
            items.append(
                identity(year, origin, asylum)
                | {
                    "refugees": cell(rounded(noisy(rng, ref, trend)) if ref else 0),
                    "asylum_seekers": cell(rounded(noisy(rng, asy, trend)) if asy else 0),
                    "returned_refugees": cell(returns),
                    "idps": cell(rounded(noisy(rng, idps, 1.0)) if idps else 0),
                    "returned_idps": cell(rounded(idps * 0.001) if idps else 0),
                    "stateless": cell(STATELESS.get((origin, asylum), 0)),
                    "ooc": cell(610 if (origin, asylum) == ("SRB", "MNE") else 0),
                    # No "other people in need of international protection" here.
                    "oip": "-",
                    # Host communities are counted only where UNHCR assists them.
                    "hst": "-" if year < 2022 else "0",
                }
            )
    return items


# --------------------------------------------------------------------- asylum procedures

# (origin, asylum): applications during 2023
APPLICATIONS = {
    ("SYR", "DEU"): 102900, ("SYR", "AUT"): 20100, ("SYR", "GRC"): 9100, ("SYR", "BGR"): 7000,
    ("SYR", "ITA"): 1500, ("SYR", "SVN"): 1200, ("SYR", "ROU"): 1000, ("SYR", "HRV"): 300,
    ("SYR", "SRB"): 15, ("SYR", "MKD"): 10, ("SYR", "BIH"): 60, ("SYR", "HUN"): 3,
    ("AFG", "DEU"): 51300, ("AFG", "AUT"): 8000, ("AFG", "GRC"): 7100, ("AFG", "BGR"): 5000,
    ("AFG", "ITA"): 3000, ("AFG", "SVN"): 1500, ("AFG", "HRV"): 500, ("AFG", "SRB"): 40,
    ("AFG", "BIH"): 100, ("AFG", "MNE"): 20, ("AFG", "ALB"): 25,
    ("IRQ", "DEU"): 12100, ("IRQ", "GRC"): 2500, ("IRQ", "AUT"): 1000, ("IRQ", "ITA"): 900,
    ("TUR", "DEU"): 61200, ("TUR", "AUT"): 2500, ("TUR", "GRC"): 2500, ("TUR", "BGR"): 500,
    ("UKR", "DEU"): 2500, ("UKR", "ITA"): 900,
    ("RUS", "DEU"): 7600, ("RUS", "AUT"): 600, ("RUS", "SRB"): 150, ("RUS", "MNE"): 100,
    ("PAK", "ITA"): 15100, ("PAK", "GRC"): 4000, ("PAK", "AUT"): 1200, ("PAK", "ROU"): 500,
    ("BGD", "ITA"): 16000, ("BGD", "ROU"): 800, ("MAR", "ITA"): 6000, ("MAR", "AUT"): 1500,
    ("NGA", "ITA"): 3000, ("IRN", "DEU"): 9000, ("IRN", "AUT"): 1000,
    ("ALB", "DEU"): 800, ("ALB", "ITA"): 700, ("MKD", "DEU"): 1000, ("SRB", "DEU"): 1000,
    ("BIH", "DEU"): 300, ("UNK", "DEU"): 1500,
}  # fmt: skip
APPLICATION_TREND = {2021: 0.55, 2022: 0.8, 2023: 1.0, 2024: 0.75}
# How each asylum country reports: (authority, application type, level, unit, share).
PROCEDURES = {
    "DEU": (("G", "N", "FI", "P", 0.85), ("G", "R", "RA", "P", 0.05), ("G", "A", "JR", "P", 0.1)),
    "AUT": (("G", "N", "FA", "P", 0.93), ("G", "R", "RA", "P", 0.07)),
    "GRC": (("G", "N", "FI", "P", 0.88), ("G", "A", "AR", "P", 0.12)),
    # Appeals before the courts are counted in cases.
    "ITA": (("G", "N", "FI", "P", 0.85), ("G", "A", "JR", "C", 0.15)),
}
DEFAULT_PROCEDURE = (("G", "N", "FI", "P", 1.0),)
# Decisions by outcome (recognized, complementary protection, rejected, closed).
OUTCOMES = {
    "SYR": (0.35, 0.55, 0.02, 0.08), "AFG": (0.2, 0.45, 0.2, 0.15),
    "IRQ": (0.1, 0.1, 0.6, 0.2), "TUR": (0.1, 0.01, 0.7, 0.19), "UKR": (0.05, 0.6, 0.2, 0.15),
    "RUS": (0.15, 0.05, 0.6, 0.2), "IRN": (0.3, 0.05, 0.45, 0.2),
}  # fmt: skip
OTHER_OUTCOMES = (0.01, 0.03, 0.72, 0.24)
# Transit countries close most files: people move on before a decision.
TRANSIT = {"SRB", "MKD", "BIH", "MNE", "ALB", "HRV", "SVN", "HUN"}
TRANSIT_OUTCOMES = (0.03, 0.02, 0.05, 0.9)


def application_items() -> list[dict]:
    rng, cell = random.Random(52), Cells(52)
    items = []
    for year in YEARS:
        for (origin, asylum), base in sorted(APPLICATIONS.items(), key=lambda kv: kv[0][::-1]):
            total = noisy(rng, base, APPLICATION_TREND[year])
            for authority, app_type, level, unit, share in PROCEDURES.get(
                asylum, DEFAULT_PROCEDURE
            ):
                count = rounded(total * share / (2.4 if unit == "C" else 1))
                if count == 0:
                    continue  # UNHCR publishes no row for nothing
                items.append(
                    identity(year, origin, asylum)
                    | {
                        "procedure_type": authority,
                        "app_type": app_type,
                        "dec_level": level,
                        "app_pc": unit,
                        "applied": cell(count),
                    }  # fmt: skip
                )
    return items


def decision_items() -> list[dict]:
    rng, cell = random.Random(53), Cells(53)
    items = []
    for year in YEARS:
        for (origin, asylum), base in sorted(APPLICATIONS.items(), key=lambda kv: kv[0][::-1]):
            decided = noisy(rng, base * 0.8, APPLICATION_TREND[year])
            shares = TRANSIT_OUTCOMES if asylum in TRANSIT else OUTCOMES.get(origin, OTHER_OUTCOMES)
            for authority, _, level, unit, share in PROCEDURES.get(asylum, DEFAULT_PROCEDURE):
                if level == "RA":
                    continue  # repeat applications are decided at first instance
                n = decided * share / (2.4 if unit == "C" else 1)
                # Appeals reverse fewer rejections than first instance grants.
                split = shares if level in ("FI", "FA") else (0.05, 0.05, 0.7, 0.2)
                # Greece grants no complementary protection on appeal: "-", not 0.
                no_other = (asylum, level) == ("GRC", "AR")
                if no_other:
                    split = (0.05, 0.0, 0.75, 0.2)
                outcomes = [rounded(n * s, small=10) for s in split]
                total = rounded(n, small=10)
                if total == 0:
                    continue
                recognized, other, rejected, closed = outcomes
                items.append(
                    identity(year, origin, asylum)
                    | {
                        "procedure_type": authority,
                        "dec_level": level,
                        "dec_pc": unit,
                        "dec_recognized": cell(recognized),
                        "dec_other": "-" if no_other else cell(other),
                        "dec_rejected": cell(rejected),
                        "dec_closed": cell(closed),
                        "dec_total": cell(total),
                    }  # fmt: skip
                )
    return items


# --------------------------------------------------------------------- demographics

AGE_BANDS = (("0_4", 0.1), ("5_11", 0.15), ("12_17", 0.1), ("18_59", 0.58), ("60", 0.05),
             ("other", 0.02))  # fmt: skip
FEMALE_SHARE = {"UKR": 0.63, "SYR": 0.47, "AFG": 0.38}
# Asylum countries reporting no sex and age breakdown: "0" in every band.
NO_BREAKDOWN = {"MNE", "ALB"}


def demographic_items() -> list[dict]:
    rng, cell = random.Random(54), Cells(54)
    items = []
    for year in YEARS:
        for origin, asylum in sorted(POPULATION_PAIRS, key=lambda p: (p[1], p[0])):
            ref, asy = POPULATION_PAIRS[(origin, asylum)]
            trend = (TREND_UKR if origin == "UKR" else TREND)[year]
            for pop_type, base in (("REF", ref), ("ASY", asy)):
                if base < 50:
                    continue
                total = rounded(noisy(rng, base, trend))
                if total == 0:
                    continue
                bands: dict[str, int] = {}
                # Partly disaggregated: the breakdown covers part of the total.
                covered = 0 if asylum in NO_BREAKDOWN else (0.8 if asylum == "TUR" else 1.0)
                female = FEMALE_SHARE.get(origin, 0.35)
                for sex, share in (("f", female), ("m", 1 - female)):
                    for band, weight in AGE_BANDS:
                        bands[f"{sex}_{band}"] = rounded(total * covered * share * weight)
                    bands[f"{sex}_total"] = sum(bands[f"{sex}_{band}"] for band, _ in AGE_BANDS)
                item = identity(year, origin, asylum) | {"pop_type": pop_type}
                item |= {k: cell(v) for k, v in bands.items()}
                item["total"] = cell(total if covered < 1 else bands["f_total"] + bands["m_total"])
                items.append(item)
    return items


# --------------------------------------------------------------------- solutions

# (origin, asylum): {field: figures for 2021..2024}; the API sends "-" for the others.
SOLUTIONS = {
    ("SYR", "TUR"): {"returned_refugees": RETURNS[("SYR", "TUR")]},
    ("IRQ", "TUR"): {"returned_refugees": RETURNS[("IRQ", "TUR")]},
    ("SYR", "DEU"): {"resettlement": (1580, 3310, 3279, 2907)},
    ("SYR", "ITA"): {"resettlement": (290, 410, 520, 380)},
    ("SYR", "AUT"): {"resettlement": (0, 120, 0, 60)},
    ("AFG", "DEU"): {"resettlement": (410, 2680, 3150, 1920)},
    ("AFG", "ITA"): {"resettlement": (1210, 620, 480, 510)},
    ("HRV", "SRB"): {"naturalisation": (160, 140, 120, 95), "returned_refugees": (40, 35, 5, 15)},
    ("BIH", "SRB"): {"naturalisation": (85, 70, 60, 45)},
    ("HRV", "BIH"): {"naturalisation": (25, 20, 10, 5)},
    ("SRB", "SRB"): {"returned_idps": (210, 180, 150, 135)},
    ("BIH", "BIH"): {"returned_idps": (170, 140, 120, 95)},
    ("UKR", "HUN"): {"returned_refugees": (0, 2150, 1340, 910)},
}
SOLUTION_FIELDS = ("returned_refugees", "resettlement", "naturalisation", "returned_idps")


def solution_items() -> list[dict]:
    cell = Cells(55)
    items = []
    for i, year in enumerate(YEARS):
        for (origin, asylum), figures in sorted(SOLUTIONS.items(), key=lambda kv: kv[0][::-1]):
            item = identity(year, origin, asylum)
            for field in SOLUTION_FIELDS:
                item[field] = cell(figures[field][i]) if field in figures else "-"
            items.append(item)
    return items


# --------------------------------------------------------------------- payloads


def paged(dataset: str, items: list[dict], limit: int = PAGE_LIMIT) -> bytes:
    """The items as the live client packs them: one part per page, in page order."""
    ds = DATASETS[dataset]
    max_pages = max(1, -(-len(items) // limit))
    parts = []
    for page in range(1, max_pages + 1):
        query = build_params(YEARS[0], YEARS[-1], page=page, limit=limit, extra=ds.extra_params)
        url = f"{BASE_URL}/{ds.endpoint}/?{urlencode(query)}"
        body = {"page": page, "maxPages": max_pages, "total": [],
                "items": items[(page - 1) * limit : page * limit]}  # fmt: skip
        parts.append(Part(url, body))
    return pack(parts)


def main() -> None:
    payloads = {
        "population": paged("population", population_items(), limit=100),
        "asylum_applications": paged("asylum_applications", application_items()),
        "asylum_decisions": paged("asylum_decisions", decision_items()),
        "demographics": paged("demographics", demographic_items()),
        "solutions": paged("solutions", solution_items()),
    }
    for name, content in payloads.items():
        (HERE / f"{name}.json").write_bytes(content)
        print(f"{name}.json: {len(content):,} bytes")


if __name__ == "__main__":
    main()
