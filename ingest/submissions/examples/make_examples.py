"""Example submissions, as municipalities and ministries send them.

Each shows one way a real file differs from the template: an XLSX with Excel dates
and a notes sheet, a UTF-8 CSV, a ministry's Windows-1251 CSV with semicolons,
Cyrillic and dotted dates, a Windows-1250 CSV with Latin diacritics, and decimal-comma
amounts. These pass the gate.

Two are wrong on purpose (FAILING), so that the demo, the quality scorecard and the
GX Data Docs show what a failure looks like:

- registered_arrivals_kumanovo.csv: Kumanovo's own arrivals for March 2025 (Tabanovce
  crossing and the municipality), one row with a negative count (-3). That row is
  quarantined with its reason, the others land: the batch ends `partial`.
- needs_assessment_struga.csv: Struga's needs for March 2025 with the sectors in the
  municipality's own words (Albanian), none of them an allowed value or alias. Every
  row is quarantined: the batch ends `failed` and nothing of it reaches staging.

Deterministic (fixed seeds); regenerate with
`python -m ingest.submissions.examples.make_examples`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from ingest.submissions.datasets import AGE_GROUPS, DATASETS

HERE = Path(__file__).resolve().parent
MARCH = [dt.date(2025, 3, d) for d in range(1, 32)]

# (facility_id, name, type, municipality, beds, usual share occupied, adult men share)
FACILITIES = (
    ("MK-TC-VINOJUG", "Transit Centre Vinojug", "transit_centre", "MK00405", 450, 0.35, 0.55),
    ("MK-TC-TABANOVCE", "Transit Centre Tabanovce", "transit_centre", "MK00706", 300, 0.3, 0.6),
    ("MK-RC-VIZBEGOVO", "Reception Centre for Asylum Seekers Vizbegovo", "reception_centre",
     "MK00803", 150, 0.6, 0.4),
    ("MK-DC-GAZIBABA", "Reception Centre for Foreigners Gazi Baba", "detention_centre",
     "MK00804", 120, 0.5, 0.9),
)  # fmt: skip
NATIONALITIES = {"SYR": 30, "AFG": 25, "IRQ": 10, "PAK": 12, "MAR": 8, "IND": 5, "BGD": 6,
                 "TUR": 4}  # fmt: skip
SEX_WEIGHTS = {"M": 70, "F": 27, "U": 3}
AGE_WEIGHTS = {"0-4": 6, "5-11": 8, "12-17": 12, "18-59": 68, "60+": 4, "unknown": 2}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _csv(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def reception_capacity() -> bytes:
    """4 facilities x 14 days; occupied <= capacity, person groups add up to at most
    the occupied beds (a few residents are not broken down)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ingest.submissions.templates import stable_xlsx

    rng = random.Random(5001)
    ds = DATASETS["reception_capacity"]
    wb = Workbook()
    wb.properties.creator = "Crisis Management Centre"
    sheet = wb.active
    sheet.title = "data"
    sheet.append([c.name for c in ds.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for day in MARCH[16:30]:
        for fid, name, kind, lau, beds, share, men in FACILITIES:
            occupied = min(beds, round(beds * share * rng.uniform(0.7, 1.3)))
            broken_down = occupied - rng.choice((0, 0, 0, 1, 2))
            adults_m = round(broken_down * men)
            rest = broken_down - adults_m
            children = round(rest * 0.45)
            old = rng.randint(0, max(0, min(3, rest - children)))
            women = rest - children - old
            groups = [
                children // 2, women, old // 2,  # female 0-17, 18-59, 60+
                children - children // 2, adults_m, old - old // 2,  # male
            ]  # fmt: skip
            sheet.append([day, fid, name, lau, kind, beds, occupied, *groups])
            sheet.cell(sheet.max_row, 1).number_format = "dd.mm.yyyy"
    notes = wb.create_sheet("notes")
    notes.append(["Figures at 08:00 each day; residents not broken down by age are omitted."])
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


def _arrivals(rng: random.Random, n: int, places: list[tuple[str, str]], days) -> list[tuple]:
    """n rows with distinct natural keys, in the order a register exports them."""
    keys: dict[tuple, int] = {}
    while len(keys) < n:
        code, authority = rng.choice(places)
        key = (rng.choice(days), code, _pick(rng, NATIONALITIES), _pick(rng, SEX_WEIGHTS),
               _pick(rng, AGE_WEIGHTS), authority)  # fmt: skip
        keys.setdefault(key, max(1, int(rng.expovariate(1 / 6))))
    order = {age: i for i, age in enumerate(AGE_GROUPS)}
    return sorted(
        ((*k, v) for k, v in keys.items()), key=lambda r: (r[0], r[1], r[2], r[3], order[r[4]])
    )


def registered_arrivals() -> bytes:
    """Gevgelija's own file (its crossings and its office): UTF-8, comma, ISO dates."""
    rng = random.Random(5002)
    places = [
        ("MK-BCP-BOGORODICA", "Border Police Bogorodica"),
        ("MK-BCP-GEVGELIJA-RAIL", "Border Police Gevgelija"),
        ("MK00405", "Municipality of Gevgelija, social services"),
    ]
    rows = [[c.name for c in DATASETS["registered_arrivals"].columns]]
    for day, code, nat, sex, age, authority, persons in _arrivals(rng, 300, places, MARCH):
        rows.append([day.isoformat(), code, nat, sex, age, str(persons), authority])
    return _csv(rows, delimiter=",", encoding="utf-8")


def registered_arrivals_national() -> bytes:
    """The ministry's national file: Windows-1251, semicolons, 31.03.2025 dates,
    Cyrillic authority and sex (ж/м, accepted spellings of F/M)."""
    rng = random.Random(5003)
    police = "МВР – Гранична полиција"
    places = [
        ("MK-BCP-BOGORODICA", police),
        ("MK-BCP-GEVGELIJA-RAIL", police),
        ("MK-BCP-TABANOVCE", police),
        ("MK-BCP-DEVE-BAIR", police),
        ("MK-BCP-BLACE", police),
        ("MK-BCP-KAFASAN", police),
        ("MK00703", "МВР – СВР Куманово"),
        ("MK00814", "МВР – СВР Скопје"),
    ]
    sexes = {"F": "Ж", "M": "М", "U": "U"}
    rows = [[c.name for c in DATASETS["registered_arrivals"].columns]]
    for day, code, nat, sex, age, authority, persons in _arrivals(rng, 200, places, MARCH):
        rows.append([day.strftime("%d.%m.%Y"), code, nat, sexes[sex], age, str(persons),
                     authority])  # fmt: skip
    return _csv(rows, delimiter=";", encoding="cp1251")


KUMANOVO_BAD_ROW = 5  # the row (0-based, after the header) with a negative count


def registered_arrivals_kumanovo() -> bytes:
    """Kumanovo's own file, shaped as Gevgelija's (UTF-8, comma, ISO dates): a dozen
    rows at the Tabanovce crossing and the municipality, one of them with `persons`
    -3 (a typed minus sign), which the gate quarantines."""
    rng = random.Random(5006)
    places = [
        ("MK-BCP-TABANOVCE", "Border Police Tabanovce"),
        ("MK00703", "Municipality of Kumanovo, social services"),
    ]
    rows = [[c.name for c in DATASETS["registered_arrivals"].columns]]
    found = _arrivals(rng, 12, places, MARCH)
    for i, (day, code, nat, sex, age, authority, persons) in enumerate(found):
        count = "-3" if i == KUMANOVO_BAD_ROW else str(persons)
        rows.append([day.isoformat(), code, nat, sex, age, count, authority])
    return _csv(rows, delimiter=",", encoding="utf-8")


# Remarks as a municipal officer writes them (Latin script with diacritics).
NEEDS_REMARKS = {
    "shelter": "Nedostaju ležajevi i ćebad za porodice s djecom.",
    "food": "Obroci tri puta dnevno; potrebna je posebna ishrana za djecu.",
    "health": "Ambulanta radi do 16 časova, hitni slučajevi idu u bolnicu.",
    "wash": "Voda za piće dostavlja se cisternama, čišćenje svaki dan.",
    "protection": "Mobilni tim obišao je sve lokacije, žene i djeca imaju prednost.",
    "education": "Škola prima djecu iz centra od ponedjeljka.",
}


def needs_assessment() -> bytes:
    """Four municipalities x six sectors for March 2025: Windows-1250, semicolons."""
    rng = random.Random(5004)
    rows = [[c.name for c in DATASETS["needs_assessment"].columns]]
    for lau in ("MK00405", "MK00706", "MK00703", "MK00803"):
        for sector, remark in NEEDS_REMARKS.items():
            need = rng.randint(40, 600)
            reached = rng.randint(need // 3, need)
            gap = str(need - reached) if rng.random() < 0.8 else ""
            rows.append([lau, "01.03.2025", "31.03.2025", sector, str(need), str(reached), gap,
                         remark if rng.random() < 0.7 else ""])  # fmt: skip
    return _csv(rows, delimiter=";", encoding="cp1250")


# Struga's sectors in its own words (Albanian): none is an allowed value or alias.
STRUGA_SECTORS = {
    "strehim": "shelter",
    "ushqim": "food",
    "shëndetësi": "health",
    "ujë dhe higjienë": "wash",
    "mbrojtje": "protection",
    "arsim": "education",
}


def needs_assessment_struga() -> bytes:
    """Struga's own assessment for March 2025 (UTF-8, comma, ISO dates): readable and
    complete, but every row's sector is the municipality's own word, so the gate
    quarantines every row and the batch fails."""
    rng = random.Random(5007)
    rows = [[c.name for c in DATASETS["needs_assessment"].columns]]
    for sector in STRUGA_SECTORS:
        need = rng.randint(20, 250)
        reached = rng.randint(need // 3, need)
        rows.append(["MK00312", "2025-03-01", "2025-03-31", sector, str(need), str(reached),
                     str(need - reached), ""])  # fmt: skip
    return _csv(rows, delimiter=",", encoding="utf-8")


def _comma(amount: int) -> str:
    """250000 -> 250.000,00, as a spreadsheet set to Macedonian formats writes it."""
    return f"{amount:,}".replace(",", ".") + ",00"


FUNDING = (
    ("MK00405", "", "2025-01-01", "2025-12-31", "eu",
     "Reception of asylum seekers – Vinojug", 250_000, 180_000, "EUR"),
    ("MK00405", "", "2025-01-01", "2025-12-31", "municipal_budget",
     "Communal services for the transit centre", 4_500_000, 1_250_000, "MKD"),
    ("MK00706", "", "2025-01-01", "2025-03-31", "un", "Winterisation Tabanovce", 85_000,
     85_000, "EUR"),
    ("MK00703", "", "2025-01-01", "2025-12-31", "donor", "Psychosocial support", 40_000, None,
     "EUR"),
    ("", "Ministry of Labour and Social Policy", "2025-01-01", "2025-12-31",
     "national_budget", "Social assistance for refugees", 61_500_000, 15_375_000, "MKD"),
    ("", "Ministry of Interior", "2025-01-01", "2025-12-31", "eu",
     "Border management (IPA III)", 1_200_000, 430_000, "EUR"),
    ("", "Crisis Management Centre", "2025-01-01", "2025-06-30", "national_budget",
     "Operation of the transit centres", 24_000_000, 9_800_000, "MKD"),
)  # fmt: skip


def funding() -> bytes:
    """Municipalities' and national bodies' funds: UTF-8 with BOM (Excel's "CSV UTF-8"),
    semicolons, decimal-comma amounts."""
    rows = [[c.name for c in DATASETS["funding"].columns]]
    for lau, body, start, end, fund, programme, planned, disbursed, currency in FUNDING:
        rows.append([lau, body, start, end, fund, programme, _comma(planned),
                     _comma(disbursed) if disbursed is not None else "", currency])  # fmt: skip
    return _csv(rows, delimiter=";", encoding="utf-8-sig")


EXAMPLES = {
    "reception_capacity.xlsx": ("reception_capacity", reception_capacity),
    "registered_arrivals.csv": ("registered_arrivals", registered_arrivals),
    "registered_arrivals_national.csv": ("registered_arrivals", registered_arrivals_national),
    "needs_assessment.csv": ("needs_assessment", needs_assessment),
    "funding.csv": ("funding", funding),
    "registered_arrivals_kumanovo.csv": ("registered_arrivals", registered_arrivals_kumanovo),
    "needs_assessment_struga.csv": ("needs_assessment", needs_assessment_struga),
}
# The examples that fail the gate on purpose, and how (docs/submissions.md says so).
FAILING = {
    "registered_arrivals_kumanovo.csv": "one row quarantined (a negative count): `partial`",
    "needs_assessment_struga.csv": "every row quarantined (sectors outside the list): `failed`",
}


def write_examples(out_dir: Path = HERE) -> list[Path]:
    written = []
    for name, (_, render) in EXAMPLES.items():
        path = out_dir / name
        path.write_bytes(render())
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_examples():
        print(p.name)
