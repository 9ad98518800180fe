"""The reader's own guarantees, without a database: every row of a workbook whatever
its declared dimension, and file line numbers that survive quoted line breaks."""

from __future__ import annotations

import re
import zipfile

import openpyxl

from ingest.submissions.datasets import DATASETS
from ingest.submissions.reader import open_submission

RA = DATASETS["registered_arrivals"]
HEADER = [c.name for c in RA.columns]


def test_a_workbook_that_understates_its_dimension_loses_no_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(HEADER)
    for i in range(6):
        ws.append([f"2025-03-0{i + 1}", "MK00405", "SYR", "F", "18-59", i, "Police"])
    honest = tmp_path / "honest.xlsx"
    wb.save(honest)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(honest) as zin, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # Three rows declared, and the widest possible sheet.
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD3"', data)
            z.writestr(info, data)
    rows = list(open_submission(lying, RA).rows)
    assert [r[0] for r in rows] == [f"2025-03-0{i}" for i in range(1, 7)]
    assert all(len(r) == len(RA.raw.columns) for r in rows)


def test_file_rows_count_quoted_line_breaks(tmp_path):
    lines = [
        ",".join(HEADER),
        '2025-03-01,MK00405,SYR,F,18-59,3,"Border Police\nGevgelija"',
        "2025-03-01,MK00405,SYR,M,18-59,4,Police",
        '2025-03-02,MK00405,AFG,F,0-4,1,"a\r\nb\nc"',
        "2025-03-02,MK00405,AFG,M,0-4,2,Police",
    ]
    path = tmp_path / "quoted.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n")
    rows = list(open_submission(path, RA).rows)
    # A row's number is the file line it ends on, as the steward's editor shows it.
    assert [int(r[-2]) for r in rows] == [3, 4, 7, 8]
    assert rows[0][6] == "Border Police\nGevgelija"
