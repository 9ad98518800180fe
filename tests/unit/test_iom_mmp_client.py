"""The Missing Migrants download's live code path against a local fake server (never the
network): the URL asked, retries, and clear errors for what is not the CSV export."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from ingest.http import USER_AGENT, make_session
from ingest.sources import iom_mmp
from ingest.sources.iom_mmp import client
from ingest.sources.iom_mmp.datasets import DATASETS
from tests.fakehttp import FakeServer, Reply

SAMPLE = client.load_sample()
CSV = {"Content-Type": "text/csv; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><title>Page not found | Missing Migrants "
    b"Project</title></head><body><h1>Page not found</h1></body></html>"
)


@pytest.fixture
def fast_session():
    # Tiny backoff so retry tests take milliseconds; the policy is the production one.
    return make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))


@pytest.fixture(autouse=True)
def _no_url_overrides(monkeypatch):
    monkeypatch.delenv("MWH_IOM_MMP_URL", raising=False)
    monkeypatch.delenv("MWH_IOM_MMP_BASE_URL", raising=False)


def test_downloads_the_export_from_the_base_url(monkeypatch, fast_session):
    with FakeServer([Reply(200, SAMPLE, CSV)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url + "/")
        content, url = client.fetch(session=fast_session)
    assert content == SAMPLE
    (seen,) = srv.seen
    assert seen.path == client.EXPORT_PATH
    assert seen.path.endswith("/Missing_Migrants_Global_Figures_allData.csv")
    assert seen.headers["User-Agent"] == USER_AGENT
    assert "text/csv" in seen.headers["Accept"]
    assert url == srv.url + client.EXPORT_PATH


def test_the_whole_url_can_be_overridden(monkeypatch, fast_session):
    with FakeServer([Reply(200, SAMPLE, CSV)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", "http://127.0.0.1:9/unused")
        monkeypatch.setenv("MWH_IOM_MMP_URL", srv.url + "/mirror/mmp.csv")
        client.fetch(session=fast_session)
    assert [s.path for s in srv.seen] == ["/mirror/mmp.csv"]


def test_every_interval_asks_for_the_whole_export(monkeypatch):
    """The download cannot be filtered: runs for different data intervals ask the same
    URL, without parameters, and get the same bytes (a re-run is a no-op at load)."""
    ds = DATASETS["incidents"]
    with FakeServer([Reply(200, SAMPLE, CSV)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        monkeypatch.setenv("MWH_HTTP_RETRIES", "0")
        first = iom_mmp.fetch(ds, dt.datetime(2026, 3, 3), dt.datetime(2026, 3, 10), live=True)
        backfill = iom_mmp.fetch(ds, dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 9), True)
        default = iom_mmp.fetch(ds, None, None, live=True)
    assert first == backfill == default
    assert {urlsplit(s.path).query for s in srv.seen} == {""}
    assert len({s.path for s in srv.seen}) == 1


def test_offline_fetch_is_the_bundled_sample():
    content, request = iom_mmp.fetch(DATASETS["incidents"], None, None, live=False)
    assert content == SAMPLE
    assert request == "sample:Missing_Migrants_Global_Figures_allData.csv"


def test_retries_5xx_with_backoff_then_succeeds(monkeypatch, fast_session):
    replies = [Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, SAMPLE, CSV)]
    with FakeServer(replies) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        content, _ = client.fetch(session=fast_session)
    assert content == SAMPLE
    assert len(srv.seen) == 3


def test_gives_up_after_the_retry_budget(monkeypatch, fast_session):
    with FakeServer([Reply(500, b"Internal Server Error", {"Content-Type": "text/plain"})]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        with pytest.raises(client.IomMmpApiError, match=r"HTTP 500\): Internal Server Error"):
            client.fetch(session=fast_session)
    assert len(srv.seen) == 4  # the first attempt and 3 retries


def test_404_page_says_what_it_is(monkeypatch, fast_session):
    with FakeServer([Reply(404, NOT_FOUND_PAGE, HTML)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        with pytest.raises(client.IomMmpApiError) as err:
            client.fetch(session=fast_session)
    assert err.value.status == 404
    assert "HTML page: Page not found | Missing Migrants Project" in str(err.value)
    assert len(srv.seen) == 1  # a 404 is not retried


def test_html_page_with_http_200_is_an_error(monkeypatch, fast_session):
    # A moved file lands on the site's "page not found" page, served with HTTP 200.
    with FakeServer([Reply(200, NOT_FOUND_PAGE, HTML)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        with pytest.raises(client.IomMmpApiError, match="HTTP 200.*got an HTML page: Page not"):
            client.fetch(session=fast_session)


def test_unknown_header_with_http_200_is_an_error(monkeypatch, fast_session):
    header, rest = SAMPLE.split(b"\n", 1)
    changed = header.replace(b'"Number of Survivors"', b'"Survivors"') + b"\n" + rest
    with FakeServer([Reply(200, changed, CSV)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        with pytest.raises(client.IomMmpApiError, match=r"missing \['Number of Survivors'\]"):
            client.fetch(session=fast_session)


def test_empty_body_is_an_error(monkeypatch, fast_session):
    with FakeServer([Reply(200, b"", CSV)]) as srv:
        monkeypatch.setenv("MWH_IOM_MMP_BASE_URL", srv.url)
        with pytest.raises(client.IomMmpApiError, match="the export is empty"):
            client.fetch(session=fast_session)
