"""Loads a batch into its raw table with COPY, in one transaction with its ledger row."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from ingest import ledger
from ingest.datasets import RawDataset
from ingest.warehouse import connect

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    batch_id: int
    created: bool  # False: the same content was loaded before (a logged no-op)
    rows_received: int
    rows_loaded: int
    rows_quarantined: int
    status: str


def raw_table_ident(ds: RawDataset) -> sql.Composed:
    return sql.Identifier("raw", ds.key)


def ensure_raw_table(conn: psycopg.Connection, ds: RawDataset) -> None:
    """Raw is faithful: every source column is text; typing happens downstream."""
    cols = [sql.SQL("{} text").format(sql.Identifier(c)) for c in ds.columns]
    cols += [sql.SQL("_batch_id bigint not null"), sql.SQL("_row_number integer not null")]
    conn.execute(
        sql.SQL("create table if not exists {} ({})").format(
            raw_table_ident(ds), sql.SQL(", ").join(cols)
        )
    )
    # Validation and staging read one batch at a time.
    conn.execute(
        sql.SQL("create index if not exists {} on {} (_batch_id)").format(
            sql.Identifier(f"{ds.key}__batch_idx"), raw_table_ident(ds)
        )
    )


def load_batch(
    dsn: str,
    ds: RawDataset,
    rows: Iterable[Sequence[str]],
    *,
    sha256: str,
    request: str | None = None,
    data_interval: tuple[datetime | None, datetime | None] = (None, None),
    file: dict | None = None,
    write_rows: Callable[[psycopg.Copy, int], int] | None = None,
) -> LoadResult:
    """COPY `rows` (tuples in `ds.columns` order) into the raw table as one batch.

    The ledger row and the rows commit together, so a killed load leaves nothing;
    the same content (sha256) for the same dataset is loaded once. `file`: a submitted
    file's ledger fields (ledger.FILE_FIELDS). `write_rows(copy, batch_id)`, instead of
    `rows`, writes complete rows (with `_batch_id` and `_row_number`) itself and returns
    their number: a caller that builds them in bulk skips this function's per-row loop.
    """
    with connect(dsn) as conn:
        # Serialise loads of one dataset so two runs cannot both miss the sha256 check.
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (ds.key,))
        existing = ledger.find_by_sha(conn, ds, sha256, file=file)
        if existing is not None:
            log.info(
                "%s: content %s already loaded as batch %s (%s); nothing to do",
                ds.key, sha256[:12], existing.batch_id, existing.status,
            )  # fmt: skip
            return LoadResult(
                existing.batch_id, False, existing.rows_received or 0,
                existing.rows_loaded or 0, existing.rows_quarantined, existing.status,
            )  # fmt: skip
        ensure_raw_table(conn, ds)
        batch_id = ledger.open_batch(
            conn, ds, sha256=sha256, request=request, data_interval=data_interval, file=file
        )
        width = len(ds.columns)
        copy_sql = sql.SQL("copy {} ({}) from stdin").format(
            raw_table_ident(ds),
            sql.SQL(", ").join(
                sql.Identifier(c) for c in (*ds.columns, "_batch_id", "_row_number")
            ),
        )
        n = 0
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            if write_rows is not None:
                n = write_rows(copy, batch_id)
            for n, row in enumerate(rows, start=1):
                if len(row) != width:
                    raise ValueError(f"{ds.key}: row {n} has {len(row)} fields, expected {width}")
                copy.write_row((*row, batch_id, n))
        ledger.close_load(conn, batch_id, received=n, loaded=n, quarantined=0)
        log.info("%s: loaded batch %s with %s rows", ds.key, batch_id, n)
        return LoadResult(batch_id, True, n, n, 0, "loaded")
