"""Eurostat dissemination API (JSON-stat 2.0).

A payload is one JSON-stat answer as Eurostat sent it, or several answers packed by
`ingest.payload` when the selection had to be split (EXTRACTION_TOO_BIG); both are
read through `ingest.payload.parts`, so the rows of a split selection are one batch.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import datetime

from ingest import payload
from ingest.sources.eurostat import client, jsonstat
from ingest.sources.eurostat.datasets import DATASETS, EurostatDataset

__all__ = ["DATASETS", "fetch", "parse_saved", "recognise", "rows"]


class StructureChangedError(jsonstat.JsonStatError):
    """The response's dimensions differ from the ones the raw table was built for."""


class DatasetMismatchError(jsonstat.JsonStatError):
    """The response names another dataset than the one it is loaded as."""


def fetch(
    ds: EurostatDataset, start: datetime | None, end: datetime | None, live: bool
) -> tuple[bytes, str]:
    """The payload for one data interval and the request(s) it answers."""
    if not live:
        return client.load_sample(ds.code), f"sample:{ds.code}"
    return client.fetch_dataset(
        ds.code,
        ds.request_filters(start, end),
        frequency=ds.frequency,
        first_period=ds.first_period,
    )


def recognise(doc: Mapping) -> EurostatDataset | None:
    """The configured dataset a JSON-stat answer belongs to: by the code Eurostat puts
    in `extension.id`, else by its dimensions and frequency (the monthly and annual
    asylum tables share their dimensions); None when it is none of ours."""
    code = jsonstat.dataset_code(doc)
    if code:
        return next((ds for ds in DATASETS.values() if ds.code == code), None)
    dims = tuple(doc.get("id") or ()) if isinstance(doc, Mapping) else ()
    try:
        freq = set(jsonstat.categories(doc, "freq")) if "freq" in dims else set()
    except jsonstat.JsonStatError:
        freq = set()
    found = [
        ds for ds in DATASETS.values()
        if ds.dimensions == dims and (not freq or freq == {ds.frequency})
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


def _answers(content: bytes, measure_of) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """(dimension ids, rows) over every answer of a payload. A piece of a split
    selection may be empty (no data for those periods or countries yet); a payload
    whose every answer is empty is an empty selection."""
    answers = payload.parts(content)
    dims: list[str] | None = None
    streams = []
    empty: jsonstat.EmptySelectionError | None = None
    for part in answers:
        doc = part.body
        jsonstat.raise_for_error_body(doc)
        try:
            part_dims, observations = jsonstat.parse(doc, measure=measure_of(doc))
        except jsonstat.EmptySelectionError as exc:
            if len(answers) == 1:
                raise
            empty = exc
            continue
        if dims is not None and part_dims != dims:
            raise StructureChangedError(
                f"the answers of one payload differ in dimensions: {dims} and {part_dims}"
            )
        dims = part_dims
        streams.append(observations)
    if dims is None:
        raise empty or jsonstat.JsonStatError("the payload holds no answer")
    return dims, itertools.chain.from_iterable(streams)


def rows(ds: EurostatDataset, content: bytes) -> Iterator[tuple[str, ...]]:
    """The long rows of a payload for `ds`, in `ds.columns` order. The structure is
    checked before any row is read: another dataset or other dimensions raise."""

    def measure_of(doc: Mapping) -> str:
        code = jsonstat.dataset_code(doc)
        if code and code != ds.code:
            raise DatasetMismatchError(f"the payload is {code}, not {ds.code} ({ds.key})")
        return ds.code

    dims, observations = _answers(content, measure_of)
    if tuple(dims) != ds.dimensions:
        raise StructureChangedError(
            f"{ds.code}: dimensions {list(dims)} differ from the declared {list(ds.dimensions)}"
        )
    return observations


def parse_saved(content: bytes, measure: str | None = None):
    """A saved answer (or a packed payload) as (dimension ids, long rows). The measure
    defaults to the dataset the answer is recognised as (`recognise`), else to the
    code it names, else `value`."""

    def measure_of(doc: Mapping) -> str:
        if measure:
            return measure
        ds = recognise(doc)
        return ds.code if ds else jsonstat.dataset_code(doc) or "value"

    return _answers(content, measure_of)
