"""The UNHCR client's live code path against a local fake server (never the network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

import ingest.sources.unhcr as unhcr
from ingest.http import USER_AGENT, make_session
from ingest.payload import parts
from ingest.sources.unhcr import DATASETS, client
from ingest.sources.unhcr.refstats import UnhcrApiError
from tests.fakehttp import FakeServer, Reply

ITEM = {
    "year": 2023, "coo_id": 185, "coo_name": "Syrian Arab Rep.", "coo": "SYR",
    "coo_iso": "SYR", "coa_id": 76, "coa_name": "Greece", "coa": "GRE", "coa_iso": "GRC",
    "returned_refugees": "-", "resettlement": "-", "naturalisation": 25, "returned_idps": "-",
}  # fmt: skip


def page(n: int, max_pages: int, items: list[dict] | None = None, short_url: str = "7nRUTz"):
    """One answer as the API sends it (with the short-url it mints per query)."""
    items = [ITEM | {"year": 2020 + n}] if items is None else items
    body = {"page": n, "short-url": short_url, "maxPages": max_pages, "total": [], "items": items}
    return Reply(200, json.dumps(body).encode())


@pytest.fixture
def fast_session():
    # Tiny backoff so retry tests take milliseconds; the policy is the production one.
    return make_session(retries=3, backoff_factor=0.01, timeout=(2, 2))


@pytest.fixture
def server(monkeypatch):
    """A FakeServer as the API's base URL: `server(replies)`."""
    started = []

    def start(replies):
        srv = FakeServer(replies).__enter__()
        started.append(srv)
        monkeypatch.setenv("MWH_UNHCR_BASE_URL", srv.url + "/population/v1")
        return srv

    yield start
    for srv in started:
        srv.__exit__(None, None, None)


def query(seen) -> dict[str, list[str]]:
    return parse_qs(urlsplit(seen.path).query)


def test_request_shape_and_user_agent(server, fast_session):
    srv = server([page(1, 1)])
    content, request = client.fetch("solutions", 2021, 2024, session=fast_session)
    (seen,) = srv.seen
    assert urlsplit(seen.path).path == "/population/v1/solutions/"
    q = query(seen)
    assert q["cf_type"] == ["ISO"]
    assert q["coo_all"] == ["true"] and q["coa_all"] == ["true"]
    # Both bounds, always: one alone is ignored by the API.
    assert q["yearFrom"] == ["2021"] and q["yearTo"] == ["2024"]
    assert q["page"] == ["1"] and q["limit"] == [str(client.PAGE_LIMIT)]
    assert seen.headers["User-Agent"] == USER_AGENT
    assert request.startswith(srv.url) and "yearFrom=2021" in request


def test_every_page_is_followed_and_packed_as_one_payload(server, fast_session):
    srv = server([page(1, 3), page(2, 3), page(3, 3)])
    content, request = client.fetch("solutions", 2021, 2024, session=fast_session)
    assert [query(s)["page"] for s in srv.seen] == [["1"], ["2"], ["3"]]
    pages = parts(content)
    assert [p.body["page"] for p in pages] == [1, 2, 3]
    assert len(request.splitlines()) == 3
    out = list(unhcr.rows(DATASETS["solutions"], content))
    assert len(out) == 3 * 4
    assert [r[0] for r in out[::4]] == ["2021", "2022", "2023"]


def test_unchanged_figures_give_the_same_payload(server, fast_session):
    # UNHCR mints a short-url per query: not data, so it must not change the sha256.
    server([page(1, 1, short_url="aaaaaa"), page(1, 1, short_url="bbbbbb")])
    first, _ = client.fetch("solutions", 2021, 2024, session=fast_session)
    second, _ = client.fetch("solutions", 2021, 2024, session=fast_session)
    assert first == second
    assert "short-url" not in parts(first)[0].body


def test_an_empty_answer_is_one_request(server, fast_session):
    srv = server([page(1, 0, items=[])])
    content, _ = client.fetch("solutions", 2030, 2031, session=fast_session)
    assert len(srv.seen) == 1
    assert list(unhcr.rows(DATASETS["solutions"], content)) == []


def test_the_data_interval_scopes_the_years(server, fast_session, monkeypatch):
    srv = server([page(1, 1, items=[])])
    monkeypatch.setattr(client, "make_session", lambda: fast_session)
    ds = DATASETS["demographics"]
    start, end = datetime(2026, 6, 3, tzinfo=UTC), datetime(2026, 7, 3, tzinfo=UTC)
    unhcr.fetch(ds, start, end, live=True)
    q = query(srv.seen[0])
    assert urlsplit(srv.seen[0].path).path == "/population/v1/demographics/"
    assert (q["yearFrom"], q["yearTo"]) == (["2023"], ["2026"])
    # Demographics one population type a row: otherwise UNHCR sums them all.
    assert q["ptype_show"] == ["true"]
    # The same interval asks the same thing again (re-runs and backfills).
    unhcr.fetch(ds, start, end, live=True)
    assert srv.seen[0].path == srv.seen[1].path


def test_samples_do_not_touch_the_network(monkeypatch):
    monkeypatch.setenv("MWH_UNHCR_BASE_URL", "http://127.0.0.1:9/nowhere")
    content, request = unhcr.fetch(DATASETS["population"], None, None, live=False)
    assert content == client.load_sample("population") and request == "sample:population"


def test_an_error_body_becomes_a_clear_error_without_retry(server, fast_session):
    srv = server([Reply(400, b'{"message": "Invalid parameter: yearTo"}')])
    with pytest.raises(UnhcrApiError, match="HTTP 400.*Invalid parameter: yearTo") as exc:
        client.fetch("population", 2021, 2024, session=fast_session)
    assert exc.value.status == 400
    assert len(srv.seen) == 1


def test_5xx_is_retried_then_its_page_title_reported(server, fast_session):
    html = b"<html><head><title>503 Service Temporarily Unavailable</title></head></html>"
    srv = server([Reply(503, html, {"Content-Type": "text/html"})])
    with pytest.raises(UnhcrApiError, match="503 Service Temporarily Unavailable"):
        client.fetch("population", 2021, 2024, session=fast_session)
    assert len(srv.seen) == 4  # the first attempt and 3 retries


def test_a_transient_failure_mid_walk_is_retried(server, fast_session):
    srv = server([page(1, 2), Reply(502, b"bad gateway"), page(2, 2)])
    content, _ = client.fetch("solutions", 2021, 2024, session=fast_session)
    assert [query(s)["page"] for s in srv.seen] == [["1"], ["2"], ["2"]]
    assert [p.body["page"] for p in parts(content)] == [1, 2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Maintenance</body></html>", "not JSON: Maintenance"),
        (b'{"error": "Query timed out"}', "HTTP 200.*Query timed out"),
        (b'{"page": 1, "maxPages": 1}', "expected an object with `items`"),
        (b'{"page": 1, "items": []}', "no usable maxPages"),
    ],
)
def test_http_200_that_is_not_a_page(server, fast_session, body, message):
    server([Reply(200, body)])
    with pytest.raises(UnhcrApiError, match=message):
        client.fetch("population", 2021, 2024, session=fast_session)


def test_max_pages_as_a_string_number_is_read(server, fast_session):
    body = {"page": "1", "maxPages": "1", "total": [], "items": [ITEM]}
    server([Reply(200, json.dumps(body).encode())])
    content, _ = client.fetch("solutions", 2021, 2024, session=fast_session)
    assert len(list(unhcr.rows(DATASETS["solutions"], content))) == 4


def test_figures_changing_during_the_walk_fail_the_fetch(server, fast_session):
    server([page(1, 2), page(2, 3)])
    with pytest.raises(UnhcrApiError, match="maxPages changed from 2 to 3"):
        client.fetch("solutions", 2021, 2024, session=fast_session)


def test_a_server_ignoring_the_page_parameter_is_caught(server, fast_session):
    server([page(1, 2), page(1, 2)])
    with pytest.raises(UnhcrApiError, match="asked for page 2, got page 1"):
        client.fetch("solutions", 2021, 2024, session=fast_session)


def test_the_url_asked_is_logged(server, fast_session, caplog):
    srv = server([page(1, 1)])
    with caplog.at_level("INFO", logger="ingest.sources.unhcr.client"):
        client.fetch("solutions", 2021, 2024, session=fast_session)
    assert f"GET {srv.url}/population/v1/solutions/?cf_type=ISO" in caplog.text


def test_a_year_window_backwards_is_refused_before_any_request():
    with pytest.raises(ValueError, match="after yearTo"):
        client.build_params(2025, 2024)
