"""UNHCR Operational Data Portal: sea and land arrivals (timeseries, sublocation, origin)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ingest.sources.unhcr_odp import client, odp
from ingest.sources.unhcr_odp.datasets import DATASETS, OdpDataset

__all__ = ["DATASETS", "fetch", "parse_saved", "rows"]


def fetch(
    ds: OdpDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval and the requests it answers."""
    if not live:
        return client.load_sample(ds.name), f"sample:{ds.name}"
    return client.fetch(ds, start, end)


def rows(ds: OdpDataset, content: bytes) -> Iterator[tuple[str | None, ...]]:
    """Long rows in `ds.columns` order; an answer of another endpoint is an error."""
    return odp.rows(ds, content)


def parse_saved(content: bytes, measure: str | None = None):
    """A saved answer, packed payload or flattened CSV export as (dimension names, long
    rows); `measure` (e.g. `individuals`) keeps only that field's rows."""
    return odp.parse_saved(content, measure)
