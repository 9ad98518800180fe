"""IOM DTM API v3 client (https://dtmapi.iom.int/v3), its subscription key and samples.

The key travels only in the `Ocp-Apim-Subscription-Key` header (never in the query,
which the API also accepts: URLs end up in logs and in the ledger). It never reaches a
log, an exception message, the ledger's `request` or the payload.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import requests

from ingest.http import make_session
from ingest.payload import Part
from ingest.sources import api_base_url, sample_payload
from ingest.sources.iom_dtm.datasets import COUNTRY_LIST, DEFAULT_COUNTRIES, IomDtmDataset
from ingest.sources.iom_dtm.displacement import IomDtmApiError, raise_for_error_body, records

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
BASE_URL = "https://dtmapi.iom.int/v3"
CONN_ID = "iom_dtm"  # the Airflow connection whose password is the key
KEY_ENV = "MWH_IOM_DTM_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
COUNTRIES_ENV = "MWH_IOM_DTM_COUNTRIES"
KEY_PORTAL = "https://dtm-apim-portal.iom.int/"


def base_url() -> str:
    """Overridable so tests (and a mirror or proxy) can stand in for the live API."""
    return api_base_url("iom_dtm", BASE_URL)


def load_sample(name: str) -> bytes:
    """The bundled sample payload of a dataset (offline mode and tests)."""
    return sample_payload("iom_dtm", f"{name}.json")


def countries() -> tuple[str, ...]:
    """The countries asked for: MWH_IOM_DTM_COUNTRIES (ISO3, comma-separated) or the
    default of datasets.py."""
    configured = os.environ.get(COUNTRIES_ENV, "")
    chosen = tuple(c.strip().upper() for c in configured.split(",") if c.strip())
    return chosen or DEFAULT_COUNTRIES


# ---------- the key


def _connection_key() -> str | None:
    """The password of the Airflow connection `iom_dtm` (inside a task, or any process
    that sees AIRFLOW_CONN_IOM_DTM); None without Airflow or without the connection."""
    try:
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError
    except ImportError:
        return None
    try:
        conn = BaseHook.get_connection(CONN_ID)
    except (AirflowNotFoundException, AirflowRuntimeError, KeyError, LookupError):
        return None
    return (conn.password or "").strip() or None


def _mask_in_airflow_logs(key: str) -> None:
    # Airflow masks connection passwords itself; a key from the environment is
    # registered too, so even a stray print in a task log shows ***.
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:
        return
    mask_secret(key, KEY_ENV)


def api_key() -> str | None:
    """The subscription key: the Airflow connection `iom_dtm` (its password), else the
    environment variable MWH_IOM_DTM_KEY; None when neither is set."""
    key = _connection_key()
    origin = f"the Airflow connection '{CONN_ID}'"
    if not key:
        key = os.environ.get(KEY_ENV, "").strip() or None
        origin = f"${KEY_ENV}"
    if key:
        _mask_in_airflow_logs(key)
        log.info("IOM DTM subscription key from %s", origin)
    return key


def missing_key_message() -> str:
    return (
        "no IOM DTM subscription key: set the password of the Airflow connection "
        f"'{CONN_ID}' (or AIRFLOW_CONN_IOM_DTM), or the environment variable {KEY_ENV}; "
        f"a key is free at {KEY_PORTAL}"
    )


def _redact(text: str, key: str) -> str:
    # Some gateways echo request headers in their error pages.
    return text.replace(key, "***") if key else text


# ---------- requests


def _error_from(resp: requests.Response, key: str) -> IomDtmApiError:
    try:
        doc = resp.json()
    except ValueError:
        doc = None
    try:
        raise_for_error_body(doc)
    except IomDtmApiError as exc:
        message = exc.message
    else:
        message = (resp.text or "").strip()[:300] or resp.reason or "no message"
    if resp.status_code in (401, 403):
        message += f" (the subscription key was refused: check it, or ask for one at {KEY_PORTAL})"
    return IomDtmApiError(resp.status_code, _redact(message, key))


def get(
    endpoint: str,
    params: Mapping[str, str] | None,
    *,
    key: str,
    session: requests.Session,
) -> tuple[Any, str]:
    """GET one endpoint; returns (the parsed answer, the URL asked). HTTP errors and error
    envelopes (also with HTTP 200) raise IomDtmApiError without the key in the message."""
    url = f"{base_url()}/{endpoint}"
    resp = session.get(url, params=dict(params or {}), headers={KEY_HEADER: key})
    log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
    if resp.status_code != 200:
        raise _error_from(resp, key)
    try:
        doc = json.loads(resp.content)
    except ValueError as exc:
        raise IomDtmApiError(
            200, _redact(f"the answer is not JSON: {resp.text[:200]!r}", key)
        ) from exc
    try:
        records(doc)  # error envelopes sent with HTTP 200, cut-off answers
    except IomDtmApiError as exc:
        raise IomDtmApiError(exc.status, _redact(exc.message, key)) from None
    return doc, resp.url


def fetch_list(
    ds: IomDtmDataset, *, key: str, session: requests.Session | None = None
) -> tuple[bytes, str]:
    """A reference list (no parameters, no pages): the API's answer, re-serialised
    compactly so the same list always gives the same bytes and sha256."""
    doc, url = get(ds.endpoint, None, key=key, session=session or make_session())
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), url


def covered(wanted: Sequence[str], *, key: str, session: requests.Session) -> tuple[list[str], str]:
    """The wanted countries that DTM's country list has, in the wanted order."""
    doc, url = get(COUNTRY_LIST.endpoint, None, key=key, session=session)
    listed = {str(r.get("admin0Pcode", "")).upper() for r in records(doc)}
    missing = [c for c in wanted if c not in listed]
    if missing:
        log.info("IOM DTM has no data for %s (not in its country list): not asked", missing)
    return [c for c in wanted if c in listed], url


def fetch_admin(
    ds: IomDtmDataset,
    params: Mapping[str, str],
    wanted: Sequence[str],
    *,
    key: str,
    session: requests.Session | None = None,
) -> list[Part]:
    """One request per covered country (v3 has no pages: one answer holds every record,
    which `records` checks against totalRecordsCount), as the parts of one batch."""
    session = session or make_session()
    chosen, _ = covered(wanted, key=key, session=session)
    if not chosen:
        raise IomDtmApiError(
            None,
            f"none of the configured countries {list(wanted)} is in DTM's country list "
            f"(set {COUNTRIES_ENV})",
        )
    parts = []
    for iso3 in chosen:
        doc, url = get(ds.endpoint, {"Admin0Pcode": iso3, **params}, key=key, session=session)
        parts.append(Part(url, doc))
    return parts
