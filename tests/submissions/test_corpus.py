"""The bad-input corpus through the real pipeline: every case against a fresh warehouse.

A rejected file must leave one ledger row saying why, in words a steward can act on, and
nothing in raw; an accepted file must quarantine exactly the rows the corpus names, each
with a reason and the line it came from, and store the normalised values the corpus
expects. Plus: a resubmitted file is a no-op, a dry run leaves no trace, and neither a zip
bomb nor a 200 MB file makes the process grow (measured in a child process).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ingest.submissions.datasets import DATASETS
from ingest.submissions.pipeline import printable, submit
from tests.submissions.corpus import BY_NAME, CASES, NA_HEAD, Case, csv_bytes, needs_row

ROOT = Path(__file__).resolve().parents[2]
SUBMITTER = "corpus-test"
PEAK_RSS_LIMIT_MIB = 400
PEAK_GROWTH_LIMIT_MIB = 64


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    # One build per session: the zip bomb and the 200 MB file take seconds to write.
    return tmp_path_factory.mktemp("corpus")


def _raw_rows(conn: psycopg.Connection, dataset: str, batch_id: int) -> list[dict]:
    table = sql.Identifier("raw", f"submissions__{dataset}")
    if conn.execute("select to_regclass(%s)", (f"raw.submissions__{dataset}",)).fetchone()[0]:
        cur = conn.execute(
            sql.SQL("select * from {} where _batch_id = %s order by _row_number").format(table),
            (batch_id,),
        )
        names = [d.name for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]
    return []


def _ledger(conn: psycopg.Connection, batch_id: int) -> dict:
    cur = conn.execute(
        """select status, error, rows_received, rows_loaded, rows_quarantined, file_name,
                  submitter, municipality, report_path
           from ops.batches where batch_id = %s""",
        (batch_id,),
    )
    names = [d.name for d in cur.description]
    row = cur.fetchone()
    assert row is not None, f"no ledger row for batch {batch_id}"
    return dict(zip(names, row, strict=True))


def _quarantine(conn: psycopg.Connection, batch_id: int) -> list[tuple]:
    return conn.execute(
        "select rules, reasons, row_data from quality.quarantine where batch_id = %s "
        "order by row_number",
        (batch_id,),
    ).fetchall()


def _assert_readable(text: str | None, expected: str) -> None:
    """A steward reads this: plain words, short, naming the problem."""
    assert text and text.strip(), "no message"
    assert "Traceback" not in text and 'File "' not in text, text
    assert len(text) < 500, f"{len(text)} characters: {text}"
    assert expected.lower() in text.lower(), f"{expected!r} not in {text!r}"


def _same_value(column: str, got: str | None, want: str | None) -> bool:
    # The contract fixes an amount's form (dot decimal, no grouping), not its scale.
    if got is not None and want is not None and column in _AMOUNTS:
        return got.replace(".", "", 1).isdigit() and Decimal(got) == Decimal(want)
    return got == want


_AMOUNTS = {c.name for d in DATASETS.values() for c in d.columns if c.type == "amount"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case(case: Case, warehouse_dsn, corpus_dir, tmp_path, monkeypatch):
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    path = case.build(corpus_dir)
    result = submit(
        warehouse_dsn,
        path,
        case.dataset,
        municipality=case.municipality,
        submitter=SUBMITTER,
        report_dir=tmp_path,
    )
    got = f"{result.status} {result.code}: {result.message} {result.reasons}"
    assert result.created, got
    assert result.batch_id is not None, got
    assert result.rows_received == result.rows_loaded + result.rows_quarantined, got

    with psycopg.connect(warehouse_dsn) as conn:
        ledger = _ledger(conn, result.batch_id)
        raw = _raw_rows(conn, case.dataset, result.batch_id)
        quarantined = _quarantine(conn, result.batch_id)
    assert (ledger["file_name"], ledger["submitter"]) == (printable(path.name), SUBMITTER)
    assert ledger["municipality"] == case.municipality

    if case.status == "rejected":
        assert (result.status, result.code) == ("rejected", case.code), got
        _assert_readable(result.message, case.reason)
        assert ledger["status"] == "rejected"
        _assert_readable(ledger["error"], case.reason)
        assert (ledger["rows_received"], ledger["rows_loaded"]) == (None, None)
        assert raw == [] and quarantined == [], "a rejected file loaded rows"
        # A rejection names the problem, never the file's content (issue 16).
        assert "SECRET" not in f"{result.message} {ledger['error']}"
        if result.report_html is not None:
            assert result.report_html.exists()
        return

    assert (result.status, result.rows_received) == (case.status, case.rows), got
    assert result.rows_quarantined == case.quarantined, got
    assert ledger["status"] == case.status and not ledger["error"]
    assert (ledger["rows_received"], ledger["rows_loaded"], ledger["rows_quarantined"]) == (
        result.rows_received,
        result.rows_loaded,
        result.rows_quarantined,
    )
    # Raw keeps every row received, quarantined ones too, each with where it came from.
    assert len(raw) == case.rows
    assert all(row["file_row"] for row in raw)

    assert len(quarantined) == case.quarantined
    for rules, reasons, row_data in quarantined:
        assert rules and reasons and all(r.strip() for r in reasons), (rules, reasons)
        assert row_data.get("file_row"), row_data
    assert sorted(int(r[2]["file_row"]) for r in quarantined) == sorted(case.file_rows)
    if case.quarantined:
        said = " | ".join(r for _, reasons, _ in quarantined for r in reasons)
        assert case.reason.lower() in said.lower(), f"{case.reason!r} not in {said!r}"
        assert "Traceback" not in said

    for row_number, column, want in case.stored:
        value = raw[row_number - 1][column]
        assert _same_value(column, value, want), f"row {row_number} {column}: {value!r}"

    assert result.report_html and result.report_html.exists(), result.report_html
    assert result.report_csv and result.report_csv.exists(), result.report_csv


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_bytes(csv_bytes(rows))
    return path


def test_the_same_file_twice_is_a_logged_no_op(warehouse_dsn, tmp_path):
    path = _write(tmp_path / "needs.csv", [NA_HEAD, needs_row(remarks="Sent twice.")])
    first = submit(
        warehouse_dsn, path, "needs_assessment", submitter=SUBMITTER, report_dir=tmp_path
    )
    again = submit(
        warehouse_dsn, path, "needs_assessment", submitter=SUBMITTER, report_dir=tmp_path
    )
    # The same bytes under another name are the same file.
    renamed = shutil.copy(path, tmp_path / "needs (1).csv")
    copy = submit(
        warehouse_dsn, renamed, "needs_assessment", submitter=SUBMITTER, report_dir=tmp_path
    )

    assert first.created and first.status == "passed", first.message
    for later in (again, copy):
        assert not later.created, later
        assert (later.batch_id, later.status) == (first.batch_id, first.status)
        assert later.rows_received == first.rows_received
        assert later.message
    with psycopg.connect(warehouse_dsn) as conn:
        (batches,) = conn.execute(
            "select count(*) from ops.batches where content_sha256 = %s", (first.sha256,)
        ).fetchone()
    assert batches == 1


def _footprint(conn: psycopg.Connection) -> dict[str, int]:
    """Row counts of every table a submission may write to."""
    tables = conn.execute(
        """select table_schema, table_name from information_schema.tables
           where table_schema in ('raw', 'ops', 'quality') and table_type = 'BASE TABLE'"""
    ).fetchall()
    return {
        f"{schema}.{name}": conn.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier(schema, name))
        ).fetchone()[0]
        for schema, name in tables
    }


def test_a_dry_run_leaves_no_trace(warehouse_dsn, tmp_path):
    rows = [
        NA_HEAD,
        needs_row(remarks="Dry run."),
        needs_row("MK00405", "2025-05-31", "2025-05-01"),
    ]
    path = _write(tmp_path / "dry.csv", rows)
    with psycopg.connect(warehouse_dsn) as conn:
        before = _footprint(conn)

    dry = submit(warehouse_dsn, path, "needs_assessment", dry_run=True, report_dir=tmp_path)
    # The same checks as a real submission, so the steward sees what would happen...
    assert dry.dry_run and dry.status == "partial", dry.message
    assert (dry.rows_received, dry.rows_quarantined) == (2, 1)
    # ...but nothing stays behind, not even in tables the dry run created.
    with psycopg.connect(warehouse_dsn) as conn:
        after = _footprint(conn)
    assert {t: n for t, n in after.items() if n != before.get(t, 0)} == {}

    # Nor does a dry run make the real submission of the file a no-op.
    real = submit(warehouse_dsn, path, "needs_assessment", report_dir=tmp_path)
    assert real.created and real.status == "partial", real.message


_CHILD = textwrap.dedent(
    """
    import json, sys
    from ingest.submissions.pipeline import printable, submit

    dsn, path, dataset, reports = sys.argv[1:]
    if path == "-":  # the baseline: the pipeline imported, nothing read
        status = code = None
    else:
        r = submit(dsn, path, dataset, dry_run=True, report_dir=reports)
        status, code = r.status, r.code
    # VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across exec, so it would
    # report the forking pytest process's size; VmHWM belongs to this process's own
    # address space.
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(json.dumps({"status": status, "code": code, "peak_kib": peak}))
    """
)


def _peak(dsn: str, path: str, dataset: str, reports: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, dsn, path, dataset, str(reports)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["zip_bomb_xlsx", "too_large_csv"])
def test_hostile_files_stay_within_memory(name, warehouse_dsn, corpus_dir, tmp_path):
    case = BY_NAME[name]
    path = case.build(corpus_dir)
    baseline = _peak(warehouse_dsn, "-", case.dataset, tmp_path)
    run = _peak(warehouse_dsn, str(path), case.dataset, tmp_path)
    size = path.stat().st_size / 2**20
    print(
        f"\n{name}: {size:.1f} MiB file -> {run['status']} ({run['code']}); peak RSS "
        f"{run['peak_kib'] / 1024:.0f} MiB (the pipeline imported, nothing read: "
        f"{baseline['peak_kib'] / 1024:.0f} MiB)"
    )
    assert (run["status"], run["code"]) == ("rejected", case.code)
    assert run["peak_kib"] / 1024 < PEAK_RSS_LIMIT_MIB
    # Refusing the file costs next to nothing beyond the imports: nothing was inflated.
    assert (run["peak_kib"] - baseline["peak_kib"]) / 1024 < PEAK_GROWTH_LIMIT_MIB
