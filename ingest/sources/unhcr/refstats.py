"""UNHCR refugee statistics as long rows: API answers, HDX exports, legacy popstats files.

Three shapes reach us, recognised by their content alone:

* **API answers** of `api.unhcr.org/population/v1/<endpoint>/` (population,
  asylum-applications, asylum-decisions, demographics, solutions): `{"page", "maxPages",
  "total", "items": [...]}`, one saved page or several packed into one payload
  (`ingest.payload`). The endpoint is told by the fields of the items.
* **HDX exports** (CSV with a header row, then an HXL hashtag row): the same figures
  with other column names, mapped to the API's field names.
* **Legacy popstats exports** (CSV, no header: asylum country, origin, year, month
  name, value), from the retired popstats.unhcr.org.

Every count becomes one observation (*dimensions, measure, value, flag): `measure` is
the field it belongs to (`refugees`, `dec_rejected`, `f_0_4`, ...). Counts arrive as
numbers, string numbers ("0", "123") and markers: values become plain decimal text;
"-" (not applicable) and "*" (popstats: suppressed, 1 to 4) become value '' with the
marker as flag, so they stay distinct from 0. Anything else is kept as sent, for the
quality gate to quarantine with a reason instead of it being lost here.
"""

from __future__ import annotations

import calendar
import csv
import html
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from ingest.payload import Part, parts
from ingest.sources.unhcr.datasets import BY_ENDPOINT, UnhcrDataset

# Markers UNHCR puts where a number would be: value '' and the marker as flag.
MARKERS = {
    "-": "not applicable (e.g. a population type not collected for that year)",
    "*": "suppressed: 1 to 4 persons (legacy popstats)",
}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
LEGACY_MEASURE = "asylum_applications_monthly"
LEGACY_DIMENSIONS = ("coa_name", "coo_name", "year", "month")
MONTHS = {name: f"{i:02d}" for i, name in enumerate(calendar.month_name) if name}

# The fields that tell an endpoint's items apart; the first match wins (population and
# solutions share returned_refugees and returned_idps, so solutions is told by the others).
SIGNATURES = (
    ("asylum-decisions", {"dec_recognized", "dec_other", "dec_rejected", "dec_closed",
                          "dec_total", "dec_pc"}),
    ("asylum-applications", {"applied", "app_type", "app_pc"}),
    ("demographics", {"pop_type", "f_total", "m_total", "f_0_4", "m_0_4"}),
    ("solutions", {"resettlement", "naturalisation"}),
    ("population", {"refugees", "asylum_seekers", "idps", "stateless", "ooc", "oip", "hst"}),
)  # fmt: skip

# HDX export columns -> the API's field names, so every shape speaks one vocabulary.
HDX_COLUMNS = {
    "Year": "year",
    "ISO3CoO": "coo_iso",
    "ISO3CoA": "coa_iso",
    "ProcedureType": "procedure_type",
    "ApplicationType": "app_type",
    "ApplicationDataType": "app_pc",
    "DecisionType": "dec_level",
    "DecisionDataType": "dec_pc",
    "Applications": "applied",
    "ApplicationAveragePersonsPerCase": "app_avg_persons_per_case",
    "Recognized": "dec_recognized",
    "RecognizedOther": "dec_other",
    "Rejected": "dec_rejected",
    "OtherwiseClosed": "dec_closed",
    "TotalDecided": "dec_total",
    "DecisionsAveragePersonsPerCase": "dec_avg_persons_per_case",
    "REF": "refugees",
    "ASY": "asylum_seekers",
    "IDP": "idps",
    "OOC": "ooc",
    "STA": "stateless",
    "OIP": "oip",
    "HST": "hst",
    # Venezuelans displaced abroad: the category OIP later replaced, with another scope.
    "VDA": "vda",
    "RST": "resettlement",
    "NAT": "naturalisation",
    "RET": "returned_refugees",
    "RDP": "returned_idps",
}
# HXL hashtags of counts (the others are codes, years and labels).
HXL_COUNT_TAGS = ("#affected", "#inneed", "#population", "#value")


class UnhcrError(ValueError):
    """Base of this source's errors (a ValueError: `mwh parse` reports it cleanly)."""


class UnhcrFormatError(UnhcrError):
    """Content that is none of the shapes this source knows."""


class StructureChangedError(UnhcrFormatError):
    """An answer of another endpoint, or with other dimensions, than the dataset's."""


class IncompletePayloadError(UnhcrFormatError):
    """A payload whose pages are not all of pages 1..maxPages of one walk."""


class UnhcrApiError(UnhcrError, RuntimeError):
    """The API answered an error (HTTP status, HTML page or an error body) instead of data."""

    def __init__(self, status: int | None, message: str):
        self.status = status
        self.message = message
        where = f"HTTP {status}" if status else "error body"
        super().__init__(f"UNHCR API error ({where}): {message}")


# ---------------------------------------------------------------- values


def plain_number(number: Decimal) -> str:
    """A number as plain decimal text: 1E+5 -> 100000, 12.50 -> 12.5, -0 -> 0."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def normalise_value(raw: Any) -> tuple[str, str]:
    """(value, flag) for one count as the source sent it."""
    if raw is None:
        return "", ""
    if isinstance(raw, bool):
        return str(raw).lower(), ""  # not a count: the value rule quarantines it
    if isinstance(raw, int):
        return str(raw), ""
    if isinstance(raw, float):
        return (plain_number(Decimal(repr(raw))) if math.isfinite(raw) else str(raw)), ""
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return "", ""
        if text in MARKERS:
            return "", text
        if NUMBER.fullmatch(text):
            return plain_number(Decimal(text)), ""
        return raw, ""
    return json.dumps(raw, ensure_ascii=False), ""


def dimension_text(raw: Any) -> str | None:
    """A code, year or name as text; None stays None (e.g. no ISO3 for that origin)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, str | int | float):
        return str(raw)
    return json.dumps(raw, ensure_ascii=False)


# ---------------------------------------------------------------- API answers


def api_error_message(body: Any) -> str | None:
    """The message of an error body (`message`, `error`, `errors`, `detail`), if any."""
    if not isinstance(body, Mapping):
        return None
    for key in ("message", "error", "errors", "detail", "title"):
        found = body.get(key)
        if isinstance(found, list):
            found = "; ".join(
                str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in found
            )
        if isinstance(found, Mapping):
            found = found.get("message") or json.dumps(found)
        if found:
            return str(found)
    return None


def html_message(text: str) -> str:
    """What an HTML error page says: its title, else its text, shortened."""
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    found = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(found).split())[:300] or "an HTML page"


def check_page(body: Any) -> Mapping:
    """One API answer, or a clear error: an error body raises UnhcrApiError, any other
    shape UnhcrFormatError."""
    if isinstance(body, Mapping) and isinstance(body.get("items"), list):
        return body
    message = api_error_message(body)
    if message:
        raise UnhcrApiError(None, message)
    shape = f"an object with keys {sorted(body)[:8]}" if isinstance(body, Mapping) else (
        f"a JSON {type(body).__name__}"
    )  # fmt: skip
    raise UnhcrFormatError(
        f"not a UNHCR Refugee Statistics API answer: expected an object with `items`, got {shape}"
    )


def endpoint_of_request(request: str) -> str | None:
    """The endpoint a request URL asked, e.g. .../population/v1/solutions/?... -> solutions."""
    segments = [s for s in urlsplit(request).path.split("/") if s]
    return next((s for s in reversed(segments) if s in BY_ENDPOINT), None)


def endpoint_of_items(items: Iterable[Mapping]) -> str | None:
    fields: set[str] = set()
    for item in items:
        if isinstance(item, Mapping):
            fields.update(item)
    return next((endpoint for endpoint, sig in SIGNATURES if fields & sig), None)


def endpoint_of(pages: Sequence[Part]) -> str | None:
    """The endpoint every page answers, by its items' fields (else its request URL); None
    when nothing tells (no items, no URL). Pages of different endpoints are an error."""
    found = set()
    for part in pages:
        endpoint = endpoint_of_items(part.body["items"]) or endpoint_of_request(part.request)
        if endpoint:
            found.add(endpoint)
    if len(found) > 1:
        raise StructureChangedError(f"the pages answer different endpoints: {sorted(found)}")
    return found.pop() if found else None


def api_pages(content: bytes | str | Any) -> list[Part]:
    """The checked API answers of a payload (packed pages or one saved answer)."""
    try:
        found = parts(content)
    except (ValueError, KeyError, TypeError) as exc:
        raise UnhcrFormatError(f"not a UNHCR API payload: {exc}") from exc
    return [Part(p.request, check_page(p.body)) for p in found]


def _page_number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_complete(pages: Sequence[Part]) -> None:
    """A payload to load must hold every page of one walk: 1..maxPages, in order, with one
    maxPages (a change means the data changed while paging)."""
    numbers = [_page_number(p.body.get("page")) for p in pages]
    totals = {_page_number(p.body.get("maxPages")) for p in pages}
    if None in numbers or None in totals:
        return  # not paged (no page/maxPages): nothing to check against
    if len(totals) > 1:
        raise IncompletePayloadError(f"pages disagree on maxPages: {sorted(totals)}")
    (max_pages,) = totals
    expected = list(range(1, max(max_pages, 1) + 1))
    if numbers != expected:
        raise IncompletePayloadError(
            f"the payload holds pages {numbers}, a complete answer pages {expected[:3]}"
            f"{'...' if len(expected) > 3 else ''} (maxPages {max_pages})"
        )


def item_observations(
    items: Iterable[Any], dimensions: Sequence[str]
) -> Iterator[tuple[str | None, ...]]:
    """Every field of an item that is not a dimension is a count: one observation each,
    in the order the API sends them (a new field is a new measure, not lost)."""
    dims = set(dimensions)
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise UnhcrFormatError(f"item {n} is a {type(item).__name__}, not an object")
        key = tuple(dimension_text(item.get(d)) for d in dimensions)
        for field, raw in item.items():
            if field not in dims:
                yield (*key, field, *normalise_value(raw))


def api_rows(ds: UnhcrDataset, content: bytes) -> Iterator[tuple[str | None, ...]]:
    """A payload of `ds`'s endpoint as rows in `ds.columns` order. Checked before the
    first row: the endpoint, and that every page of the walk is there."""
    pages = api_pages(content)
    endpoint = endpoint_of(pages)
    if endpoint not in (None, ds.endpoint):
        raise StructureChangedError(
            f"unhcr/{ds.name}: the payload answers the {endpoint} endpoint, not {ds.endpoint}"
        )
    check_complete(pages)
    return item_observations((i for p in pages for i in p.body["items"]), ds.dimensions)


def parse_api(doc: Any, measure: str | None) -> tuple[list[str], Iterator]:
    pages = api_pages(doc)
    if measure:
        raise UnhcrFormatError(
            "--measure does not apply to UNHCR API answers: each count is named by its field"
        )
    endpoint = endpoint_of(pages)
    if endpoint is None:
        raise UnhcrFormatError(
            "cannot tell which UNHCR endpoint this answer comes from: it has no items "
            "and no request URL"
        )
    items = [i for p in pages for i in p.body["items"]]
    seen = {f for i in items if isinstance(i, Mapping) for f in i}
    declared = BY_ENDPOINT[endpoint].dimensions
    # The dimensions the answer has (demographics has pop_type only with ptype_show).
    dims = [d for d in declared if d in seen] if items else list(declared)
    return dims, item_observations(items, dims)


# ---------------------------------------------------------------- CSV exports


def _is_hxl_row(row: Sequence[str]) -> bool:
    cells = [c.strip() for c in row]
    return any(cells) and all(not c or c.startswith("#") for c in cells)


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()).strip(
        "_"
    )


def _is_count_tag(tag: str) -> bool:
    tag = tag.strip().lower()
    base, *attributes = tag.split("+")
    return base in HXL_COUNT_TAGS or "num" in attributes


def parse_hdx(rows: list[list[str]]) -> tuple[list[str], Iterator]:
    """An HDX export: header row, HXL hashtag row, data. Counts are the columns tagged
    #affected/#inneed or +num; the others are dimensions."""
    header, tags = rows[0], rows[1]
    names = [HDX_COLUMNS.get(h.strip(), _snake(h)) for h in header]
    tags = [*tags, *[""] * (len(header) - len(tags))]
    counts = [i for i, t in enumerate(tags) if _is_count_tag(t)]
    dim_index = [i for i in range(len(header)) if i not in counts]
    if not counts:
        raise UnhcrFormatError("HDX export without a count column (#affected, #inneed, +num)")

    def observations() -> Iterator[tuple[str, ...]]:
        for line, row in enumerate(rows[2:], start=3):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise UnhcrFormatError(
                    f"line {line}: {len(row)} fields, the header has {len(header)}"
                )
            key = tuple(row[i] for i in dim_index)
            for i in counts:
                yield (*key, names[i], *normalise_value(row[i]))

    return [names[i] for i in dim_index], observations()


def _is_legacy_row(row: Sequence[str]) -> bool:
    return (
        len(row) == 5
        and re.fullmatch(r"\d{4}", row[2].strip()) is not None
        and row[3].strip() in MONTHS
    )


def legacy_start(rows: list[list[str]]) -> int | None:
    """Where the data of a popstats export starts: at once (the preamble removed), or
    after its preamble and header row `Country / territory of asylum/residence, ...`."""
    for i, row in enumerate(rows[:12]):
        if _is_legacy_row(row):
            return i
        if row and row[0].strip().lower().startswith("country / territory of asylum"):
            return i + 1
    return None


def parse_legacy(rows: list[list[str]], start: int, measure: str | None):
    """popstats monthly asylum applications: asylum country, origin, year, month, value."""

    def observations() -> Iterator[tuple[str, ...]]:
        for line, row in enumerate(rows[start:], start=start + 1):
            if not any(c.strip() for c in row):
                continue
            if not _is_legacy_row(row):
                raise UnhcrFormatError(
                    f"line {line}: expected asylum country, origin, year, month name, value; "
                    f"got {row!r}"
                )
            coa, coo, year, month, value = row
            yield (coa, coo, year.strip(), MONTHS[month.strip()], measure or LEGACY_MEASURE,
                   *normalise_value(value))  # fmt: skip

    return list(LEGACY_DIMENSIONS), observations()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older exports were written in the Windows code page.
        return content.decode("cp1252", errors="replace")


def parse_saved(content: bytes, measure: str | None = None) -> tuple[list[str], Iterator]:
    """A saved UNHCR file as (dimension names, long rows), whatever its shape."""
    text = _decode(content) if isinstance(content, bytes) else str(content)
    head = text.lstrip()
    if head.startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise UnhcrFormatError(f"invalid JSON: {exc}") from exc
        return parse_api(doc, measure)
    if head.startswith("<"):
        raise UnhcrApiError(None, f"an HTML page, not data: {html_message(head)}")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) >= 2 and _is_hxl_row(rows[1]):
        if measure:
            raise UnhcrFormatError("--measure does not apply to HDX exports: columns name counts")
        return parse_hdx(rows)
    start = legacy_start(rows)
    if start is not None:
        return parse_legacy(rows, start, measure)
    raise UnhcrFormatError(
        "not a UNHCR file this parser knows: an API answer (JSON with `items`), an HDX "
        "export (header + HXL hashtag row) or a popstats export (asylum country, origin, "
        "year, month, value)"
    )
