"""One HTTP session factory for every source: timeouts, retries with backoff, a User-Agent.

Built on requests + urllib3's Retry, so backoff, jitter and Retry-After handling are
the library's, not ours. Only idempotent methods are retried. A server asking to wait
longer than `retry_after_max` gets no retry: its answer goes back to the client, which
fails, and the Airflow task retries much later instead of holding a worker.
"""

from __future__ import annotations

import email.utils
import logging
import os
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from ingest import __version__

# Some APIs (IOM DTM) block python-requests' default agent; all deserve to know who calls.
USER_AGENT = f"migration-warehouse/{__version__} (+https://github.com/migration-warehouse)"
# (connect, read) seconds: a dead host fails fast, a large extraction may stream slowly.
DEFAULT_TIMEOUT = (10.0, 120.0)
RETRY_STATUSES = (429, 500, 502, 503, 504)

log = logging.getLogger(__name__)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date); None when absent or bad."""
    if not value or not value.strip():
        return None
    if value.strip().isdigit():
        return float(value.strip())
    parsed = email.utils.parsedate_tz(value)
    return None if parsed is None else max(email.utils.mktime_tz(parsed) - time.time(), 0.0)


class CappedRetry(Retry):
    """urllib3's Retry, except that a Retry-After beyond the cap ends the retries (urllib3
    would sleep the cap and ask again too early)."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                  _stacktrace=None):  # fmt: skip
        wait = retry_after_seconds(response.headers.get("Retry-After")) if response else None
        if wait is not None and wait > self.retry_after_max and self.respect_retry_after_header:
            log.warning(
                "%s asks to retry after %.0fs, beyond the %ss cap: giving up for now",
                url, wait, self.retry_after_max,
            )  # fmt: skip
            raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {wait:.0f}s over cap"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


class TimeoutSession(requests.Session):
    """A Session whose requests always carry a timeout (requests has no default)."""

    def __init__(self, timeout: tuple[float, float]):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


def make_session(
    *,
    retries: int | None = None,
    backoff_factor: float | None = None,
    backoff_max: float = 120.0,
    retry_after_max: int = 300,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    user_agent: str = USER_AGENT,
) -> requests.Session:
    """A session that retries 429/5xx and connection errors with exponential backoff and
    jitter, honours Retry-After up to `retry_after_max` seconds (beyond it: no retry, the
    answer is returned), and never retries POST."""
    retries = int(os.environ.get("MWH_HTTP_RETRIES", 5)) if retries is None else retries
    if backoff_factor is None:
        backoff_factor = float(os.environ.get("MWH_HTTP_BACKOFF", 1.0))
    retry = CappedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}),
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        backoff_jitter=backoff_factor / 2,
        respect_retry_after_header=True,
        retry_after_max=retry_after_max,
        # The caller reads the final error response's body (e.g. Eurostat's JSON error).
        raise_on_status=False,
    )
    session = TimeoutSession(timeout)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"})
    return session
