"""UNHCR Refugee Statistics API client (api.unhcr.org/population/v1) and bundled samples.

The API fails silently rather than loudly, so every request is built here and only here:
* `cf_type=ISO`, always: without it the country filters and the *_iso fields follow
  UNHCR's own codes (AUS is Austria there);
* `coo_all=true&coa_all=true`: one row per origin x asylum pair (otherwise a dimension
  is summed into rows whose identity fields are "-");
* `yearFrom` and `yearTo` together: one bound alone is ignored (the full history comes);
* `page` and `limit`: every page up to `maxPages` is fetched, and all of them make one
  payload (one batch).
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
from ingest.sources.unhcr.refstats import (
    UnhcrApiError,
    UnhcrFormatError,
    api_error_message,
    check_page,
    html_message,
)

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BASE_URL = "https://api.unhcr.org/population/v1"
# Rows per page: the API has no low ceiling, and 10,000 pair rows is about 3 MB.
PAGE_LIMIT = 10_000
# A walk longer than this is a runaway (a server ignoring `page`), not data.
MAX_PAGES = 500
# Minted by UNHCR for each query, not data: dropped so that unchanged figures give the
# same payload bytes, hence the same sha256 and a no-op load.
VOLATILE_FIELDS = ("short-url",)


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return api_base_url("unhcr", BASE_URL)


def load_sample(dataset: str) -> bytes:
    """The bundled sample payload of a dataset (offline mode and tests)."""
    return sample_payload("unhcr", f"{dataset}.json")


def build_params(
    year_from: int,
    year_to: int,
    *,
    page: int = 1,
    limit: int = PAGE_LIMIT,
    extra: Sequence[tuple[str, str]] = (),
) -> list[tuple[str, str]]:
    """The query of one page: ISO codes, every origin x asylum pair, both year bounds."""
    if year_from > year_to:
        raise ValueError(f"yearFrom {year_from} is after yearTo {year_to}")
    return [
        ("cf_type", "ISO"),
        ("coo_all", "true"),
        ("coa_all", "true"),
        ("yearFrom", str(year_from)),
        ("yearTo", str(year_to)),
        *extra,
        ("limit", str(limit)),
        ("page", str(page)),
    ]


def _error_text(resp: requests.Response) -> str:
    """The message of an error response: JSON body, HTML page or plain text."""
    try:
        message = api_error_message(resp.json())
    except ValueError:
        message = None
    if message:
        return message
    text = resp.text.strip()
    if text.startswith("<"):
        return html_message(text)
    return text[:300] or resp.reason or "no message"


def get_page(session: requests.Session, url: str, params: list[tuple[str, str]]) -> Part:
    """GET one page; (the URL asked, the checked answer) or a clear UnhcrApiError."""
    resp = session.get(url, params=params)
    log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
    if resp.status_code != 200:
        raise UnhcrApiError(resp.status_code, _error_text(resp))
    try:
        body = json.loads(resp.content)
    except ValueError as exc:
        raise UnhcrApiError(200, f"the answer is not JSON: {_error_text(resp)}") from exc
    try:
        body = check_page(body)
    except UnhcrApiError as exc:
        raise UnhcrApiError(200, exc.message) from exc
    except UnhcrFormatError as exc:
        # HTTP 200 with something else than a page of items.
        raise UnhcrApiError(200, str(exc)) from exc
    return Part(resp.url, {k: v for k, v in body.items() if k not in VOLATILE_FIELDS})


def fetch(
    endpoint: str,
    year_from: int,
    year_to: int,
    *,
    extra_params: Sequence[tuple[str, str]] = (),
    limit: int = PAGE_LIMIT,
    session: requests.Session | None = None,
) -> tuple[bytes, str]:
    """Every page of one endpoint for [year_from, year_to]; returns (the packed pages,
    the URLs asked, one per line)."""
    session = session or make_session()
    url = f"{base_url()}/{endpoint.strip('/')}/"
    pages: list[Part] = []
    max_pages: int | None = None
    page = 1
    while True:
        params = build_params(year_from, year_to, page=page, limit=limit, extra=extra_params)
        part = get_page(session, url, params)
        announced = part.body.get("maxPages")
        if isinstance(announced, str) and announced.strip().isdigit():
            announced = int(announced)  # a number as a string, as counts sometimes are
        if not isinstance(announced, int) or isinstance(announced, bool) or announced < 0:
            raise UnhcrApiError(200, f"page {page} has no usable maxPages: {announced!r}")
        if str(part.body.get("page", page)) != str(page):
            raise UnhcrApiError(200, f"asked for page {page}, got page {part.body.get('page')}")
        if max_pages is None:
            max_pages = announced
            if max_pages > MAX_PAGES:
                raise UnhcrApiError(200, f"{max_pages} pages announced, more than {MAX_PAGES}")
        elif announced != max_pages:
            # The figures changed between two pages: the pages would not fit together.
            raise UnhcrApiError(
                200, f"maxPages changed from {max_pages} to {announced} during the walk; "
                "UNHCR is publishing: try again later"
            )  # fmt: skip
        pages.append(part)
        if page >= max_pages:
            break
        page += 1
    rows = sum(len(p.body["items"]) for p in pages)
    log.info("%s: %s rows in %s page(s), years %s-%s", endpoint, rows, len(pages),
             year_from, year_to)  # fmt: skip
    return pack(pages), describe([p.request for p in pages])
