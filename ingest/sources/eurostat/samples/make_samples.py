"""Writes the bundled sample payload `migr_asyappctzm.json` (run it to regenerate).

The figures are invented but shaped like the real API's answer to the DAG's request
(same dimensions, codes, sparse `value`/`status` dicts, rounding to 5, provisional
flags on the latest month, a country that has not reported it yet, confidential cells).
Deterministic: the same file every time.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from ingest.sources.eurostat.datasets import DEFAULT_GEO

HERE = Path(__file__).resolve().parent
EU = {"AT", "BG", "CY", "CZ", "DE", "EL", "HR", "HU", "IT", "MT", "PL", "RO", "SI", "SK"}
GEO_LABELS = {
    "EU27_2020": "European Union - 27 countries (from 2020)", "AT": "Austria",
    "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany", "EL": "Greece",
    "HR": "Croatia", "HU": "Hungary", "IT": "Italy", "MT": "Malta", "PL": "Poland",
    "RO": "Romania", "SI": "Slovenia", "SK": "Slovakia", "CH": "Switzerland",
}  # fmt: skip
CITIZEN_LABELS = {
    "EXT_EU27_2020": "Extra-EU27 (from 2020)", "AF": "Afghanistan", "BD": "Bangladesh",
    "CO": "Colombia", "IQ": "Iraq", "MA": "Morocco", "PK": "Pakistan", "RU": "Russia",
    "SY": "Syria", "TR": "Türkiye", "UA": "Ukraine", "VE": "Venezuela",
    "XK": "Kosovo*", "STLS": "Stateless", "TOTAL": "Total", "UNK": "Unknown",
}  # fmt: skip
# Monthly applications a reporting country receives, roughly, in thousands.
GEO_SCALE = {
    "AT": 2.0, "BG": 0.9, "CY": 0.6, "CZ": 0.1, "DE": 18.0, "EL": 4.0, "HR": 0.2,
    "HU": 0.05, "IT": 12.0, "MT": 0.05, "PL": 0.8, "RO": 0.6, "SI": 0.4, "SK": 0.02,
    "CH": 2.2,
}  # fmt: skip
CITIZEN_SHARE = {
    "AF": 0.12, "BD": 0.08, "CO": 0.05, "IQ": 0.05, "MA": 0.03, "PK": 0.05, "RU": 0.02,
    "SY": 0.15, "TR": 0.08, "UA": 0.02, "VE": 0.06, "XK": 0.005, "STLS": 0.01, "UNK": 0.01,
}  # fmt: skip
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
NOT_YET_REPORTED = {("CH", "2025-12")}


def round5(x: float) -> int:
    return int(5 * round(x / 5))


def build() -> dict:
    rng = random.Random(2025)
    dims = {
        "freq": {"M": "Monthly"},
        "unit": {"PER": "Person"},
        "citizen": CITIZEN_LABELS,
        "sex": {"T": "Total"},
        "applicant": {
            "TOTAL": "Total",
            "FRST": "First time applicant",
            "SSEQ": "Subsequent applicant",
        },  # fmt: skip
        "age": {"TOTAL": "Total"},
        "geo": {g: GEO_LABELS[g] for g in DEFAULT_GEO},
        "time": {m: m for m in MONTHS},
    }
    ids = list(dims)
    sizes = [len(v) for v in dims.values()]
    pos = {d: {c: i for i, c in enumerate(cats)} for d, cats in dims.items()}

    def flat(**coords: str) -> str:
        i = 0
        for d, size in zip(ids, sizes, strict=True):
            i = i * size + pos[d][coords[d]]
        return str(i)

    # Unrounded first-time and subsequent figures per (geo, citizen, month).
    raw: dict[tuple[str, str, str], tuple[float, float]] = {}
    for geo, scale in GEO_SCALE.items():
        for month in MONTHS:
            season = 1.0 + 0.25 * rng.uniform(-1, 1)
            for cit, share in CITIZEN_SHARE.items():
                frst = 1000 * scale * share * season * rng.uniform(0.6, 1.4)
                raw[(geo, cit, month)] = (frst, frst * rng.uniform(0.03, 0.15))
    # Citizenships not listed still count in the totals.
    for geo, scale in GEO_SCALE.items():
        for month in MONTHS:
            rest = 1000 * scale * 0.3 * rng.uniform(0.8, 1.2)
            raw[(geo, "_other", month)] = (rest, rest * 0.1)

    value: dict[str, int] = {}
    status: dict[str, str] = {}

    def put(geo: str, cit: str, month: str, frst: float, sseq: float, flag: str = "") -> None:
        for applicant, x in (("TOTAL", frst + sseq), ("FRST", frst), ("SSEQ", sseq)):
            key = flat(freq="M", unit="PER", citizen=cit, sex="T", applicant=applicant,
                       age="TOTAL", geo=geo, time=month)  # fmt: skip
            value[key] = round5(x)
            if flag:
                status[key] = flag

    geos = [g for g in DEFAULT_GEO if g != "EU27_2020"]
    for month in MONTHS:
        eu_sum: dict[str, list[float]] = {}
        for geo in geos:
            if (geo, month) in NOT_YET_REPORTED:
                continue
            flag = "p" if month == MONTHS[-1] and geo in {"DE", "IT", "EL"} else ""
            totals = [0.0, 0.0]
            for cit in [*CITIZEN_SHARE, "_other"]:
                frst, sseq = raw[(geo, cit, month)]
                totals[0] += frst
                totals[1] += sseq
                if cit == "_other":
                    continue
                # Small countries keep tiny cells confidential: status only, no value.
                if geo in {"MT", "SK"} and cit in {"XK", "STLS"} and month == MONTHS[3]:
                    key = flat(freq="M", unit="PER", citizen=cit, sex="T", applicant="FRST",
                               age="TOTAL", geo=geo, time=month)  # fmt: skip
                    status[key] = "c"
                    continue
                put(geo, cit, month, frst, sseq, flag)
            put(geo, "TOTAL", month, *totals, flag)
            # Every citizenship in the sample is from outside the EU: extra-EU = total.
            put(geo, "EXT_EU27_2020", month, *totals, flag)
            if geo in EU:
                for cit in [*CITIZEN_SHARE, "TOTAL", "EXT_EU27_2020"]:
                    pair = totals if cit in {"TOTAL", "EXT_EU27_2020"} else raw[(geo, cit, month)]
                    acc = eu_sum.setdefault(cit, [0.0, 0.0])
                    acc[0] += pair[0]
                    acc[1] += pair[1]
        # The EU aggregate also counts member states outside this extraction.
        eu_flag = "ep" if month == MONTHS[-1] else ""
        for cit, (frst, sseq) in eu_sum.items():
            put("EU27_2020", cit, month, frst * 1.6, sseq * 1.6, eu_flag)

    ordered = {k: value[k] for k in sorted(value, key=int)}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "Asylum applicants by type, citizenship, age and sex - monthly data",
        "source": "ESTAT",
        "updated": "2026-01-28T23:00:00+0100",
        "value": ordered,
        "status": {k: status[k] for k in sorted(status, key=int)},
        "id": ids,
        "size": sizes,
        "dimension": {
            d: {
                "label": {
                    "freq": "Time frequency",
                    "unit": "Unit of measure",
                    "citizen": "Country of citizenship",
                    "sex": "Sex",
                    "applicant": "Applicant type",
                    "age": "Age class",
                    "geo": "Geopolitical entity (reporting)",
                    "time": "Time",
                }[d],
                "category": {"index": pos[d], "label": labels},
            }  # fmt: skip
            for d, labels in dims.items()
        },
        "extension": {
            "lang": "EN",
            "id": "MIGR_ASYAPPCTZM",
            "agencyId": "ESTAT",
            "version": "1.0",
            "datastructure": {"id": "MIGR_ASYAPPCTZM", "agencyId": "ESTAT", "version": "151.0"},
            "annotation": [
                {"type": "DISSEMINATION_TIMESTAMP_DATA", "date": "2026-01-28T23:00:00+0100"},
                {"type": "SAMPLE", "title": "Invented figures in the real shape (bundled sample)"},
            ],
            "positions-with-no-data": {
                "geo": [pos["geo"]["CH"]] if NOT_YET_REPORTED else [],
                "time": [],
            },
        },
    }
    return doc


def main() -> None:
    out = HERE / "migr_asyappctzm.json"
    out.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
