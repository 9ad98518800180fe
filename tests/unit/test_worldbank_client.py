"""The World Bank client's live code path against a local fake server (never the
network): request shape, every page followed, interval scoping, error bodies."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from ingest.http import USER_AGENT, make_session
from ingest.payload import parts
from ingest.sources import worldbank
from ingest.sources.worldbank import client, wbjson
from ingest.sources.worldbank.datasets import DATASETS, INDICATORS
from tests.fakehttp import FakeServer, Reply

ARCHIVED = json.dumps(
    [{"message": [{"id": "175", "key": "Invalid format",
                   "value": "The indicator was not found. It may have been deleted or archived."}]}]
).encode()  # fmt: skip
INVALID_VALUE = json.dumps(
    [{"message": [{"id": "120", "key": "Invalid value",
                   "value": "The provided parameter value is not valid"}]}]
).encode()  # fmt: skip


def _page(indicator: str, page: int, pages: int, total: int, per_page: int = 2) -> bytes:
    """Page `page` of an answer of `total` observations, `per_page` a page."""
    meta = {"page": page, "pages": pages, "per_page": per_page, "total": total,
            "sourceid": "2", "lastupdated": "2026-07-01"}  # fmt: skip
    first = (page - 1) * per_page
    body = [
        {"indicator": {"id": indicator, "value": "x"}, "country": {"id": "MK", "value": "x"},
         "countryiso3code": "MKD", "date": str(2026 - i), "value": 1000 + i, "unit": "",
         "obs_status": "", "decimal": 0}
        for i in range(first, min(total, first + per_page))
    ]  # fmt: skip
    return json.dumps([meta, body]).encode()


@pytest.fixture
def fast_session():
    # Tiny backoff so retry tests take milliseconds; the policy is the production one.
    return make_session(retries=2, backoff_factor=0.01, timeout=(2, 2))


@pytest.fixture
def server(monkeypatch):
    """Start a FakeServer with the given replies and point the client at it."""
    started = []

    def start(replies):
        srv = FakeServer(replies).__enter__()
        started.append(srv)
        monkeypatch.setenv("MWH_WORLDBANK_BASE_URL", srv.url + "/v2")
        return srv

    yield start
    for srv in started:
        srv.__exit__(None, None, None)


def _query(seen) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(seen.path).query))


def test_every_page_is_followed_and_packed_as_one_payload(server, fast_session):
    srv = server([Reply(200, _page("SP.POP.TOTL", p, 3, 5)) for p in (1, 2, 3)])
    content, request = client.fetch_indicators(
        ["SP.POP.TOTL"], years=(2016, 2026), per_page=2, session=fast_session
    )
    assert [urlsplit(s.path).path for s in srv.seen] == [
        "/v2/country/all/indicator/SP.POP.TOTL"
    ] * 3
    assert [_query(s)["page"] for s in srv.seen] == ["1", "2", "3"]
    assert _query(srv.seen[0]) == {
        "format": "json", "per_page": "2", "date": "2016:2026", "page": "1"
    }  # fmt: skip
    assert srv.seen[0].headers["User-Agent"] == USER_AGENT
    # One payload, one part per page, in order; the ledger's request lists every URL.
    answers = parts(content)
    assert [a.body[0]["page"] for a in answers] == [1, 2, 3]
    assert request.splitlines() == [a.request for a in answers]
    rows = list(worldbank.rows(DATASETS["indicators"], content))
    assert len(rows) == 5 and {r[3] for r in rows} == {"SP.POP.TOTL"}


def test_live_fetch_asks_every_indicator_for_the_interval(server, monkeypatch):
    monkeypatch.setattr(client, "make_session", lambda: make_session(retries=0, timeout=(2, 2)))
    srv = server([Reply(200, _page(i, 1, 1, 2)) for i in INDICATORS])
    ds = DATASETS["indicators"]
    content, _ = worldbank.fetch(ds, datetime(2026, 3, 4), datetime(2026, 3, 11), live=True)
    paths = [urlsplit(s.path).path for s in srv.seen]
    assert paths == [f"/v2/country/all/indicator/{i}" for i in INDICATORS]
    # The data interval's years plus the revision window: re-runs ask the same thing.
    assert {_query(s)["date"] for s in srv.seen} == {"2016:2026"}
    assert {_query(s)["per_page"] for s in srv.seen} == {"1000"}
    assert {r[3] for r in worldbank.rows(ds, content)} == set(INDICATORS)


def test_no_interval_asks_for_the_whole_history(server, monkeypatch):
    monkeypatch.setattr(client, "make_session", lambda: make_session(retries=0, timeout=(2, 2)))
    srv = server([Reply(200, _page(i, 1, 1, 1)) for i in INDICATORS])
    worldbank.fetch(DATASETS["indicators"], None, None, live=True)
    assert _query(srv.seen[0])["date"] == f"1960:{datetime.now().year}"


def test_the_same_answers_give_the_same_payload(server, fast_session):
    # The ledger's no-op rests on this: an unchanged answer is the same sha256.
    server([Reply(200, _page("SM.POP.NETM", 1, 1, 2))])
    digests = {
        hashlib.sha256(
            client.fetch_indicators(["SM.POP.NETM"], years=(2016, 2026), session=fast_session)[0]
        ).hexdigest()
        for _ in range(2)
    }
    assert len(digests) == 1


def test_country_list(server, fast_session):
    sample = parts(client.load_sample("countries"))[0].body
    srv = server([Reply(200, json.dumps(sample).encode())])
    content, request = client.fetch_countries(session=fast_session)
    (seen,) = srv.seen
    assert urlsplit(seen.path).path == "/v2/country"
    assert _query(seen) == {"format": "json", "per_page": "400", "page": "1"}
    rows = list(worldbank.rows(DATASETS["countries"], content))
    assert len(rows) == 2 * len(sample[1])
    assert request.startswith(srv.url)


def test_archived_indicator_http_200_is_a_clear_error(server, fast_session):
    srv = server([Reply(200, ARCHIVED)])
    with pytest.raises(wbjson.WorldBankApiError) as err:
        client.fetch_indicators(["SM.POP.REFG"], years=(2016, 2026), session=fast_session)
    message = str(err.value)
    assert "indicator SM.POP.REFG" in message and "deleted or archived" in message
    assert "SM.POP.RHCR.EA" in message  # the replacement
    assert err.value.code == "175" and err.value.status == 200
    assert len(srv.seen) == 1  # an error body is an answer: not retried


def test_an_archived_indicator_among_others_stops_the_fetch(server, fast_session):
    srv = server([Reply(200, _page("SP.POP.TOTL", 1, 1, 1)), Reply(200, ARCHIVED)])
    with pytest.raises(wbjson.WorldBankApiError, match="indicator SM.POP.REFG.OR"):
        client.fetch_indicators(
            ["SP.POP.TOTL", "SM.POP.REFG.OR"], years=(2016, 2026), session=fast_session
        )
    assert len(srv.seen) == 2


def test_http_error_with_a_message_body(server, fast_session):
    server([Reply(400, INVALID_VALUE)])
    with pytest.raises(wbjson.WorldBankApiError, match="parameter value is not valid") as err:
        client.fetch_indicators(["SP.POP.TOTL"], years=(2016, 2026), session=fast_session)
    assert err.value.status == 400 and err.value.code == "120"


def test_non_json_answer(server, fast_session):
    xml = b'<?xml version="1.0"?><wb:error><wb:message id="120"/></wb:error>'
    server([Reply(200, xml, {"Content-Type": "text/xml"})])
    with pytest.raises(wbjson.WorldBankApiError, match="not JSON"):
        client.fetch_countries(session=fast_session)


def test_truncated_page_fails_the_fetch(server, fast_session):
    meta = {"page": 1, "pages": 2, "per_page": 2, "total": 4, "sourceid": "2"}
    server([Reply(200, json.dumps([meta, []]).encode())])
    with pytest.raises(wbjson.WorldBankApiError, match="holds 0 rows"):
        client.fetch_indicators(["SP.POP.TOTL"], years=(2016, 2026), session=fast_session)


def test_retries_5xx_then_succeeds(server, fast_session):
    ok = _page("SP.POP.TOTL", 1, 1, 1)
    srv = server([Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, ok)])
    content, _ = client.fetch_indicators(["SP.POP.TOTL"], years=(2016, 2026), session=fast_session)
    assert len(srv.seen) == 3
    assert len(list(worldbank.rows(DATASETS["indicators"], content))) == 1


def test_gives_up_after_the_retry_budget(server, fast_session):
    srv = server([Reply(500, b"oops")])
    with pytest.raises(wbjson.WorldBankApiError, match="HTTP 500 for indicator SP.POP.TOTL"):
        client.fetch_indicators(["SP.POP.TOTL"], years=(2016, 2026), session=fast_session)
    assert len(srv.seen) == 3  # the first attempt and 2 retries


def test_page_count_is_capped(server, fast_session, monkeypatch):
    monkeypatch.setattr(client, "MAX_PAGES", 2)
    server([Reply(200, _page("SP.POP.TOTL", p, 9, 18)) for p in (1, 2)])
    with pytest.raises(wbjson.WorldBankApiError, match="more than 2 pages"):
        client.fetch_indicators(["SP.POP.TOTL"], years=(2016, 2026), session=fast_session)
