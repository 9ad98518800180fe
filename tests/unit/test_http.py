"""The shared HTTP session against a local fake server: what is retried, how often, and
how long it waits (never the network)."""

from __future__ import annotations

import time

import pytest
import requests

from ingest.http import USER_AGENT, make_session, retry_after_seconds
from tests.fakehttp import FakeServer, Reply


def _gaps(srv: FakeServer) -> list[float]:
    return [b.at - a.at for a, b in zip(srv.seen, srv.seen[1:], strict=False)]


def test_5xx_and_429_are_retried_with_exponential_backoff_and_jitter():
    # urllib3: no wait before the first retry, then factor * 2**(n-1), plus 0..factor/2.
    session = make_session(retries=4, backoff_factor=0.2, timeout=(2, 2))
    replies = [Reply(503), Reply(502), Reply(429), Reply(504), Reply(200, b"[]")]
    with FakeServer(replies) as srv:
        resp = session.get(f"{srv.url}/x")
    assert resp.status_code == 200
    assert len(srv.seen) == 5
    gaps = _gaps(srv)
    for gap, low in zip(gaps, (0.0, 0.4, 0.8, 1.6), strict=True):
        assert low <= gap <= low + 0.1 + 0.25, f"waits {gaps}"


def test_the_last_answer_comes_back_once_the_budget_is_spent():
    session = make_session(retries=2, backoff_factor=0.01, timeout=(2, 2))
    with FakeServer([Reply(500, b"oops")]) as srv:
        resp = session.get(srv.url)
    assert resp.status_code == 500 and resp.content == b"oops"
    assert len(srv.seen) == 3  # the first attempt and 2 retries


def test_retry_after_is_honoured():
    session = make_session(retries=2, backoff_factor=0.01, retry_after_max=5, timeout=(2, 2))
    with FakeServer([Reply(429, b"", {"Retry-After": "1"}), Reply(200, b"ok")]) as srv:
        resp = session.get(srv.url)
    assert resp.status_code == 200
    assert 1.0 <= _gaps(srv)[0] < 1.5


def test_retry_after_beyond_the_cap_is_not_waited_for(caplog):
    """The task fails now and Airflow retries it later, rather than sleeping for an hour
    or asking again too early."""
    session = make_session(retries=3, backoff_factor=0.01, retry_after_max=5, timeout=(2, 2))
    started = time.monotonic()
    with FakeServer([Reply(503, b"maintenance", {"Retry-After": "3600"})]) as srv:
        resp = session.get(srv.url)
    assert resp.status_code == 503
    assert len(srv.seen) == 1
    assert time.monotonic() - started < 1
    assert "beyond the 5s cap" in caplog.text


def test_post_is_never_retried():
    session = make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))
    with FakeServer([Reply(503), Reply(200)]) as srv:
        resp = session.post(srv.url, data=b"{}")
    assert resp.status_code == 503
    assert [s.method for s in srv.seen] == ["POST"]


@pytest.mark.parametrize("status", [400, 401, 404, 413])
def test_client_errors_are_not_retried(status):
    session = make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))
    with FakeServer([Reply(status)]) as srv:
        assert session.get(srv.url).status_code == status
    assert len(srv.seen) == 1


def test_read_timeout_then_retry():
    session = make_session(retries=1, backoff_factor=0.01, timeout=(1, 0.3))
    with (
        FakeServer([Reply(200, b"late", delay=1.0)]) as srv,
        pytest.raises(requests.exceptions.ConnectionError),
    ):
        session.get(srv.url)
    assert len(srv.seen) == 2


def test_every_request_has_a_timeout_and_our_user_agent():
    session = make_session()
    assert session.timeout == (10.0, 120.0)
    with FakeServer([Reply(200)]) as srv:
        session.get(srv.url)
    (seen,) = srv.seen
    assert seen.headers["User-Agent"] == USER_AGENT
    assert "python-requests" not in seen.headers["User-Agent"]


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(" 7 ") == 7
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
