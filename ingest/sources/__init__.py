"""The sources the warehouse ingests, one package each, registered by their one name."""

from __future__ import annotations

import importlib
from types import ModuleType

from ingest.datasets import RawDataset

SOURCE_NAMES = ("eurostat",)


def source_module(source: str) -> ModuleType:
    """A source package exposes DATASETS, fetch(ds, start, end, live) and rows(ds, content)."""
    if source not in SOURCE_NAMES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCE_NAMES)}")
    return importlib.import_module(f"ingest.sources.{source}")


def datasets(source: str) -> dict[str, RawDataset]:
    # The datasets module is light (no HTTP client), so DAG files can import it.
    return importlib.import_module(f"ingest.sources.{source}.datasets").DATASETS


def get_dataset(source: str, name: str) -> RawDataset:
    found = datasets(source)
    if name not in found:
        raise KeyError(f"{source} has no dataset {name!r}; known: {', '.join(found)}")
    return found[name]
