"""World Bank API v2 client (indicators and the economy list) and bundled samples.

Every answer is paged: the client follows `meta.pages` and packs all pages of all
requests of one dataset as one payload (ingest.payload), so one run is one batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import requests

from ingest.http import make_session
from ingest.payload import Part, describe, pack
from ingest.sources import api_base_url, sample_payload
from ingest.sources.worldbank.wbjson import (
    WorldBankApiError,
    WorldBankFormatError,
    check_page,
    raise_for_error_body,
    split_answer,
)

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BASE_URL = "https://api.worldbank.org/v2"
# A guard against an answer whose meta never ends (5 indicators x all economies x
# 66 years is about 90 pages of 1,000).
MAX_PAGES = 500


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return api_base_url("worldbank", BASE_URL)


def load_sample(name: str) -> bytes:
    """The bundled sample payload of a dataset (offline mode and tests)."""
    return sample_payload("worldbank", f"{name}.json")


def _answer(resp: requests.Response, indicator: str | None):
    """The JSON of one answer; HTTP errors and error bodies raise WorldBankApiError."""
    try:
        doc = json.loads(resp.content)
    except ValueError:
        doc = None
    if resp.status_code != 200:
        raise_for_error_body(doc, indicator=indicator, status=resp.status_code)
        what = f" for indicator {indicator}" if indicator else ""
        raise WorldBankApiError(
            f"World Bank API HTTP {resp.status_code}{what}: {resp.text[:300] or resp.reason}",
            status=resp.status_code,
            indicator=indicator,
        )
    if doc is None:
        # e.g. an XML error page: the API falls back to XML for some bad requests.
        raise WorldBankApiError(
            f"World Bank API answer is not JSON: {resp.text[:200]!r}", status=200,
            indicator=indicator,
        )  # fmt: skip
    # An archived indicator answers HTTP 200 with a `message` body (id 175).
    raise_for_error_body(doc, indicator=indicator, status=200)
    return doc


def get_pages(
    session: requests.Session, path: str, params: dict[str, str], *, indicator: str | None = None
) -> list[Part]:
    """Every page of one request, in page order."""
    url = f"{base_url()}/{path}"
    parts: list[Part] = []
    page = 1
    while True:
        resp = session.get(url, params={**params, "page": str(page)})
        log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
        doc = _answer(resp, indicator)
        try:
            meta, rows = split_answer(doc, indicator=indicator)
            check_page(meta, rows)  # a truncated page fails here: the task retries
            pages = int(meta["pages"])
        except (WorldBankFormatError, TypeError, ValueError) as exc:
            raise WorldBankApiError(f"{resp.url}: {exc}", status=200, indicator=indicator) from exc
        parts.append(Part(resp.url, doc))
        if page >= pages:
            return parts
        if page >= MAX_PAGES:
            raise WorldBankApiError(
                f"{url}: more than {MAX_PAGES} pages ({pages}); narrow the request",
                indicator=indicator,
            )
        page += 1


def fetch_indicators(
    indicators: Sequence[str],
    *,
    years: tuple[int, int] | None,
    countries: str = "all",
    per_page: int = 1000,
    session: requests.Session | None = None,
) -> tuple[bytes, str]:
    """Every page of /country/{countries}/indicator/{id} for each indicator, packed
    as one payload; returns (payload, the URLs asked, one per line)."""
    session = session or make_session()
    params = {"format": "json", "per_page": str(per_page)}
    if years is not None:
        params["date"] = f"{years[0]}:{years[1]}"
    parts: list[Part] = []
    for indicator in indicators:
        parts += get_pages(
            session, f"country/{countries}/indicator/{indicator}", params, indicator=indicator
        )
    return pack(parts), describe([p.request for p in parts])


def fetch_countries(
    *, per_page: int = 400, session: requests.Session | None = None
) -> tuple[bytes, str]:
    """Every page of /country (economies and aggregates), packed as one payload."""
    session = session or make_session()
    parts = get_pages(session, "country", {"format": "json", "per_page": str(per_page)})
    return pack(parts), describe([p.request for p in parts])
