"""The sources the warehouse ingests, one package each, registered by their one name."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from ingest.datasets import RawDataset

# One name per source, used for its package, raw tables, suites, staging and DAG: every
# package here with a datasets module is a source.
SOURCE_NAMES = tuple(
    sorted(p.name for p in Path(__file__).parent.iterdir() if (p / "datasets.py").is_file())
)

# Sources that arrive as submitted files rather than from an API (ingest.submissions).
FILE_SOURCES = ("submissions",)
ALL_SOURCES = (*SOURCE_NAMES, *FILE_SOURCES)


class SourceUnavailable(RuntimeError):  # noqa: N818  (a condition, not a bug)
    """The source cannot be asked now for a reason that is not an error in the data or
    the code (e.g. no API key configured): the DAG skips with this message."""


def api_base_url(source: str, default: str) -> str:
    """The source's API root; `MWH_<SOURCE>_BASE_URL` stands in for it (a mirror, a
    proxy, or a test's local server)."""
    return os.environ.get(f"MWH_{source.upper()}_BASE_URL", default).rstrip("/")


def sample_payload(source: str, filename: str) -> bytes:
    """A sample payload bundled with the source (offline mode, `make run`, tests)."""
    path = Path(__file__).resolve().parent / source / "samples" / filename
    if not path.is_file():
        raise FileNotFoundError(f"no sample payload {filename} for source {source}: {path}")
    return path.read_bytes()


def source_module(source: str) -> ModuleType:
    """A source package exposes DATASETS, fetch(ds, start, end, live) -> (payload, request),
    rows(ds, payload) -> tuples in ds.columns order, and parse_saved(content, measure)
    -> (dimension names, long rows) for `mwh parse`."""
    if source not in SOURCE_NAMES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCE_NAMES)}")
    return importlib.import_module(f"ingest.sources.{source}")


def datasets(source: str) -> dict[str, RawDataset]:
    # The datasets module is light (no HTTP client), so DAG files can import it.
    if source in FILE_SOURCES:
        return importlib.import_module(f"ingest.{source}.datasets").RAW_DATASETS
    return importlib.import_module(f"ingest.sources.{source}.datasets").DATASETS


def get_dataset(source: str, name: str) -> RawDataset:
    found = datasets(source)
    if name not in found:
        raise KeyError(f"{source} has no dataset {name!r}; known: {', '.join(found)}")
    return found[name]
