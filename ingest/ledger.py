"""ops.batches: one row per batch, the ledger every load and validation writes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from ingest.datasets import RawDataset


@dataclass
class Batch:
    batch_id: int
    source: str
    dataset: str
    raw_table: str
    request: str | None
    content_sha256: str | None
    rows_received: int | None
    rows_loaded: int | None
    rows_quarantined: int
    status: str
    started_at: datetime
    loaded_at: datetime | None
    validated_at: datetime | None
    error: str | None


# Column names come from the dataclass, never from input.
_SELECT = sql.SQL("select {} from ops.batches").format(
    sql.SQL(", ").join(sql.Identifier(c) for c in Batch.__dataclass_fields__)
)


def find_by_sha(
    conn: psycopg.Connection, ds: RawDataset, sha256: str, *, file: dict | None = None
) -> Batch | None:
    """The batch that loaded these bytes before. A submitted file (`file`: its ledger
    fields) matches only within its scope: the same bytes for another municipality or
    for a national body are another report."""
    scope = sql.SQL("")
    params: list = [ds.source, ds.name, sha256]
    if file is not None:
        scope = sql.SQL(" and coalesce(municipality, '') = coalesce(%s, '')")
        params.append(file.get("municipality"))
    with conn.cursor(row_factory=class_row(Batch)) as cur:
        return cur.execute(
            _SELECT
            + sql.SQL(
                " where source = %s and dataset = %s and content_sha256 = %s and status <> 'error'"
            )
            + scope,
            params,
        ).fetchone()


def get(conn: psycopg.Connection, batch_id: int) -> Batch:
    with conn.cursor(row_factory=class_row(Batch)) as cur:
        row = cur.execute(_SELECT + sql.SQL(" where batch_id = %s"), (batch_id,)).fetchone()
    if row is None:
        raise LookupError(f"no batch {batch_id} in ops.batches")
    return row


# What a submitted file adds to its ledger row (ingest.submissions).
FILE_FIELDS = ("file_name", "submitter", "municipality", "received_at")


def open_batch(
    conn: psycopg.Connection,
    ds: RawDataset,
    *,
    sha256: str,
    request: str | None,
    data_interval: tuple[datetime | None, datetime | None] = (None, None),
    file: dict | None = None,
    status: str = "loading",
    error: str | None = None,
) -> int:
    file = file or {}
    if unknown := set(file) - set(FILE_FIELDS):
        raise ValueError(f"not ledger file fields: {sorted(unknown)}")
    names = ["source", "dataset", "raw_table", "request", "content_sha256",
             "data_interval_start", "data_interval_end", "status", "error", *file]  # fmt: skip
    values = [ds.source, ds.name, ds.raw_table, request, sha256, *data_interval, status, error,
              *file.values()]  # fmt: skip
    row = conn.execute(
        sql.SQL("insert into ops.batches ({}) values ({}) returning batch_id").format(
            sql.SQL(", ").join(map(sql.Identifier, names)),
            sql.SQL(", ").join(sql.Placeholder() * len(names)),
        ),
        values,
    ).fetchone()
    return row[0]


def close_load(
    conn: psycopg.Connection, batch_id: int, *, received: int, loaded: int, quarantined: int
) -> None:
    conn.execute(
        """update ops.batches set rows_received = %s, rows_loaded = %s, rows_quarantined = %s,
                  status = 'loaded', loaded_at = now() where batch_id = %s""",
        (received, loaded, quarantined, batch_id),
    )


def record_error(
    dsn: str, ds: RawDataset, *, request: str | None, sha256: str | None, error: str
) -> int:
    """A failed load is still a ledger row (own transaction: the load's was rolled back)."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            """insert into ops.batches (source, dataset, raw_table, request, content_sha256,
                                        status, error)
               values (%s, %s, %s, %s, %s, 'error', %s) returning batch_id""",
            (ds.source, ds.name, ds.raw_table, request, sha256, error[:4000]),
        ).fetchone()
        return row[0]


def set_validation(
    conn: psycopg.Connection, batch_id: int, status: str, summary: dict, *, quarantined: int = 0
) -> None:
    """The validation's verdict; quarantined rows move from loaded to quarantined, so
    rows_received = rows_loaded + rows_quarantined still holds."""
    conn.execute(
        """update ops.batches set status = %s, validated_at = now(), validation_summary = %s,
                  rows_quarantined = %s, rows_loaded = rows_received - %s
           where batch_id = %s""",
        (status, Jsonb(summary), quarantined, quarantined, batch_id),
    )


# Batches whose rows (minus quarantined ones) reach staging.
PROMOTED = ("passed", "warned", "partial")
# Loaded but not validated yet: promoted only once validation ends.
UNFINISHED = ("loading", "loaded")


def unfinished(
    conn: psycopg.Connection, ds: RawDataset, *, older_than_minutes: float = 0
) -> list[Batch]:
    """The dataset's batches whose validation has not ended, oldest first."""
    with conn.cursor(row_factory=class_row(Batch)) as cur:
        return cur.execute(
            _SELECT
            + sql.SQL(
                """ where source = %s and dataset = %s and status = any(%s)
                    and coalesce(loaded_at, started_at)
                        < now() - make_interval(secs => %s)
                    order by batch_id"""
            ),
            (ds.source, ds.name, list(UNFINISHED), older_than_minutes * 60),
        ).fetchall()


def latest(conn: psycopg.Connection) -> list[dict]:
    """The latest non-error batch of every dataset, for summaries."""
    cur = conn.execute(
        """select distinct on (source, dataset)
                  source, dataset, batch_id, status, rows_received, rows_loaded,
                  rows_quarantined, validation_summary, loaded_at, validated_at
           from ops.batches where status <> 'error'
           order by source, dataset, batch_id desc"""
    )
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
