"""UNHCR ODP answers (timeseries, sublocation, origin) as long rows.

Which endpoint an answer came from is told by its shape:

* timeseries: `data` is an object with a `timeseries` list;
* origin: `data` is a list of rows with `pop_origin_code` (or, when empty, the answer
  carries the origin endpoint's `pop_frequency_code` list);
* sublocation: `data` is a list of place rows (`geomaster_id`, `admin_level`, ...)
  without `pop_origin_code` (or, when empty, a `situation_view_id`).

A payload is one answer or several packed with their requests (ingest.payload): the
timeseries items do not name their place or population group, the request does.

Numbers arrive as strings, JSON numbers or null. `value` is the number as plain decimal
text ("1,234" -> "1234"); '' when the cell is null or empty; a cell that is not a number
("-", "n/a") keeps its text in `flag`, with value '', so it never reads as 0.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ingest.payload import parts
from ingest.sources.unhcr_odp.datasets import (
    ARRIVALS_BY_ORIGIN,
    ARRIVALS_BY_SUBLOCATION,
    ARRIVALS_TIMESERIES,
    ORIGIN_MEASURES,
    OdpDataset,
)

Row = tuple[str | None, ...]


class OdpFormatError(ValueError):
    """A document that is not an answer of a known ODP endpoint (or not the expected one)."""


class UnhcrOdpApiError(RuntimeError, ValueError):
    """ODP answered with an error (an HTTP error, an error body, a page instead of JSON).

    A RuntimeError for the live path; also a ValueError so `mwh parse` reports a saved
    error body like any other unusable file."""

    def __init__(self, status: int | None, message: str, url: str | None = None):
        self.status = status
        self.message = message
        self.url = url
        head = "UNHCR ODP error" + (f" {status}" if status is not None else "")
        super().__init__(f"{head}{f' ({url})' if url else ''}: {message}")


ENDPOINT_DATASETS = {
    "timeseries": ARRIVALS_TIMESERIES,
    "sublocation": ARRIVALS_BY_SUBLOCATION,
    "origin": ARRIVALS_BY_ORIGIN,
}
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_THOUSANDS = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_ERROR_KEYS = ("error", "errors", "message", "detail")


def number(raw: Any) -> tuple[str, str]:
    """(value, flag) of one cell: the number as plain decimal text, or '' and the
    source's own text when it is not a number."""
    if raw is None or isinstance(raw, bool):
        return ("", "") if raw is None else ("", str(raw).lower())
    if isinstance(raw, int):
        return str(raw), ""
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return "", repr(raw)
        return (str(int(raw)) if raw.is_integer() else format(Decimal(repr(raw)), "f")), ""
    text = str(raw).strip()
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)  # "12 345" (thin or no-break spaces)
    if _THOUSANDS.fullmatch(compact):
        compact = compact.replace(",", "")
    if _NUMBER.fullmatch(compact):
        return compact, ""
    return "", text


def text(raw: Any) -> str | None:
    """A dimension as text; null stays null (raw is faithful)."""
    if raw is None:
        return None
    return raw.strip() if isinstance(raw, str) else str(raw)


def request_params(url: str) -> dict[str, str]:
    """The query parameters of a recorded request ('' or a sample marker: none)."""
    return dict(parse_qsl(urlsplit(url).query)) if url else {}


def error_message(body: Any) -> str | None:
    """The message of an error body (`error`, `errors`, `message`, `detail`), if any."""
    if not isinstance(body, Mapping):
        return None
    found = [body[k] for k in _ERROR_KEYS if body.get(k)]
    return _message(found[0]) if found else None


def raise_for_error_body(body: Any, status: int | None = None, url: str | None = None) -> None:
    """An error body (or anything that is not an answer object) raises UnhcrOdpApiError."""
    if not isinstance(body, Mapping):
        raise UnhcrOdpApiError(status, f"the answer is not a JSON object: {str(body)[:200]!r}", url)
    failed = body.get("status") in ("error", "fail", False) or body.get("success") is False
    if failed or body.get("data") in (None, False):
        message = error_message(body)
        if message or failed or "data" not in body:
            raise UnhcrOdpApiError(status, message or f"no data: {json.dumps(body)[:200]}", url)


def _message(found: Any) -> str:
    if isinstance(found, Mapping):
        for k in ("message", "detail", "title", "error"):
            if found.get(k):
                return _message(found[k])
        return json.dumps(found)[:300]
    if isinstance(found, list) and found:
        return "; ".join(_message(f) for f in found[:3])
    return str(found)[:300] or "no message"


def endpoint_of(body: Any) -> str:
    """Which endpoint answered: timeseries, sublocation or origin."""
    raise_for_error_body(body)
    data = body["data"]
    if isinstance(data, Mapping):
        if isinstance(data.get("timeseries"), list):
            return "timeseries"
        raise OdpFormatError(
            f"`data` is an object without a `timeseries` list (keys: {sorted(data)[:10]})"
        )
    if not isinstance(data, list):
        raise OdpFormatError(f"`data` is a {type(data).__name__}, not a list or an object")
    rows = [r for r in data if isinstance(r, Mapping)]
    if len(rows) != len(data):
        raise OdpFormatError("`data` holds items that are not objects")
    if rows:
        if any("pop_origin_code" in r for r in rows):
            return "origin"
        if all("geomaster_id" in r or "geomaster_name" in r for r in rows):
            return "sublocation"
        raise OdpFormatError(f"rows without geomaster_id or pop_origin_code: {sorted(rows[0])}")
    # An empty list: the envelope tells (origin answers list their frequency codes).
    if "pop_frequency_code" in body:
        return "origin"
    if "situation_view_id" in body:
        return "sublocation"
    raise OdpFormatError("an empty `data` list without an envelope: cannot tell the endpoint")


def _measures(record: Mapping, names: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    # Every measure the source sent is a row, even null: the cell exists.
    for name in names:
        if name in record:
            yield (name, *number(record[name]))


def timeseries_rows(body: Mapping, params: Mapping[str, str]) -> Iterator[Row]:
    data = body["data"]
    geo = data.get("geoMasterId") if isinstance(data.get("geoMasterId"), Mapping) else {}
    geo_id = params.get("geo_id") or text(geo.get("id")) or ""
    group = params.get("population_group", "")
    asked = params.get("frequency")
    for item in data["timeseries"]:
        if not isinstance(item, Mapping):
            raise OdpFormatError(f"a timeseries item is not an object: {item!r}")
        if "data_date" in item:
            frequency, period = "day", text(item["data_date"]) or ""
        elif "month" in item and "year" in item:
            frequency, period = "month", _year_month(item["year"], item["month"])
        else:
            raise OdpFormatError(f"a timeseries item without data_date or month/year: {item}")
        if asked and asked != frequency:
            raise OdpFormatError(f"asked frequency={asked}, the items are {frequency}ly")
        for measure, value, flag in _measures(item, ARRIVALS_TIMESERIES.measures):
            yield (geo_id, group, frequency, period, measure, value, flag)


def _year_month(year: Any, month: Any) -> str:
    y, m = str(year).strip(), str(month).strip()
    # 1 -> 01; anything else is kept as sent, for the quality gate to show.
    return f"{y}-{int(m):02d}" if m.isdigit() and 1 <= int(m) <= 12 else f"{y}-{m}"


def place_rows(body: Mapping, params: Mapping[str, str], ds: OdpDataset) -> Iterator[Row]:
    """sublocation and origin rows: one per row and measure sent."""
    geo_id = params.get("geo_id", "")
    for record in body["data"]:
        dims: list[str | None] = [geo_id]
        for name in ds.dimensions[1:]:
            if name == "population_group_id" and name not in record:
                # Older answers lack it; the group asked stands in.
                dims.append(params.get("population_group"))
            else:
                dims.append(text(record.get(name)))
        for measure, value, flag in _measures(record, ds.measures):
            yield (*dims, measure, value, flag)


def answer_rows(body: Any, request: str, expected: str | None = None) -> Iterator[Row]:
    """The long rows of one answer (its request gives the place and group asked)."""
    endpoint = endpoint_of(body)
    if expected and endpoint != expected:
        raise OdpFormatError(f"expected a {expected} answer, got a {endpoint} answer")
    params = request_params(request)
    if endpoint == "timeseries":
        return timeseries_rows(body, params)
    return place_rows(body, params, ENDPOINT_DATASETS[endpoint])


def _load_json(content: bytes | str) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        head = content[:200]
        if isinstance(head, bytes):
            head = head.decode("utf-8", "replace")
        if head.lstrip().lower().startswith(("<!doctype", "<html")):
            raise UnhcrOdpApiError(None, "an HTML page, not a JSON answer: an error page?") from exc
        raise OdpFormatError(f"not JSON: {exc}") from exc


def rows(ds: OdpDataset, content: bytes) -> Iterator[Row]:
    """Every answer of a payload, checked to be the dataset's endpoint."""
    for part in parts(_load_json(content)):
        yield from answer_rows(part.body, part.request, expected=ds.endpoint)


# ---------------------------------------------------------------- saved files (mwh parse)

# Columns of a flattened ODP answer saved as CSV (e.g. a sublocation answer with the
# country asked added, or a country x year sum of one).
CSV_FIELDS = frozenset(
    {*ARRIVALS_BY_SUBLOCATION.dimensions, *ARRIVALS_BY_ORIGIN.dimensions, *ORIGIN_MEASURES,
     "country_name", "last_update", "individuals_type", "demography_type"}
)  # fmt: skip
CSV_MEASURES = ORIGIN_MEASURES  # a superset of the sublocation's


def parse_saved(content: bytes, measure: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """A saved answer (one, or a packed payload) or a flattened CSV export as
    (dimension names, long rows). `measure` keeps only that field's rows."""
    if _looks_like_csv(content):
        dims, out = parse_csv(content)
    else:
        answers = parts(_load_json(content))
        endpoints = {endpoint_of(p.body) for p in answers}
        if len(endpoints) != 1:
            raise OdpFormatError(f"a payload mixing endpoints: {sorted(endpoints)}")
        ds = ENDPOINT_DATASETS[endpoints.pop()]
        dims = list(ds.dimensions)
        out = (r for p in answers for r in answer_rows(p.body, p.request))
    if measure is None:
        return dims, out
    rows_ = list(out)
    known = {r[-3] for r in rows_}
    if rows_ and measure not in known:
        raise OdpFormatError(f"no measure {measure!r} in this file; it has {sorted(known)}")
    return dims, iter([r for r in rows_ if r[-3] == measure])


def _looks_like_csv(content: bytes) -> bool:
    head = content.lstrip()[:1]
    return head not in (b"{", b"[", b"<") and b"," in content.split(b"\n", 1)[0]


def parse_csv(content: bytes) -> tuple[list[str], Iterator[Row]]:
    """A flattened ODP answer as CSV: its own columns are the dimensions, its measure
    columns (individuals, households, the sex/age fields) the measures."""
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    header = [h.strip() for h in next(reader, [])]
    unknown = [h for h in header if h not in CSV_FIELDS]
    measures = [h for h in header if h in CSV_MEASURES]
    if "individuals" not in header or "year" not in header or unknown:
        raise OdpFormatError(
            "not a flattened ODP answer: a CSV needs `individuals` and `year` and only ODP "
            f"fields (unknown: {unknown})"
        )
    dims = [h for h in header if h not in measures]
    positions = [header.index(d) for d in dims]

    def generate() -> Iterator[Row]:
        for line, record in enumerate(reader, start=2):
            if not record:
                continue  # a trailing blank line
            if len(record) != len(header):
                raise OdpFormatError(f"line {line}: {len(record)} fields, header has {len(header)}")
            key = tuple(record[i] for i in positions)
            for m in measures:
                yield (*key, m, *number(record[header.index(m)]))

    return dims, generate()
