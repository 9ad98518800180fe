"""Eurostat dissemination API client (statistics 1.0, JSON-stat 2.0) and bundled samples.

`fetch` asks once. `fetch_dataset` asks for a whole selection and, when Eurostat
answers EXTRACTION_TOO_BIG, splits it: first by ranges of time periods, then (for a
single period still too big) by reporting country, and returns every part as one
payload (`ingest.payload.pack`), so the selection is still one batch.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import requests

from ingest.http import make_session
from ingest.payload import Part, describe, pack
from ingest.sources import api_base_url, sample_payload
from ingest.sources.eurostat import periods
from ingest.sources.eurostat.jsonstat import (
    EurostatApiError,
    ExtractionTooBigError,
    raise_for_error_body,
)

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"
# A runaway split (e.g. an estimate far off) must end, not hammer the API.
MAX_REQUESTS = 200

Filters = Mapping[str, str | Sequence[str]]


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return api_base_url("eurostat", BASE_URL)


def load_sample(code: str) -> bytes:
    """The bundled sample payload for a dataset code (offline mode and tests)."""
    return sample_payload("eurostat", f"{code}.json")


def build_params(filters: Filters) -> list[tuple[str, str]]:
    """Query parameters; a dimension with several codes repeats its key (geo=AT&geo=BG)."""
    params = [("format", "JSON"), ("lang", "EN")]
    for key, val in filters.items():
        for v in [val] if isinstance(val, str) else val:
            params.append((key, v))
    return params


def _get(code: str, filters: Filters, session: requests.Session) -> tuple[bytes, dict, str]:
    """One GET: (the body, its parsed JSON, the URL asked); error bodies raise."""
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
    return resp.content, doc, resp.url


def fetch(code: str, filters: Filters, *, session: requests.Session | None = None):
    """GET one dataset once; returns (the response body, the URL asked). Error bodies,
    including 413 ASYNCHRONOUS_RESPONSE and EXTRACTION_TOO_BIG, raise typed errors."""
    content, _, url = _get(code, filters, session or make_session())
    return content, url


def _parts_needed(exc: ExtractionTooBigError, available: int) -> int:
    """How many pieces the estimate says the selection needs (at least 2)."""
    if exc.estimated_rows and exc.max_rows:
        wanted = math.ceil(exc.estimated_rows / exc.max_rows)
    else:
        wanted = 2
    return max(2, min(wanted, available))


def split_filters(
    filters: Filters,
    exc: ExtractionTooBigError,
    *,
    frequency: str,
    first_period: str,
    today: datetime,
) -> tuple[str, list[dict]]:
    """The selection cut in pieces that together ask for exactly the same cells:
    ranges of periods first; a single period by reporting country. Returns (what was
    split, the pieces); raises ExtractionTooBigError when nothing is left to split."""
    since = filters.get("sinceTimePeriod") or first_period
    until = filters.get("untilTimePeriod") or periods.of(today, frequency)
    if "lastTimePeriod" not in filters and since and isinstance(since, str):
        n = periods.index(until, frequency) - periods.index(since, frequency) + 1
        if n > 1:
            ranges = periods.chunks(since, until, frequency, _parts_needed(exc, n))
            return "time", [
                {**filters, "sinceTimePeriod": lo, "untilTimePeriod": hi} for lo, hi in ranges
            ]
    geo = filters.get("geo")
    geo = [geo] if isinstance(geo, str) else list(geo or ())
    if len(geo) > 1:
        k = _parts_needed(exc, len(geo))
        cuts = [len(geo) * i // k for i in range(k + 1)]
        return "geo", [{**filters, "geo": tuple(geo[cuts[i] : cuts[i + 1]])} for i in range(k)]
    raise ExtractionTooBigError(
        exc.status,
        f"{exc.label} - one period and one reporting country are still too big: "
        "narrow the other filters",
    ) from exc


def fetch_dataset(
    code: str,
    filters: Filters,
    *,
    frequency: str,
    first_period: str = "",
    session: requests.Session | None = None,
    today: datetime | None = None,
) -> tuple[bytes, str]:
    """A whole selection as one payload; returns (payload, the requests, one a line).

    One answer is kept as Eurostat sent it. When Eurostat says EXTRACTION_TOO_BIG the
    selection is split (see `split_filters`; a selection without a time range is
    bounded by `first_period` and the current period) and the answers are packed, in
    request order, into one payload. 413 ASYNCHRONOUS_RESPONSE is raised as is: the
    extraction was queued and the task should run again later."""
    session = session or make_session()
    today = today or datetime.now(UTC)
    answers: list[tuple[bytes, Part]] = []
    asked = 0

    def ask(f: Filters) -> None:
        nonlocal asked
        asked += 1
        if asked > MAX_REQUESTS:
            raise EurostatApiError(None, f"{code}: more than {MAX_REQUESTS} requests needed")
        try:
            content, doc, url = _get(code, f, session)
        except ExtractionTooBigError as exc:
            how, pieces = split_filters(
                f, exc, frequency=frequency, first_period=first_period, today=today
            )
            log.warning("%s: EXTRACTION_TOO_BIG; asking in %s parts by %s", code, len(pieces), how)
            for piece in pieces:
                ask(piece)
            return
        answers.append((content, Part(url, doc)))

    ask(filters)
    if len(answers) == 1:
        content, part = answers[0]
        return content, part.request
    parts = [part for _, part in answers]
    return pack(parts), describe([p.request for p in parts])
