"""The Eurostat client's live code path against a local fake server (never the network)."""

from __future__ import annotations

import datetime as dt
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


# ---------------------------------------------------------------------------------
# Any dataset, time ranges, and EXTRACTION_TOO_BIG split into one batch.

MONTHLY = DATASETS["asylum_applicants_monthly"]


def _too_big(estimated: int) -> bytes:
    return _error(
        f"EXTRACTION_TOO_BIG: The requested extraction is too big, estimated {estimated} rows, "
        "max authorised is 5000000, please change your filters to reduce the extraction size"
    ).encode()


def _months(first: str, last: str) -> list[str]:
    from ingest.sources.eurostat import periods

    lo, hi = periods.index(first, "M"), periods.index(last, "M")
    return [periods.label(i, "M") for i in range(lo, hi + 1)]


def _answer(months: list[str], geos: list[str], start: int = 100) -> bytes:
    """A small answer in the monthly layout: one first-time figure per geo and month."""
    dims = {"freq": ["M"], "unit": ["PER"], "citizen": ["SY"], "sex": ["T"],
            "applicant": ["FRST"], "age": ["TOTAL"], "geo": geos, "time": months}  # fmt: skip
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": list(dims),
        "size": [len(c) for c in dims.values()],
        "dimension": {
            d: {"category": {"index": {c: i for i, c in enumerate(cats)}}}
            for d, cats in dims.items()
        },
        "value": {str(i): start + 5 * i for i in range(len(geos) * len(months))},
        "extension": {"id": "MIGR_ASYAPPCTZM"},
    }
    return json.dumps(doc).encode()


def _asked(seen, *keys):
    """The given query parameters of every request, in order."""
    out = []
    for s in seen:
        query = parse_qsl(urlsplit(s.path).query)
        out.append(tuple(tuple(v for k, v in query if k == key) for key in keys))
    return out


def _fetch_dataset(filters, session, today=None):
    return client.fetch_dataset(
        "migr_asyappctzm", filters, frequency="M", first_period="2008-01", session=session,
        today=today,
    )  # fmt: skip


def test_too_big_is_split_in_time_halves_and_loaded_as_one_batch(monkeypatch, fast_session):
    from ingest import payload
    from ingest.sources import eurostat

    geos = ["AT", "EL"]
    first, second = (
        _answer(_months("2024-01", "2024-12"), geos),
        _answer(_months("2025-01", "2025-12"), geos, start=1000),
    )
    filters = {**MONTHLY.request_filters(dt.datetime(2025, 1, 6), dt.datetime(2026, 1, 1)),
               "geo": geos}  # fmt: skip
    with FakeServer([Reply(413, _too_big(8068608)), Reply(200, first), Reply(200, second)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, request = _fetch_dataset(filters, fast_session)

    assert _asked(srv.seen, "sinceTimePeriod", "untilTimePeriod", "geo") == [
        (("2024-01",), ("2025-12",), ("AT", "EL")),  # the whole range: too big
        (("2024-01",), ("2024-12",), ("AT", "EL")),
        (("2025-01",), ("2025-12",), ("AT", "EL")),
    ]
    parts = payload.parts(content)
    assert [p.request for p in parts] == request.splitlines()
    assert len(parts) == 2 and all("untilTimePeriod" in p.request for p in parts)
    # The batch's rows are exactly the union of the two answers' rows.
    loaded = list(eurostat.rows(MONTHLY, content))
    halves = list(eurostat.rows(MONTHLY, first)) + list(eurostat.rows(MONTHLY, second))
    assert loaded == halves
    assert len(loaded) == 2 * 24 and len(set(loaded)) == len(loaded)
    # The same answers give the same payload: a re-run is a no-op in the ledger.
    assert payload.pack(parts) == content


def test_one_period_still_too_big_is_split_by_geography(monkeypatch, fast_session):
    from ingest.sources import eurostat

    geos = ["AT", "EL", "DE", "IT"]
    filters = {"geo": geos, "sinceTimePeriod": "2025-03", "untilTimePeriod": "2025-03"}
    a, b = _answer(["2025-03"], geos[:2]), _answer(["2025-03"], geos[2:], start=500)
    with FakeServer([Reply(413, _too_big(9000000)), Reply(200, a), Reply(200, b)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, _ = _fetch_dataset(filters, fast_session)
    assert _asked(srv.seen, "geo", "sinceTimePeriod", "untilTimePeriod") == [
        (tuple(geos), ("2025-03",), ("2025-03",)),
        (("AT", "EL"), ("2025-03",), ("2025-03",)),
        (("DE", "IT"), ("2025-03",), ("2025-03",)),
    ]
    assert {r[6] for r in eurostat.rows(MONTHLY, content)} == set(geos)


def test_the_estimate_sets_the_number_of_parts_and_parts_split_again(monkeypatch, fast_session):
    from ingest.sources import eurostat

    filters = {"geo": ["AT"], "sinceTimePeriod": "2025-01", "untilTimePeriod": "2025-12"}
    answers = [_answer(_months(lo, hi), ["AT"], start=10 * i) for i, (lo, hi) in enumerate(
        [("2025-01", "2025-02"), ("2025-03", "2025-04"), ("2025-05", "2025-08"),
         ("2025-09", "2025-12")])]  # fmt: skip
    replies = [Reply(413, _too_big(12_000_000)), Reply(413, _too_big(6_000_000))]
    with FakeServer([*replies, *(Reply(200, a) for a in answers)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, request = _fetch_dataset(filters, fast_session)
    # 12M rows for 5M a request: three parts of four months; the first is still too
    # big (6M): two parts of two months.
    assert _asked(srv.seen, "sinceTimePeriod", "untilTimePeriod") == [
        (("2025-01",), ("2025-12",)),
        (("2025-01",), ("2025-04",)),
        (("2025-01",), ("2025-02",)),
        (("2025-03",), ("2025-04",)),
        (("2025-05",), ("2025-08",)),
        (("2025-09",), ("2025-12",)),
    ]
    assert len(request.splitlines()) == 4
    expected = [row for a in answers for row in eurostat.rows(MONTHLY, a)]
    assert list(eurostat.rows(MONTHLY, content)) == expected
    assert [r[7] for r in expected] == _months("2025-01", "2025-12")


def test_a_selection_without_time_range_is_bounded_by_the_series_start(monkeypatch, fast_session):
    filters = MONTHLY.request_filters(None)
    assert "sinceTimePeriod" not in filters
    halves = [_answer(_months("2008-01", "2008-09"), ["AT"]),
              _answer(_months("2008-10", "2009-06"), ["AT"])]  # fmt: skip
    with FakeServer([Reply(413, _too_big(7_000_000)), *(Reply(200, h) for h in halves)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        _fetch_dataset(filters, fast_session, today=dt.datetime(2009, 6, 15))
    assert _asked(srv.seen, "sinceTimePeriod", "untilTimePeriod") == [
        ((), ()),
        (("2008-01",), ("2008-09",)),
        (("2008-10",), ("2009-06",)),
    ]


def test_one_period_and_one_country_too_big_is_a_clear_error(monkeypatch, fast_session):
    filters = {"geo": ["DE"], "sinceTimePeriod": "2025-03", "untilTimePeriod": "2025-03"}
    with FakeServer([Reply(413, _too_big(6_000_000))]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.ExtractionTooBigError, match="narrow the other filters"):
            _fetch_dataset(filters, fast_session)
    assert len(srv.seen) == 1


def test_asynchronous_response_during_a_split_fails_for_a_later_retry(monkeypatch, fast_session):
    filters = {"geo": ["AT"], "sinceTimePeriod": "2025-01", "untilTimePeriod": "2025-12"}
    replies = [Reply(413, _too_big(8_000_000)), Reply(413, ASYNC.encode())]
    with FakeServer(replies) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        with pytest.raises(jsonstat.AsynchronousResponseError, match="retry later"):
            _fetch_dataset(filters, fast_session)
    # Nothing is retried in process: the Airflow task retries later.
    assert len(srv.seen) == 2


def test_an_empty_part_adds_no_rows_but_all_empty_is_an_error(monkeypatch, fast_session):
    from ingest.sources import eurostat

    filters = {"geo": ["AT"], "sinceTimePeriod": "2025-01", "untilTimePeriod": "2026-12"}
    data, empty = _answer(_months("2025-01", "2025-12"), ["AT"]), _answer([], ["AT"])
    with FakeServer([Reply(413, _too_big(8_000_000)), Reply(200, data), Reply(200, empty)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, _ = _fetch_dataset(filters, fast_session)
    # Nothing published for 2026 yet: its part is an empty selection.
    assert list(eurostat.rows(MONTHLY, content)) == list(eurostat.rows(MONTHLY, data))

    with FakeServer([Reply(413, _too_big(8_000_000)), Reply(200, empty)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        content, _ = _fetch_dataset(filters, fast_session)
    with pytest.raises(jsonstat.EmptySelectionError):
        list(eurostat.rows(MONTHLY, content))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_live_fetch_asks_for_the_dataset_and_its_interval(monkeypatch, name):
    from ingest.sources import eurostat

    ds = DATASETS[name]
    sample = client.load_sample(ds.code)
    monkeypatch.setattr(client, "make_session", lambda: make_session(retries=0, timeout=(2, 2)))
    with FakeServer([Reply(200, sample)]) as srv:
        monkeypatch.setenv("MWH_EUROSTAT_BASE_URL", srv.url)
        start, end = dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 9)
        content, request = eurostat.fetch(ds, start, end, live=True)
    # One answer is kept exactly as Eurostat sent it.
    assert content == sample
    (seen,) = srv.seen
    path = urlsplit(seen.path)
    assert path.path == f"/{ds.code}"
    query = parse_qsl(path.query)
    since = "2025-03" if ds.frequency == "M" else str(2026 - ds.revision_periods)
    assert ("sinceTimePeriod", since) in query
    assert ("untilTimePeriod", "2026-03" if ds.frequency == "M" else "2026") in query
    for key, codes in ds.filters.items():
        assert [v for k, v in query if k == key] == list(codes)
    assert request == srv.url + seen.path
    assert len(list(eurostat.rows(ds, content))) > 0


def test_a_payload_of_another_dataset_or_layout_is_refused():
    from ingest.sources import eurostat

    annual = DATASETS["asylum_applicants_annual"]
    # Same dimensions as the annual table, but Eurostat names it the monthly one.
    with pytest.raises(eurostat.DatasetMismatchError, match="migr_asyappctzm, not migr_asyappctza"):
        eurostat.rows(annual, SAMPLE)
    with pytest.raises(eurostat.StructureChangedError, match="differ from the declared"):
        eurostat.rows(DATASETS["illegally_present"], _answer(["2025-01"], ["AT"]).replace(
            b"MIGR_ASYAPPCTZM", b"MIGR_EIPRE"))  # fmt: skip
