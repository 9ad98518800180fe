"""World Bank API v2: WDI indicators per economy and year, and the economy list that
tells countries from aggregates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ingest.payload import Part, parts
from ingest.sources.worldbank import client, wbjson
from ingest.sources.worldbank.datasets import DATASETS, WorldBankDataset

__all__ = ["DATASETS", "fetch", "parse_saved", "rows"]


class WrongDatasetError(wbjson.WorldBankFormatError):
    """The payload holds another endpoint's answers than the dataset's."""


def _answers(content: bytes) -> list[Part]:
    try:
        return parts(content)
    except ValueError as exc:  # not JSON: e.g. an XML error page saved by hand
        raise wbjson.WorldBankFormatError(f"not a World Bank JSON answer: {exc}") from exc


def fetch(
    ds: WorldBankDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval and the requests it answers."""
    if not live:
        return client.load_sample(ds.name), f"sample:{ds.name}"
    if ds.endpoint == "country":
        return client.fetch_countries(per_page=ds.per_page)
    return client.fetch_indicators(
        ds.indicators, years=ds.years(start, end), countries=ds.countries, per_page=ds.per_page
    )


def rows(ds: WorldBankDataset, content: bytes) -> Iterator[tuple[str, ...]]:
    """The payload's long rows in `ds.columns` order; every page must be there."""
    kind, dims, observations = wbjson.parse_parts(_answers(content), all_pages=True)
    if kind != ds.name or (*dims, "measure", "value", "flag") != ds.columns:
        raise WrongDatasetError(f"worldbank {ds.name}: the payload holds {kind}")
    return observations


def parse_saved(content: bytes, measure: str | None = None):
    """A saved answer (or packed payload) as (dimension names, long rows). The shape
    tells indicator observations from the economy list; `measure`, an indicator id,
    keeps that indicator's rows and names it in an error."""
    _, dims, observations = wbjson.parse_parts(
        _answers(content), all_pages=False, indicator=measure
    )
    return dims, observations
