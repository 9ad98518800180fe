"""UNHCR Operational Data Portal client (data.unhcr.org/population/get/...) and samples.

The endpoints are not paged: one request answers one place, population group and
frequency (timeseries) or year (sublocation, origin) in full. A dataset's interval
takes several requests; their answers become one payload (one batch), each kept with
its request, in the order `OdpDataset.requests` gives.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from ingest.http import make_session
from ingest.payload import Part, describe, pack
from ingest.sources import api_base_url, sample_payload
from ingest.sources.unhcr_odp.datasets import PLACE_BY_ID, OdpDataset
from ingest.sources.unhcr_odp.odp import (
    UnhcrOdpApiError,
    endpoint_of,
    error_message,
    raise_for_error_body,
)

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BASE_URL = "https://data.unhcr.org/population/get"


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return api_base_url("unhcr_odp", BASE_URL)


def load_sample(name: str) -> bytes:
    """The bundled sample payload of a dataset (offline mode and tests)."""
    return sample_payload("unhcr_odp", f"{name}.json")


def get(
    endpoint: str, params: Mapping[str, str], *, session: requests.Session | None = None
) -> tuple[Any, str]:
    """GET one endpoint; returns (the parsed answer, the URL asked). HTTP errors, pages
    instead of JSON and error bodies (also with HTTP 200) raise UnhcrOdpApiError."""
    session = session or make_session()
    resp = session.get(f"{base_url()}/{endpoint}", params=dict(params))
    log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code != 200:
        message = error_message(body) or _snippet(resp) or resp.reason
        raise UnhcrOdpApiError(resp.status_code, message, resp.url)
    if body is None:
        raise UnhcrOdpApiError(200, f"the answer is not JSON: {_snippet(resp)!r}", resp.url)
    raise_for_error_body(body, 200, resp.url)
    return body, resp.url


def _snippet(resp: requests.Response) -> str:
    return " ".join(resp.text[:300].split())


def check_answer(endpoint: str, params: Mapping[str, str], body: Any, url: str) -> None:
    """The answer is the endpoint's, and for the country asked: a wrong geo_id would
    otherwise load another country's figures under this one's id."""
    found = endpoint_of(body)
    if found != endpoint:
        raise UnhcrOdpApiError(200, f"expected a {endpoint} answer, got a {found} answer", url)
    place = PLACE_BY_ID.get(params.get("geo_id", ""))
    if place is None:
        return
    data = body["data"]
    if endpoint == "timeseries":
        named = [(data.get("geoMasterId") or {}).get("name")]
    elif endpoint == "origin":
        named = [r.get("geomaster_name") for r in data]
    else:
        return  # sublocation rows name the places below the country
    wrong = {n for n in named if n and n.strip().casefold() != place.name.casefold()}
    if wrong:
        raise UnhcrOdpApiError(
            200,
            f"asked geo_id={place.geo_id} for {place.name}, the answer is for "
            f"{', '.join(sorted(wrong))}: fix PLACES in unhcr_odp/datasets.py",
            url,
        )


def fetch(
    ds: OdpDataset,
    start: datetime | None,
    end: datetime | None,
    *,
    session: requests.Session | None = None,
) -> tuple[bytes, str]:
    """Every request of the data interval; returns (the packed payload, the requests)."""
    session = session or make_session()
    answers = []
    for params in ds.requests(start, end):
        body, url = get(ds.endpoint, params, session=session)
        check_answer(ds.endpoint, params, body, url)
        answers.append(Part(url, body))
    log.info("%s: %s requests answered", ds.key, len(answers))
    return pack(answers), describe([p.request for p in answers])
