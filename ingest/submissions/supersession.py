"""Which submitted file counts: the period a file covers (from its accepted rows), the
earlier files a correction supersedes (by order of arrival), and the lock that keeps
two submissions for one scope from both staying active."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql

from ingest.datasets import RawDataset
from ingest.submissions.datasets import SubmissionDataset
from ingest.warehouse import connect

log = logging.getLogger(__name__)


@contextmanager
def scope_lock(dsn: str, dataset: str, municipality: str | None) -> Iterator[None]:
    """One submission at a time per dataset and scope (municipality or national), from
    the ledger check to the supersession: `mwh submit` and the landing DAG cannot both
    keep their file active. A session lock: a killed process releases it."""
    scope = f"{dataset}/{municipality or 'national'}"
    with connect(dsn, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(hashtext('mwh submission'), hashtext(%s))", (scope,))
        try:
            yield
        finally:
            conn.execute(
                "select pg_advisory_unlock(hashtext('mwh submission'), hashtext(%s))", (scope,)
            )


def set_period(dsn: str, sd: SubmissionDataset, ds: RawDataset, batch_id: int) -> None:
    """The dates the file covers, from its accepted rows (run after validation: a
    quarantined row, e.g. a mistyped year, must not widen it): the scope a later file
    for the same municipality must cover to supersede it."""
    start, end = sd.period
    iso = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL(
                """update ops.batches set
                       period_start = p.first_day, period_end = p.last_day
                   from (select min(case when {start} ~ {iso} then {start}::date end) as first_day,
                                max(case when {end} ~ {iso} then {end}::date end) as last_day
                         from {table} as r
                         where r._batch_id = {batch} and r.parse_error is null
                           and not exists (select from quality.quarantine as q
                                           where q.batch_id = r._batch_id
                                             and q.row_number = r._row_number)) as p
                   where batch_id = {batch}"""
            ).format(
                start=sql.Identifier(start),
                end=sql.Identifier(end),
                iso=sql.Literal(iso),
                table=sql.Identifier("raw", ds.key),
                batch=sql.Literal(batch_id),
            )  # fmt: skip
        )


# Same dataset and scope, both promoted, the newer one's period covering the older's.
_SUPERSEDES = sql.SQL("""
    old.source = new.source and old.dataset = new.dataset
    and old.batch_id <> new.batch_id
    and old.municipality is not distinct from new.municipality
    and old.status in ('passed', 'warned', 'partial')
    and new.status in ('passed', 'warned', 'partial')
    and (old.received_at, old.batch_id) < (new.received_at, new.batch_id)
    and old.period_start >= new.period_start and old.period_end <= new.period_end""")


def supersede(dsn: str, sd: SubmissionDataset, batch_id: int) -> list[int]:
    """A corrected file replaces the earlier ones for the same dataset and municipality
    (or national body) whose period it covers; both stay in the ledger and raw.
    "Earlier" is the order of arrival (received_at), not of processing: a file that
    arrived before a correction already landed is superseded by it at once."""
    with connect(dsn) as conn:
        rows = conn.execute(
            sql.SQL(
                """update ops.batches as old set superseded_by = new.batch_id
                   from ops.batches as new
                   where new.batch_id = %(batch)s and old.superseded_by is null and {}
                   returning old.batch_id"""
            ).format(_SUPERSEDES),
            {"batch": batch_id},
        ).fetchall()
        conn.execute(
            sql.SQL(
                """update ops.batches as this set superseded_by = (
                       select new.batch_id from ops.batches as new, ops.batches as old
                       where old.batch_id = this.batch_id and new.superseded_by is null and {}
                       order by new.received_at, new.batch_id limit 1)
                   where this.batch_id = %(batch)s and this.superseded_by is null"""
            ).format(_SUPERSEDES),
            {"batch": batch_id},
        )
    superseded = sorted(r[0] for r in rows)
    if superseded:
        log.info("%s batch %s supersedes %s", sd.raw.key, batch_id, superseded)
    return superseded
