"""The UNHCR ODP client's live code path against a local fake server (never the network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from ingest.http import USER_AGENT, make_session
from ingest.payload import parts
from ingest.sources import unhcr_odp
from ingest.sources.unhcr_odp import client, odp
from ingest.sources.unhcr_odp.datasets import DATASETS
from tests.fakehttp import FakeServer, Reply

TS = DATASETS["arrivals_timeseries"]
SUB = DATASETS["arrivals_by_sublocation"]
ORIGIN = DATASETS["arrivals_by_origin"]
# The interval the samples answer (see samples/make_samples.py).
START = datetime(2025, 10, 13, tzinfo=UTC)
END = datetime(2026, 3, 2, tzinfo=UTC)
GREECE_DAY = {"sv_id": "100", "geo_id": "640", "population_group": "4797", "frequency": "day"}


@pytest.fixture
def fast_session():
    # Tiny backoff so retry tests take milliseconds; the policy is the production one.
    return make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))


@pytest.fixture
def server(monkeypatch):
    """Start a FakeServer with the given replies and point the client at it."""
    started = []

    def start(replies):
        srv = FakeServer(replies).__enter__()
        started.append(srv)
        monkeypatch.setenv("MWH_UNHCR_ODP_BASE_URL", srv.url + "/population/get")
        return srv

    yield start
    for srv in started:
        srv.__exit__(None, None, None)


def _sample_replies(name):
    return [Reply(200, json.dumps(p.body).encode()) for p in parts(client.load_sample(name))]


def _query(seen):
    return dict(parse_qsl(urlsplit(seen.path).query))


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_request_of_the_interval_is_asked_and_packed_in_order(server, fast_session, name):
    ds = DATASETS[name]
    srv = server(_sample_replies(name))
    content, request = unhcr_odp.client.fetch(ds, START, END, session=fast_session)
    asked = ds.requests(START, END)
    assert [_query(s) for s in srv.seen] == asked
    assert {urlsplit(s.path).path for s in srv.seen} == {f"/population/get/{ds.endpoint}"}
    assert all(s.headers["User-Agent"] == USER_AGENT for s in srv.seen)
    got = parts(content)
    assert [p.body for p in got] == [p.body for p in parts(client.load_sample(name))]
    assert request.splitlines() == [p.request for p in got]
    assert all(p.request.startswith(srv.url) for p in got)
    # The live payload reads like the sample: same rows.
    assert list(unhcr_odp.rows(ds, content)) == list(unhcr_odp.rows(ds, client.load_sample(name)))


def test_timeseries_interval_scoping_with_the_revision_window():
    asked = TS.requests(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
    italy_day, italy_month = asked[0], asked[1]
    # Six weeks back for revisions; the interval's end is exclusive.
    assert italy_day == {
        "sv_id": "100",
        "geo_id": "656",
        "population_group": "4797",
        "frequency": "day",
        "fromDate": "2026-01-18",
        "toDate": "2026-03-01",
    }
    # A month is asked whole.
    assert italy_month["frequency"] == "month" and italy_month["fromDate"] == "2026-01-01"
    # Sea and land, daily and monthly, for every group of every country: 9 series.
    assert len(asked) == 18
    assert {(a["geo_id"], a["population_group"]) for a in asked} >= {
        ("640", "4798"),
        ("595", "4798"),
    }


def test_the_same_interval_asks_the_same_requests():
    start, end = datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC)
    assert TS.requests(start, end) == TS.requests(start, end)


def test_no_interval_asks_the_whole_history():
    first = TS.requests(None, None)[0]
    assert first["fromDate"] == "2014-01-01" and "toDate" not in first


def test_per_year_endpoints_ask_each_year_of_the_window():
    # A January run also asks the previous year, which ODP still revises.
    jan = SUB.requests(datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 1, 11, tzinfo=UTC))
    assert sorted({a["year"] for a in jan}) == ["2025", "2026"]
    jun = SUB.requests(datetime(2026, 6, 10, tzinfo=UTC), datetime(2026, 6, 11, tzinfo=UTC))
    assert {a["year"] for a in jun} == {"2026"}
    assert {a["population_group"] for a in jun} == {"4797", "4798", "5634"}
    # Nationalities: one request per country, no population group.
    origin = ORIGIN.requests(datetime(2026, 6, 10, tzinfo=UTC), datetime(2026, 6, 11, tzinfo=UTC))
    assert len(origin) == 6 and all("population_group" not in a for a in origin)
    assert {a["population_collection"] for a in origin} == {"28"}


def test_retries_5xx_then_succeeds(server, fast_session):
    body = json.dumps({"data": {"timeseries": []}}).encode()
    srv = server([Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, body)])
    answer, _ = client.get("timeseries", GREECE_DAY, session=fast_session)
    assert answer == {"data": {"timeseries": []}}
    assert len(srv.seen) == 3


def test_gives_up_after_the_retry_budget_with_the_status(server, fast_session):
    srv = server([Reply(500, b"<html>Internal Server Error</html>", {"Content-Type": "text/html"})])
    with pytest.raises(odp.UnhcrOdpApiError, match="UNHCR ODP error 500.*Internal Server Error"):
        client.get("timeseries", GREECE_DAY, session=fast_session)
    assert len(srv.seen) == 4  # the first attempt and 3 retries


def test_retry_after_is_honoured(server):
    session = make_session(retries=2, backoff_factor=0.01, retry_after_max=1, timeout=(2, 2))
    body = json.dumps({"data": {"timeseries": []}}).encode()
    srv = server([Reply(429, b"", {"Retry-After": "1"}), Reply(200, body)])
    client.get("timeseries", GREECE_DAY, session=session)
    wait = srv.seen[1].at - srv.seen[0].at
    assert 0.9 <= wait < 5, f"waited {wait:.2f}s for Retry-After 1"


def test_http_error_with_a_json_message(server, fast_session):
    server([Reply(400, json.dumps({"error": "Invalid population_group"}).encode())])
    with pytest.raises(odp.UnhcrOdpApiError, match="400.*Invalid population_group") as info:
        client.get("timeseries", GREECE_DAY, session=fast_session)
    assert info.value.status == 400 and "population_group=4797" in info.value.url


def test_error_body_with_http_200(server, fast_session):
    server([Reply(200, json.dumps({"status": "error", "message": "Unknown widget"}).encode())])
    with pytest.raises(odp.UnhcrOdpApiError, match="Unknown widget"):
        client.get("timeseries", GREECE_DAY, session=fast_session)


@pytest.mark.parametrize("body", [b"<!DOCTYPE html><title>Maintenance</title>", b""])
def test_a_page_instead_of_json_with_http_200(server, fast_session, body):
    server([Reply(200, body, {"Content-Type": "text/html"})])
    with pytest.raises(odp.UnhcrOdpApiError, match="not JSON"):
        client.get("timeseries", GREECE_DAY, session=fast_session)


def test_an_answer_about_another_country_is_refused(server, fast_session):
    """A wrong geomaster id would load another country's figures under this one's."""
    wrong = {"data": {"geoMasterId": {"id": 640, "name": "Croatia"}, "timeseries": []}}
    server([Reply(200, json.dumps(wrong).encode())])
    with pytest.raises(odp.UnhcrOdpApiError, match="asked geo_id=656 for Italy.*Croatia"):
        client.fetch(TS, START, END, session=fast_session)


def test_an_origin_answer_about_another_country_is_refused(server, fast_session):
    wrong = {
        "data": [
            {
                "geomaster_name": "Türkiye",
                "geomaster_id": 1,
                "pop_origin_code": "SYR",
                "individuals": "5",
            }
        ]
    }
    server([Reply(200, json.dumps(wrong).encode())])
    with pytest.raises(odp.UnhcrOdpApiError, match="for Italy, the answer is for Türkiye"):
        client.fetch(ORIGIN, START, END, session=fast_session)


def test_an_answer_of_another_endpoint_is_refused(server, fast_session):
    server([Reply(200, json.dumps({"data": {"timeseries": []}}).encode())])
    with pytest.raises(odp.UnhcrOdpApiError, match="expected a sublocation answer"):
        client.fetch(SUB, START, END, session=fast_session)


def test_offline_fetch_returns_the_sample_without_http(monkeypatch):
    monkeypatch.setenv("MWH_UNHCR_ODP_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    content, request = unhcr_odp.fetch(TS, START, END, live=False)
    assert content == client.load_sample("arrivals_timeseries")
    assert request == "sample:arrivals_timeseries"


def test_base_url_defaults_to_the_portal(monkeypatch):
    monkeypatch.delenv("MWH_UNHCR_ODP_BASE_URL", raising=False)
    assert client.base_url() == "https://data.unhcr.org/population/get"
