"""The steps of an ingest run (fetch, load, validate), shared by the DAGs and the CLI.

Each step takes and returns plain JSON-able dicts so Airflow can pass them as XCom.
Payloads travel between steps as files named by their sha256, never through XCom.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from ingest import ledger
from ingest.config import live_mode, payload_dir
from ingest.loader import load_batch
from ingest.quality import validate_batch
from ingest.sources import get_dataset, source_module
from ingest.warehouse import connect

log = logging.getLogger(__name__)


def fetch(
    source: str,
    dataset: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    live: bool | None = None,
) -> dict:
    ds = get_dataset(source, dataset)
    live = live_mode() if live is None else live
    content, request = source_module(source).fetch(ds, start, end, live)
    sha256 = hashlib.sha256(content).hexdigest()
    folder = payload_dir() / source / dataset
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}.payload"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)  # atomic: a reader never sees half a payload
    log.info("%s: fetched %s bytes (%s) from %s", ds.key, len(content), sha256[:12], request)
    return {
        "source": source,
        "dataset": dataset,
        "path": str(path),
        "sha256": sha256,
        "request": request,
        "bytes": len(content),
        "live": live,
    }


def load(dsn: str, payload: dict, *, start=None, end=None) -> dict:
    ds = get_dataset(payload["source"], payload["dataset"])
    content = Path(payload["path"]).read_bytes()
    if hashlib.sha256(content).hexdigest() != payload["sha256"]:
        raise ValueError(f"{payload['path']} does not match its sha256: refusing to load it")
    try:
        rows = source_module(ds.source).rows(ds, content)
        result = load_batch(
            dsn, ds, rows, sha256=payload["sha256"], request=payload["request"],
            data_interval=(start, end),
        )  # fmt: skip
    except Exception as exc:
        ledger.record_error(
            dsn, ds, request=payload["request"], sha256=payload["sha256"],
            error=f"{type(exc).__name__}: {exc}",
        )  # fmt: skip
        raise
    return {"source": ds.source, "dataset": ds.name, **result.__dict__}


def needs_validation(dsn: str, batch_id: int) -> bool:
    with connect(dsn) as conn:
        return ledger.get(conn, batch_id).status == "loaded"


def validate(dsn: str, loaded: dict) -> dict:
    ds = get_dataset(loaded["source"], loaded["dataset"])
    outcome = validate_batch(dsn, ds, loaded["batch_id"])
    return {"source": ds.source, "dataset": ds.name, "batch_id": outcome.batch_id,
            "status": outcome.status, **outcome.summary()}  # fmt: skip
