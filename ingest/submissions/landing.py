"""The landing zone: where stewards drop files and find their reports.

Layout under the root (a folder by default; any store Airflow's ObjectStoragePath
reaches, e.g. `s3://bucket/landing` with MWH_LANDING_CONN_ID, works the same):

    incoming/<dataset>/<LAU code | national>/<file>    dropped by a steward
    processed/<dataset>/<scope>/<batch>-<file>          landed (all or some rows)
    rejected/<dataset>/<scope>/<batch>-<file>           refused or every row failed
    reports/<dataset>/<scope>/<batch>-<file>.html|.csv  the feedback for the steward

Files are taken in the order they arrived (their modification time, stored as the
batch's received_at), so a correction sent after a file supersedes it whatever the
names. A file is moved out of incoming only once its outcome is in the ledger and its
report published, so a crash leaves it to the next run, and a re-run is a logged no-op
(same sha256 for the same scope). What the zone may read (no links, no `..`) is
ingest.submissions.landing_files's job.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from ingest import ledger
from ingest.config import state_dir
from ingest.submissions.datasets import DATASETS, get
from ingest.submissions.landing_files import Waiting, private_copy, waiting, writable_folder
from ingest.submissions.pipeline import (
    SubmissionResult,
    check_municipality,
    printable,
    resume_unfinished,
    submit,
)
from ingest.warehouse import connect

log = logging.getLogger(__name__)

NATIONAL = "national"
# An unexpected error is retried on the next runs; after this many the file is moved
# to rejected/ with the error, so one poison file cannot block its dataset.
MAX_ATTEMPTS = int(os.environ.get("MWH_LANDING_MAX_ATTEMPTS", "3"))
# A batch loaded but not validated for this long is reported as stuck.
STUCK_AFTER_MINUTES = float(os.environ.get("MWH_STUCK_BATCH_MINUTES", "60"))
# Longest file name most file systems take, in bytes.
_NAME_MAX = 255


def landing_root():
    """The landing zone's root as an ObjectStoragePath (MWH_LANDING_URL, default a
    folder in the project's state directory)."""
    from airflow.sdk import ObjectStoragePath

    url = os.environ.get("MWH_LANDING_URL") or (state_dir() / "landing").resolve().as_uri()
    return ObjectStoragePath(url, conn_id=os.environ.get("MWH_LANDING_CONN_ID") or None)


@dataclass
class LandedFile:
    dataset: str
    scope: str  # a LAU code or "national"
    name: str
    result: SubmissionResult | None = None
    moved_to: str | None = None
    error: str | None = None  # why it could not be processed (still waiting or rejected)


@dataclass
class LandingRun:
    """What one pass over a dataset's incoming folder did, and what needs a person."""

    dataset: str
    files: list[LandedFile] = field(default_factory=list)
    resumed: list[SubmissionResult] = field(default_factory=list)
    resume_errors: list[str] = field(default_factory=list)
    stuck: list[ledger.Batch] = field(default_factory=list)

    @property
    def landed_rows(self) -> bool:
        """Whether a file landed new rows (news for the transform)."""
        results = [f.result for f in self.files if f.result] + self.resumed
        return any(r.created and r.accepted for r in results)

    def problems(self) -> list[str]:
        out = [
            f"{self.dataset}/{f.scope}/{printable(f.name)}: {f.error}"
            for f in self.files
            if f.error
        ]
        out += [f"{self.dataset}: {e}" for e in self.resume_errors]
        out += [
            f"{self.dataset}: batch {b.batch_id} has been {b.status} (not validated) since "
            f"{(b.loaded_at or b.started_at):%Y-%m-%d %H:%M %Z}; see ops.batches"
            for b in self.stuck
        ]
        return out


def pending(root, dataset: str) -> list:
    """The paths of the files waiting for `dataset`, in the order they arrived."""
    return [w.path for w in waiting(root, dataset)]


def process_dataset(dsn: str, dataset: str, root=None) -> LandingRun:
    """Submit every file waiting for `dataset` in the order it arrived, publish its
    report and then move it by its outcome; finish submissions interrupted earlier; list
    batches stuck unvalidated. A file whose processing failed stays for the next run
    (MAX_ATTEMPTS times, then it is rejected); the warehouse being down stops the run."""
    root = root or landing_root()
    run = LandingRun(dataset)
    with connect(dsn) as conn:
        (started,) = conn.execute("select now()").fetchone()
    for w in waiting(root, dataset):
        run.files.append(_process(dsn, root, dataset, w))
    # Batches of earlier runs whose file is gone (this run's failures wait for theirs).
    run.resumed, run.resume_errors = resume_unfinished(dsn, dataset, before=started)
    for result in run.resumed:
        _publish_reports(root, dataset, _scope_of(dsn, result.batch_id), result)
    with connect(dsn) as conn:
        run.stuck = ledger.unfinished(
            conn, get(dataset).raw, older_than_minutes=STUCK_AFTER_MINUTES
        )
    return run


def _process(dsn: str, root, dataset: str, w: Waiting) -> LandedFile:
    item = LandedFile(dataset, w.scope, w.name)
    label = f"{dataset}/{w.scope}/{w.name!r}"
    if printable(w.name) != w.name or printable(w.scope) != w.scope:
        # Refused before anything reads it; logged by repr so it forges no line.
        return _reject(root, w, item, "the file name contains control characters: "
                       "rename the file with letters, digits, spaces, dots or dashes")  # fmt: skip
    try:
        municipality = check_municipality(None if w.scope.lower() == NATIONAL else w.scope)
    except ValueError as exc:  # an unknown municipality folder
        return _reject(root, w, item, str(exc))
    try:
        with private_copy(root, w.path) as local:
            result = submit(
                dsn, local, dataset, municipality=municipality,
                submitter=f"landing zone ({w.scope})", received_at=w.arrived,
            )  # fmt: skip
        item.result = result
        # The report first: a file that left incoming always has its report.
        _publish_reports(root, dataset, w.scope, result)
        outcome = "processed" if result.accepted else "rejected"
        prefix = f"{result.batch_id}-" if result.created else f"{result.batch_id}-duplicate-"
        item.moved_to = _move(root, w.path, root / outcome / dataset / w.scope, prefix, w.name)
        _forget_attempts(dsn, w, dataset)
        log.info("%s -> %s: %s", label, outcome, result.message)
    except psycopg.OperationalError:
        raise  # the warehouse is unreachable: no file's fault, stop here
    except Exception as exc:  # noqa: BLE001  (one file's failure must not stop the rest)
        error = f"{type(exc).__name__}: {exc}"[:1000]
        attempts = _count_attempt(dsn, w, dataset, error)
        log.exception("%s failed (attempt %s of %s)", label, attempts, MAX_ATTEMPTS)
        item.error = f"attempt {attempts} of {MAX_ATTEMPTS} failed: {error}"
        if attempts >= MAX_ATTEMPTS:
            reason = f"could not be processed in {attempts} attempts; last error: {error}"
            _reject(root, w, item, reason)
            item.error = f"moved to rejected/ after {attempts} failed attempts: {error}"
            _forget_attempts(dsn, w, dataset)
    return item


def _reject(root, w: Waiting, item: LandedFile, reason: str) -> LandedFile:
    """Move a file nobody could submit to rejected/ with a reason beside it."""
    folder = root / "rejected" / item.dataset / printable(w.scope)
    stamp = f"{w.arrived:%Y%m%dT%H%M%SZ}-"
    item.moved_to = _move(root, w.path, folder, stamp, printable(w.name))
    (folder / f"{Path(item.moved_to).name}.reason.txt").write_text(f"{reason}\n")
    log.error("%s/%s/%r: %s", item.dataset, w.scope, w.name, reason)
    return item


def _publish_reports(root, dataset: str, scope: str, result: SubmissionResult) -> None:
    """Copy the submission's reports into reports/<dataset>/<scope>/ (duplicates are
    per scope, so a report never crosses into another scope's folder)."""
    for report in (result.report_html, result.report_csv):
        if report and Path(report).exists():
            folder = writable_folder(root, root / "reports" / dataset / scope)
            (folder / Path(report).name).write_bytes(Path(report).read_bytes())


def _scope_of(dsn: str, batch_id: int) -> str:
    with connect(dsn) as conn:
        (municipality,) = conn.execute(
            "select municipality from ops.batches where batch_id = %s", (batch_id,)
        ).fetchone()
    return municipality or NATIONAL


def _count_attempt(dsn: str, w: Waiting, dataset: str, error: str) -> int:
    with connect(dsn) as conn:
        (n,) = conn.execute(
            """insert into ops.landing_attempts (dataset, scope, file_name, last_error)
               values (%s, %s, %s, %s)
               on conflict (dataset, scope, file_name) do update
                   set attempts = landing_attempts.attempts + 1,
                       last_error = excluded.last_error, last_failed_at = now()
               returning attempts""",
            (dataset, w.scope, w.name, error),
        ).fetchone()
    return n


def _forget_attempts(dsn: str, w: Waiting, dataset: str) -> None:
    with connect(dsn) as conn:
        conn.execute(
            "delete from ops.landing_attempts where dataset = %s and scope = %s and file_name = %s",
            (dataset, w.scope, w.name),
        )


def fit_name(prefix: str, name: str, limit: int = _NAME_MAX) -> str:
    """`prefix + name`, its stem shortened to fit `limit` bytes (UTF-8), the suffix
    kept: a 250-byte name with a batch prefix must still be a valid file name."""
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) < 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = limit - len(prefix.encode()) - len(suffix.encode())
    stem = stem.encode()[: max(room, 1)].decode("utf-8", "ignore")
    return f"{prefix}{stem}{suffix}"


def _move(root, src, folder, prefix: str, name: str) -> str:
    """Move `src` into `folder` as `prefix + name` (shortened to fit), numbered if that
    name is taken: a rejected file never overwrites another."""
    writable_folder(root, folder)
    target = folder / fit_name(prefix, name)
    n = 1
    while target.exists():
        n += 1
        target = folder / fit_name(f"{prefix}{n}-", name)
    src.move(target)
    return str(target)


# The example files `mwh run` drops, as the stewards who would send them: a
# municipality's own arrivals, and a ministry's national files; then, last (so they are
# their datasets' latest batches in `mwh summary`), two that fail the gate on purpose
# (make_examples.FAILING): Kumanovo's arrivals with one bad row (partial) and Struga's
# needs assessment whose every row is refused (failed).
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
EXAMPLES = (
    ("reception_capacity.xlsx", "reception_capacity", NATIONAL),
    ("registered_arrivals.csv", "registered_arrivals", "MK00405"),
    ("registered_arrivals_national.csv", "registered_arrivals", NATIONAL),
    ("needs_assessment.csv", "needs_assessment", NATIONAL),
    ("funding.csv", "funding", NATIONAL),
    ("registered_arrivals_kumanovo.csv", "registered_arrivals", "MK00703"),
    ("needs_assessment_struga.csv", "needs_assessment", "MK00312"),
)


def drop_examples(root=None) -> list[str]:
    root = root or landing_root()
    for name, dataset, scope in EXAMPLES:
        drop(root, EXAMPLES_DIR / name, dataset, scope)
    return [f"incoming/{dataset}/{scope}/{name}" for name, dataset, scope in EXAMPLES]


def drop(root, path: Path, dataset: str, scope: str = NATIONAL) -> None:
    """Put a local file into the landing zone as a steward would (examples, tests)."""
    if dataset not in DATASETS:
        raise KeyError(f"no submission dataset {dataset!r}")
    target = root / "incoming" / dataset / scope / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(path).read_bytes())
