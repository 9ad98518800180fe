"""The IOM DTM client's live code path against a local fake server (never the network),
and the subscription key: where it comes from, that it is sent, and that it never
reaches a log, an error message, the ledger's request or the payload."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

import ingest.sources.iom_dtm as iom_dtm
from ingest import pipeline
from ingest.http import USER_AGENT, make_session
from ingest.payload import parts
from ingest.sources import SourceUnavailable
from ingest.sources.iom_dtm import client
from ingest.sources.iom_dtm.datasets import DATASETS
from ingest.sources.iom_dtm.displacement import IncompleteAnswerError, IomDtmApiError
from tests.fakehttp import FakeServer, Reply

KEY = "k3y-0f-th3-t3st-5ecret"
ADMIN1 = DATASETS["displacement_admin1"]
COUNTRY_LIST = DATASETS["country_list"]


def envelope(result, **kw) -> bytes:
    doc = {"result": result, "statusCode": 200, "isSuccess": True, "errorMessages": [],
           "totalRecordsCount": len(result), **kw}  # fmt: skip
    return json.dumps(doc).encode()


def countries(*iso3: str) -> bytes:
    return envelope([{"admin0Name": c.title(), "admin0Pcode": c} for c in iso3])


def admin1_records(iso3: str) -> list[dict]:
    """The sample's records of one country (the sample is the API's own shape)."""
    for part in parts(client.load_sample("displacement_admin1")):
        if part.request.endswith(f"Admin0Pcode={iso3}"):
            return part.body["result"]
    raise LookupError(iso3)


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    for var in ("MWH_IOM_DTM_BASE_URL", "MWH_IOM_DTM_KEY", "MWH_IOM_DTM_COUNTRIES",
                "AIRFLOW_CONN_IOM_DTM"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MWH_PAYLOAD_DIR", str(tmp_path / "payloads"))
    # make_session() reads these: fast retries for every call made without a session.
    monkeypatch.setenv("MWH_HTTP_RETRIES", "3")
    monkeypatch.setenv("MWH_HTTP_BACKOFF", "0.01")


@pytest.fixture
def server(monkeypatch):
    """A FakeServer factory standing in for https://dtmapi.iom.int/v3, with a key set."""
    started = []

    def start(replies: list[Reply]) -> FakeServer:
        srv = FakeServer(replies).__enter__()
        started.append(srv)
        monkeypatch.setenv("MWH_IOM_DTM_BASE_URL", srv.url + "/v3")
        monkeypatch.setenv("MWH_IOM_DTM_KEY", KEY)
        return srv

    yield start
    for srv in started:
        srv.__exit__(None, None, None)


def test_admin_request_shape_scoping_and_header(server, monkeypatch):
    monkeypatch.setenv("MWH_IOM_DTM_COUNTRIES", "ukr, LBY ,SYR")
    ukr, syr = admin1_records("UKR"), admin1_records("SYR")
    srv = server([
        Reply(200, countries("AFG", "SYR", "UKR")),  # no LBY: it is not asked for
        Reply(200, envelope(ukr)),
        Reply(200, envelope(syr)),
    ])  # fmt: skip
    start, end = datetime(2026, 3, 11, tzinfo=UTC), datetime(2026, 3, 18, tzinfo=UTC)
    content, request = iom_dtm.fetch(ADMIN1, start, end, live=True)

    paths = [urlsplit(s.path) for s in srv.seen]
    assert [p.path for p in paths] == [
        "/v3/displacement/country-list", "/v3/displacement/admin1", "/v3/displacement/admin1",
    ]  # fmt: skip
    assert [dict(parse_qsl(p.query)) for p in paths[1:]] == [
        {"Admin0Pcode": c, "FromReportingDate": "2025-03-01", "ToReportingDate": "2026-03-17"}
        for c in ("UKR", "SYR")
    ]
    for seen in srv.seen:
        assert seen.headers["Ocp-Apim-Subscription-Key"] == KEY
        assert seen.headers["User-Agent"] == USER_AGENT
        assert "python-requests" not in seen.headers["User-Agent"]
        assert "subscription-key" not in seen.path.lower()  # never in the URL
    # One batch of both answers, in request order; the ledger's request names both.
    assert [p.request for p in parts(content)] == request.splitlines()
    assert request.splitlines()[0].endswith("Admin0Pcode=UKR&FromReportingDate=2025-03-01"
                                            "&ToReportingDate=2026-03-17")  # fmt: skip
    rows = list(iom_dtm.rows(ADMIN1, content))
    assert len(rows) == sum(sum(m in r for m in ADMIN1.measures) for r in ukr + syr)


def test_a_list_is_one_request_without_parameters(server):
    srv = server([Reply(200, countries("UKR", "SYR"))])
    content, request = iom_dtm.fetch(COUNTRY_LIST, datetime(2026, 3, 11, tzinfo=UTC), None, True)
    (seen,) = srv.seen
    assert seen.path == "/v3/displacement/country-list"
    assert request == srv.url + "/v3/displacement/country-list"
    assert [r[1] for r in iom_dtm.rows(COUNTRY_LIST, content)] == ["UKR", "SYR"]


def test_the_key_never_reaches_logs_request_or_payload(server, caplog):
    server([Reply(200, countries("UKR")), Reply(200, envelope(admin1_records("UKR")))])
    with caplog.at_level(logging.DEBUG):  # every logger, urllib3's too
        fetched = pipeline.fetch("iom_dtm", "displacement_admin1", live=True)
    assert KEY not in caplog.text
    assert "GET http" in caplog.text  # the URLs asked are logged
    assert KEY not in fetched["request"]  # what the ledger records
    with open(fetched["path"], "rb") as fh:
        assert KEY.encode() not in fh.read()


def test_a_refused_key_is_a_clear_error_without_the_key(server, caplog):
    # A gateway that echoes the request's headers in its error page.
    body = {"statusCode": 401, "message": f"Access denied due to invalid subscription key {KEY}."}
    srv = server([Reply(401, json.dumps(body).encode())])
    with caplog.at_level(logging.DEBUG), pytest.raises(IomDtmApiError) as err:
        iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)
    message = str(err.value)
    assert message.startswith("IOM DTM API error 401: Access denied")
    assert "key was refused" in message and KEY not in message and "***" in message
    assert KEY not in caplog.text
    assert len(srv.seen) == 1  # 401 is not retried


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ({"result": [], "statusCode": 400, "isSuccess": False,
          "errorMessages": ["Please provide Operation, CountryName or Admin0Pcode"]},
         "400: Please provide Operation"),
        ({"result": [], "statusCode": 200, "isSuccess": True,
          "errorMessages": ["Unexpected error"]}, "200: Unexpected error"),
    ],
)  # fmt: skip
def test_error_envelopes_with_http_200_raise(server, doc, match):
    server([Reply(200, json.dumps(doc).encode())])
    with pytest.raises(IomDtmApiError, match=match):
        iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)


def test_error_envelope_with_http_error_status(server):
    doc = {"result": None, "statusCode": 400, "isSuccess": False,
           "errorMessages": ["FromReportingDate is not a date"]}  # fmt: skip
    server([Reply(400, json.dumps(doc).encode())])
    with pytest.raises(IomDtmApiError, match="400: FromReportingDate is not a date"):
        iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)


def test_retries_5xx_then_succeeds(server):
    srv = server([Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, countries("UKR"))])
    iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)
    assert len(srv.seen) == 3
    assert all(s.headers["Ocp-Apim-Subscription-Key"] == KEY for s in srv.seen)


def test_gives_up_after_the_retry_budget(server):
    srv = server([Reply(500, b"oops")])
    session = make_session(retries=2, backoff_factor=0.01, timeout=(2, 2))
    with pytest.raises(IomDtmApiError, match="500: oops"):
        client.fetch_list(COUNTRY_LIST, key=KEY, session=session)
    assert len(srv.seen) == 3  # the first attempt and 2 retries


def test_non_json_answer(server):
    server([Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})])
    with pytest.raises(IomDtmApiError, match="not JSON"):
        iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)


def test_a_cut_off_answer_is_refused(server):
    server([Reply(200, countries("UKR")),
            Reply(200, envelope(admin1_records("UKR")[:5], totalRecordsCount=90))])  # fmt: skip
    with pytest.raises(IncompleteAnswerError, match="announces 90 records"):
        iom_dtm.fetch(ADMIN1, None, None, live=True)


def test_no_configured_country_in_dtm_is_a_clear_error(server, monkeypatch):
    monkeypatch.setenv("MWH_IOM_DTM_COUNTRIES", "MKD,SRB")
    srv = server([Reply(200, countries("UKR", "SYR"))])
    with pytest.raises(IomDtmApiError, match=r"none of the configured countries \['MKD', 'SRB'\]"):
        iom_dtm.fetch(ADMIN1, None, None, live=True)
    assert len(srv.seen) == 1


def test_without_a_key_live_fetch_is_unavailable_and_asks_nothing(monkeypatch):
    with FakeServer([Reply(200, countries("UKR"))]) as srv:
        monkeypatch.setenv("MWH_IOM_DTM_BASE_URL", srv.url + "/v3")
        with pytest.raises(SourceUnavailable) as err:
            iom_dtm.fetch(ADMIN1, None, None, live=True)
    assert "MWH_IOM_DTM_KEY" in str(err.value) and "'iom_dtm'" in str(err.value)
    assert srv.seen == []
    # Sample mode needs no key.
    content, request = iom_dtm.fetch(ADMIN1, None, None, live=False)
    assert request == "sample:displacement_admin1" and content


def test_the_airflow_connection_wins_over_the_environment(server, monkeypatch):
    srv = server([Reply(200, countries("UKR"))])  # sets MWH_IOM_DTM_KEY=KEY
    monkeypatch.setenv(
        "AIRFLOW_CONN_IOM_DTM", json.dumps({"conn_type": "http", "password": "from-airflow"})
    )
    assert client.api_key() == "from-airflow"
    iom_dtm.fetch(COUNTRY_LIST, None, None, live=True)
    assert srv.seen[0].headers["Ocp-Apim-Subscription-Key"] == "from-airflow"
    # A connection without a password falls back to the environment.
    monkeypatch.setenv("AIRFLOW_CONN_IOM_DTM", json.dumps({"conn_type": "http"}))
    assert client.api_key() == KEY


def test_countries_default_and_override(monkeypatch):
    from ingest.sources.iom_dtm.datasets import DEFAULT_COUNTRIES

    assert client.countries() == DEFAULT_COUNTRIES
    assert "UKR" in DEFAULT_COUNTRIES and "LBY" in DEFAULT_COUNTRIES
    monkeypatch.setenv("MWH_IOM_DTM_COUNTRIES", " syr,, irq ")
    assert client.countries() == ("SYR", "IRQ")
