"""The landing zone: where stewards drop files and find their reports.

Layout under the root (a folder by default; any store Airflow's ObjectStoragePath
reaches, e.g. `s3://bucket/landing` with MWH_LANDING_CONN_ID, works the same):

    incoming/<dataset>/<LAU code | national>/<file>    dropped by a steward
    processed/<dataset>/<scope>/<batch>-<file>          landed (all or some rows)
    rejected/<dataset>/<scope>/<batch>-<file>           refused or every row failed
    reports/<dataset>/<scope>/<batch>-<file>.html|.csv  the feedback for the steward

A file is moved out of incoming only once its outcome is in the ledger, so a crash
leaves it to the next run, and a re-run is a logged no-op (same sha256).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.config import state_dir
from ingest.submissions.datasets import DATASETS
from ingest.submissions.pipeline import SubmissionResult, submit

log = logging.getLogger(__name__)

NATIONAL = "national"
# Uploads in progress and editor leftovers are not submissions (yet).
_SKIP_PREFIXES = (".", "~$", "_")
_SKIP_SUFFIXES = (".part", ".tmp", ".crdownload", ".filepart")


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


def pending(root, dataset: str) -> Iterator:
    """The files waiting in incoming/<dataset>/<scope>/, oldest name first."""
    base = root / "incoming" / dataset
    if not base.exists():
        return
    for scope_dir in sorted(base.iterdir(), key=lambda p: p.name):
        if not scope_dir.is_dir():
            continue
        for f in sorted(scope_dir.iterdir(), key=lambda p: p.name):
            if (
                f.is_file()
                and not f.name.startswith(_SKIP_PREFIXES)
                and not (f.name.lower().endswith(_SKIP_SUFFIXES))
            ):
                yield f


@contextmanager
def local_copy(path) -> Iterator[Path]:
    """A local file to parse: the file itself on a local store, else a streamed copy
    (zip and XLSX readers need to seek)."""
    if path.protocol in ("file", "local", ""):
        yield Path(path.path)
        return
    with tempfile.TemporaryDirectory(prefix="mwh-landing-") as tmp:
        local = Path(tmp) / path.name
        with path.open("rb") as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield local


def process_dataset(dsn: str, dataset: str, root=None) -> list[LandedFile]:
    """Submit every file waiting for `dataset`, move it by its outcome and publish its
    report beside it. A file whose submission raised (e.g. the warehouse is down)
    stays in incoming for the next run."""
    root = root or landing_root()
    done = []
    for f in list(pending(root, dataset)):
        scope = f.parent.name
        item = LandedFile(dataset, scope, f.name)
        municipality = None if scope.lower() == NATIONAL else scope
        with local_copy(f) as local:
            try:
                result = submit(
                    dsn, local, dataset, municipality=municipality,
                    submitter=f"landing zone ({scope})",
                )  # fmt: skip
            except ValueError as exc:  # an unknown municipality folder
                item.moved_to = _move(f, root / "rejected" / dataset / scope, f.name)
                _write_text(root / "rejected" / dataset / scope / f"{f.name}.reason.txt", exc)
                log.error("%s/%s/%s: %s", dataset, scope, f.name, exc)
                done.append(item)
                continue
        item.result = result
        outcome = "processed" if result.accepted else "rejected"
        name = f"{result.batch_id}-{f.name}"
        if not result.created:
            outcome = "processed" if result.status != "rejected" else "rejected"
            name = f"{result.batch_id}-duplicate-{f.name}"
        item.moved_to = _move(f, root / outcome / dataset / scope, name)
        for report in (result.report_html, result.report_csv):
            if report and Path(report).exists():
                target = root / "reports" / dataset / scope / Path(report).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(Path(report).read_bytes())
        log.info("%s/%s/%s -> %s: %s", dataset, scope, f.name, outcome, result.message)
        done.append(item)
    return done


def _move(src, folder, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    src.move(target)
    return str(target)


def _write_text(path, text: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{text}\n")


# The example files `mwh run` drops, as the stewards who would send them: a
# municipality's own arrivals, and a ministry's national files.
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
EXAMPLES = (
    ("reception_capacity.xlsx", "reception_capacity", NATIONAL),
    ("registered_arrivals.csv", "registered_arrivals", "MK00405"),
    ("registered_arrivals_national.csv", "registered_arrivals", NATIONAL),
    ("needs_assessment.csv", "needs_assessment", NATIONAL),
    ("funding.csv", "funding", NATIONAL),
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
