"""World Bank API v2 JSON answers as long rows.

An answer is `[meta, rows]`: `meta` = {page, pages, per_page, total, ...} (numbers or,
on some endpoints, strings), `rows` a list (or null when nothing matched). Two
endpoints, told apart by the shape of their rows:

* `/country/{codes}/indicator/{id}`: observations {indicator, country, countryiso3code,
  date, value (number or null), unit, obs_status, decimal}; `meta` has `sourceid` and
  `lastupdated`;
* `/country`: economies {id, iso2Code, name, region, adminregion, incomeLevel,
  lendingType, capitalCity, longitude, latitude}; aggregates (regions, income groups)
  have region {"id": "NA", "value": "Aggregates"}.

Errors come as HTTP 200 too: `[{"message": [{"id", "key", "value"}]}]`, e.g. id 175
for a retired or archived indicator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.payload import Part

INDICATORS = "indicators"
COUNTRIES = "countries"
INDICATOR_DIMENSIONS = ("country_id", "countryiso3code", "date")
COUNTRY_DIMENSIONS = (
    "id", "iso2_code", "name", "region_id", "region_name", "admin_region_id",
    "admin_region_name", "income_level_id", "income_level_name", "lending_type_id",
    "lending_type_name", "capital_city",
)  # fmt: skip
DIMENSIONS = {INDICATORS: INDICATOR_DIMENSIONS, COUNTRIES: COUNTRY_DIMENSIONS}
# The numbers of an economy record: each becomes a row (measure = the field).
COUNTRY_MEASURES = ("longitude", "latitude")
# Indicators the World Bank retired, and what replaced them: named in the error.
RETIRED = {
    "SM.POP.REFG": "SM.POP.RHCR.EA (by country of asylum)",
    "SM.POP.REFG.OR": "SM.POP.RHCR.EO (by country of origin)",
}
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_INDICATOR_IN_URL = re.compile(r"/indicators?/([^/?#]+)")


class WorldBankFormatError(ValueError):
    """A document that is not a World Bank API v2 answer we know how to read."""


class WorldBankApiError(WorldBankFormatError, RuntimeError):
    """The API answered with an error (HTTP status or a `message` body, also with
    HTTP 200) instead of data."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        indicator: str | None = None,
    ):
        self.status = status
        self.code = code
        self.indicator = indicator
        super().__init__(message)


def indicator_in(request: str) -> str | None:
    """The indicator id a request URL asks for (None when it names none)."""
    found = _INDICATOR_IN_URL.search(urlsplit(request).path) if request else None
    return found.group(1) if found else None


def raise_for_error_body(
    doc: Any, *, indicator: str | None = None, status: int | None = None
) -> None:
    """Turn the API's `message` bodies into a readable error naming the indicator."""
    first = doc[0] if isinstance(doc, list) and doc else doc
    if not isinstance(first, Mapping) or "message" not in first:
        return
    messages = first["message"]
    messages = messages if isinstance(messages, list) else [messages]
    texts, code = [], None
    for m in messages:
        if isinstance(m, Mapping):
            code = code or (str(m["id"]) if m.get("id") is not None else None)
            key, value = str(m.get("key") or "").strip(), str(m.get("value") or "").strip()
            texts.append(f"{value} ({key}, id {m.get('id')})" if key else value)
        else:
            texts.append(str(m))
    what = f"indicator {indicator}" if indicator else "the request"
    text = f"World Bank API error for {what}: {'; '.join(texts) or 'no message'}"
    if indicator in RETIRED:
        text += f". {indicator} was retired: use {RETIRED[indicator]}"
    raise WorldBankApiError(text, status=status, code=code, indicator=indicator)


def split_answer(doc: Any, *, indicator: str | None = None) -> tuple[Mapping, list]:
    """(meta, rows) of one answer; error bodies raise WorldBankApiError."""
    raise_for_error_body(doc, indicator=indicator)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], Mapping)):
        raise WorldBankFormatError(
            "not a World Bank API v2 answer: expected a JSON array [meta, rows]"
        )
    meta, rows = doc
    missing = [k for k in ("page", "pages", "total") if k not in meta]
    if missing:
        raise WorldBankFormatError(f"the answer's meta lacks {', '.join(missing)}")
    if rows is None:  # nothing matched: the API sends null, not []
        rows = []
    if not isinstance(rows, list):
        raise WorldBankFormatError(f"the answer's rows are a {type(rows).__name__}, not a list")
    return meta, rows


def _int(meta: Mapping, key: str) -> int:
    # The country endpoint sends "per_page": "400" (a string), the indicator one 1000.
    try:
        return int(meta[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise WorldBankFormatError(f"meta {key} {meta.get(key)!r} is not a number") from exc


def kind_of(meta: Mapping, rows: Sequence) -> str:
    """`indicators` or `countries`, from the rows' fields (or, when there are none,
    from the meta: only indicator answers carry `sourceid`/`lastupdated`)."""
    if rows:
        first = rows[0]
        if not isinstance(first, Mapping):
            raise WorldBankFormatError("the answer's rows are not JSON objects")
        if {"indicator", "country", "date", "value"} <= first.keys():
            return INDICATORS
        if {"id", "iso2Code", "region"} <= first.keys():
            return COUNTRIES
        raise WorldBankFormatError(
            f"unknown World Bank answer: rows with fields {sorted(first)[:8]}"
        )
    return INDICATORS if {"sourceid", "lastupdated"} & meta.keys() else COUNTRIES


def check_page(meta: Mapping, rows: Sequence) -> None:
    """A page holds per_page rows, the last page the rest: anything else is a truncated
    or inconsistent answer."""
    page, pages, total = _int(meta, "page"), _int(meta, "pages"), _int(meta, "total")
    if total == 0:
        expected = 0
    else:
        per_page = _int(meta, "per_page")
        expected = max(0, min(per_page, total - (page - 1) * per_page))
    if len(rows) != expected:
        raise WorldBankFormatError(
            f"page {page} of {pages} holds {len(rows)} rows; meta (total {total}, per_page "
            f"{meta.get('per_page')}) says {expected}: a truncated or inconsistent answer"
        )


def format_value(value: Any) -> str:
    """A number as the text raw tables keep: plain decimal, integers without '.0';
    '' for null. Older API versions sent numbers as strings: a decimal string is
    normalised, any other string is kept as sent, so the quality gate quarantines
    that one row with its reason instead of the parser dropping the whole batch."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise WorldBankFormatError(f"value {value!r} is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WorldBankFormatError(f"value {value!r} is not finite")
        if value.is_integer():
            return str(int(value))
        # repr is the shortest round-trip form; Decimal avoids exponent notation.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.match(text):
            num = Decimal(text)
            return str(int(num)) if num == num.to_integral_value() else text
        return value
    # An object or array where a number belongs: the answer's structure changed.
    raise WorldBankFormatError(f"value {value!r} is not a number")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _nested(row: Mapping, key: str, field: str) -> str:
    inner = row.get(key)
    return _text(inner.get(field)) if isinstance(inner, Mapping) else ""


def indicator_rows(rows: Iterable[Mapping]) -> Iterator[tuple[str, ...]]:
    """(country_id, countryiso3code, date, indicator id, value, obs_status) per row;
    a null value is a row too, with value ''."""
    for row in rows:
        measure = _nested(row, "indicator", "id")
        country = _nested(row, "country", "id")
        if not measure or not country:
            raise WorldBankFormatError(f"an observation without indicator or country id: {row}")
        yield (
            country,
            _text(row.get("countryiso3code")),
            _text(row.get("date")),
            measure,
            format_value(row.get("value")),
            _text(row.get("obs_status")),
        )


def country_rows(rows: Iterable[Mapping]) -> Iterator[tuple[str, ...]]:
    """One row per economy and coordinate (longitude, latitude), the economy's
    attributes as dimensions; aggregates send '' coordinates, kept as value ''."""
    for row in rows:
        if not row.get("id"):
            raise WorldBankFormatError(f"an economy without id: {row}")
        dims = (
            _text(row.get("id")),
            _text(row.get("iso2Code")),
            _text(row.get("name")),
            _nested(row, "region", "id"),
            _nested(row, "region", "value"),
            _nested(row, "adminregion", "id"),
            _nested(row, "adminregion", "value"),
            _nested(row, "incomeLevel", "id"),
            _nested(row, "incomeLevel", "value"),
            _nested(row, "lendingType", "id"),
            _nested(row, "lendingType", "value"),
            _text(row.get("capitalCity")),
        )
        for measure in COUNTRY_MEASURES:
            yield (*dims, measure, format_value(row.get(measure)), "")


def _series(request: str) -> str:
    """The request without its page: the pages of one series share it."""
    if not request:
        return ""
    parts = urlsplit(request)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "page"])
    return urlunsplit(parts._replace(query=query))


def _check_indicator(rows: Sequence[Mapping], asked: str, request: str) -> None:
    """The rows of /indicator/{id} are that indicator's (a mixed-up answer is not)."""
    got = {_nested(r, "indicator", "id").upper() for r in rows if isinstance(r, Mapping)}
    if got - {asked.upper()}:
        raise WorldBankFormatError(
            f"{request} asks for {asked} but answers {', '.join(sorted(got))}"
        )


def _check_complete(series: Mapping[str, dict]) -> None:
    """Each series holds pages 1..pages and `total` rows."""
    for request, s in series.items():
        pages, total = s["pages_total"]
        # An empty answer says page 0 (or 1) of 0 pages.
        empty = pages == 0 and len(s["pages"]) == 1 and s["pages"] <= {0, 1}
        if s["pages"] != set(range(1, pages + 1)) and not empty:
            missing = sorted(set(range(1, pages + 1)) - s["pages"])
            raise WorldBankFormatError(
                f"{request or 'the answer'}: pages {missing} of {pages} are missing"
            )
        if s["rows"] != total:
            raise WorldBankFormatError(f"{request}: {s['rows']} rows, meta total {total}")


def parse_parts(
    parts: Sequence[Part], *, all_pages: bool = True, indicator: str | None = None
) -> tuple[str, list[str], Iterator[tuple[str, ...]]]:
    """(kind, dimension names, long rows) of the answers of one payload.

    Every answer must be of the same kind; with `all_pages`, each series (a request
    without its page) must hold pages 1..pages and `total` rows, so a payload that
    lost a page is never loaded as if complete. `indicator` keeps that indicator's
    rows only and names it in error messages."""
    if not parts:
        raise WorldBankFormatError("the payload holds no answer")
    kinds: set[str] = set()
    bodies: list[list] = []
    series: dict[str, dict] = {}
    for part in parts:
        asked = indicator_in(part.request)
        meta, rows = split_answer(part.body, indicator=asked or indicator)
        check_page(meta, rows)
        kinds.add(kind_of(meta, rows))
        if asked and rows:
            _check_indicator(rows, asked, part.request)
        bodies.append(rows)
        pages_total = (_int(meta, "pages"), _int(meta, "total"))
        s = series.setdefault(
            _series(part.request), {"pages": set(), "rows": 0, "pages_total": pages_total}
        )
        page = _int(meta, "page")
        if page in s["pages"]:
            raise WorldBankFormatError(f"page {page} occurs twice in {part.request or 'the file'}")
        if pages_total != s["pages_total"]:
            raise WorldBankFormatError(f"the pages of {part.request} disagree on pages/total")
        s["pages"].add(page)
        s["rows"] += len(rows)
    if len(kinds) > 1:
        raise WorldBankFormatError("the payload mixes indicator observations and economies")
    if all_pages:
        _check_complete(series)
    (kind,) = kinds
    all_rows = (row for rows in bodies for row in rows)
    if kind == INDICATORS:
        out = indicator_rows(all_rows)
        if indicator:
            out = (r for r in out if r[3] == indicator)
        return kind, list(INDICATOR_DIMENSIONS), out
    return kind, list(COUNTRY_DIMENSIONS), country_rows(all_rows)
