"""Templates and the column dictionary page, rendered from the dictionaries.

The dictionaries in `ingest.submissions.datasets` are the single source: every
template (CSV and XLSX) and docs/submissions.md is generated from them and committed,
and a unit test fails when a committed file differs from a fresh render. Regenerate
all of them with `python -m ingest.submissions.templates`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from ingest.config import PROJECT_ROOT
from ingest.submissions.datasets import DATASETS, TYPES, Column, SubmissionDataset
from ingest.submissions.examples.make_examples import FAILING

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
DOCS_PATH = PROJECT_ROOT / "docs" / "submissions.md"

# A fixed time in every generated XLSX (document properties and zip entries), so a
# regeneration of an unchanged dictionary gives the same bytes and no diff in git.
FIXED_TIME = dt.datetime(2025, 1, 1)
DATA_SHEET = "data"
DICTIONARY_SHEET = "dictionary"
DICTIONARY_HEADER = (
    "name", "type", "required", "allowed values", "aliases", "example", "description",
)  # fmt: skip
# Excel formats per type: dates shown as ISO dates, and text for codes and choices, so
# that Excel does not turn an age group like 12-17 into the 17th of December.
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "count": "0", "amount": "#,##0.00"}
TEXT_FORMAT = "@"
# Readable names of the reference lists codes come from.
REFERENCE_NAMES = {
    "ref_municipalities.lau_code": "the LAU codes of the municipalities",
    "ref_border_crossing_points.crossing_code": "the codes of the border crossing points",
    "ref_facilities.facility_id": "the facility list",
}


def reference_text(column: Column) -> str:
    """Where a code column's values come from, in words."""
    return " or ".join(REFERENCE_NAMES.get(r, r) for r in column.reference)


def allowed_values(column: Column) -> str:
    if column.choices:
        return ", ".join(column.choices)
    if column.reference:
        return f"a code from {reference_text(column)} ({', '.join(column.reference)})"
    return ""


def dictionary_row(column: Column) -> tuple[str, ...]:
    """One line of the XLSX `dictionary` sheet."""
    return (
        column.name,
        f"{column.type} ({TYPES[column.type]})",
        "yes" if column.required else "no",
        allowed_values(column),
        ", ".join(column.aliases),
        column.example,
        column.description,
    )


def header(ds: SubmissionDataset) -> list[str]:
    return [c.name for c in ds.columns]


def example_row(ds: SubmissionDataset) -> list[str]:
    return [c.example for c in ds.columns]


def render_csv(ds: SubmissionDataset) -> bytes:
    """The CSV template: header and one example row, UTF-8 with a BOM (Excel then reads
    and saves it as UTF-8, so Cyrillic typed into it survives)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(ds))
    writer.writerow(example_row(ds))
    return out.getvalue().encode("utf-8-sig")


def _typed(column: Column):
    """The example as Excel would store what a steward types: dates and numbers as such."""
    if not column.example:
        return None
    if column.type == "date":
        return dt.date.fromisoformat(column.example)
    if column.type == "count":
        return int(column.example)
    if column.type == "amount":
        return float(Decimal(column.example))
    return column.example


def build_workbook(ds: SubmissionDataset):
    """The XLSX template as an openpyxl workbook (sheets `data` and `dictionary`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.properties.creator = "migration-warehouse"
    wb.properties.title = f"{ds.title}: submission template"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    bold = Font(bold=True)

    data = wb.active
    data.title = DATA_SHEET
    data.append(header(ds))
    data.append([_typed(c) for c in ds.columns])
    data.freeze_panes = "A2"
    for i, column in enumerate(ds.columns, start=1):
        letter = get_column_letter(i)
        data.cell(1, i).font = bold
        fmt = NUMBER_FORMATS.get(column.type, TEXT_FORMAT)
        data.cell(2, i).number_format = fmt
        dim = data.column_dimensions[letter]
        dim.number_format = fmt  # the style of the cells stewards add below
        dim.width = max(len(column.name), len(column.example), 10) + 2
        if column.choices:
            # A drop-down as a help only: aliases (e.g. "female") are accepted too.
            dv = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"',
                showErrorMessage=False, allow_blank=True,
            )  # fmt: skip
            dv.add(f"{letter}2:{letter}10000")
            data.add_data_validation(dv)

    sheet = wb.create_sheet(DICTIONARY_SHEET)
    sheet.append(DICTIONARY_HEADER)
    for column in ds.columns:
        sheet.append(dictionary_row(column))
    sheet.freeze_panes = "A2"
    for i, width in enumerate((28, 50, 9, 40, 40, 28, 60), start=1):
        sheet.cell(1, i).font = bold
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return wb


def render_xlsx(ds: SubmissionDataset) -> bytes:
    wb = build_workbook(ds)
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


def stable_xlsx(xlsx: bytes) -> bytes:
    """The same archive with fixed entry times and document dates (openpyxl stamps the
    save time on both)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def write_templates(out_dir: Path) -> list[Path]:
    """Write `<dataset>.csv` and `<dataset>.xlsx` for every dataset into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ds in DATASETS.values():
        for suffix, body in (("csv", render_csv(ds)), ("xlsx", render_xlsx(ds))):
            path = out_dir / f"{ds.name}.{suffix}"
            path.write_bytes(body)
            written.append(path)
    return written


def _md(text: str) -> str:
    """A Markdown table cell: pipes escaped, no line breaks."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


INTRO = """\
# Submitting data files

<!-- Generated by `python -m ingest.submissions.templates` from
ingest/submissions/datasets.py: change the dictionary there, then regenerate. -->

Municipalities and ministries send the warehouse these datasets as CSV or XLSX files:

{datasets}

Each file is read, checked row by row against the dataset's column dictionary below,
and answered with a feedback report (HTML, plus a CSV of the rows that were held back)
that says what to fix.

## How to submit

1. Start from the dataset's template, CSV or XLSX (links below). Keep its header
   row; replace the example row with your data, one row per line.
2. Submit the file with the command line:

       mwh submit FILE --dataset D [--municipality CODE] [--dry-run]

   `--municipality` is the LAU code of the municipality the file reports for
   (e.g. `MK00405` for Gevgelija); leave it out for a ministry's or another national
   body's file. `--dry-run` checks the file and writes the report without loading
   anything.
3. Or put the file into the landing zone, in the folder of its dataset and of the
   municipality it reports for (`national` for a national body):

       <landing>/incoming/<dataset>/<municipality or national>/<file>

   for example `<landing>/incoming/registered_arrivals/MK00405/arrivals_2025-03.csv`.

The same file sent twice for the same municipality (or national body) is loaded
once. To correct a file, send the corrected **whole** file for the same period: it
replaces the earlier file for the same dataset, municipality (or national body) and
period. Files count in the order they arrived, not by their names. A file name must
not contain control characters; a link instead of a file is ignored.

## File rules

- **Format**: CSV (`.csv`) or Excel (`.xlsx`).
- **Header**: the first line (first row in XLSX) names the columns, as in the
  template or by one of the aliases listed below; case, spaces and the order of the
  columns do not matter. An unknown, repeated or missing required column refuses the
  whole file.
- **Encodings** (CSV): UTF-8 (with or without BOM), Windows-1250, Windows-1251 or
  ISO-8859-2; one encoding for the whole file.
- **Delimiters** (CSV): comma `,`, semicolon `;`, tab or vertical bar `|`.
- **Numbers**: counts are whole numbers (`1 234` and `1.234` are read as 1234);
  amounts take a decimal comma or point (`250.000,00`, `250,000.00`, `1234,5`).
- **Dates**: `2025-03-31`, `31.03.2025`, `31.03.2025.`, `31/03/2025`, or an Excel date.
- **Empty cells** mean "not known"; a required column must be filled in every row.
- **XLSX**: the data is read from the first sheet, or from a sheet named `data` when
  there is one. No formulas: a formula cell is refused as a value, so type (or paste
  as values) the number itself. No password or encryption.

A file that cannot be read as a whole (empty, only a header, too large, an unknown
encoding, no recognisable delimiter, a broken or password-protected workbook) is
refused and nothing is loaded. Otherwise the rows that fail a check are held back and
listed in the report with their row number in the file and the reasons; the other
rows are loaded.

## Value types

| Type | What to write |
| --- | --- |
{types}
"""


def render_dataset_markdown(ds: SubmissionDataset) -> str:
    templates = "../ingest/submissions/templates"
    examples = sorted(
        p.name for p in EXAMPLES_DIR.glob(f"{ds.name}*") if p.suffix in (".csv", ".xlsx")
    )
    lines = [
        f"## {ds.title} (`{ds.name}`)",
        "",
        ds.description,
        "",
        f"- One row per {', '.join(f'`{c}`' for c in ds.natural_key)}: a combination "
        "must not repeat within a file.",
        f"- Period of a file: from the earliest `{ds.period[0]}` to the latest "
        f"`{ds.period[1]}` of its rows.",
        f"- Templates: [{ds.name}.csv]({templates}/{ds.name}.csv), "
        f"[{ds.name}.xlsx]({templates}/{ds.name}.xlsx) (sheet `dictionary`: this table).",
    ]
    good = [n for n in examples if n not in FAILING]
    if good:
        links = ", ".join(f"[{n}](../ingest/submissions/examples/{n})" for n in good)
        lines.append(f"- Example files: {links}.")
    for n in (n for n in examples if n in FAILING):
        lines.append(
            f"- Wrong on purpose (the demo's failure): [{n}](../ingest/submissions/examples/{n}),"
            f" {FAILING[n]}."
        )
    lines += [
        "",
        "| Column | Type | Required | Allowed values | Aliases | Example | Description |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in ds.columns:
        allowed = ", ".join(f"`{v}`" for v in c.choices) if c.choices else allowed_values(c)
        cells = (
            f"`{c.name}`", c.type, "yes" if c.required else "no", _md(allowed),
            _md(", ".join(c.aliases)), _md(_code(c.example)), _md(c.description),
        )  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    spellings = [c for c in ds.columns if any(c.choices.values())]
    if spellings:
        lines += ["", "Other accepted spellings of the allowed values (case ignored):", ""]
        for c in spellings:
            parts = "; ".join(
                f"`{value}`: {', '.join(aliases)}"
                for value, aliases in c.choices.items()
                if aliases
            )
            lines.append(f"- `{c.name}`: {parts}")
    return "\n".join(lines) + "\n"


def render_markdown() -> str:
    """docs/submissions.md: how to submit, then every dataset's column dictionary."""
    intro = INTRO.format(
        datasets="\n".join(f"- {ds.title} (`{ds.name}`)" for ds in DATASETS.values()),
        types="\n".join(f"| `{name}` | {_md(text)} |" for name, text in TYPES.items()),
    )
    return "\n".join([intro, *(render_dataset_markdown(ds) for ds in DATASETS.values())])


def write_docs(path: Path = DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
    return path


def main() -> int:
    for path in [*write_templates(TEMPLATES_DIR), write_docs()]:
        print(path.relative_to(PROJECT_ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
