"""`mwh bench submit`: what landing a submitted file costs next to `psql \\copy` of the
same rows.

One run writes N rows of registered arrivals as a steward would send them (semicolon-
separated, dates as 31.03.2025, codes in mixed case, sexes and age groups spelt
out) - as CSV, or as XLSX with `--format xlsx` - and the same rows as a plain CSV.
Then it times, alternately, in a scratch database:

* ours: the submission's load path as `mwh submit` runs it - sha256 of the file,
  header matching, decoding, reading every cell by type, COPY into the raw table and
  the ledger row, in one transaction; then, reported apart, the quality gate (GX
  suite and quarantine) and the feedback report;
* the baseline: `psql -c "\\copy ... from file.csv with (format csv, header)"` of the
  same rows into a table of the same kind (text columns, a batch column and its index).

Both tables must then hold N rows, so the bench checks itself.
"""

from __future__ import annotations

import csv
import itertools
import logging
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from psycopg import sql

from ingest.bench import checkpoint, recreate_database
from ingest.bench_ingest import psql_executable
from ingest.loader import ensure_raw_table
from ingest.quality import import_gx, validate_batch
from ingest.submissions.datasets import DATASETS
from ingest.submissions.pipeline import file_sha256, load_file
from ingest.submissions.reader import Limits, open_submission
from ingest.submissions.supersession import set_period
from ingest.warehouse import connect, migrate

log = logging.getLogger(__name__)

DATABASE = "mwh_bench_submit"
SD = DATASETS["registered_arrivals"]
BASELINE_TABLE = sql.Identifier("raw", "bench_psql_copy_submission")
# The same rows into a bare table (the file's columns only, no index): COPY's floor.
BARE_TABLE = sql.Identifier("raw", "bench_psql_copy_bare")
LOCATIONS = ("MK-BCP-BOGORODICA", "mk-bcp-tabanovce", "MK-BCP-GEVGELIJA-RAIL", "MK00405",
             "MK00703", "MK00706", "MK00803", "MK-BCP-DEVE-BAIR", "MK-BCP-KAFASAN",
             "MK00312")  # fmt: skip
NATIONALITIES = ("SYR", "AFG", "IRQ", "PAK", "MAR", "IND", "BGD", "TUR", "UKR", "IRN", "DZA",
                 "TUN", "EGY", "ERI", "SOM", "NGA", "CMR", "LBY", "PSE", "YEM")  # fmt: skip
SEXES = ("female", "male", "F", "M")
AGES = ("0-4", "5-11", "12-17", "18-59", "60+")
AUTHORITIES = ("Border Police Gevgelija", "Border Police Tabanovce", "Police Station Kumanovo")


def rows(n: int, seed: int = 2016):
    """N distinct arrivals records (the natural key never repeats)."""
    rng = random.Random(seed)
    start = date(2016, 1, 1)
    keys = itertools.product(range(3650), LOCATIONS, NATIONALITIES, SEXES[:2], AGES)
    for day, loc, nat, sex, age in itertools.islice(keys, n):
        d = start + timedelta(days=day)
        yield (d.strftime("%d.%m.%Y"), loc, nat, sex if rng.random() < 0.5 else sex[0].upper(),
               age, str(rng.randint(0, 400)), AUTHORITIES[day % 3])  # fmt: skip


def write_files(n: int, folder: Path, fmt: str) -> tuple[Path, Path]:
    header = [c.name for c in SD.columns]
    baseline = folder / "baseline.csv"
    with baseline.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows(n))
    if fmt == "csv":
        submitted = folder / "arrivals.csv"
        with submitted.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(["Date", "Location", "Citizenship", "Sex", "Age group", "Persons",
                        "Reporting authority"])  # fmt: skip
            w.writerows(rows(n))
        return submitted, baseline
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(header)
    for r in rows(n):
        day, month, year = r[0].split(".")
        ws.append([date(int(year), int(month), int(day)), *r[1:5], int(r[5]), r[6]])
    plain = folder / "write_only.xlsx"
    wb.save(plain)
    submitted = folder / "arrivals.xlsx"
    _with_dimension(plain, submitted, f"A1:G{n + 1}")
    return submitted, baseline


def _with_dimension(src: Path, dst: Path, ref: str) -> None:
    """openpyxl's write-only mode leaves out the sheet's <dimension>, which Excel and
    LibreOffice always write; without it openpyxl reads the sheet twice to size it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if not info.filename.startswith("xl/worksheets/sheet"):
                zout.writestr(info, zin.read(info.filename))
                continue
            with zin.open(info) as fin, zout.open(info.filename, "w") as fout:
                head = fin.read(1 << 16)
                fout.write(
                    head.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1)
                )
                shutil.copyfileobj(fin, fout, 1 << 20)


def reset(dsn: str) -> None:
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL("truncate {}, {}, {}").format(
                sql.Identifier("raw", SD.raw.key), BASELINE_TABLE, BARE_TABLE
            )
        )
        conn.execute("delete from quality.quarantine where source = 'submissions'")
        conn.execute(
            "delete from quality.expectation_results where batch_id in "
            "(select batch_id from ops.batches where source = 'submissions')"
        )
        conn.execute("delete from quality.validation_runs where source = 'submissions'")
        conn.execute("delete from ops.batches where source = 'submissions'")


def run_ours(dsn: str, path: Path) -> tuple[float, float, int]:
    """The load path, then the gate: (load seconds, gate seconds, rows loaded)."""
    started = time.perf_counter()
    sha = file_sha256(path)
    parsed = open_submission(path, SD, limits=Limits(max_bytes=1 << 40, max_ratio=1000))
    loaded = load_file(dsn, SD.raw, parsed, sha256=sha, request="mwh bench submit",
                       file={"file_name": path.name, "submitter": "bench"})  # fmt: skip
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = validate_batch(dsn, SD.raw, loaded.batch_id)
    set_period(dsn, SD, SD.raw, loaded.batch_id)  # as the pipeline: from accepted rows
    gate_s = time.perf_counter() - started
    if outcome.status != "passed":
        raise RuntimeError(f"bench: the generated file did not pass: {outcome.summary()}")
    return load_s, gate_s, loaded.rows_received


def run_baseline(dsn: str, path: Path, table: str = "bench_psql_copy_submission") -> float:
    columns = ", ".join(c.name for c in SD.columns)
    copy = f"\\copy raw.{table} ({columns}) from '{path}' with (format csv, header)"
    started = time.perf_counter()
    subprocess.run([psql_executable(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", copy],
                   check=True)  # fmt: skip
    return time.perf_counter() - started


def bench_submit(
    admin_dsn: str, n: int, repeat: int = 3, *, fmt: str = "csv", database: str = DATABASE
) -> dict:
    if n < 1 or repeat < 1:
        raise ValueError("bench: need rows >= 1 and repeat >= 1")
    if n > 3650 * len(LOCATIONS) * len(NATIONALITIES) * 2 * len(AGES):
        raise ValueError("bench: at most 7,300,000 rows (the generator's distinct keys)")
    with tempfile.TemporaryDirectory(prefix="mwh-bench-submit-") as tmp:
        started = time.perf_counter()
        submitted, baseline_file = write_files(n, Path(tmp), fmt)
        dsn = recreate_database(admin_dsn, database)
        migrate(dsn)
        with connect(dsn) as conn:
            ensure_raw_table(conn, SD.raw)
            columns = sql.SQL(", ").join(
                sql.SQL("{} text").format(sql.Identifier(c.name)) for c in SD.columns
            )
            # The same kind of table as raw: with a batch column (filled by its default)
            # and its index, which COPY maintains.
            conn.execute(
                sql.SQL("create table {} ({}, _batch_id bigint not null default 0)").format(
                    BASELINE_TABLE, columns
                )
            )
            conn.execute(sql.SQL("create index on {} (_batch_id)").format(BASELINE_TABLE))
            conn.execute(sql.SQL("create table {} ({})").format(BARE_TABLE, columns))
        import_gx()  # once, as a long-running worker has it: not part of a file's cost
        setup_s = time.perf_counter() - started
        ours, gates, baseline, bare = [], [], [], []
        for i in range(repeat):
            reset(dsn)
            checkpoint(dsn)
            load_s, gate_s, loaded = run_ours(dsn, submitted)
            ours.append(load_s)
            gates.append(gate_s)
            baseline.append(run_baseline(dsn, baseline_file))
            bare.append(run_baseline(dsn, baseline_file, "bench_psql_copy_bare"))
            with connect(dsn) as conn:
                (base_rows,) = conn.execute(
                    sql.SQL("select count(*) from {}").format(BASELINE_TABLE)
                ).fetchone()
            if not loaded == base_rows == n:
                raise RuntimeError(f"bench: ours loaded {loaded}, psql {base_rows}, of {n}")
            log.info("bench: run %s/%s: ours %.2fs (+ gate %.2fs), psql \\copy %.2fs (bare "
                     "table %.2fs)", i + 1, repeat, load_s, gate_s, baseline[-1],
                     bare[-1])  # fmt: skip
        file_mb = submitted.stat().st_size / 1e6
        baseline_mb = baseline_file.stat().st_size / 1e6
    ours_s, gate_s, baseline_s, bare_s = (
        statistics.median(x) for x in (ours, gates, baseline, bare)
    )
    return {
        "rows": n,
        "format": fmt,
        "repeat": repeat,
        "ours_s": round(ours_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(ours_s / baseline_s, 2),
        "bare_baseline_s": round(bare_s, 3),
        "bare_ratio": round(ours_s / bare_s, 2),
        "gate_s": round(gate_s, 3),
        "with_gate_ratio": round((ours_s + gate_s) / baseline_s, 2),
        "file": f"registered_arrivals {fmt.upper()}, {file_mb:.1f} MB",
        "baseline": f"psql \\copy of the same rows as CSV ({baseline_mb:.1f} MB)",
        "setup_s": round(setup_s, 1),
        "ours_runs_s": [round(s, 3) for s in ours],
        "gate_runs_s": [round(s, 3) for s in gates],
        "baseline_runs_s": [round(s, 3) for s in baseline],
        "bare_baseline_runs_s": [round(s, 3) for s in bare],
    }
