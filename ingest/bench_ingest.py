"""`mwh bench ingest`: what our load path costs next to `psql \\copy` of the same rows.

One run writes a realistic payload - a Eurostat JSON-stat 2.0 answer for
migr_asyappctzm with N observations (sparse `value` and `status`, flags, confidential
cells), the shape and size the API sends - and the same observations in COPY's text format.
Then it times, alternately, in a scratch database:

* ours: `pipeline.load`, as the DAG's load task runs it - read the payload, check its
  sha256, parse the JSON-stat, COPY into the raw table and write the ledger row, in one
  transaction;
* the baseline: `psql -c "\\copy ... from file.csv"` into a table of the same kind
  (the raw table's columns and index).

After each pair the two tables must hold the same rows, so the bench checks itself.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from psycopg import sql

from ingest import pipeline
from ingest.bench import (
    AGES,
    APPLICANTS,
    CITIZENS,
    DS,
    GEOS,
    SEXES,
    checkpoint,
    generate_rows,
    recreate_database,
)
from ingest.loader import ensure_raw_table
from ingest.warehouse import connect

log = logging.getLogger(__name__)

DATABASE = "mwh_bench_ingest"
BASELINE_TABLE = sql.Identifier("raw", "bench_psql_copy")


def write_payload(rows: int, folder: Path, *, seed: int = 2008) -> tuple[Path, Path]:
    """The JSON-stat payload and a file of the same `rows` observations for psql (with
    `_batch_id` and `_row_number`, as COPY needs them)."""
    observations = list(itertools.islice(generate_rows(seed), rows))
    months = sorted({o[7] for o in observations})
    categories = {
        "freq": ["M"], "unit": ["PER"], "citizen": list(CITIZENS), "sex": list(SEXES),
        "applicant": list(APPLICANTS), "age": list(AGES), "geo": list(GEOS), "time": months,
    }  # fmt: skip
    sizes = [len(c) for c in categories.values()]
    positions = [{code: i for i, code in enumerate(c)} for c in categories.values()]
    values, status = {}, {}
    for obs in observations:
        flat = 0
        for pos, size, code in zip(positions, sizes, obs[:8], strict=True):
            flat = flat * size + pos[code]
        if obs[9] != "":
            values[str(flat)] = int(obs[9])
        if obs[10]:
            status[str(flat)] = obs[10]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "Asylum applicants by type, citizenship, age and sex - monthly data",
        "source": "ESTAT",
        "updated": "2026-11-20T23:00:00+0100",
        "value": values,
        "status": status,
        "id": list(categories),
        "size": sizes,
        "dimension": {
            dim: {"label": dim, "category": {"index": pos, "label": {c: c for c in pos}}}
            for dim, pos in zip(categories, positions, strict=True)
        },
        "extension": {"id": DS.code.upper(), "agencyId": "ESTAT", "version": "1.0"},
    }
    payload = folder / "payload.json"
    payload.write_text(json.dumps(doc, separators=(",", ":")))
    # COPY's text format, psql's default: no field here holds a tab, newline or backslash.
    baseline_file = folder / "rows.tsv"
    with baseline_file.open("w") as fh:
        for n, obs in enumerate(observations, start=1):
            fh.write("\t".join((*obs, "0", str(n))) + "\n")
    return payload, baseline_file


def psql_executable() -> str:
    """psql beside the server binaries we know (the embedded server's), else on PATH."""
    from ingest.embedded import find_bindir

    try:
        candidate = find_bindir() / "psql"
        if candidate.exists():
            return str(candidate)
    except FileNotFoundError:
        pass
    found = shutil.which("psql")
    if not found:
        raise FileNotFoundError("mwh bench ingest needs psql (PostgreSQL's client)")
    return found


def reset(dsn: str) -> None:
    """Empty both tables and the ledger between runs (not timed)."""
    with connect(dsn) as conn:
        raw = sql.Identifier("raw", DS.key)
        conn.execute(sql.SQL("truncate {}, {}").format(raw, BASELINE_TABLE))
        conn.execute("delete from ops.batches where source = %s", (DS.source,))


def run_ours(dsn: str, payload_path: Path, sha256: str) -> float:
    payload = {
        "source": DS.source, "dataset": DS.name, "path": str(payload_path),
        "sha256": sha256, "request": "mwh bench ingest",
    }  # fmt: skip
    started = time.perf_counter()
    loaded = pipeline.load(dsn, payload)
    seconds = time.perf_counter() - started
    if not loaded["created"]:
        raise RuntimeError("bench: the payload was already loaded (the reset failed)")
    return seconds


def run_baseline(dsn: str, csv_path: Path) -> float:
    copy = f"\\copy raw.bench_psql_copy from '{csv_path}'"
    started = time.perf_counter()
    subprocess.run([psql_executable(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", copy],
                   check=True)  # fmt: skip
    return time.perf_counter() - started


def check_same_rows(dsn: str, rows: int) -> None:
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in DS.columns)
    query = sql.SQL(
        "select (select count(*) from {ours}), (select count(*) from {base}),"
        " (select count(*) from (select {cols} from {ours} except all select {cols} from {base}) d)"
    ).format(ours=sql.Identifier("raw", DS.key), base=BASELINE_TABLE, cols=columns)
    with connect(dsn) as conn:
        ours, base, differ = conn.execute(query).fetchone()
    if not ours == base == rows or differ:
        raise RuntimeError(f"bench: ours {ours} rows, psql {base}, {differ} differ (of {rows})")


def bench_ingest(admin_dsn: str, rows: int, repeat: int = 3, *, database: str = DATABASE) -> dict:
    """The benchmark in a fresh database `database` on the admin connection's server."""
    if rows < 1 or repeat < 1:
        raise ValueError("bench: need rows >= 1 and repeat >= 1")
    with tempfile.TemporaryDirectory(prefix="mwh-bench-ingest-") as tmp:
        started = time.perf_counter()
        payload_path, csv_path = write_payload(rows, Path(tmp))
        sha256 = hashlib.sha256(payload_path.read_bytes()).hexdigest()
        dsn = recreate_database(admin_dsn, database)
        with connect(dsn) as conn:
            ensure_raw_table(conn, DS)
            conn.execute(
                sql.SQL("create table {} (like {})").format(
                    BASELINE_TABLE, sql.Identifier("raw", DS.key)
                )
            )
            conn.execute(sql.SQL("create index on {} (_batch_id)").format(BASELINE_TABLE))
        setup_s = time.perf_counter() - started
        ours, baseline = [], []
        for i in range(repeat):
            # Interleaved, so a slow spell of the machine hits both sides alike.
            reset(dsn)
            checkpoint(dsn)
            ours.append(run_ours(dsn, payload_path, sha256))
            baseline.append(run_baseline(dsn, csv_path))
            check_same_rows(dsn, rows)
            log.info("bench: run %s/%s: ours %.2fs, psql \\copy %.2fs", i + 1, repeat,
                     ours[-1], baseline[-1])  # fmt: skip
        payload_mb = payload_path.stat().st_size / 1e6
        csv_mb = csv_path.stat().st_size / 1e6
    with connect(dsn) as conn:
        (server_version,) = conn.execute("show server_version").fetchone()
    ours_s, baseline_s = statistics.median(ours), statistics.median(baseline)
    return {
        "rows": rows,
        "repeat": repeat,
        "ours_s": round(ours_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(ours_s / baseline_s, 2),
        "payload": f"Eurostat JSON-stat 2.0 ({DS.code}), {payload_mb:.1f} MB",
        "baseline": f"psql \\copy of the same rows, text format ({csv_mb:.1f} MB)",
        "setup_s": round(setup_s, 1),
        "server_version": server_version,
        "ours_runs_s": [round(s, 3) for s in ours],
        "baseline_runs_s": [round(s, 3) for s in baseline],
    }
