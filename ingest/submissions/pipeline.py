"""The path of one submitted file: ledger row, safe parsing, COPY into raw, the quality
gate, supersession of earlier files for the same scope, and the submitter's report.

Used by `mwh submit` and by the landing-zone DAG. For every file:
rows received = rows loaded + rows quarantined, and a refused file loads nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from ingest import ledger
from ingest.config import state_dir
from ingest.datasets import RawDataset
from ingest.loader import LoadResult, load_batch
from ingest.quality import load_suite_config, seed_values, validate_batch
from ingest.submissions.datasets import SOURCE, SubmissionDataset, get
from ingest.submissions.reader import FileRejected, Limits, ParsedFile, open_submission
from ingest.submissions.supersession import scope_lock, set_period, supersede
from ingest.warehouse import connect, rolled_back

log = logging.getLogger(__name__)

# A dry run's ledger rows carry a source of their own, so the real submission of the
# same file is never taken for a duplicate of it (and they are never committed).
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
    resumed: bool = False  # an interrupted earlier submission of the file, finished now

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


def check_municipality(municipality: str | None) -> str | None:
    """The LAU code a file is for (None: a national body); ValueError if unknown."""
    municipality = (municipality or "").strip().upper() or None
    if municipality and municipality not in seed_values("ref_municipalities.lau_code"):
        raise ValueError(
            f"unknown municipality {municipality!r}: use its LAU code from "
            "dbt_project/seeds/ref_municipalities.csv"
        )
    return municipality


# Characters that would forge a log line or hide a name's real text (bidi overrides),
# and bytes that are no text at all (undecodable, kept by Python as lone surrogates).
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def printable(name: str) -> str:
    """`name` with every control or format character escaped: fit for logs and the
    ledger."""
    return "".join(
        ascii(c)[1:-1] if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in name
    )


def check_file_name(name: str) -> None:
    if printable(name) != name:
        raise FileRejected(
            "file_name",
            "the file name contains control characters: rename the file with letters, "
            "digits, spaces, dots, dashes or underscores",
        )


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
    """Validate (and unless `dry_run`, land) one file for `dataset`.

    A dry run works in one transaction that is never committed (warehouse.rolled_back):
    the same checks, and nothing stays in the warehouse, even when it is killed.
    """
    sd = get(dataset)
    job = _Job(
        sd=sd,
        ds=replace(sd.raw, source=DRY_RUN_SOURCE, suite=sd.raw.key) if dry_run else sd.raw,
        path=Path(path),
        municipality=check_municipality(municipality),
        fields={"submitter": submitter, "received_at": received_at or datetime.now(UTC)},
        out_dir=Path(report_dir) if report_dir else default_report_dir() / sd.name,
        limits=limits or Limits.from_env(),
        encoding=encoding,
        dry_run=dry_run,
    )
    if dry_run:
        with rolled_back(dsn):
            result = _submit(dsn, job)
        result.batch_id = None
        return result
    with scope_lock(dsn, sd.name, job.municipality):
        return _submit(dsn, job)


@dataclass
class _Job:
    sd: SubmissionDataset
    ds: RawDataset
    path: Path
    municipality: str | None
    fields: dict
    out_dir: Path
    limits: Limits
    encoding: str | None
    dry_run: bool


def _submit(dsn: str, job: _Job) -> SubmissionResult:
    path, ds = job.path, job.ds
    # Hash only what may be read: an oversized file is refused on its size alone.
    sha = file_sha256(path) if path.stat().st_size <= job.limits.max_bytes else None
    fields = {"file_name": printable(path.name), "municipality": job.municipality} | job.fields
    if fields["file_name"] != path.name:
        sha = None  # refused for its name below: the same bytes renamed are a new file
    if sha and not job.dry_run and (seen := _seen_before(dsn, ds, sha, fields)):
        if seen.report_html is None:  # interrupted before its end: finish it now
            return _resume(dsn, job, seen)
        return seen
    result = SubmissionResult(None, job.sd.name, path.name, sha, "", True, dry_run=job.dry_run)
    request = f"file {fields['file_name']}"
    try:
        check_file_name(path.name)
        parsed = open_submission(
            path, job.sd, municipality=job.municipality, encoding=job.encoding,
            limits=job.limits,
        )  # fmt: skip
        request = f"{request} ({parsed.describe()})"
        loaded = load_file(dsn, ds, parsed, sha256=sha, request=request, file=fields)
    except FileRejected as exc:
        result.batch_id = _record_rejected(dsn, ds, sha, request, fields, exc)
        result.status, result.code = "rejected", exc.code
        result.message = f"rejected: {exc.message}"
        result.reasons = [exc.message]
        log.warning("%s: %r %s", ds.key, path.name, result.message)
    else:
        if not loaded.created:  # the same file landed meanwhile (another scope lock?)
            return _seen_before(dsn, ds, sha, fields)
        result.batch_id = loaded.batch_id
        _finish(dsn, job, result)
    _write_report(dsn, ds, result, job.out_dir)
    return result


def _resume(dsn: str, job: _Job, seen: SubmissionResult) -> SubmissionResult:
    """A batch whose submission stopped after the COPY (validation died, the process
    was killed): validate it if it is still `loaded`, then set its period, supersede
    and report, all of which are safe to repeat."""
    result = replace(seen, created=True, resumed=True, message="", file_name=job.path.name)
    if result.status != "rejected":
        _finish(dsn, job, result)
    _write_report(dsn, job.ds, result, job.out_dir)
    log.warning("%s: finished batch %s, interrupted earlier: %s",
                job.ds.key, result.batch_id, result.message)  # fmt: skip
    return result


def resume_unfinished(
    dsn: str, dataset: str, *, before: datetime | None = None, report_dir: Path | None = None
) -> tuple[list[SubmissionResult], list[str]]:
    """Finish every batch of `dataset` whose submission was interrupted (still
    `loaded`, or without its report), started before `before`, each under its scope's
    lock. Returns the finished ones and, for those that failed again, why (they stay
    for the next run)."""
    sd = get(dataset)
    with connect(dsn) as conn:
        rows = conn.execute(
            """select batch_id, municipality, content_sha256 from ops.batches
               where source = %s and dataset = %s and status <> 'error'
                 and content_sha256 is not null
                 and (status in ('loading', 'loaded') or report_path is null)
                 and started_at < coalesce(%s, now())
               order by batch_id""",
            (sd.raw.source, sd.raw.name, before),
        ).fetchall()
    done, errors = [], []
    for batch_id, municipality, sha in rows:
        fields = {"municipality": municipality}
        try:
            with scope_lock(dsn, sd.name, municipality):
                seen = _seen_before(dsn, sd.raw, sha, fields)
                if seen is None or seen.batch_id != batch_id or seen.report_html:
                    continue  # finished meanwhile
                job = _Job(
                    sd=sd,
                    ds=sd.raw,
                    path=Path(seen.file_name or f"batch-{batch_id}"),
                    municipality=municipality,
                    fields={},
                    out_dir=report_dir or default_report_dir() / sd.name,
                    limits=Limits.from_env(),
                    encoding=None,
                    dry_run=False,
                )
                done.append(_resume(dsn, job, seen))
        except psycopg.OperationalError:
            raise  # the warehouse is unreachable: no batch's fault
        except Exception as exc:  # noqa: BLE001  (one batch must not stop the others)
            log.exception("%s: could not finish batch %s", sd.raw.key, batch_id)
            errors.append(f"could not finish batch {batch_id}: {type(exc).__name__}: {exc}")
    return done, errors


def _finish(dsn: str, job: _Job, result: SubmissionResult) -> None:
    """Validate a loaded batch, then take its period from the rows that passed and
    supersede the files it corrects."""
    outcome = validate_batch(dsn, job.ds, result.batch_id)
    set_period(dsn, job.sd, job.ds, result.batch_id)
    with connect(dsn) as conn:
        received = ledger.get(conn, result.batch_id).rows_received or 0
    result.status = outcome.status
    result.rows_received = received
    result.rows_quarantined = outcome.rows_quarantined
    result.rows_loaded = received - outcome.rows_quarantined
    result.reasons = _top_reasons(dsn, result.batch_id)
    result.message = _summary(result)
    if not job.dry_run and result.accepted:
        result.superseded = supersede(dsn, job.sd, result.batch_id)


def _seen_before(dsn: str, ds: RawDataset, sha: str, fields: dict) -> SubmissionResult | None:
    with connect(dsn) as conn:
        batch = ledger.find_by_sha(conn, ds, sha, file=fields)
        if batch is None:
            return None
        report_path, file_name = conn.execute(
            "select report_path, file_name from ops.batches where batch_id = %s",
            (batch.batch_id,),
        ).fetchone()
    log.info("%s: file %s was submitted before as batch %s (%s)",
             ds.key, sha[:12], batch.batch_id, batch.status)  # fmt: skip
    html = Path(report_path) if report_path else None
    return SubmissionResult(
        batch.batch_id, ds.name, file_name or "", sha, batch.status, False,
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
