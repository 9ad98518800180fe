"""Eurostat dissemination API client (statistics 1.0, JSON-stat 2.0) and bundled samples."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import requests

from ingest.http import make_session
from ingest.sources.eurostat.jsonstat import EurostatApiError, raise_for_error_body

log = logging.getLogger(__name__)

BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return os.environ.get("MWH_EUROSTAT_BASE_URL", BASE_URL).rstrip("/")


def load_sample(code: str) -> bytes:
    """The bundled sample payload for a dataset code (offline mode and tests)."""
    path = SAMPLES_DIR / f"{code}.json"
    if not path.exists():
        raise FileNotFoundError(f"no sample payload for Eurostat dataset {code}: {path}")
    return path.read_bytes()


def build_params(filters: Mapping[str, str | Sequence[str]]) -> list[tuple[str, str]]:
    """Query parameters; a dimension with several codes repeats its key (geo=AT&geo=BG)."""
    params = [("format", "JSON"), ("lang", "EN")]
    for key, val in filters.items():
        for v in [val] if isinstance(val, str) else val:
            params.append((key, v))
    return params


def fetch(
    code: str,
    filters: Mapping[str, str | Sequence[str]],
    *,
    session: requests.Session | None = None,
) -> tuple[bytes, str]:
    """GET one dataset; returns (the response body, the URL asked). Error bodies,
    including 413 ASYNCHRONOUS_RESPONSE and EXTRACTION_TOO_BIG, raise typed errors."""
    session = session or make_session()
    url = f"{base_url()}/{code}"
    resp = session.get(url, params=build_params(filters))
    log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
    if resp.status_code != 200:
        try:
            doc = resp.json()
        except ValueError:
            doc = None
        raise_for_error_body(doc)
        raise EurostatApiError(resp.status_code, resp.text[:500] or resp.reason)
    # Eurostat answers some errors with HTTP 200 and an error body.
    try:
        doc = json.loads(resp.content)
    except ValueError as exc:
        raise EurostatApiError(200, f"response is not JSON: {resp.text[:200]!r}") from exc
    raise_for_error_body(doc)
    return resp.content, resp.url
