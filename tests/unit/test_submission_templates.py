"""Templates, the column dictionary page and the example files are generated from the
dictionaries and committed: each must equal a fresh render, and report cells are
neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from ingest.config import PROJECT_ROOT
from ingest.submissions.datasets import DATASETS, TYPES
from ingest.submissions.examples.make_examples import EXAMPLES, FAILING
from ingest.submissions.report import neutralise
from ingest.submissions.templates import (
    DATA_SHEET,
    DICTIONARY_HEADER,
    DICTIONARY_SHEET,
    DOCS_PATH,
    EXAMPLES_DIR,
    TEMPLATES_DIR,
    render_csv,
    render_markdown,
    render_xlsx,
)

REGENERATE = "run `python -m ingest.submissions.templates` and commit the result"
SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"


def _values(source) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(source)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def _xlsx_values(body: bytes) -> dict[str, list[tuple]]:
    return _values(io.BytesIO(body))


@pytest.mark.parametrize("name", list(DATASETS))
def test_committed_templates_equal_a_fresh_render(name):
    ds = DATASETS[name]
    assert (TEMPLATES_DIR / f"{name}.csv").read_bytes() == render_csv(ds), REGENERATE
    committed = _values(TEMPLATES_DIR / f"{name}.xlsx")
    assert committed == _xlsx_values(render_xlsx(ds)), REGENERATE


def test_templates_folder_holds_exactly_the_datasets():
    expected = {f"{n}.{ext}" for n in DATASETS for ext in ("csv", "xlsx")}
    assert {p.name for p in TEMPLATES_DIR.iterdir()} == expected


def test_committed_docs_equal_a_fresh_render():
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(), REGENERATE


def test_xlsx_render_is_byte_stable():
    # A regeneration of an unchanged dictionary must not show up as a change in git.
    ds = DATASETS["funding"]
    assert render_xlsx(ds) == render_xlsx(ds)


@pytest.mark.parametrize("name", list(DATASETS))
def test_template_header_matches_the_dictionary(name):
    ds = DATASETS[name]
    names = [c.name for c in ds.columns]
    rows = list(csv.reader(io.StringIO((TEMPLATES_DIR / f"{name}.csv").read_text("utf-8-sig"))))
    assert rows == [names, [c.example for c in ds.columns]]

    wb = openpyxl.load_workbook(TEMPLATES_DIR / f"{name}.xlsx")
    assert wb.sheetnames == [DATA_SHEET, DICTIONARY_SHEET]
    data = wb[DATA_SHEET]
    assert [c.value for c in data[1]] == names
    assert all(c.font.bold for c in data[1])
    assert data.freeze_panes == "A2"
    # The example row, typed as Excel stores what a steward types.
    for cell, column in zip(data[2], ds.columns, strict=True):
        if column.type == "date":
            assert cell.value.date().isoformat() == column.example
        elif column.type in ("count", "amount"):
            assert float(cell.value) == float(column.example)
        else:
            assert (cell.value or "") == column.example

    dictionary = list(wb[DICTIONARY_SHEET].iter_rows(values_only=True))
    assert dictionary[0] == DICTIONARY_HEADER
    assert [r[0] for r in dictionary[1:]] == names
    for row, column in zip(dictionary[1:], ds.columns, strict=True):
        assert TYPES[column.type] in row[1]
        assert row[2] == ("yes" if column.required else "no")
        for value in column.choices:
            assert value in row[3]


def test_docs_describe_submission_and_every_column():
    text = DOCS_PATH.read_text(encoding="utf-8")
    for needle in (
        "mwh submit FILE --dataset D [--municipality CODE] [--dry-run]",
        "<landing>/incoming/<dataset>/<municipality or national>/<file>",
        "Windows-1250", "Windows-1251", "ISO-8859-2", "a formula cell is refused",
    ):  # fmt: skip
        assert needle in text
    for ds in DATASETS.values():
        assert f"## {ds.title} (`{ds.name}`)" in text
        for c in ds.columns:
            assert f"| `{c.name}` | {c.type} |" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("'=already", "'=already"),
        (" =1", " =1"),
        ("МВР – Гранична полиција", "МВР – Гранична полиција"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "'-3"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_committed_examples_equal_a_fresh_render(name):
    _, render = EXAMPLES[name]
    path = EXAMPLES_DIR / name
    if path.suffix == ".xlsx":
        assert _values(path) == _xlsx_values(render())
    else:
        assert path.read_bytes() == render()


# How each example is written, as a steward's spreadsheet would save it.
ENCODINGS = {
    "registered_arrivals.csv": ("utf-8", ","),
    "registered_arrivals_national.csv": ("cp1251", ";"),
    "needs_assessment.csv": ("cp1250", ";"),
    "funding.csv": ("utf-8-sig", ";"),
    "registered_arrivals_kumanovo.csv": ("utf-8", ","),
    "needs_assessment_struga.csv": ("utf-8", ","),
}


def _seed(name: str, column: str) -> set[str]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return {r[column] for r in csv.DictReader(f)}


def _example_rows(name: str) -> list[dict]:
    path = EXAMPLES_DIR / name
    if path.suffix == ".xlsx":
        rows = _values(path)[DATA_SHEET]
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    encoding, delimiter = ENCODINGS[name]
    text = path.read_bytes().decode(encoding)  # strict: one encoding per file
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_follow_the_dictionary(name):
    dataset, _ = EXAMPLES[name]
    ds = DATASETS[dataset]
    rows = _example_rows(name)
    assert rows and list(rows[0]) == [c.name for c in ds.columns]
    keys = Counter(tuple(r[k] for k in ds.natural_key) for r in rows)
    assert keys.most_common(1)[0][1] == 1, "a natural key repeats"
    municipalities = _seed("ref_municipalities", "lau_code")
    for row in rows:
        for c in ds.columns:
            if c.required:
                assert row[c.name] not in (None, ""), (name, c.name)
            if c.reference and row[c.name]:
                allowed = set().union(*(_seed(*r.split(".")) for r in c.reference))
                assert row[c.name] in allowed, (name, c.name, row[c.name])
        if "municipality" in row and row["municipality"]:
            assert row["municipality"] in municipalities


def test_reception_example_is_consistent():
    rows = _example_rows("reception_capacity.xlsx")
    assert len(rows) == 4 * 14
    assert {r["report_date"].month for r in rows} == {3}
    for r in rows:
        groups = [v for k, v in r.items() if k.startswith("persons_")]
        assert 0 <= sum(groups) <= r["occupied_beds"] <= r["capacity_beds"]


def test_national_example_is_cyrillic_with_dotted_dates():
    raw = (EXAMPLES_DIR / "registered_arrivals_national.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = _example_rows("registered_arrivals_national.csv")
    assert 150 <= len(rows) <= 250
    assert {r["reporting_authority"] for r in rows} >= {"МВР – Гранична полиција"}
    assert all(r["arrival_date"].endswith(".03.2025") for r in rows)


def test_funding_example_uses_decimal_commas_and_one_owner_per_row():
    rows = _example_rows("funding.csv")
    assert {r["currency"] for r in rows} == {"EUR", "MKD"}
    assert all(r["planned_amount"].endswith(",00") for r in rows)
    assert all(bool(r["municipality"]) != bool(r["national_body"]) for r in rows)


def test_the_failing_examples_fail_in_one_way_each():
    """The demo's failures: Kumanovo's file has exactly one bad row (a negative count),
    Struga's a sector outside the allowed list on every row and nothing else wrong."""
    from ingest.submissions.values import choice_key, choice_lookup

    assert set(FAILING) <= set(EXAMPLES)
    rows = _example_rows("registered_arrivals_kumanovo.csv")
    assert 8 <= len(rows) <= 20
    assert {r["location_code"] for r in rows} == {"MK-BCP-TABANOVCE", "MK00703"}
    assert {r["arrival_date"][:7] for r in rows} == {"2025-03"}
    assert [r["persons"] for r in rows if not r["persons"].isdigit()] == ["-3"]

    rows = _example_rows("needs_assessment_struga.csv")
    sectors = choice_lookup(DATASETS["needs_assessment"].column("sector"))
    assert len(rows) >= 3 and {r["municipality"] for r in rows} == {"MK00312"}
    assert not [r["sector"] for r in rows if choice_key(r["sector"]) in sectors]
    for r in rows:
        assert r["people_in_need"].isdigit() and r["people_reached"].isdigit()
        assert int(r["people_reached"]) <= int(r["people_in_need"])


def test_example_files_are_the_ones_generated():
    on_disk = {p.name for p in Path(EXAMPLES_DIR).iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk == set(EXAMPLES)
