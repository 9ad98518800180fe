"""Every real UNHCR file in ../shared/real-data parses, and what we parse (and load) has the
file's own count and sum of observations, computed here straight from the file. Skipped
where the folder is absent (a user's fresh clone)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.sources.unhcr import parse_saved
from tests.conftest import REAL_DATA

UNHCR = REAL_DATA / "unhcr"
FILES = sorted(p for p in UNHCR.iterdir() if p.is_file()) if UNHCR.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real data at {UNHCR}")

# What an API item says about who it counts; every other field is a count.
API_IDENTITY = {"year", "coo_id", "coo_name", "coo", "coo_iso", "coa_id", "coa_name", "coa",
                "coa_iso", "procedure_type", "app_type", "dec_level", "app_pc", "dec_pc",
                "pop_type"}  # fmt: skip
# The count columns of each HDX export, as its header names them.
HDX_COUNTS = {
    "HDX_AsylumApplications_hxl.csv": ["ApplicationAveragePersonsPerCase", "Applications"],
    "HDX_AsylumDecisions_hxl.csv": ["DecisionsAveragePersonsPerCase", "Recognized",
                                    "RecognizedOther", "OtherwiseClosed", "Rejected",
                                    "TotalDecided"],
    "HDX_EndYearPopulationTotals_hxl.csv": ["REF", "IDP", "ASY", "OOC", "STA", "VDA"],
    "HDX_Solutions_hxl.csv": ["RST", "NAT", "RET", "RDP"],
}  # fmt: skip


def _number(cell) -> Decimal | None:
    """A cell's number, or None for a marker or a blank."""
    text = str(cell).strip()
    if text in ("", "-", "*"):
        return None
    return Decimal(text)


def file_figures(path: Path) -> tuple[int, Decimal, Counter]:
    """(observations, sum of their numbers, markers) read straight from the file."""
    if path.suffix == ".json":
        items = json.loads(path.read_bytes())["items"]
        cells = [v for item in items for k, v in item.items() if k not in API_IDENTITY]
    elif path.name in HDX_COUNTS:
        with path.open(newline="", encoding="utf-8") as fh:
            records = list(csv.DictReader(fh))[1:]  # the first record is the HXL row
        cells = [r[c] for r in records for c in HDX_COUNTS[path.name]]
    else:
        with path.open(newline="", encoding="utf-8") as fh:
            cells = [r[4] for r in csv.reader(fh)]  # popstats: the value is the 5th field
    numbers = [n for n in map(_number, cells) if n is not None]
    markers = Counter(str(c).strip() for c in cells if str(c).strip() in ("-", "*"))
    return len(cells), sum(numbers, Decimal(0)), markers


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path):
    dims, rows = parse_saved(path.read_bytes())
    rows = list(rows)
    count, total, markers = file_figures(path)
    assert len(rows) == count
    assert sum(Decimal(r[-2]) for r in rows if r[-2]) == total
    assert Counter(r[-1] for r in rows if r[-1]) == markers
    # Plain decimal text only (no exponent, no spaces), markers out of the value.
    assert all(r[-2] == "" or r[-2].replace(".", "", 1).isdigit() for r in rows)
    assert all(len(r) == len(dims) + 3 for r in rows)


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert {"api_population_world_2010_2023.json", *HDX_COUNTS} <= names
    assert "popstats_asylum_seekers_monthly_2012_2015_legacy.csv" in names


def test_world_totals_keep_not_applicable_apart_from_zero():
    dims, rows = parse_saved((UNHCR / "api_population_world_2010_2023.json").read_bytes())
    rows = {(r[0], r[-3]): r[-2:] for r in rows}
    assert dims[:2] == ["year", "coo_id"]
    assert rows[("2010", "oip")] == ("", "-")  # "-": the category did not exist yet
    assert rows[("2010", "hst")] == ("0", "")  # "0": a string zero is a zero
    assert rows[("2023", "refugees")] == ("31637408", "")


def test_hdx_scientific_notation_becomes_plain_numbers():
    path = UNHCR / "HDX_EndYearPopulationTotals_hxl.csv"
    raw = [r["REF"] for r in csv.DictReader(io.StringIO(path.read_text()))][1:]
    assert "1e+05" in raw
    _, rows = parse_saved(path.read_bytes())
    refugees = [r[-2] for r in rows if r[-3] == "refugees"]
    assert refugees == [str(int(Decimal(v))) for v in raw]


def test_real_world_totals_load_and_pass_the_gate(warehouse_dsn):
    """The real API answer through the loader and the GX suite: the raw table holds the
    file's figures, and nothing in it trips a blocking rule."""
    import hashlib

    import psycopg

    from ingest.loader import load_batch
    from ingest.quality import validate_batch
    from ingest.sources.unhcr import DATASETS, rows

    ds = DATASETS["population"]
    path = UNHCR / "api_population_world_2010_2023.json"
    content = path.read_bytes()
    count, total, markers = file_figures(path)
    result = load_batch(
        warehouse_dsn, ds, rows(ds, content), sha256=hashlib.sha256(content).hexdigest()
    )
    assert result.rows_received == count
    with psycopg.connect(warehouse_dsn) as conn:
        n, s, dashes = conn.execute(
            "select count(*), sum(nullif(value, '')::numeric), count(*) filter (where flag = '-')"
            " from raw.unhcr__population where _batch_id = %s",
            (result.batch_id,),
        ).fetchone()
    assert (n, s, dashes) == (count, total, markers["-"])
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0
