"""Every real UNHCR ODP file in ../shared/real-data parses, and what we parse and load has
the file's own count and sum of figures, computed here straight from the file. Skipped
where the folder is absent (a user's fresh clone).

The JSON files are real answers of `population/get/origin` and `/sublocation`; the CSVs
are a sublocation answer flattened by a third party (one row per disembarkation place
and year) and its sum by country and year: both parse as flattened ODP answers, with
their own columns as dimensions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.payload import Part, pack
from ingest.sources.unhcr_odp import DATASETS, parse_saved, rows
from tests.conftest import REAL_DATA

ODP = REAL_DATA / "unhcr_odp"
FILES = sorted(p for p in ODP.glob("*") if p.suffix in (".json", ".csv")) if ODP.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real data at {ODP}")

# Written out here, not imported from the parser: the fields that are figures.
ORIGIN_FIGURES = (
    "individuals",
    "households",
    "male_04",
    "male_511",
    "male_1217",
    "male_1859",
    "male_60",
    "male_total",
    "male_hhs",
    "female_04",
    "female_511",
    "female_1217",
    "female_1859",
    "female_60",
    "female_total",
    "female_hhs",
    "children_total",
    "uac_total",
)
SUBLOCATION_FIGURES = ("individuals", "households")
# The requests the JSON files answered (SOURCES.txt).
REQUESTS = {
    "odp_population_get_origin_geo295_pc4_29.json": "https://data.unhcr.org/population/get/origin?geo_id=295&population_collection=4,29",
    "odp_population_get_sublocation_sv45.json": "https://data.unhcr.org/population/get/sublocation?sv_id=45&population_collection=4,29,81",
}


def _json_figures(doc) -> tuple[int, Decimal, Counter]:
    """Cells a figure field was sent in (null included), the sum of the non-null ones,
    and the sum per field."""
    fields = ORIGIN_FIGURES if "pop_origin_code" in doc["data"][0] else SUBLOCATION_FIGURES
    cells = [(f, rec[f]) for rec in doc["data"] for f in fields if f in rec]
    per_field = Counter()
    for f, v in cells:
        per_field[f] += Decimal(str(v)) if v not in (None, "") else 0
    return len(cells), sum(per_field.values(), Decimal(0)), per_field


def _csv_figures(content: bytes) -> tuple[int, Decimal]:
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    return len(records), sum((Decimal(r["individuals"]) for r in records), Decimal(0))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path):
    content = path.read_bytes()
    dims, parsed = parse_saved(content)
    parsed = list(parsed)
    assert all(len(r) == len(dims) + 3 for r in parsed)
    total = sum((Decimal(r[-2]) for r in parsed if r[-2]), Decimal(0))
    if path.suffix == ".csv":
        count, file_sum = _csv_figures(content)
        header = content.decode().splitlines()[0].split(",")
        assert dims == [h for h in header if h != "individuals"]
        assert {r[-3] for r in parsed} == {"individuals"}
    else:
        doc = json.loads(content)
        count, file_sum, per_field = _json_figures(doc)
        got = Counter()
        for r in parsed:
            got[r[-3]] += Decimal(r[-2]) if r[-2] else 0
        assert got == per_field
    assert (len(parsed), total) == (count, file_sum)
    assert not [r for r in parsed if r[-1]], "ODP's figures are plain numbers: no flags"


def test_the_known_files_are_all_there():
    names = {p.name for p in FILES}
    assert {
        "odp_population_get_origin_geo295_pc4_29.json",
        "odp_population_get_sublocation_sv45.json",
        "med_sea_arrivals_by_disembarkation_2014_2022.csv",
        "med_sea_arrivals_country_year_2014_2022.csv",
    } <= names


def test_real_origin_answer_keeps_unhcr_codes_strings_and_nulls():
    content = (ODP / "odp_population_get_origin_geo295_pc4_29.json").read_bytes()
    dims, parsed = parse_saved(content, "individuals")
    by_origin = {r[dims.index("pop_origin_code")]: r[-2] for r in parsed}
    # Sudan is SUD in UNHCR's codes (ISO: SDN); the numbers came as strings.
    assert by_origin == {"SSD": "663396", "SUD": "451805", "OTH": "35"}
    _, male = parse_saved(content, "male_04")
    assert sorted(r[-2] for r in male) == ["", "0", "0"]  # null stays '', "0" stays 0


def test_the_country_year_csv_is_the_sum_of_the_places_csv():
    """Both flattened files parse into the same figures: country x year sums agree."""
    place_dims, places = parse_saved(
        (ODP / "med_sea_arrivals_by_disembarkation_2014_2022.csv").read_bytes()
    )
    dims, totals = parse_saved((ODP / "med_sea_arrivals_country_year_2014_2022.csv").read_bytes())
    country, year = place_dims.index("country_name"), place_dims.index("year")
    summed = Counter()
    for r in places:
        summed[(r[country], r[year])] += int(r[-2])
    assert dims == ["country_name", "year"]
    assert {(r[0], r[1]): int(r[-2]) for r in totals} == dict(summed)
    assert summed[("Greece", "2015")] == 856723


def _load(dsn, name: str, dataset: str):
    """A real answer with the request it answered, loaded as one batch."""
    import psycopg

    from ingest.loader import load_batch

    ds = DATASETS[dataset]
    body = json.loads((ODP / name).read_bytes())
    payload = pack([Part(REQUESTS[name], body)])
    result = load_batch(dsn, ds, rows(ds, payload), sha256=hashlib.sha256(payload).hexdigest())
    with psycopg.connect(dsn) as conn:
        n, s = conn.execute(
            f"select count(*), coalesce(sum(nullif(value, '')::numeric), 0) from raw.{ds.key}"  # noqa: S608
            " where _batch_id = %s",
            (result.batch_id,),
        ).fetchone()
    count, total, _ = _json_figures(body)
    assert result.rows_received == n == count
    assert s == total
    return ds, result


def test_real_origin_answer_loads_and_passes_the_gate(warehouse_dsn):
    from ingest.quality import validate_batch

    ds, result = _load(
        warehouse_dsn, "odp_population_get_origin_geo295_pc4_29.json", "arrivals_by_origin"
    )
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status in ("passed", "warned"), outcome.summary()
    assert outcome.rows_quarantined == 0


def test_real_sublocation_answer_of_another_situation_is_kept_out(warehouse_dsn):
    """sv_id 45 counts refugee populations in Southern Africa, not arrivals: the raw
    table holds every figure as sent, and the gate quarantines them all (population
    groups are not arrivals groups, no country was asked), so nothing is promoted."""
    from ingest.quality import validate_batch

    ds, result = _load(
        warehouse_dsn, "odp_population_get_sublocation_sv45.json", "arrivals_by_sublocation"
    )
    outcome = validate_batch(warehouse_dsn, ds, result.batch_id)
    assert outcome.status == "failed"
    assert outcome.rows_quarantined == result.rows_received
    rules = {f.rule for f in outcome.failures if f.severity == "blocking"}
    assert "expect_column_values_to_be_in_set(population_group_id)" in rules
