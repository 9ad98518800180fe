"""UNHCR Refugee Statistics API (api.unhcr.org/population/v1): population, asylum
applications and decisions, demographics and solutions, one raw table each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ingest.sources.unhcr import client, refstats
from ingest.sources.unhcr.datasets import DATASETS, UnhcrDataset

__all__ = ["DATASETS", "fetch", "parse_saved", "rows"]


def fetch(
    ds: UnhcrDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval (every page, packed) and the requests it took."""
    if not live:
        return client.load_sample(ds.name), f"sample:{ds.name}"
    year_from, year_to = ds.years(start, end)
    return client.fetch(ds.endpoint, year_from, year_to, extra_params=ds.extra_params)


def rows(ds: UnhcrDataset, content: bytes) -> Iterator[tuple[str | None, ...]]:
    """The payload's observations in `ds.columns` order."""
    return refstats.api_rows(ds, content)


def parse_saved(content: bytes, measure: str | None = None):
    """A saved API answer (one page or packed pages), HDX export or popstats export as
    (dimension names, long rows); the shape is recognised from the content."""
    return refstats.parse_saved(content, measure)
