"""IOM Missing Migrants Project: the global CSV export (current and legacy headers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ingest.datasets import RawDataset
from ingest.sources.iom_mmp import client, mmpcsv
from ingest.sources.iom_mmp.datasets import DATASETS

__all__ = ["DATASETS", "fetch", "parse_saved", "rows"]


def fetch(
    ds: RawDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The whole export, whatever the data interval: the download cannot be filtered,
    and IOM adds and revises incidents of past months, so a date-filtered slice would
    miss them. An unchanged export has the same sha256, and loading it is a no-op."""
    if not live:
        return client.load_sample(), f"sample:{client.SAMPLE}"
    return client.fetch()


def rows(ds: RawDataset, content: bytes) -> Iterator[tuple]:
    # The parser's columns are the dataset's by construction (datasets.py uses DIMENSIONS).
    return mmpcsv.parse(content)[1]


def parse_saved(content: bytes, measure: str | None = None):
    """A saved export (either header) as (dimension names, long rows); `measure` keeps
    one number field (e.g. `number_dead`) instead of all seven."""
    return mmpcsv.parse(content, measure)
