"""The submitter's feedback report, from ledger, quarantine and validation rows written
by SQL as the pipeline writes them: counts, what to fix, every rejected row in the
CSV, and nothing a browser or a spreadsheet would run."""

from __future__ import annotations

import csv
import html
import json

import psycopg
import pytest
from psycopg.types.json import Jsonb

from ingest.submissions.datasets import DATASETS
from ingest.submissions.report import HTML_ROW_LIMIT, load_suite, write_report

DS = DATASETS["registered_arrivals"]
COLUMNS = [c.name for c in DS.columns]
BOM = b"\xef\xbb\xbf"


def _batch(conn, status, *, received=None, loaded=None, quarantined=0, **fields) -> int:
    row = {
        "source": "submissions", "dataset": DS.name, "raw_table": DS.raw.raw_table,
        "status": status, "rows_received": received, "rows_loaded": loaded,
        "rows_quarantined": quarantined, "file_name": "arrivals_2025-03.csv",
        "submitter": "steward@gevgelija.gov.mk", "municipality": "MK00405",
        "received_at": "2025-04-02 09:30:00+00", "period_start": "2025-03-01",
        "period_end": "2025-03-31",
    } | fields  # fmt: skip
    cols = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    (batch_id,) = conn.execute(
        f"insert into ops.batches ({cols}) values ({marks}) returning batch_id",
        list(row.values()),
    ).fetchone()
    return batch_id


def _cells(file_row, **values) -> dict:
    row = {
        "arrival_date": "2025-03-14", "location_code": "MK-BCP-BOGORODICA",
        "nationality": "SYR", "sex": "F", "age_group": "18-59", "persons": "3",
        "reporting_authority": "Border Police Gevgelija",
    } | values  # fmt: skip
    return row | {"file_row": str(file_row), "parse_error": None}


def _quarantine(conn, batch_id, row_number, rules, reasons, data) -> None:
    conn.execute(
        """insert into quality.quarantine
               (batch_id, row_number, source, dataset, rules, reasons, row_data)
           values (%s, %s, 'submissions', %s, %s, %s, %s)""",
        (batch_id, row_number, DS.name, rules, reasons, Jsonb(data)),
    )


def _results(conn, batch_id, status, results) -> None:
    (run_id,) = conn.execute(
        """insert into quality.validation_runs
               (batch_id, source, dataset, suite, status, success, evaluated, failed_blocking,
                failed_warning, seconds, gx_version, rows_quarantined)
           values (%s, 'submissions', %s, %s, %s, %s, %s, %s, %s, 1.5, '1.24.0', %s)
           returning run_id""",
        (
            batch_id, DS.name, DS.raw.key, status, status != "failed", len(results),
            sum(not ok and sev == "blocking" for _, _, _, sev, ok, _ in results),
            sum(not ok and sev == "warning" for _, _, _, sev, ok, _ in results),
            sum(n or 0 for *_, n in results),
        ),
    ).fetchone()  # fmt: skip
    for type_, column, kwargs, severity, success, unexpected in results:
        conn.execute(
            """insert into quality.expectation_results
                   (run_id, batch_id, expectation_type, column_name, kwargs, severity, success,
                    unexpected_count, element_count)
               values (%s, %s, %s, %s, %s, %s, %s, %s, 10)""",
            (run_id, batch_id, type_, column, json.dumps(kwargs), severity, success, unexpected),
        )


NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"
IN_SET = "expect_column_values_to_be_in_set"
TEXT_START = "expect_column_values_to_not_match_regex"
KEY = "expect_compound_key_to_be_unique"
# An in_set reason names the whole reference list.
LONG_REASON = "location_code 'MK-XX' is not one of " + ", ".join(
    f"MK00{n:03d}" for n in range(100, 220)
)
# The suite's advice for one rule; the others fall back to the generic hints.
SUITE = {
    "name": DS.raw.key,
    "expectations": [
        {"type": REGEX, "kwargs": {"column": "persons", "regex": "^[0-9]+$"},
         "meta": {"severity": "blocking", "why": "a count is a whole number",
                  "fix": "write persons as a whole number such as 14"}},
        {"type": IN_SET, "kwargs": {"column": "location_code",
                                    "value_set": {"seeds": ["ref_municipalities.lau_code"]}},
         "meta": {"severity": "blocking"}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def partial_batch(warehouse_dsn):
    """10 rows received, 3 held back: a formula, a script tag, a negative count."""
    with psycopg.connect(warehouse_dsn) as conn:
        batch_id = _batch(conn, "partial", received=10, loaded=7, quarantined=3)
        _quarantine(
            conn, batch_id, 2, [f"{TEXT_START}(reporting_authority)"],
            ["reporting_authority '=HYPERLINK(\"http://evil\",\"x\")' starts like a formula"],
            _cells(3, reporting_authority='=HYPERLINK("http://evil","x")'),
        )  # fmt: skip
        _quarantine(
            conn, batch_id, 5, [f"{NOT_NULL}(sex)", f"{IN_SET}(location_code)"],
            ["sex is missing", LONG_REASON],
            _cells(6, sex=None, location_code="MK-XX",
                   reporting_authority="<script>alert('x')</script> МВР – Гранична полиција"),
        )  # fmt: skip
        _quarantine(
            conn, batch_id, 9, [f"{REGEX}(persons)"], ["persons '-5' does not match ^[0-9]+$"],
            _cells(10, persons="-5", nationality="@SUM(A1)"),
        )  # fmt: skip
        _results(conn, batch_id, "partial", [
            (NOT_NULL, "sex", {}, "blocking", False, 1),
            (REGEX, "persons", {"regex": "^[0-9]+$"}, "blocking", False, 1),
            (IN_SET, "location_code", {"value_set": ["MK00405", "MK-BCP-BOGORODICA"]},
             "blocking", False, 1),
            (TEXT_START, "reporting_authority", {"regex": "^[=+@\t\r]"}, "blocking", False, 1),
            (KEY, None, {"column_list": list(DS.natural_key)}, "blocking", True, 0),
            ("expect_table_row_count_to_be_between", None, {"min_value": 1}, "blocking",
             True, None),
        ])  # fmt: skip
    return batch_id


def _report(dsn, batch_id, tmp_path, *, autocommit=False, suite=None):
    html, csv_path = tmp_path / "report.html", tmp_path / "report.csv"
    with psycopg.connect(dsn, autocommit=autocommit) as conn:
        # An open transaction of the caller's must not stop the server-side cursor.
        conn.execute("select 1")
        write_report(conn, batch_id, html, csv_path, suite=suite)
    raw = csv_path.read_bytes()
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return html.read_text(encoding="utf-8"), raw, rows


def test_partial_report_lists_every_rejected_row(warehouse_dsn, partial_batch, tmp_path):
    page, raw, rows = _report(warehouse_dsn, partial_batch, tmp_path, suite=SUITE)

    assert raw.startswith(BOM)
    header, *lines = rows
    assert header == ["file_row", "rules", "reasons", *COLUMNS]
    assert [line[0] for line in lines] == ["3", "6", "10"]
    by_row = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    # Cells a spreadsheet would run as formulas start with a quote.
    assert by_row["3"]["reporting_authority"] == '\'=HYPERLINK("http://evil","x")'
    assert by_row["10"]["persons"] == "'-5"
    assert by_row["10"]["nationality"] == "'@SUM(A1)"
    assert by_row["6"]["sex"] == ""
    assert by_row["6"]["rules"] == f"{NOT_NULL}(sex); {IN_SET}(location_code)"
    assert by_row["6"]["reasons"] == f"sex is missing; {LONG_REASON}"
    assert "МВР – Гранична полиција" in by_row["6"]["reporting_authority"]

    assert "accepted except 3 rows" in page
    for label, n in (("Received", 10), ("Accepted (loaded)", 7), ("Rejected (held back)", 3)):
        assert f'<th>{label}</th><td class="num">{n}</td>' in page
    # Escaped, and no script of any kind in the page.
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&#x27;=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)" in page
    assert "<link" not in page and "src=" not in page
    assert "МВР – Гранична полиција" in page
    assert LONG_REASON not in page and "(the CSV file has the whole reason)" in page
    # What to fix: the suite's own advice, else a hint from the dictionary.
    assert "Write persons as a whole number such as 14." in page
    assert "Fill in sex in every row: it is required." in page
    assert "Use a code from the LAU codes of the municipalities" in page
    assert "Registered arrivals (registered_arrivals)" in page
    assert "MK00405" in page and "steward@gevgelija.gov.mk" in page
    assert "2025-03-01 to 2025-03-31" in page
    assert page.count('<tr class="fail">') == 4 and page.count('<tr class="pass">') == 2


def test_generic_hints_in_autocommit(warehouse_dsn, partial_batch, tmp_path):
    no_advice = {"expectations": []}
    page, _, rows = _report(
        warehouse_dsn, partial_batch, tmp_path, autocommit=True, suite=no_advice
    )
    assert len(rows) == 1 + 3
    # The generic hint for a count's format, from the column dictionary's types.
    assert "Write persons as a whole number of persons, beds or places" in page
    assert "Fill in sex in every row: it is required." in page


def test_default_suite_is_the_committed_one(warehouse_dsn, partial_batch, tmp_path):
    suite = load_suite(DS.name)
    assert suite is not None
    (fix,) = [
        e["meta"]["fix"] for e in suite["expectations"]
        if e["type"] == NOT_NULL and e["kwargs"].get("column") == "sex"
    ]  # fmt: skip
    page, _, _ = _report(warehouse_dsn, partial_batch, tmp_path)
    assert html.escape(fix[0].upper() + fix[1:]) in page


def test_rejected_file_report(warehouse_dsn, tmp_path):
    error = "=cmd| the file is neither UTF-8 nor Windows-1250/1251 <b>: save it as CSV UTF-8"
    with psycopg.connect(warehouse_dsn) as conn:
        batch_id = _batch(conn, "rejected", error=error, period_start=None, period_end=None)
    page, raw, rows = _report(warehouse_dsn, batch_id, tmp_path)

    assert raw.startswith(BOM)
    assert rows == [
        ["file_row", "rules", "reasons", *COLUMNS],
        ["", "file_rejected", "'" + error, *([""] * len(COLUMNS))],
    ]
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert "rejected" in page and "nothing was loaded" in page
    assert "Rejected rows" not in page
    assert "No checks ran" in page


def test_passed_and_superseded(warehouse_dsn, tmp_path):
    with psycopg.connect(warehouse_dsn) as conn:
        later = _batch(conn, "passed", received=4, loaded=4, municipality=None)
        batch_id = _batch(
            conn, "passed", received=4, loaded=4, municipality=None, superseded_by=later
        )
        _results(conn, batch_id, "passed", [(NOT_NULL, "sex", {}, "blocking", True, 0)])
    page, _, rows = _report(warehouse_dsn, batch_id, tmp_path)

    assert rows == [["file_row", "rules", "reasons", *COLUMNS]]
    assert '<span class="status accepted">accepted</span>' in page
    assert "national (no municipality)" in page
    assert f"batch {later}" in page and "replaced" in page
    assert "What to fix" not in page and "Rejected rows" not in page


def test_html_shows_the_first_rows_and_the_csv_has_all(warehouse_dsn, tmp_path):
    total = HTML_ROW_LIMIT + 5
    with psycopg.connect(warehouse_dsn) as conn:
        batch_id = _batch(conn, "partial", received=total + 1, loaded=1, quarantined=total)
        conn.execute(
            """insert into quality.quarantine
                   (batch_id, row_number, source, dataset, rules, reasons, row_data)
               select %s, n, 'submissions', %s, array['expect_column_values_to_not_be_null(sex)'],
                      array['sex is missing'],
                      jsonb_build_object('file_row', (n + 1)::text, 'persons', n::text)
               from generate_series(1, %s) as n""",
            (batch_id, DS.name, total),
        )
    page, _, rows = _report(warehouse_dsn, batch_id, tmp_path, suite={"expectations": []})

    assert len(rows) == 1 + total
    assert [r[0] for r in rows[1:]] == [str(n + 1) for n in range(1, total + 1)]
    assert f"Showing the first {HTML_ROW_LIMIT} of {total} rows" in page
    assert page.count("<td>sex is missing</td>") == HTML_ROW_LIMIT
    # A rule with no stored result still gets its hint.
    assert "Fill in sex in every row" in page


def test_unknown_batch(warehouse_dsn, tmp_path):
    with psycopg.connect(warehouse_dsn) as conn, pytest.raises(LookupError):
        write_report(conn, 10**9, tmp_path / "r.html", tmp_path / "r.csv")
