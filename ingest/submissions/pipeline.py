"""The path of one submitted file: ledger row, safe parsing, COPY into raw, the quality
gate, supersession of earlier files for the same scope, and the submitter's report.

Used by `mwh submit` and by the landing-zone DAG. For every file:
rows received = rows loaded + rows quarantined, and a refused file loads nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from psycopg import sql

from ingest import ledger
from ingest.config import state_dir
from ingest.datasets import RawDataset
from ingest.loader import LoadResult, load_batch
from ingest.quality import load_suite_config, seed_values, validate_batch
from ingest.submissions.datasets import SOURCE, SubmissionDataset, get
from ingest.submissions.reader import FileRejected, Limits, ParsedFile, open_submission
from ingest.warehouse import connect

log = logging.getLogger(__name__)

# A dry run loads into tables of its own (never read by staging) and removes its rows
# afterwards, so it runs the very same checks without leaving a trace.
DRY_RUN_SOURCE = f"{SOURCE}_dryrun"


@dataclass
class SubmissionResult:
    batch_id: int | None
    dataset: str
    file_name: str
    sha256: str | None
    status: str  # rejected | passed | warned | partial | failed
    created: bool  # False: the same file was submitted before (a logged no-op)
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    reasons: list[str] = field(default_factory=list)
    report_html: Path | None = None
    report_csv: Path | None = None
    superseded: list[int] = field(default_factory=list)
    dry_run: bool = False
    code: str | None = None  # FileRejected code of a refused file

    @property
    def accepted(self) -> bool:
        return self.status in ledger.PROMOTED


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off during a bulk load: a million rows allocate millions
    of tuples and strings without a single cycle, and the collector's full passes over
    them cost as much as the parsing itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_file(dsn: str, ds: RawDataset, parsed: ParsedFile, **ledger_fields) -> LoadResult:
    """COPY a parsed file's rows into the raw table with its ledger row, in one
    transaction (a FileRejected raised while reading rolls it all back)."""
    with gc_paused():
        return load_batch(dsn, ds, (), write_rows=parsed.write_copy, **ledger_fields)


def default_report_dir() -> Path:
    return state_dir() / "reports" / SOURCE


def submit(
    dsn: str,
    path: Path | str,
    dataset: str,
    *,
    municipality: str | None = None,
    submitter: str | None = None,
    dry_run: bool = False,
    report_dir: Path | None = None,
    encoding: str | None = None,
    received_at: datetime | None = None,
    limits: Limits | None = None,
) -> SubmissionResult:
    """Validate (and unless `dry_run`, land) one file for `dataset`."""
    sd = get(dataset)
    path = Path(path)
    limits = limits or Limits.from_env()
    municipality = (municipality or "").strip().upper() or None
    if municipality and municipality not in seed_values("ref_municipalities.lau_code"):
        raise ValueError(
            f"unknown municipality {municipality!r}: use its LAU code from "
            "dbt_project/seeds/ref_municipalities.csv"
        )
    ds = replace(sd.raw, source=DRY_RUN_SOURCE, suite=sd.raw.key) if dry_run else sd.raw
    out_dir = Path(report_dir) if report_dir else default_report_dir() / sd.name
    # Hash only what may be read: an oversized file is refused on its size alone.
    sha = file_sha256(path) if path.stat().st_size <= limits.max_bytes else None
    fields = {
        "file_name": path.name,
        "submitter": submitter,
        "municipality": municipality,
        "received_at": received_at or datetime.now(UTC),
    }
    result = SubmissionResult(None, sd.name, path.name, sha, "", True, dry_run=dry_run)
    if sha and not dry_run and (seen := _seen_before(dsn, ds, sha)):
        return seen
    request = f"file {path.name}"
    try:
        parsed = open_submission(
            path, sd, municipality=municipality, encoding=encoding, limits=limits
        )
        request = f"file {path.name} ({parsed.describe()})"
        loaded = load_file(dsn, ds, parsed, sha256=sha, request=request, file=fields)
    except FileRejected as exc:
        result.batch_id = _record_rejected(dsn, ds, sha, request, fields, exc)
        result.status, result.code = "rejected", exc.code
        result.message = f"rejected: {exc.message}"
        result.reasons = [exc.message]
        log.warning("%s: %s %s", ds.key, path.name, result.message)
    else:
        if not loaded.created:  # the same file landed meanwhile
            return _seen_before(dsn, ds, sha)
        result.batch_id = loaded.batch_id
        try:
            _set_period(dsn, sd, ds, loaded.batch_id)
            outcome = validate_batch(dsn, ds, loaded.batch_id)
        except Exception:
            if dry_run:
                _discard(dsn, ds, loaded.batch_id)
            raise
        result.status = outcome.status
        result.rows_received = loaded.rows_received
        result.rows_quarantined = outcome.rows_quarantined
        result.rows_loaded = loaded.rows_received - outcome.rows_quarantined
        result.reasons = _top_reasons(dsn, loaded.batch_id)
        result.message = _summary(result)
        if not dry_run and result.accepted:
            result.superseded = _supersede(dsn, sd, loaded.batch_id)
    try:
        _write_report(dsn, ds, result, out_dir)
    finally:
        if dry_run:
            _discard(dsn, ds, result.batch_id)
            result.batch_id = None
    return result


def _seen_before(dsn: str, ds: RawDataset, sha: str) -> SubmissionResult | None:
    with connect(dsn) as conn:
        batch = ledger.find_by_sha(conn, ds, sha)
        if batch is None:
            return None
        (report_path,) = conn.execute(
            "select report_path from ops.batches where batch_id = %s", (batch.batch_id,)
        ).fetchone()
    log.info("%s: file %s was submitted before as batch %s (%s); nothing to do",
             ds.key, sha[:12], batch.batch_id, batch.status)  # fmt: skip
    html = Path(report_path) if report_path else None
    return SubmissionResult(
        batch.batch_id, ds.name, "", sha, batch.status, False,
        rows_received=batch.rows_received or 0, rows_loaded=batch.rows_loaded or 0,
        rows_quarantined=batch.rows_quarantined,
        message=f"already submitted as batch {batch.batch_id} ({batch.status}): nothing to do",
        report_html=html, report_csv=html.with_suffix(".csv") if html else None,
    )  # fmt: skip


def _record_rejected(dsn, ds, sha, request, fields, exc: FileRejected) -> int:
    # Its own transaction: the load's (if it had begun) was rolled back.
    with connect(dsn) as conn:
        return ledger.open_batch(
            conn, ds, sha256=sha, request=request, file=fields, status="rejected",
            error=f"{exc.code}: {exc.message}"[:4000],
        )  # fmt: skip


def _set_period(dsn: str, sd: SubmissionDataset, ds: RawDataset, batch_id: int) -> None:
    """The dates the file covers, from its readable rows: the scope a later file for the
    same municipality must cover to supersede it."""
    start, end = sd.period
    iso = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL(
                """update ops.batches set
                       period_start = p.first_day, period_end = p.last_day
                   from (select min(case when {start} ~ {iso} then {start}::date end) as first_day,
                                max(case when {end} ~ {iso} then {end}::date end) as last_day
                         from {table} where _batch_id = {batch} and parse_error is null) as p
                   where batch_id = {batch}"""
            ).format(
                start=sql.Identifier(start),
                end=sql.Identifier(end),
                iso=sql.Literal(iso),
                table=sql.Identifier("raw", ds.key),
                batch=sql.Literal(batch_id),
            )  # fmt: skip
        )


def _supersede(dsn: str, sd: SubmissionDataset, batch_id: int) -> list[int]:
    """A corrected file replaces the earlier ones for the same dataset and municipality
    (or national body) whose period it covers; both stay in the ledger and raw."""
    with connect(dsn) as conn:
        rows = conn.execute(
            """update ops.batches as old set superseded_by = new.batch_id
               from ops.batches as new
               where new.batch_id = %(batch)s
                 and old.source = new.source and old.dataset = new.dataset
                 and old.batch_id < new.batch_id
                 and old.municipality is not distinct from new.municipality
                 and old.superseded_by is null
                 and old.status in ('passed', 'warned', 'partial')
                 and old.period_start >= new.period_start
                 and old.period_end <= new.period_end
               returning old.batch_id""",
            {"batch": batch_id},
        ).fetchall()
    superseded = sorted(r[0] for r in rows)
    if superseded:
        log.info("%s batch %s supersedes %s", sd.raw.key, batch_id, superseded)
    return superseded


def _top_reasons(dsn: str, batch_id: int, limit: int = 5) -> list[str]:
    with connect(dsn) as conn:
        rows = conn.execute(
            """select rule, count(*) from quality.quarantine, unnest(rules) as rule
               where batch_id = %s group by rule order by count(*) desc, rule limit %s""",
            (batch_id, limit),
        ).fetchall()
    return [f"{rule}: {n} row(s)" for rule, n in rows]


def _summary(r: SubmissionResult) -> str:
    if r.status == "failed" and r.rows_quarantined >= r.rows_received:
        return f"not accepted: all {r.rows_received} rows failed the checks"
    if r.status == "failed":
        return "not accepted: the file as a whole failed a check"
    if r.rows_quarantined:
        return (
            f"accepted except {r.rows_quarantined} of {r.rows_received} rows "
            f"({r.rows_loaded} loaded)"
        )
    warned = " with warnings" if r.status == "warned" else ""
    return f"accepted{warned}: {r.rows_loaded} rows loaded"


def _write_report(dsn: str, ds: RawDataset, result: SubmissionResult, out_dir: Path) -> None:
    from ingest.submissions.report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(result.file_name).stem[:80] or "file"
    # The file's hash too: batch ids of two warehouses (or a rebuilt one) can meet here.
    sha = (result.sha256 or "nohash")[:12]
    prefix = f"dryrun-{sha}" if result.dry_run else f"batch-{result.batch_id}-{sha}"
    html, csv_path = out_dir / f"{prefix}-{stem}.html", out_dir / f"{prefix}-{stem}.csv"
    with connect(dsn) as conn:
        write_report(conn, result.batch_id, html, csv_path, suite=load_suite_config(ds))
        conn.execute(
            "update ops.batches set report_path = %s where batch_id = %s",
            (str(html), result.batch_id),
        )
    result.report_html, result.report_csv = html, csv_path


def _discard(dsn: str, ds: RawDataset, batch_id: int | None) -> None:
    """Remove every trace of a dry run's batch."""
    if batch_id is None:
        return
    with connect(dsn) as conn:
        for table in ("quality.expectation_results", "quality.validation_runs",
                      "quality.quarantine"):  # fmt: skip
            conn.execute(
                sql.SQL("delete from {} where batch_id = %s").format(
                    sql.Identifier(*table.split("."))
                ),
                (batch_id,),
            )
        exists = conn.execute("select to_regclass(%s)", (ds.raw_table,)).fetchone()[0]
        if exists:
            conn.execute(
                sql.SQL("delete from {} where _batch_id = %s").format(
                    sql.Identifier("raw", ds.key)
                ),
                (batch_id,),
            )
        conn.execute("delete from ops.batches where batch_id = %s", (batch_id,))
