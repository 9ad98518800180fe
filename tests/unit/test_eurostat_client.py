"""The Eurostat client's live code path against a local fake server (never the network)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from ingest.http import USER_AGENT, make_session
from ingest.sources.eurostat import client, jsonstat
from ingest.sources.eurostat.datasets import DATASETS
from tests.fakehttp import FakeServer, Reply

SAMPLE = client.load_sample("migr_asyappctzm")


def _error(label: str) -> str:
    return json.dumps({"error": [{"status": 413, "id": 413, "label": label}]})


ASYNC = _error(
    "ASYNCHRONOUS_RESPONSE. Your request will be treated asynchronously. Please try again later."
)
TOO_BIG = _error(
    "EXTRACTION_TOO_BIG: The requested extraction is too big, estimated 8068608 rows, max "
    "authorised is 5000000, please change your filters to reduce the extraction size"
)


@pytest.fixture
def fast_session():
    # Tiny backoff so retry tests take milliseconds; the policy is the production one.
    return make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))


def _fetch(server, session, filters=None):
    return client.fetch("migr_asyappctzm", filters or {"geo": ["AT", "EL"]}, session=session)


@pytest.fixture(autouse=True)
def _base_url(monkeypatch):
    monkeypatch.delenv("MWH_EUROSTAT_BASE_URL", raising=False)


def test_request_shape_and_user_agent(monkeypatch, fast_session):
    with FakeServer([Reply(200, SAMPLE)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url + "/data")
        ds = DATASETS["asylum_applicants_monthly"]
        import datetime as dt

        content, url = _fetch(srv, fast_session, ds.request_filters(dt.datetime(2026, 3, 2)))
    assert content == SAMPLE
    (seen,) = srv.seen
    path = urlsplit(seen.path)
    assert path.path == "/data/migr_asyappctzm"
    query = parse_qsl(path.query)
    assert ("format", "JSON") in query
    # Repeated keys for several codes; revisions: 12 months before the interval's start.
    assert [v for k, v in query if k == "geo"][:2] == ["EU27_2020", "AT"]
    assert ("sinceTimePeriod", "2025-03") in query
    assert seen.headers["User-Agent"] == USER_AGENT
    assert "python-requests" not in seen.headers["User-Agent"]
    assert url.startswith(srv.url)


def test_retries_5xx_with_backoff_then_succeeds(monkeypatch, fast_session):
    replies = [Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, SAMPLE)]
    with FakeServer(replies) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, _ = _fetch(srv, fast_session)
    assert content == SAMPLE
    assert len(srv.seen) == 3


def test_gives_up_after_the_retry_budget(monkeypatch, fast_session):
    with FakeServer([Reply(500, b"oops")]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.EurostatApiError, match="500"):
            _fetch(srv, fast_session)
    assert len(srv.seen) == 4  # the first attempt and 3 retries


def test_retry_after_beyond_the_cap_fails_for_a_later_task_retry(monkeypatch):
    session = make_session(retries=2, backoff_factor=0.01, retry_after_max=1, timeout=(2, 2))
    replies = [Reply(429, b"", {"Retry-After": "30"}), Reply(200, SAMPLE)]
    with FakeServer(replies) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.EurostatApiError, match="429"):
            _fetch(srv, session)
    assert len(srv.seen) == 1


def test_413_asynchronous_response_is_not_retried_in_process(monkeypatch, fast_session):
    with FakeServer([Reply(413, ASYNC.encode())]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.AsynchronousResponseError, match="retry later"):
            _fetch(srv, fast_session)
    assert len(srv.seen) == 1


def test_413_extraction_too_big(monkeypatch, fast_session):
    with FakeServer([Reply(413, TOO_BIG.encode())]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.ExtractionTooBigError, match="8068608"):
            _fetch(srv, fast_session)


def test_error_body_with_http_200(monkeypatch, fast_session):
    with FakeServer([Reply(200, ASYNC.encode())]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.AsynchronousResponseError):
            _fetch(srv, fast_session)


def test_non_json_error_page(monkeypatch, fast_session):
    with FakeServer([Reply(404, b"<html>not found</html>", {"Content-Type": "text/html"})]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.EurostatApiError, match="404"):
            _fetch(srv, fast_session)


def test_read_timeout_is_retried_then_raised(monkeypatch):
    session = make_session(retries=1, backoff_factor=0.01, timeout=(1, 0.3))
    with FakeServer([Reply(200, SAMPLE, delay=1.0)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(requests.exceptions.ConnectionError):
            _fetch(srv, session)
    assert len(srv.seen) == 2
