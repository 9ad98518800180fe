"""IOM Displacement Tracking Matrix (DTM) API v3: internally displaced persons by
country (admin0), admin1 and admin2, and DTM's country and operation lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ingest import payload
from ingest.sources import SourceUnavailable
from ingest.sources.iom_dtm import client, displacement
from ingest.sources.iom_dtm.datasets import DATASETS, IomDtmDataset
from ingest.sources.iom_dtm.displacement import (
    IomDtmApiError,
    IomDtmError,
    StructureChangedError,
    UnknownShapeError,
)

__all__ = [
    "DATASETS",
    "IomDtmApiError",
    "IomDtmError",
    "StructureChangedError",
    "UnknownShapeError",
    "fetch",
    "parse_saved",
    "rows",
]


def fetch(
    ds: IomDtmDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval and the requests it answers (never the key).

    Live, the admin levels are asked per country of interest that DTM covers, for the
    reporting dates of the interval plus the months DTM still revises; the lists are
    asked whole. Without a subscription key the source is unavailable (the DAG skips).
    """
    if not live:
        return client.load_sample(ds.name), f"sample:{ds.name}"
    key = client.api_key()
    if not key:
        raise SourceUnavailable(client.missing_key_message())
    if not ds.scoped:
        return client.fetch_list(ds, key=key)
    parts = client.fetch_admin(ds, ds.request_params(start, end), client.countries(), key=key)
    return payload.pack(parts), payload.describe([p.request for p in parts])


def rows(ds: IomDtmDataset, content: bytes) -> Iterator[tuple[str | None, ...]]:
    """Long rows in `ds.columns` order; error answers and records of another endpoint
    raise before the first row."""
    return displacement.parts_rows(ds, payload.parts(content))


def parse_saved(content: bytes, measure: str | None = None):
    """A saved answer (or packed payload, or HDX's HXL CSV) as (dimension names, long
    rows); which endpoint it came from is told by its request paths or its fields.
    `measure` keeps one of the admin levels' measures, or renames a list's."""
    text = content.decode("utf-8-sig")
    if text.lstrip()[:1] not in ("{", "["):
        return displacement.parse_hxl_csv(text, measure=measure)
    parts = payload.parts(text)
    ds = displacement.dataset_of(parts)
    return list(ds.dimensions), displacement.parts_rows(ds, parts, measure=measure)
