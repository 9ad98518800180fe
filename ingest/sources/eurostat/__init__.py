"""Eurostat dissemination API (JSON-stat 2.0)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from ingest.sources.eurostat import client, jsonstat
from ingest.sources.eurostat.datasets import DATASETS, EurostatDataset

__all__ = ["DATASETS", "fetch", "parse_saved", "rows"]


class StructureChangedError(jsonstat.JsonStatError):
    """The response's dimensions differ from the ones the raw table was built for."""


def fetch(
    ds: EurostatDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval and the request it answers."""
    if not live:
        return client.load_sample(ds.code), f"sample:{ds.code}"
    return client.fetch(ds.code, ds.request_filters(start))


def rows(ds: EurostatDataset, content: bytes) -> Iterator[tuple[str, ...]]:
    doc = json.loads(content)
    dims, observations = jsonstat.parse(doc, measure=ds.code)
    if tuple(dims) != ds.dimensions:
        raise StructureChangedError(
            f"{ds.code}: dimensions {list(dims)} differ from the declared {list(ds.dimensions)}"
        )
    return observations


def parse_saved(content: bytes, measure: str | None = None):
    """A saved response as (dimension ids, long rows); the measure defaults to the
    dataset code the response names (`extension.id`)."""
    doc = json.loads(content)
    return jsonstat.parse(doc, measure=measure or jsonstat.dataset_code(doc) or "value")
