"""The Missing Migrants Project CSV download and the bundled sample export.

There is no query API: the website serves the whole database as one CSV file, so a
request cannot be scoped to a period and there are no pages to follow.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import requests

from ingest.http import make_session
from ingest.sources.iom_mmp import mmpcsv

log = logging.getLogger(__name__)

BASE_URL = "https://missingmigrants.iom.int"
EXPORT_PATH = (
    "/sites/g/files/tmzbdl601/files/report-migrant-incident/"
    "Missing_Migrants_Global_Figures_allData.csv"
)
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE = "Missing_Migrants_Global_Figures_allData.csv"


class IomMmpApiError(RuntimeError):
    """The download failed: an HTTP error, or an answer that is not the CSV export."""

    def __init__(self, status: int | None, message: str):
        self.status = status
        self.message = message
        super().__init__(f"IOM Missing Migrants download failed (HTTP {status}): {message}")


def export_url() -> str:
    """MWH_IOM_MMP_URL (the whole URL: the file's path on the site has changed before),
    else MWH_IOM_MMP_BASE_URL + the known path; tests point these at a local server."""
    url = os.environ.get("MWH_IOM_MMP_URL")
    if url:
        return url
    return os.environ.get("MWH_IOM_MMP_BASE_URL", BASE_URL).rstrip("/") + EXPORT_PATH


def load_sample(name: str = SAMPLE) -> bytes:
    """A bundled sample export (offline mode and tests)."""
    path = SAMPLES_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"no Missing Migrants sample export: {path}")
    return path.read_bytes()


def _message(resp: requests.Response) -> str:
    """What an error answer says: an HTML page's title, a JSON body, or its first text."""
    said = mmpcsv.error_page(resp.text) if resp.content else None
    return said or " ".join(resp.text[:300].split()) or resp.reason or "no body"


def fetch(*, session: requests.Session | None = None) -> tuple[bytes, str]:
    """GET the export; returns (the CSV bytes as sent, the URL asked). An HTTP error, an
    HTML or JSON page instead of the CSV (HTTP 200 included: a moved file lands on the
    site's "page not found" page) or an unknown header raises before anything is stored."""
    session = session or make_session()
    url = export_url()
    resp = session.get(url, headers={"Accept": "text/csv, text/plain;q=0.9, */*;q=0.1"})
    log.info("GET %s -> %s (%s bytes)", resp.url, resp.status_code, len(resp.content))
    if resp.status_code != 200:
        raise IomMmpApiError(resp.status_code, _message(resp))
    try:
        # The header and the encoding are checked here; rows are read again at load.
        mmpcsv.parse(resp.content)
    except mmpcsv.ErrorPageError as exc:
        raise IomMmpApiError(200, str(exc)) from exc
    except mmpcsv.MmpFormatError as exc:
        raise IomMmpApiError(200, f"not a Missing Migrants export we can read: {exc}") from exc
    return resp.content, resp.url
