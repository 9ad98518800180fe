"""The feedback report for whoever submitted one file: what was checked, what failed,
what to fix, and every rejected row.

Two files: an HTML page to read (self-contained: inline CSS, no scripts, nothing
fetched) and a CSV of every rejected row to fix in a spreadsheet (UTF-8 with a BOM,
so Excel shows Cyrillic). The rows are streamed from a server-side cursor into both
files at once, so a quarantine of a million rows never sits in memory. Every exported
cell goes through `neutralise`, because a submitted value such as `=HYPERLINK(...)`
must not become a formula in the steward's spreadsheet.
"""

from __future__ import annotations

import csv
import functools
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ingest.config import EXPECTATIONS_DIR, PROJECT_ROOT, private_dir, private_opener
from ingest.ledger import PROMOTED
from ingest.quality import ROW_RULES, rule_name
from ingest.submissions.datasets import (
    DATASETS,
    FILE_ROW,
    PARSE_ERROR,
    SOURCE,
    TYPES,
    SubmissionDataset,
)
from ingest.submissions.suites import FORMULA_REGEX
from ingest.submissions.templates import reference_text

HTML_ROW_LIMIT = 1000
# A reason listing a whole reference list is cut in the HTML (the CSV keeps it whole).
HTML_REASON_CHARS = 300
# OWASP's CSV-injection advice: a cell starting with one of these is read as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DOCS = "docs/submissions.md"
MUNICIPALITY_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "ref_municipalities.csv"
# Kwargs that do not tell two expectations of the same type and column apart.
_LOOSE_KWARGS = ("value_set", "mostly", "result_format", "catch_exceptions")


def neutralise(value) -> str:
    """The cell as text, with a leading `'` when a spreadsheet would take it for a
    formula; None is an empty cell."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@dataclass
class Check:
    """One expectation run on the batch, with what the suite says about it."""

    type: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None = None
    kwargs: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return rule_name(self.type, self.kwargs | {"column": self.column})

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,) if self.column else tuple(self.kwargs.get("column_list") or ())

    @property
    def row_level(self) -> bool:
        return self.type in ROW_RULES or self.type == "expect_row_condition"


def _rule_from_name(rule: str, count: int) -> Check:
    """A check known only from a quarantine row's rule name, e.g. `type(col)`."""
    m = re.fullmatch(r"(\w+)(?:\((.*)\))?", rule)
    type_, target = (m.group(1), m.group(2)) if m else (rule, None)
    if type_ == "expect_row_condition":
        return Check(type_, None, "blocking", False, count, {"label": target} if target else {})
    cols = [c.strip() for c in (target or "").split(",") if c.strip()]
    if len(cols) > 1:
        return Check(type_, None, "blocking", False, count, {"column_list": cols})
    return Check(type_, cols[0] if cols else None, "blocking", False, count)


def describe(check: Check, ds: SubmissionDataset | None) -> str:
    """What the check asks, in plain words."""
    col, t = check.column, check.type
    column = _column(ds, col)
    if t == "expect_column_values_to_not_be_null":
        return f"{col} is filled in"
    if t == "expect_column_values_to_be_null" and col == PARSE_ERROR:
        return "every cell can be read"
    if t == "expect_column_values_to_match_regex":
        kind = {"date": "a date", "count": "a whole number, 0 or more", "amount": "an amount"}
        return f"{col} is {kind.get(column.type, 'written as expected') if column else 'valid'}"
    if t == "expect_column_values_to_be_in_set":
        return f"{col} is {'a known code' if column and column.reference else 'an allowed value'}"
    if t == "expect_column_value_lengths_to_be_between":
        return f"{col} is at most {check.kwargs.get('max_value')} characters long"
    if t in ("expect_compound_columns_to_be_unique", "expect_compound_key_to_be_unique"):
        return f"each ({', '.join(check.columns)}) appears once"
    if t == "expect_row_condition":
        kw = check.kwargs
        return kw.get("label") or check.meta.get("why") or kw.get("condition") or "a row rule"
    if t == "expect_column_values_to_not_match_regex":
        regex = str(check.kwargs.get("regex", ""))
        if regex == FORMULA_REGEX:
            return f"{col} does not start like a spreadsheet formula"
        return f"{col} does not match {regex}"
    if t == "expect_table_row_count_to_be_between":
        return "the file has data rows"
    if t in ("expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list"):
        return "the file has the template's columns"
    return f"{t.removeprefix('expect_').replace('_', ' ')}" + (f" ({col})" if col else "")


def fix_hint(check: Check, ds: SubmissionDataset | None) -> str:
    """What the submitter should do about a failed check: the suite's `fix`, else a
    hint from the expectation's type and the column dictionary."""
    if check.meta.get("fix"):
        fix = check.meta["fix"]
        # A type's description (TYPES) says what to write, not to write it.
        return f"Write {check.column} as {fix}." if fix in TYPES.values() else _sentence(fix)
    col, t = check.column, check.type
    column = _column(ds, col)
    if t == "expect_column_values_to_not_be_null":
        return f"Fill in {col} in every row: it is required."
    if t == "expect_column_values_to_be_null" and col == PARSE_ERROR:
        return (
            "Correct the cells the reasons name so they can be read as their type "
            f"(see the column dictionary in {DOCS})."
        )
    if t == "expect_column_values_to_match_regex":
        if column and column.type in ("date", "count", "amount"):
            return f"Write {col} as {TYPES[column.type]}."
        if column:
            return f"Write {col} as the column dictionary describes: {column.description}"
        return f"Write {col} in the expected form (pattern {check.kwargs.get('regex')})."
    if t == "expect_column_values_to_be_in_set":
        if column and column.choices:
            return (
                f"Use one of: {', '.join(column.choices)} (the other accepted spellings are "
                f"listed in {DOCS})."
            )
        if column and column.reference:
            return f"Use a code from {reference_text(column)} (the list is in {DOCS})."
        values = check.kwargs.get("value_set")
        if isinstance(values, dict) and values.get("seeds"):
            return f"Use a code from the reference list {', '.join(values['seeds'])}."
        if isinstance(values, list) and len(values) <= 30:
            return f"Use one of: {', '.join(map(str, values))}."
        return f"Use a value from the allowed list of {col} (see {DOCS})."
    if t == "expect_column_value_lengths_to_be_between":
        return f"Shorten {col} to at most {check.kwargs.get('max_value')} characters."
    if t in ("expect_compound_columns_to_be_unique", "expect_compound_key_to_be_unique"):
        return (
            f"Each combination of {', '.join(check.columns)} may appear only once: remove the "
            "duplicate rows, or add their figures up into one row."
        )
    if t == "expect_row_condition":
        rule = check.kwargs.get("label") or check.meta.get("why")
        return (
            f"Correct the rows so that {rule}." if rule else "Correct the values the reasons name."
        )
    if t == "expect_table_row_count_to_be_between":
        return "Put at least one data row under the header row."
    if t in ("expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list"):
        return f"Use the header row of the dataset's template (see {DOCS})."
    return f"See the column dictionary in {DOCS}."


def _sentence(text: str) -> str:
    """A suite's hint as a sentence: capital first letter, closing full stop."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _column(ds: SubmissionDataset | None, name: str | None):
    if ds is None or name is None:
        return None
    return next((c for c in ds.columns if c.name == name), None)


def _suite_entry(suite: dict | None, type_: str, column: str | None, kwargs: dict) -> dict:
    """The suite's expectation that a stored result came from (its meta has why/fix)."""
    candidates = [
        e for e in (suite or {}).get("expectations", ())
        if e.get("type") == type_ and e.get("kwargs", {}).get("column") == column
    ]  # fmt: skip
    if len(candidates) > 1:
        # value_set may be stored resolved from seeds, so it is not compared.
        candidates = [
            e for e in candidates
            if all(kwargs.get(k) == v for k, v in e.get("kwargs", {}).items()
                   if k not in (*_LOOSE_KWARGS, "column"))
        ] or candidates  # fmt: skip
    return candidates[0] if candidates else {}


def load_suite(dataset: str) -> dict | None:
    """The submissions suite of a dataset as written in expectations/, when there is one."""
    path = EXPECTATIONS_DIR / f"submissions__{dataset}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def read_checks(conn: psycopg.Connection, batch_id: int, suite: dict | None) -> list[Check]:
    """The checks of the batch's latest validation run, failed ones first, plus any rule
    found in the quarantine that no stored result names."""
    rows = conn.execute(
        """select expectation_type, column_name, kwargs, severity, success, unexpected_count
           from quality.expectation_results
           where run_id = (select max(run_id) from quality.validation_runs where batch_id = %s)""",
        (batch_id,),
    ).fetchall()
    checks = []
    for type_, column, kwargs, severity, success, unexpected in rows:
        kwargs = kwargs or {}
        meta = _suite_entry(suite, type_, column, kwargs).get("meta", {})
        checks.append(Check(type_, column, severity, success, unexpected, kwargs, meta))
    known = {c.rule for c in checks}
    for rule, n in conn.execute(
        """select rule, count(*) from quality.quarantine, unnest(rules) as rule
           where batch_id = %s group by rule order by rule""",
        (batch_id,),
    ):
        if rule not in known:
            check = _rule_from_name(rule, n)
            meta = _suite_entry(suite, check.type, check.column, check.kwargs).get("meta", {})
            check.meta, check.severity = meta, meta.get("severity", "blocking")
            checks.append(check)
    order = [
        (e.get("type"), e.get("kwargs", {}).get("column"))
        for e in (suite or {}).get("expectations", ())
    ]

    def key(c: Check):
        pos = order.index((c.type, c.column)) if (c.type, c.column) in order else len(order)
        return (c.success, c.severity != "blocking", pos, c.type, c.column or "")

    return sorted(checks, key=key)


@functools.cache
def municipality_names() -> dict[str, str]:
    if not MUNICIPALITY_SEED.exists():
        return {}
    with MUNICIPALITY_SEED.open(encoding="utf-8", newline="") as f:
        return {r["lau_code"]: r.get("municipality_name") or "" for r in csv.DictReader(f)}


def status_words(status: str, rows_rejected: int | None) -> str:
    """The batch's status as the submitter reads it."""
    if status in ("passed", "warned"):
        return "accepted"
    if status == "partial":
        n = rows_rejected or 0
        return f"accepted except {n} row{'s' if n != 1 else ''}"
    if status in ("rejected", "failed"):
        return "rejected"
    if status == "error":
        return "not processed (a system error: nothing wrong with your file was found)"
    return "received, not checked yet"


def _counts(b: dict) -> tuple[int, int, int]:
    """(received, accepted, rejected): what reached the warehouse and what did not."""
    received = b["rows_received"] or 0
    accepted = (b["rows_loaded"] or 0) if b["status"] in PROMOTED else 0
    return received, accepted, received - accepted


def _explain(b: dict, checks: list[Check]) -> str:
    received, accepted, rejected = _counts(b)
    status = b["status"]
    if status == "passed":
        return "Every row passed every check and was loaded."
    if status == "warned":
        return "Every row was loaded; some checks gave warnings you may want to look at."
    if status == "partial":
        return (
            f"{rejected} rows failed a check and were held back (listed below, and all of "
            f"them in the CSV file); the other {accepted} rows were loaded. Correct the listed "
            "rows and send the whole corrected file again: it replaces this one."
        )
    if status == "rejected":
        return "The file was refused as a whole and nothing was loaded: " + (b["error"] or "")
    if status == "failed":
        if any(not c.success and c.severity == "blocking" and not c.row_level for c in checks):
            return (
                "A check on the file as a whole failed, so none of its rows were loaded. "
                "Correct the file and send it again."
            )
        return "Every row failed at least one check, so nothing was loaded."
    return ""


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em;
color:#1d2329;max-width:80em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.status{display:inline-block;padding:.15em .6em;border-radius:.3em;font-weight:700}
.accepted{background:#d9f2df;color:#145a26}.partial{background:#fff1c7;color:#6b4e00}
.rejected{background:#fbd9d7;color:#8a1c14}.other{background:#e6e9ec}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #c9d0d6;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef1f4}td.num{text-align:right}
td.bad{background:#fde7e5}tr.fail td.result{color:#8a1c14;font-weight:600}
tr.pass td.result{color:#145a26}.note{color:#4b5661}summary{cursor:pointer;margin:.5em 0}
"""


def _e(value) -> str:
    return html.escape(neutralise(value), quote=True)


def _status_class(status: str) -> str:
    if status in ("passed", "warned"):
        return "accepted"
    return {"partial": "partial", "rejected": "rejected", "failed": "rejected"}.get(status, "other")


def _write_head(out: TextIO, b: dict, ds: SubmissionDataset | None, checks: list[Check]) -> None:
    esc = html.escape
    title = f"Feedback on {b['file_name'] or 'your file'}"
    if b["municipality"]:
        name = municipality_names().get(b["municipality"])
        scope = f"{b['municipality']} ({name})" if name else b["municipality"]
    else:
        scope = "national (no municipality)"
    period = ""
    if b["period_start"] or b["period_end"]:
        period = f"{b['period_start'] or '?'} to {b['period_end'] or '?'}"
    meta = [
        ("File", b["file_name"] or ""),
        ("Dataset", f"{ds.title} ({ds.name})" if ds else b["dataset"]),
        ("Submitted for", scope),
        ("Submitted by", b["submitter"] or ""),
        ("Received", b["received_at"].strftime("%Y-%m-%d %H:%M %Z") if b["received_at"] else ""),
        ("Period covered", period),
        ("Batch", str(b["batch_id"])),
    ]
    out.write(
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n"
        f'<p>Status: <span class="status {_status_class(b["status"])}">'
        f"{esc(status_words(b['status'], _counts(b)[2]))}</span></p>\n"
        f"<p>{esc(_explain(b, checks))}</p>\n"
    )
    if b["superseded_by"]:
        out.write(
            f"<p><strong>This file has been replaced</strong> by a later file (batch "
            f"{int(b['superseded_by'])}) for the same period: its rows are no longer used.</p>\n"
        )
    out.write('<dl class="meta">\n')
    for label, value in meta:
        if value:
            out.write(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>\n")
    out.write("</dl>\n")

    if b["status"] != "rejected" and b["rows_received"] is not None:
        received, accepted, rejected = _counts(b)
        out.write(
            "<h2>Rows</h2>\n<table>\n"
            f'<tr><th>Received</th><td class="num">{received}</td></tr>\n'
            f'<tr><th>Accepted (loaded)</th><td class="num">{accepted}</td></tr>\n'
            f'<tr><th>Rejected (held back)</th><td class="num">{rejected}</td></tr>\n'
            "</table>\n"
        )

    out.write("<h2>Checks run</h2>\n")
    if not checks:
        out.write(
            '<p class="note">No checks ran: the file was refused before its rows were read.</p>\n'
            if b["status"] == "rejected"
            else '<p class="note">No checks have run on this file yet.</p>\n'
        )
    else:
        failed = [c for c in checks if not c.success]
        passed = [c for c in checks if c.success]
        if failed:
            _checks_table(out, failed, ds)
        if passed:
            # Folded (no script needed): the failures are what the submitter acts on.
            out.write(
                f"<details{'' if failed else ' open'}><summary>{len(passed)} of "
                f"{len(checks)} checks passed</summary>\n"
            )
            _checks_table(out, passed, ds)
            out.write("</details>\n")

    failed = [c for c in checks if not c.success]
    if b["status"] == "rejected" or failed:
        out.write("<h2>What to fix</h2>\n<ul>\n")
        if b["status"] == "rejected":
            out.write(f"<li><strong>The file as a whole</strong>: {_e(b['error'])}</li>\n")
        for c in failed:
            n = c.unexpected_count
            rows = "" if n is None else f" ({n} row{'' if n == 1 else 's'})"
            # Unless the check's title already is its why.
            shown_why = c.meta.get("why") and c.meta["why"] != describe(c, ds)
            why = f" Why: {_sentence(c.meta['why'])}" if shown_why else ""
            kind = "" if c.severity == "blocking" else " Only a warning: the rows were loaded."
            out.write(
                f"<li><strong>{_e(describe(c, ds))}</strong>{html.escape(rows)}: "
                f"{_e(fix_hint(c, ds))}{_e(why)}{_e(kind)} <code>{_e(c.rule)}</code></li>\n"
            )
        out.write("</ul>\n")


def _checks_table(out: TextIO, checks: list[Check], ds: SubmissionDataset | None) -> None:
    out.write(
        "<table>\n<tr><th>Check</th><th>Column</th><th>Kind</th><th>Result</th>"
        "<th>Rows failing</th><th>Rule</th></tr>\n"
    )
    for c in checks:
        failing = "" if c.unexpected_count is None else str(c.unexpected_count)
        out.write(
            f'<tr class="{"pass" if c.success else "fail"}"><td>{_e(describe(c, ds))}</td>'
            f"<td>{_e(', '.join(c.columns))}</td>"
            f"<td>{'must pass' if c.severity == 'blocking' else 'warning only'}</td>"
            f'<td class="result">{"passed" if c.success else "failed"}</td>'
            f'<td class="num">{failing}</td><td><code>{_e(c.rule)}</code></td></tr>\n'
        )
    out.write("</table>\n")


def _shorten(reason: str | None) -> str:
    reason = reason or ""
    if len(reason) <= HTML_REASON_CHARS:
        return reason
    return reason[:HTML_REASON_CHARS].rstrip() + " … (the CSV file has the whole reason)"


def _rows_query(columns: Iterable[str]) -> sql.Composed:
    cells = sql.SQL(", ").join(
        sql.SQL("row_data ->> {}").format(sql.Literal(c)) for c in (FILE_ROW, *columns)
    )
    return sql.SQL(
        "select rules, reasons, {} from quality.quarantine where batch_id = %s order by row_number"
    ).format(cells)


def _dataset_columns(conn, batch_id: int, ds: SubmissionDataset | None) -> list[str]:
    if ds is not None:
        return [c.name for c in ds.columns]
    # Another source's batch: the keys its quarantined rows carry.
    rows = conn.execute(
        """select distinct k from quality.quarantine, jsonb_object_keys(row_data) as k
           where batch_id = %s order by k""",
        (batch_id,),
    ).fetchall()
    return [k for (k,) in rows if k not in (FILE_ROW, PARSE_ERROR)]


def write_report(
    conn: psycopg.Connection,
    batch_id: int,
    html_path: Path,
    csv_path: Path,
    *,
    suite: dict | None = None,
) -> None:
    """Write the HTML report and the CSV of rejected rows of one batch."""
    with conn.cursor(row_factory=dict_row) as cur:
        b = cur.execute(
            """select batch_id, source, dataset, file_name, submitter, municipality, status,
                      error, rows_received, rows_loaded, rows_quarantined, received_at,
                      period_start, period_end, superseded_by
               from ops.batches where batch_id = %s""",
            (batch_id,),
        ).fetchone()
    if b is None:
        raise LookupError(f"no batch {batch_id} in ops.batches")
    # A dry run's batch has a source of its own (submissions_dryrun), same dictionaries.
    ds = DATASETS.get(b["dataset"]) if b["source"].startswith(SOURCE) else None
    if suite is None and ds is not None:
        suite = load_suite(ds.name)
    checks = read_checks(conn, batch_id, suite)
    (quarantined,) = conn.execute(
        "select count(*) from quality.quarantine where batch_id = %s", (batch_id,)
    ).fetchone()
    columns = _dataset_columns(conn, batch_id, ds)

    private_dir(html_path.parent)
    private_dir(csv_path.parent)
    with (
        open(html_path, "w", encoding="utf-8", newline="\n", opener=private_opener) as out,
        open(csv_path, "w", encoding="utf-8-sig", newline="", opener=private_opener) as raw,
    ):
        writer = csv.writer(raw)
        writer.writerow([FILE_ROW, "rules", "reasons", *columns])
        _write_head(out, b, ds, checks)
        blank = [""] * len(columns)
        if b["status"] == "rejected":
            writer.writerow(["", "file_rejected", neutralise(b["error"]), *blank])
        elif b["status"] == "failed":
            for c in checks:
                if not c.success and c.severity == "blocking" and not c.row_level:
                    why = describe(c, ds) + ": " + fix_hint(c, ds)
                    writer.writerow(["", neutralise(c.rule), neutralise(why), *blank])
        if quarantined:
            _write_rows(conn, batch_id, columns, checks, out, writer, quarantined, csv_path.name)
        out.write("</body>\n</html>\n")


def _write_rows(conn, batch_id, columns, checks, out, writer, total, csv_name) -> None:
    """Stream the quarantined rows into the CSV, and the first HTML_ROW_LIMIT into the HTML."""
    by_rule = {c.rule: set(c.columns) for c in checks}
    # Row rules and unreadable cells name their columns in the reason only.
    named = re.compile(r"\b(" + "|".join(map(re.escape, columns)) + r")\b") if columns else None
    shown = min(total, HTML_ROW_LIMIT)
    out.write(f"<h2>Rejected rows ({total})</h2>\n")
    note = f"The CSV file {csv_name} lists every rejected row with the same columns"
    if total > shown:
        note = f"Showing the first {shown} of {total} rows. " + note
    out.write(f'<p class="note">{html.escape(note)}.</p>\n<table>\n<tr><th>File row</th>')
    out.write("<th>Reasons</th>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns))
    out.write("</tr>\n")
    # A named cursor is server-side; it lives in a transaction (a savepoint if the caller
    # has one open).
    with conn.transaction(), conn.cursor(name=f"report_rows_{int(batch_id)}") as cur:
        cur.itersize = 2000
        cur.execute(_rows_query(columns), (batch_id,))
        for n, (rules, reasons, file_row, *cells) in enumerate(cur):
            writer.writerow(
                [neutralise(file_row), neutralise("; ".join(filter(None, rules))),
                 neutralise("; ".join(filter(None, reasons))), *map(neutralise, cells)]
            )  # fmt: skip
            if n < HTML_ROW_LIMIT:
                bad = set().union(*(by_rule.get(r, ()) for r in rules))
                if named:
                    bad.update(m.group(1) for r in reasons for m in named.finditer(r or ""))
                tds = "".join(
                    (f'<td class="bad">{_e(v)}</td>' if col in bad else f"<td>{_e(v)}</td>")
                    for col, v in zip(columns, cells, strict=True)
                )
                reasons_html = "<br>".join(_e(_shorten(r)) for r in reasons)
                out.write(f"<tr><td>{_e(file_row)}</td><td>{reasons_html}</td>{tds}</tr>\n")
    out.write("</table>\n")
