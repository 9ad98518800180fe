"""Writes the bundled sample payloads, one per configured dataset (run it to regenerate).

The figures are invented but shaped like the real API's answers to the DAG's requests
(same dimensions, codes, sparse `value`/`status` dicts, rounding to 5 for the asylum
and enforcement tables, provisional and estimated flags on the latest period, breaks
in series, a country that has not reported yet, confidential and not-available
cells, aggregates next to countries). Deterministic: the same files every time.

`migr_asyappctzm.json` is the original sample: the marts' expected figures and the
tests depend on it, so its generator below is kept as it was.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from ingest.sources.eurostat.datasets import ASYLUM_GEO, DEFAULT_GEO, POPULATION_GEO

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


def asylum_applicants_monthly() -> dict:
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


# ---------------------------------------------------------------------------------
# The other datasets share the helpers below. Their dimension codes are listed in
# Eurostat's code list order (not the request's), as the API lists them, and a code
# Eurostat has no figure for is absent from `value` (or only in `status`).

# Eurostat's code list order for the codes the samples use (GEO and CITIZEN lists).
CODE_ORDER = [
    "EU27_2020", "EU27_2020_FOR", "NEU27_2020_FOR", "FOR_STLS", "NAT", "BE", "BG", "CZ",
    "DE", "EL", "HR", "IT", "CY", "HU", "MT", "AT", "PL", "RO", "SI", "SK", "CH", "UK",
    "BA", "ME", "MD", "MK", "AL", "RS", "TR", "UA", "XK", "RU", "EXT_EU27_2020", "EUR",
    "AFR", "DZ", "EG", "MA", "TN", "NG", "AME", "CO", "VE", "ASI", "AF", "BD", "PK", "IQ",
    "SY", "STLS", "TOTAL", "UNK",
]  # fmt: skip
LABELS = {
    "EU27_2020": "European Union - 27 countries (from 2020)",
    "EU27_2020_FOR": "EU27 countries (from 2020) except reporting country",
    "NEU27_2020_FOR": "Non-EU27 countries (from 2020) nor reporting country",
    "FOR_STLS": "Foreign country and stateless", "NAT": "Reporting country",
    "EXT_EU27_2020": "Extra-EU27 (from 2020)", "EUR": "Europe", "AFR": "Africa",
    "AME": "America", "ASI": "Asia", "STLS": "Stateless", "TOTAL": "Total", "UNK": "Unknown",
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CZ": "Czechia", "DE": "Germany",
    "EL": "Greece", "HR": "Croatia", "IT": "Italy", "CY": "Cyprus", "HU": "Hungary",
    "MT": "Malta", "PL": "Poland", "RO": "Romania", "SI": "Slovenia", "SK": "Slovakia",
    "CH": "Switzerland", "UK": "United Kingdom", "BA": "Bosnia and Herzegovina",
    "ME": "Montenegro", "MD": "Moldova", "MK": "North Macedonia", "AL": "Albania",
    "RS": "Serbia", "TR": "Türkiye", "UA": "Ukraine",
    "XK": "Kosovo (under United Nations Security Council Resolution 1244/99)",
    "RU": "Russia", "DZ": "Algeria", "EG": "Egypt", "MA": "Morocco", "TN": "Tunisia",
    "NG": "Nigeria", "CO": "Colombia", "VE": "Venezuela", "AF": "Afghanistan",
    "BD": "Bangladesh", "PK": "Pakistan", "IQ": "Iraq", "SY": "Syria",
}  # fmt: skip
DIMENSION_LABELS = {
    "freq": "Time frequency", "unit": "Unit of measure", "citizen": "Country of citizenship",
    "sex": "Sex", "applicant": "Applicant type", "age": "Age class",
    "decision": "Decision", "reason": "Reason", "apprehen": "Place of apprehension",
    "geo": "Geopolitical entity (reporting)", "time": "Time",
}  # fmt: skip
STATUS_LABELS = {
    "b": "break in time series", "c": "confidential", "e": "estimated",
    "p": "provisional", "ep": "estimated, provisional", ":": "not available",
}  # fmt: skip
SAMPLE_NOTE = {"type": "SAMPLE", "title": "Invented figures in the real shape (bundled sample)"}
SEX = {"T": "Total", "M": "Males", "F": "Females"}
APPLICANT = {"TOTAL": "Total", "FRST": "First time applicant", "SSEQ": "Subsequent applicant"}
DECISION = {
    "TOTAL": "Total", "POS": "Total positive decisions", "POS_RFG": "Geneva Convention status",
    "POS_HUM": "Humanitarian status", "POS_SPROT": "Subsidiary protection status",
    "NEG": "Rejected",
}  # fmt: skip
# Reporting countries' yearly asylum applications, roughly, in thousands.
ASYLUM_SCALE = {**{g: 12 * s for g, s in GEO_SCALE.items()}, "ME": 0.4}
ASYLUM_CITIZENS = [
    "TOTAL", "EXT_EU27_2020", "AF", "SY", "IQ", "TR", "PK", "BD", "MA", "UA", "AL", "RS",
    "MK", "XK", "UNK",
]  # fmt: skip
# Citizenships' shares of the applications (the rest come from elsewhere).
ASYLUM_SHARE = {
    "AF": 0.12, "SY": 0.16, "IQ": 0.05, "TR": 0.08, "PK": 0.05, "BD": 0.07, "MA": 0.04,
    "UA": 0.02, "AL": 0.015, "RS": 0.01, "MK": 0.01, "XK": 0.008, "UNK": 0.01,
}  # fmt: skip
YEARS = ["2021", "2022", "2023", "2024"]
EU27_FACTOR = 1.6  # the EU total also counts member states outside the sample


def ordered(codes) -> dict[str, str]:
    """Codes in Eurostat's code list order, with their labels."""
    return {c: LABELS.get(c, c) for c in sorted(codes, key=CODE_ORDER.index)}


class Cube:
    """The categories of a JSON-stat cube and its row-major flat index."""

    def __init__(self, dims: dict[str, dict[str, str]]):
        self.dims = dims
        self.ids = list(dims)
        self.sizes = [len(c) for c in dims.values()]
        self.pos = {d: {c: i for i, c in enumerate(cats)} for d, cats in dims.items()}
        self.value: dict[int, int] = {}
        self.status: dict[int, str] = {}

    def flat(self, **coords: str) -> int:
        i = 0
        for d, size in zip(self.ids, self.sizes, strict=True):
            i = i * size + self.pos[d][coords[d]]
        return i

    def put(self, value: float | None, flag: str = "", **coords: str) -> None:
        """One observation; value None for a status-only cell (confidential, n/a)."""
        key = self.flat(**coords)
        if value is not None:
            self.value[key] = int(value)
        if flag:
            self.status[key] = flag

    def document(
        self,
        *,
        code: str,
        label: str,
        updated: str,
        structure_version: str,
        esms: str,
        value_order=None,
        no_data: dict[str, list[str]] | None = None,
    ) -> dict:
        """The cube as the API sends it. `value_order` sorts the sparse keys (the API
        keeps the order it computed them in, e.g. the request's geo order)."""
        keys = sorted(self.value, key=value_order or (lambda k: k))
        times = list(self.dims["time"])
        doc = {
            "version": "2.0",
            "class": "dataset",
            "label": label,
            "source": "ESTAT",
            "updated": updated,
            "value": {str(k): self.value[k] for k in keys},
        }
        if self.status:
            # Absent, not empty, when nothing is flagged (as the API does).
            doc["status"] = {str(k): self.status[k] for k in sorted(self.status)}
        doc["id"] = self.ids
        doc["size"] = self.sizes
        doc["dimension"] = {
            d: {"label": DIMENSION_LABELS[d], "category": {"index": self.pos[d], "label": cats}}
            for d, cats in self.dims.items()
        }
        no_data = no_data or {}
        extension = {
            "lang": "EN",
            "id": code.upper(),
            "agencyId": "ESTAT",
            "version": "1.0",
            "datastructure": {
                "id": code.upper(),
                "agencyId": "ESTAT",
                "version": structure_version,
            },
            "annotation": [
                {"type": "DISSEMINATION_OBJECT_TYPE", "title": "DATASET"},
                {"type": "DISSEMINATION_TIMESTAMP_DATA", "date": updated},
                {
                    "type": "ESMS_HTML",
                    "title": "Explanatory texts (metadata)",
                    "href": f"https://ec.europa.eu/eurostat/cache/metadata/en/{esms}.htm",
                },
                {"type": "OBS_PERIOD_OVERALL_LATEST", "title": times[-1]},
                {"type": "SOURCE_INSTITUTIONS", "text": "Eurostat"},
                {"type": "UPDATE_DATA", "date": updated},
                SAMPLE_NOTE,
            ],
        }
        flags = sorted(set(self.status.values()))
        if flags:
            extension["status"] = {"label": {f: STATUS_LABELS[f] for f in flags}}
        extension["positions-with-no-data"] = {
            d: [self.pos[d][c] for c in no_data.get(d, [])] for d in self.ids
        }
        doc["extension"] = extension
        return doc


def split_sexes(rng: random.Random, total: float, male_share: float) -> dict[str, float]:
    males = total * min(0.95, max(0.05, male_share * rng.uniform(0.9, 1.1)))
    return {"T": total, "M": males, "F": total - males}


def asylum_applicants_annual() -> dict:
    """migr_asyappctza: applicants by citizenship, sex and type per year. The totals
    add up before rounding (every cell is rounded to 5 on its own, as Eurostat does)."""
    rng = random.Random(2024)
    geos = [g for g in ASYLUM_GEO if g != "EU27_2020"]
    cube = Cube({
        "freq": {"A": "Annual"}, "unit": {"PER": "Person"}, "citizen": ordered(ASYLUM_CITIZENS),
        "sex": SEX, "applicant": APPLICANT, "age": {"TOTAL": "Total"},
        "geo": ordered(ASYLUM_GEO), "time": {y: y for y in YEARS},
    })  # fmt: skip
    eu: dict[tuple[str, str, str, str], float] = {}
    for geo in geos:
        for year in YEARS:
            if geo == "ME" and year == "2021":
                continue  # reports to Eurostat from 2022 in this sample
            trend = {"2021": 0.8, "2022": 1.15, "2023": 1.3, "2024": 1.0}[year]
            size = 1000 * ASYLUM_SCALE[geo] * trend * rng.uniform(0.85, 1.15)
            by_cit = {c: size * s * rng.uniform(0.6, 1.4) for c, s in ASYLUM_SHARE.items()}
            by_cit["TOTAL"] = by_cit["EXT_EU27_2020"] = sum(by_cit.values()) + size * 0.35
            for cit in ASYLUM_CITIZENS:
                frst = by_cit[cit]
                sseq = frst * rng.uniform(0.03, 0.15)
                sexes = split_sexes(rng, 1.0, 0.7)
                for sex, share in sexes.items():
                    for applicant, x in (("TOTAL", frst + sseq), ("FRST", frst), ("SSEQ", sseq)):
                        coords = dict(freq="A", unit="PER", citizen=cit, sex=sex,
                                      applicant=applicant, age="TOTAL", geo=geo,
                                      time=year)  # fmt: skip
                        if geo in {"MT", "SK"} and cit == "XK" and sex != "T":
                            cube.put(None, "c", **coords)  # too few persons to publish
                            continue
                        flag = "p" if year == YEARS[-1] and geo == "EL" else ""
                        cube.put(round5(x * share), flag, **coords)
                        if geo in EU:
                            k = (cit, sex, applicant, year)
                            eu[k] = eu.get(k, 0.0) + x * share
    for (cit, sex, applicant, year), x in eu.items():
        flag = "e" if year == YEARS[-1] else ""
        cube.put(round5(x * EU27_FACTOR), flag, freq="A", unit="PER", citizen=cit, sex=sex,
                 applicant=applicant, age="TOTAL", geo="EU27_2020", time=year)  # fmt: skip
    return cube.document(
        code="migr_asyappctza",
        label="Asylum applicants by type, citizenship, age and sex - annual aggregated data",
        updated="2026-03-18T23:00:00+0100",
        structure_version="112.0",
        esms="migr_asyapp_esms",
    )


# Recognition rates at first instance, and how positive decisions split into
# refugee status, subsidiary protection and humanitarian status.
RECOGNITION = {
    "AF": 0.6, "SY": 0.9, "IQ": 0.35, "TR": 0.2, "PK": 0.05, "BD": 0.05, "MA": 0.04,
    "UA": 0.7, "AL": 0.02, "RS": 0.01, "MK": 0.01, "XK": 0.03, "UNK": 0.3,
}  # fmt: skip
POSITIVE_SPLIT = {"SY": (0.4, 0.55, 0.05), "AF": (0.5, 0.35, 0.15)}
# Countries without a national humanitarian status in this sample.
NO_HUMANITARIAN = {"HU", "SK", "BG", "CY"}


def asylum_decisions_first_instance() -> dict:
    """migr_asydcfsta: first-instance decisions by outcome. POS = POS_RFG + POS_HUM +
    POS_SPROT and TOTAL = POS + NEG before rounding; each cell is rounded on its own."""
    rng = random.Random(2023)
    geos = [g for g in ASYLUM_GEO if g != "EU27_2020"]
    cube = Cube({
        "freq": {"A": "Annual"}, "unit": {"PER": "Person"}, "citizen": ordered(ASYLUM_CITIZENS),
        "sex": {"T": "Total"}, "age": {"TOTAL": "Total"}, "decision": DECISION,
        "geo": ordered(ASYLUM_GEO), "time": {y: y for y in YEARS},
    })  # fmt: skip
    eu: dict[tuple[str, str, str], float] = {}

    def put(cit: str, decision: str, geo: str, year: str, x: float, flag: str = "") -> None:
        cube.put(round5(x), flag, freq="A", unit="PER", citizen=cit, sex="T", age="TOTAL",
                 decision=decision, geo=geo, time=year)  # fmt: skip

    for geo in geos:
        for year in YEARS:
            if geo == "ME" and year == "2021":
                continue
            size = 1000 * ASYLUM_SCALE[geo] * 0.9 * rng.uniform(0.8, 1.2)
            totals = dict.fromkeys(DECISION, 0.0)
            for cit, share in ASYLUM_SHARE.items():
                n = size * share * rng.uniform(0.6, 1.4)
                pos = n * min(0.98, RECOGNITION[cit] * rng.uniform(0.8, 1.2))
                rfg, sprot, hum = POSITIVE_SPLIT.get(cit, (0.5, 0.3, 0.2))
                if geo in NO_HUMANITARIAN:
                    rfg, sprot, hum = rfg + hum / 2, sprot + hum / 2, 0.0
                cells = {"TOTAL": n, "POS": pos, "POS_RFG": pos * rfg, "POS_HUM": pos * hum,
                         "POS_SPROT": pos * sprot, "NEG": n - pos}  # fmt: skip
                flag = "p" if year == YEARS[-1] and geo in {"IT", "EL"} else ""
                for decision, x in cells.items():
                    totals[decision] += x
                    put(cit, decision, geo, year, x, flag)
                    if geo in EU:
                        eu[(cit, decision, year)] = eu.get((cit, decision, year), 0.0) + x
            # The other citizenships, mostly rejected.
            rest = size * 0.35
            for decision, x in {"TOTAL": rest, "POS": rest * 0.2, "POS_RFG": rest * 0.1,
                                "POS_HUM": rest * 0.04, "POS_SPROT": rest * 0.06,
                                "NEG": rest * 0.8}.items():  # fmt: skip
                totals[decision] += x
            for cit in ("TOTAL", "EXT_EU27_2020"):
                for decision, x in totals.items():
                    put(cit, decision, geo, year, x)
                    if geo in EU:
                        eu[(cit, decision, year)] = eu.get((cit, decision, year), 0.0) + x
    for (cit, decision, year), x in eu.items():
        put(cit, decision, "EU27_2020", year, x * EU27_FACTOR, "e" if year == YEARS[-1] else "")
    return cube.document(
        code="migr_asydcfsta",
        label="First instance decisions on applications by citizenship, age and sex - "
        "annual aggregated data (rounded)",
        updated="2026-04-22T23:00:00+0200",
        structure_version="98.0",
        esms="migr_asydec_esms",
    )


EIPRE_CITIZENS = [
    "TOTAL", "AFR", "ASI", "AF", "SY", "MA", "DZ", "TN", "EG", "PK", "BD", "IQ", "TR", "AL",
    "RS", "MK", "XK", "UA", "UNK",
]  # fmt: skip
EIPRE_SHARE = {
    "AF": 0.14, "SY": 0.16, "MA": 0.07, "DZ": 0.04, "TN": 0.05, "EG": 0.03, "PK": 0.06,
    "BD": 0.04, "IQ": 0.04, "TR": 0.05, "AL": 0.04, "RS": 0.015, "MK": 0.015, "XK": 0.01,
    "UA": 0.03, "UNK": 0.01,
}  # fmt: skip
AFRICA = {"MA", "DZ", "TN", "EG"}
ASIA = {"AF", "SY", "PK", "BD", "IQ"}
# Third-country nationals found illegally present per year, roughly, in thousands.
EIPRE_SCALE = {
    "AT": 35, "BG": 20, "CY": 6, "CZ": 4, "DE": 55, "EL": 60, "HR": 30, "HU": 45, "IT": 25,
    "MT": 1, "PL": 12, "RO": 6, "SI": 15, "SK": 3, "CH": 14,
}  # fmt: skip
EIPRE_YEARS = ["2019", "2020", "2021", "2022", "2023", "2024"]


def illegally_present() -> dict:
    """migr_eipre with reason and place of apprehension totals, as the DAG asks. Like
    the real answers: `value` keys in the request's geo order (the index follows the
    code list), a break in series flagged `b`, continents among the citizenships."""
    rng = random.Random(2019)
    cube = Cube({
        "freq": {"A": "Annual"}, "reason": {"TOTAL": "Total"}, "apprehen": {"TOTAL": "Total"},
        "citizen": ordered(EIPRE_CITIZENS), "sex": {"T": "Total"}, "age": {"TOTAL": "Total"},
        "unit": {"PER": "Person"}, "geo": ordered(DEFAULT_GEO),
        "time": {y: y for y in EIPRE_YEARS},
    })  # fmt: skip
    eu: dict[tuple[str, str], float] = {}
    for geo, scale in EIPRE_SCALE.items():
        level = 1000 * scale
        for year in EIPRE_YEARS:
            if geo == "CH" and year == EIPRE_YEARS[-1]:
                continue  # not published yet
            level *= rng.uniform(0.85, 1.2)
            # A new counting method: a break in series, not a real fall.
            flag = "b" if geo == "HU" and year in {"2021", "2022"} else ""
            x = level * (0.25 if flag else 1.0)
            by_cit = {c: x * s * rng.uniform(0.7, 1.3) for c, s in EIPRE_SHARE.items()}
            if geo in {"MT", "CY"}:
                # Nobody from the Western Balkans found there: a published zero.
                by_cit.update(dict.fromkeys(("RS", "MK", "XK"), 0.0))
            by_cit["TOTAL"] = sum(by_cit.values()) + x * 0.2
            by_cit["AFR"] = sum(by_cit[c] for c in AFRICA) + x * 0.05
            by_cit["ASI"] = sum(by_cit[c] for c in ASIA) + x * 0.05
            for cit in EIPRE_CITIZENS:
                cube.put(round5(by_cit[cit]), flag, freq="A", reason="TOTAL", apprehen="TOTAL",
                         citizen=cit, sex="T", age="TOTAL", unit="PER", geo=geo,
                         time=year)  # fmt: skip
                if geo != "CH":
                    eu[(cit, year)] = eu.get((cit, year), 0.0) + by_cit[cit]
    for (cit, year), x in eu.items():
        cube.put(round5(x * EU27_FACTOR), "e" if year == EIPRE_YEARS[-1] else "", freq="A",
                 reason="TOTAL", apprehen="TOTAL", citizen=cit, sex="T", age="TOTAL",
                 unit="PER", geo="EU27_2020", time=year)  # fmt: skip
    # The API lists `value` in the request's geo order: the key's geo position is
    # (flat // number of years) % number of geos (time is the last dimension).
    request_order = {cube.pos["geo"][g]: i for i, g in enumerate(DEFAULT_GEO)}

    def as_requested(key: int) -> tuple[int, int]:
        return request_order[(key // len(EIPRE_YEARS)) % len(DEFAULT_GEO)], key

    return cube.document(
        code="migr_eipre",
        label="Third country nationals found to be illegally present - annual data (rounded)",
        updated="2026-05-12T11:00:00+0200",
        structure_version="54.0",
        esms="migr_eil_esms",
        value_order=as_requested,
    )


POP_CITIZENS = [
    "TOTAL", "NAT", "FOR_STLS", "EU27_2020_FOR", "NEU27_2020_FOR", "STLS", "UNK", "UA", "SY",
    "AF", "TR", "AL", "RS", "MK", "BA", "XK", "RO",
]  # fmt: skip
# Residents on 1 January 2021, in thousands, and the share of foreign citizens.
POPULATION = {
    "AT": (8933, 0.17), "BG": (6917, 0.015), "CY": (896, 0.18), "CZ": (10701, 0.06),
    "DE": (83155, 0.13), "EL": (10679, 0.08), "HR": (4036, 0.02), "HU": (9731, 0.02),
    "IT": (59236, 0.085), "MT": (516, 0.23), "PL": (37840, 0.01), "RO": (19202, 0.006),
    "SI": (2108, 0.08), "SK": (5460, 0.015), "CH": (8670, 0.255), "ME": (620, 0.05),
    "MK": (1837, 0.01), "AL": (2830, 0.005), "RS": (6871, 0.004), "TR": (83614, 0.016),
}  # fmt: skip
# Shares of the foreign citizens by citizenship (EU citizens: part of EU27_2020_FOR).
FOREIGN_SHARE = {
    "UA": 0.05, "SY": 0.06, "AF": 0.03, "TR": 0.08, "AL": 0.03, "RS": 0.04, "MK": 0.02,
    "BA": 0.04, "XK": 0.02, "RO": 0.08, "STLS": 0.004,
}  # fmt: skip
POP_YEARS = ["2021", "2022", "2023", "2024", "2025"]
# Published with the totals only.
TOTALS_ONLY = {"MK", "AL"}


def population_by_citizenship() -> dict:
    """migr_pop1ctz: residents on 1 January by citizenship and sex. TOTAL = NAT +
    FOR_STLS + UNK and T = M + F exactly (population figures are not rounded). The
    candidate countries publish less: totals only, or nothing (BA is in the code list
    without data; XK is not in it at all)."""
    rng = random.Random(1998)
    geos = [g for g in POPULATION_GEO if g != "XK"]
    cube = Cube({
        "freq": {"A": "Annual"}, "unit": {"NR": "Number"}, "citizen": ordered(POP_CITIZENS),
        "age": {"TOTAL": "Total"}, "sex": SEX, "geo": ordered(geos),
        "time": {y: y for y in POP_YEARS},
    })  # fmt: skip
    eu: dict[tuple[str, str, str], int] = {}

    def put(cit: str, sex: str, geo: str, year: str, x: int | None, flag: str = "") -> None:
        cube.put(x, flag, freq="A", unit="NR", citizen=cit, age="TOTAL", sex=sex, geo=geo,
                 time=year)  # fmt: skip

    for geo, (thousands, foreign_share) in POPULATION.items():
        total = thousands * 1000.0
        share = foreign_share
        for year in POP_YEARS:
            if geo == "RS" and year == "2021":
                continue  # not published
            total *= rng.uniform(0.995, 1.008)
            share *= rng.uniform(1.0, 1.06)
            cells: dict[str, dict[str, int]] = {}
            foreign = total * share
            by_cit = {c: foreign * s * rng.uniform(0.7, 1.3) for c, s in FOREIGN_SHARE.items()}
            by_cit.pop(geo, None)  # a country's own citizens are NAT
            eu_foreign = foreign * (0.3 if geo in EU else 0.1)
            for cit, x in {**by_cit, "EU27_2020_FOR": eu_foreign,
                           "NEU27_2020_FOR": foreign - eu_foreign - by_cit.get("STLS", 0.0),
                           "UNK": total * 0.0005}.items():  # fmt: skip
                cells[cit] = {s: int(v) for s, v in split_sexes(rng, x, 0.52).items()}
                cells[cit]["T"] = cells[cit]["M"] + cells[cit]["F"]
            cells["FOR_STLS"] = {
                s: cells["EU27_2020_FOR"][s] + cells["NEU27_2020_FOR"][s] + cells["STLS"][s]
                for s in SEX
            }
            nat = {s: int(v) for s, v in split_sexes(rng, total - foreign, 0.49).items()}
            nat["T"] = nat["M"] + nat["F"]
            cells["NAT"] = nat
            cells["TOTAL"] = {s: nat[s] + cells["FOR_STLS"][s] + cells["UNK"][s] for s in SEX}
            # Census years re-base the estimates; the latest year is provisional.
            flag = "b" if (geo, year) in {("HR", "2022"), ("RS", "2022")} else ""
            flag = "p" if year == POP_YEARS[-1] and geo in {"DE", "IT", "TR"} else flag
            for cit in POP_CITIZENS:
                if cit not in cells:
                    continue
                if geo in TOTALS_ONLY and cit not in {"TOTAL", "NAT", "FOR_STLS"}:
                    continue
                for sex in SEX:
                    if geo == "MT" and cit == "STLS":
                        put(cit, sex, geo, year, None, ":")  # not available
                        continue
                    put(cit, sex, geo, year, cells[cit][sex], flag)
                    if geo in EU:
                        eu[(cit, sex, year)] = eu.get((cit, sex, year), 0) + cells[cit][sex]
    for (cit, sex, year), x in eu.items():
        if cit in {"NAT", "UNK"} or sex == "T":
            continue  # NAT and UNK mean nothing for the EU as a whole; T is M + F
        # The sample's member states hold about 58% of the EU's residents.
        flag = "e" if year == POP_YEARS[-1] else ""
        put(cit, sex, "EU27_2020", year, int(x * 1.73), flag)
        if sex == "F":
            both = int(eu[(cit, "M", year)] * 1.73) + int(x * 1.73)
            put(cit, "T", "EU27_2020", year, both, flag)
    return cube.document(
        code="migr_pop1ctz",
        label="Population on 1 January by age group, sex and citizenship",
        updated="2026-03-27T23:00:00+0100",
        structure_version="35.0",
        esms="migr_pop_esms",
        no_data={"geo": ["BA"]},
    )


SAMPLES = {
    "migr_asyappctzm": asylum_applicants_monthly,
    "migr_asyappctza": asylum_applicants_annual,
    "migr_asydcfsta": asylum_decisions_first_instance,
    "migr_eipre": illegally_present,
    "migr_pop1ctz": population_by_citizenship,
}


def write(code: str, folder: Path = HERE) -> Path:
    out = folder / f"{code}.json"
    doc = SAMPLES[code]()
    out.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    return out


def main() -> None:
    for code in SAMPLES:
        print(f"wrote {write(code)}")


if __name__ == "__main__":
    main()
