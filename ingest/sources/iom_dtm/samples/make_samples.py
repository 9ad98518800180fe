"""Writes the bundled IOM DTM sample payloads (run it to regenerate).

The figures are invented; the shapes are the API v3's: the admin levels as the packed
payload of one envelope per country (what a live run stores), the lists as the one
envelope the API sends. Kept from the real answers: sex breakdowns that are null for
some rounds, origins "Not available", several displacement reasons in one round, two
operations in one country, round numbers that restart per operation, baseline (BA)
and site (SA) assessments, a country with no record in the window (an empty result),
timestamps as `YYYY-MM-DDT00:00:00`. Added to exercise the parser: one figure sent as
a string with a thousands separator. Deterministic: the same files every time.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from ingest.payload import Part, pack

HERE = Path(__file__).resolve().parent
API = "https://dtmapi.iom.int/v3"

NAMES = {
    "UKR": "Ukraine", "SYR": "Syrian Arab Republic", "AFG": "Afghanistan", "IRQ": "Iraq",
    "LBY": "Libya", "SDN": "Sudan", "SOM": "Somalia", "YEM": "Yemen", "LBN": "Lebanon",
    "NGA": "Nigeria", "PAK": "Pakistan", "HTI": "Haiti", "TCD": "Chad", "ETH": "Ethiopia",
    "MOZ": "Mozambique", "SSD": "South Sudan", "COD": "Democratic Republic of the Congo",
    "PHL": "Philippines (the)", "ARM": "Republic of Armenia", "NER": "Niger",
}  # fmt: skip
# (country, operation, status, IDPs at the first round, trend per round, reasons)
OPERATIONS = [
    ("UKR", "Displacement due to Conflict in Ukraine (Registration)", "Active", 4_900_000,
     -0.04, ["Conflict"]),
    ("SYR", "Syrian Arab Republic Displacement", "Active", 6_800_000, -0.01,
     ["Conflict", "Natural disaster", "Conflict; Natural disaster"]),
    ("AFG", "Returns and displacement in Afghanistan", "Active", 4_200_000, 0.01,
     ["Conflict", "Natural disaster", "No reason for displacement reported"]),
    ("IRQ", "Iraq conflict", "Active", 1_170_000, -0.02, ["Conflict"]),
    ("LBY", "Libya Crisis", "Active", 160_000, -0.05, ["Conflict", "Natural disaster"]),
    ("SDN", "Armed Clashes in Sudan", "Active", 3_300_000, 0.12, ["Conflict"]),
    ("SDN", "Darfur conflict", "Active", 2_100_000, 0.0, ["Conflict", "Other reason"]),
    ("SOM", "Somalia displacement", "Active", 3_600_000, 0.0,
     ["Conflict", "Insecurity", "Natural disaster"]),
    ("YEM", "Yemen conflict", "Active", 4_400_000, -0.01, ["Conflict", "Natural disaster"]),
]  # fmt: skip
OTHER_OPERATIONS = [
    ("HTI", "Countrywide monitoring", "Active"), ("HTI", "Haiti Earthquake", "Inactive"),
    ("TCD", "Lake Chad Basin Crisis", "Active"), ("NGA", "Lake Chad Basin Crisis", "Active"),
    ("NGA", "North Central and North West", "Active"),
    ("ETH", "Northern Ethiopia Crisis", "Active"), ("MOZ", "Cyclone Idai", "Active"),
    ("SSD", "Mobility Tracking", "Active"), ("COD", "Nord Kivu", "Active"),
    ("PHL", "Typhoon Haiyan", "Inactive"), ("ARM", "Arrivals in Armenia", "Inactive"),
    ("NER", "Displacement in Tahoua and Tillaberi", "Active"),
    ("PAK", "Pakistan floods (2022)", "Active"), ("PAK", "Pakistan floods (2012)", "Inactive"),
    ("LBN", "Displacement due to conflict", "Active"),
]  # fmt: skip
# Month-end reporting dates of the rounds (DTM's rhythm differs per operation).
ROUND_MONTHS = {
    "UKR": ["2023-03", "2023-06", "2023-09", "2023-12", "2024-04", "2024-08", "2024-12",
            "2025-05", "2025-10"],
    "SYR": ["2023-06", "2023-12", "2024-06", "2024-12", "2025-06"],
    "AFG": ["2023-06", "2023-12", "2024-06", "2024-12", "2025-06"],
    "IRQ": ["2023-02", "2023-06", "2023-10", "2024-02", "2024-06", "2024-10", "2025-03"],
    "LBY": ["2023-04", "2023-09", "2024-01", "2024-06", "2024-11", "2025-04"],
    "SDN": ["2023-05", "2023-08", "2023-11", "2024-03", "2024-07", "2024-11", "2025-04"],
    "SOM": ["2023-12", "2024-06", "2024-12", "2025-06"],
    "YEM": ["2023-06", "2024-01", "2024-07", "2025-01"],
}  # fmt: skip
# Admin1 units (pcode, name) and the share of the country's IDPs each hosts.
ADMIN1 = {
    "UKR": [("UA12", "Dnipropetrovska", 0.13), ("UA14", "Donetska", 0.08),
            ("UA32", "Kyivska", 0.09), ("UA46", "Lvivska", 0.06), ("UA51", "Odeska", 0.07),
            ("UA63", "Kharkivska", 0.12), ("UA80", "Kyiv", 0.10)],
    "SYR": [("SY02", "Aleppo", 0.25), ("SY03", "Rural Damascus", 0.18), ("SY07", "Idleb", 0.30),
            ("SY08", "Al-Hasakeh", 0.08), ("SY11", "Ar-Raqqa", 0.07)],
    "LBY": [("LY05", "Benghazi", 0.22), ("LY08", "Sirt", 0.12), ("LY09", "Misrata", 0.15),
            ("LY11", "Tripoli", 0.25), ("LY12", "Aljfara", 0.10)],
    "IRQ": [("IQG07", "Duhok", 0.32), ("IQG08", "Erbil", 0.19), ("IQG15", "Ninewa", 0.22),
            ("IQG11", "Kirkuk", 0.06), ("IQG18", "Salah Al-Din", 0.08)],
}  # fmt: skip
# Admin2 units: (admin1 pcode, admin1 name, admin2 pcode, admin2 name, share).
ADMIN2 = {
    "UKR": [("UA12", "Dnipropetrovska", "UA1202", "Dniprovskyi", 0.07),
            ("UA12", "Dnipropetrovska", "UA1204", "Kryvorizkyi", 0.03),
            ("UA14", "Donetska", "UA1412", "Kramatorskyi", 0.05),
            ("UA46", "Lvivska", "UA4606", "Lvivskyi", 0.05),
            ("UA63", "Kharkivska", "UA6312", "Kharkivskyi", 0.10),
            ("UA80", "Kyiv", "UA8000", "Kyiv", 0.10)],
    "SYR": [("SY02", "Aleppo", "SY0200", "Jebel Saman", 0.08),
            ("SY02", "Aleppo", "SY0203", "Afrin", 0.09),
            ("SY07", "Idleb", "SY0700", "Idleb", 0.12),
            ("SY07", "Idleb", "SY0703", "Harim", 0.15)],
    "AFG": [("AF01", "Kabul", "AF0101", "Kabul", 0.10),
            ("AF32", "Hirat", "AF3201", "Hirat", 0.07),
            ("AF17", "Nangarhar", "AF1701", "Jalalabad", 0.06)],
}  # fmt: skip
# Operations whose newer rounds (from this year) break IDPs down by sex.
SEX_FROM = {"UKR": 2024, "IRQ": 2023, "LBY": 2024, "SOM": 2025}
# Where DTM records the admin1 the IDPs come from (origin), else "Not available".
ORIGINS = {
    "UKR": [("UA14", "Donetska"), ("UA63", "Kharkivska")],
    "LBY": [("LY05", "Benghazi")],
}
EMPTY = {"admin0": [], "admin1": ["AFG"], "admin2": ["LBY"]}  # no rounds in the window


def month_end(ym: str) -> str:
    year, month = int(ym[:4]), int(ym[5:])
    days = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return f"{ym}-{days[month - 1]:02d}T00:00:00"


def envelope(result: list[dict]) -> dict:
    return {
        "result": result,
        "statusCode": 200,
        "isSuccess": True,
        "errorMessages": [],
        "totalRecordsCount": len(result),
    }


def split_sex(rng: random.Random, total: int) -> tuple[int, int]:
    males = round(total * rng.uniform(0.44, 0.49))
    return males, total - males


def admin_records(level: int, iso3: str, rng: random.Random, ids: list[int]) -> list[dict]:
    """Every record of one country at one admin level."""
    out = []
    for country, operation, _, base, trend, reasons in OPERATIONS:
        if country != iso3:
            continue
        for rnd, ym in enumerate(ROUND_MONTHS[iso3], start=1):
            total = base * (1 + trend) ** rnd * rng.uniform(0.97, 1.03)
            year = int(ym[:4])
            units: list[tuple[dict, float]]
            if level == 0:
                units = [({}, 1.0)]
            elif level == 1:
                units = [({"admin1Name": n, "admin1Pcode": p}, s) for p, n, s in ADMIN1[iso3]]
            else:
                units = [
                    ({"admin1Name": n1, "admin1Pcode": p1, "admin2Name": n2, "admin2Pcode": p2}, s)
                    for p1, n1, p2, n2, s in ADMIN2[iso3]
                ]
            origins = [("Not available", "Not available", 1.0)]
            if iso3 in ORIGINS and rnd % 2 == 0:  # origins only in some rounds
                origins = [(p, n, 0.5) for p, n in ORIGINS[iso3]]
            for area, share in units:
                for r_i, reason in enumerate(reasons):
                    reason_share = 0.8 if r_i == 0 else 0.2 / max(1, len(reasons) - 1)
                    for o_pcode, o_name, o_share in origins:
                        n = round(total * share * reason_share * o_share * rng.uniform(0.9, 1.1))
                        if iso3 == "LBY" and reason == "Natural disaster" and year < 2024:
                            n = 0  # no IDP recorded for this reason yet: a 0, not a gap
                        rec: dict = {}
                        if level:
                            ids[0] += 1
                            rec["id"] = ids[0]
                        rec |= {"operation": operation, "admin0Name": NAMES[iso3],
                                "admin0Pcode": iso3, **area}  # fmt: skip
                        with_sex = year >= SEX_FROM.get(iso3, 9999)
                        males, females = split_sex(rng, n) if with_sex else (None, None)
                        rec |= {
                            "numPresentIdpInd": n,
                            "reportingDate": month_end(ym),
                            "yearReportingDate": year,
                            "monthReportingDate": int(ym[5:]),
                            "roundNumber": rnd,
                            "displacementReason": reason,
                            "numberMales": males,
                            "numberFemales": females,
                            "idpOriginAdmin1Name": o_name,
                            "idpOriginAdmin1Pcode": o_pcode,
                            "assessmentType": "BA" if level or rnd % 3 else "SA",
                        }
                        out.append(rec)
    return out


def admin_payload(level: int) -> bytes:
    rng = random.Random(2016 + level)
    ids = [40_000 * (level + 1)]
    countries = {0: list(ROUND_MONTHS), 1: list(ADMIN1), 2: list(ADMIN2)}[level]
    parts = []
    for iso3 in [*countries, *EMPTY[f"admin{level}"]]:
        recs = [] if iso3 in EMPTY[f"admin{level}"] else admin_records(level, iso3, rng, ids)
        if level == 1 and iso3 == "SYR":
            # The parser's quirk test: a figure as a string with a thousands separator.
            recs[3]["numPresentIdpInd"] = f"{recs[3]['numPresentIdpInd']:,}"
        parts.append(Part(f"{API}/displacement/admin{level}?Admin0Pcode={iso3}", envelope(recs)))
    return pack(parts)


def lists() -> tuple[dict, dict]:
    operations = [(c, o, s) for c, o, s, *_ in OPERATIONS] + OTHER_OPERATIONS
    operations.sort(key=lambda t: (t[1].lower(), t[0]))  # the API sorts by operation
    countries = sorted({c for c, _, _ in operations}, key=lambda c: NAMES[c])
    country_list = [{"admin0Name": NAMES[c], "admin0Pcode": c} for c in countries]
    operation_list = [
        {"operation": o, "operationStatus": s, "admin0Name": NAMES[c], "admin0Pcode": c}
        for c, o, s in operations
    ]
    return envelope(country_list), envelope(operation_list)


def main() -> None:
    for level in (0, 1, 2):
        (HERE / f"displacement_admin{level}.json").write_bytes(admin_payload(level))
    country_list, operation_list = lists()
    for name, doc in (("country_list", country_list), ("operation_list", operation_list)):
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
