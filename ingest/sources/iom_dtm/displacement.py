"""IOM DTM API v3 answers (and the HXL CSV that HDX publishes from them) as long rows.

Every endpoint answers with one envelope:

    {"result": [...records...], "statusCode": 200, "isSuccess": true,
     "errorMessages": [], "totalRecordsCount": 114}

A record of the admin levels carries up to three numbers (`numPresentIdpInd`,
`numberMales`, `numberFemales`): each field the record has becomes one long row with
the field's name as `measure`, even when it is null (value ''), so a missing sex
breakdown stays visible. A reference list (countries, operations) has no number: one
row per entry, `measure` = the list's name, value and flag empty.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from ingest.payload import Part
from ingest.sources.iom_dtm.datasets import DATASETS, MEASURES, IomDtmDataset, snake

log = logging.getLogger(__name__)


class IomDtmError(ValueError):
    """A document that is not a usable DTM answer."""


class UnknownShapeError(IomDtmError):
    """Neither a DTM envelope of a known endpoint nor HDX's HXL CSV of one."""


class StructureChangedError(IomDtmError):
    """The answer's records are not the ones the raw table was built for."""


class IncompleteAnswerError(IomDtmError):
    """The envelope announces more records than it holds."""


class IomDtmApiError(IomDtmError, RuntimeError):
    """An error answer: HTTP error, `isSuccess: false` or `errorMessages`, or the API
    gateway's own error body. (A ValueError too, so `mwh parse` reports a saved one.)"""

    def __init__(self, status: int | str | None, message: str):
        self.status = status
        self.message = message
        super().__init__(f"IOM DTM API error {status}: {message}")


# ---------- envelopes


def _messages(value: Any) -> list[str]:
    if value in (None, "", [], {}):
        return []
    items = value if isinstance(value, list) else [value]
    return [str(m.get("message", m) if isinstance(m, Mapping) else m).strip() for m in items]


def raise_for_error_body(doc: Any) -> None:
    """Turn the API's error answers (also those sent with HTTP 200) into IomDtmApiError."""
    if not isinstance(doc, Mapping):
        return
    status = doc.get("statusCode")
    if "isSuccess" in doc or "errorMessages" in doc:
        messages = _messages(doc.get("errorMessages"))
        if doc.get("isSuccess") is False or messages:
            raise IomDtmApiError(status, "; ".join(messages) or "isSuccess is false, no message")
        return
    if "result" not in doc:
        # The API gateway's own answers: {"statusCode": 401, "message": "Access denied
        # due to missing subscription key..."}, or {"error": {"code", "message"}}.
        message = _messages(doc.get("message")) or _messages(doc.get("error"))
        if message:
            raise IomDtmApiError(status or "error", "; ".join(message))


def records(body: Any) -> list[Mapping[str, Any]]:
    """The records of one answer: the envelope's `result` (or a bare list of records)."""
    raise_for_error_body(body)
    if isinstance(body, list):
        result = body
    elif isinstance(body, Mapping) and isinstance(body.get("result"), list):
        result = body["result"]
        total = body.get("totalRecordsCount")
        if isinstance(total, int) and not isinstance(total, bool) and len(result) < total:
            # No pages in v3: fewer records than announced means a cut-off answer.
            raise IncompleteAnswerError(
                f"the answer announces {total} records (totalRecordsCount) but holds {len(result)}"
            )
    else:
        raise UnknownShapeError(
            "not a DTM API answer: expected an envelope with a `result` list "
            "(and statusCode, isSuccess, errorMessages)"
        )
    for i, rec in enumerate(result):
        if not isinstance(rec, Mapping):
            raise UnknownShapeError(f"result[{i}] is not a record: {str(rec)[:80]!r}")
    return result


# ---------- which endpoint


def detect(record: Mapping[str, Any]) -> IomDtmDataset:
    """The dataset a record belongs to, from the fields that only its endpoint sends."""
    keys = record.keys()
    if any(m in keys for m in MEASURES):
        for level in (2, 1, 0):
            if f"admin{level}Pcode" in keys or f"admin{level}Name" in keys:
                return DATASETS[f"displacement_admin{level}"]
    elif "operationStatus" in keys and "operation" in keys:
        return DATASETS["operation_list"]
    elif "admin0Pcode" in keys and "operation" not in keys:
        return DATASETS["country_list"]
    raise UnknownShapeError(
        f"a record with fields {sorted(keys)[:12]} matches no DTM endpoint "
        f"({', '.join(d.endpoint for d in DATASETS.values())})"
    )


def dataset_for_request(url: str) -> IomDtmDataset | None:
    """The dataset a request asked for, from its path (`.../v3/displacement/admin1?...`)."""
    path = urlsplit(url).path.rstrip("/")
    for ds in DATASETS.values():
        if path.endswith("/" + ds.endpoint):
            return ds
    return None


# ---------- values


_PLAIN = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}([, \u00a0][0-9]{3})+(\.[0-9]+)?")


def format_value(v: Any) -> tuple[str, str]:
    """(value, flag): the number as plain decimal text, '' when there is none; a text
    that is not a number is kept as the flag, so it stays distinct from 0."""
    if v is None:
        return "", ""
    if isinstance(v, bool):  # a bool is an int in Python: not a count
        return "", str(v).lower()
    if isinstance(v, int):
        return str(v), ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return "", str(v)
        return format(Decimal(repr(v)), "f"), ""
    text = str(v).strip()
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[, \u00a0]", "", text)
    if _PLAIN.fullmatch(text):
        return text.removeprefix("+"), ""
    return "", text


def _text(v: Any) -> str | None:
    """A dimension as text: strings as sent, numbers as plain decimals, null as null."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return format_value(v)[0] or str(v)
    return str(v)


# ---------- rows


def record_rows(
    ds: IomDtmDataset,
    rec: Mapping[str, Any],
    measures: Sequence[str] | None = None,
    list_measure: str | None = None,
) -> Iterator[tuple[str | None, ...]]:
    """The long rows of one record, in `ds.columns` order."""
    dims = tuple(_text(rec.get(f)) for f in ds.fields)
    if not ds.measures:
        yield (*dims, list_measure or ds.name, "", "")
        return
    for m in measures or ds.measures:
        if m in rec:  # a field the record lacks is no observation; a null one is
            yield (*dims, m, *format_value(rec[m]))


def _check_fields(ds: IomDtmDataset, recs: Iterable[Mapping[str, Any]], where: str) -> None:
    """Each record must be of `ds`'s endpoint. Fields the raw table has no column for are
    reported (they are not stored): a new measure needs a new column."""
    known = set(ds.fields) | set(ds.measures)
    unknown: set[str] = set()
    for i, rec in enumerate(recs):
        found = detect(rec)
        if found.name != ds.name:
            raise StructureChangedError(
                f"{where}result[{i}] is a {found.name} record, not {ds.name} "
                f"(fields {sorted(rec)[:12]})"
            )
        unknown.update(rec.keys() - known)
    if unknown:
        log.warning(
            "%s: %sfields %s are not in the raw table and are not stored; declare them in "
            "ingest/sources/iom_dtm/datasets.py if they carry figures",
            ds.key, where, sorted(unknown),
        )  # fmt: skip


def parts_rows(
    ds: IomDtmDataset, parts: Sequence[Part], *, measure: str | None = None
) -> Iterator[tuple[str | None, ...]]:
    """Long rows of every part of a payload, in order. Error answers, cut-off answers and
    records of another endpoint raise before any row is produced."""
    measures, list_measure = _measure_choice(ds, measure)
    checked = []
    for n, part in enumerate(parts, start=1):
        where = f"part {n} ({part.request}): " if part.request else ""
        try:
            recs = records(part.body)
        except IomDtmApiError as exc:
            raise IomDtmApiError(exc.status, f"{where}{exc.message}") from exc
        asked = dataset_for_request(part.request) if part.request else None
        if asked is not None and asked.name != ds.name:
            raise StructureChangedError(f"{where}answers {asked.endpoint}, not {ds.endpoint}")
        _check_fields(ds, recs, where)
        checked.append(recs)

    def generate() -> Iterator[tuple[str | None, ...]]:
        for recs in checked:
            for rec in recs:
                yield from record_rows(ds, rec, measures, list_measure)

    return generate()


def _measure_choice(
    ds: IomDtmDataset, measure: str | None
) -> tuple[Sequence[str] | None, str | None]:
    """`--measure`: for the admin levels, keep that one field; for a list, its name."""
    if measure is None:
        return None, None
    if not ds.measures:
        return None, measure
    if measure not in ds.measures:
        raise IomDtmError(f"{ds.name} has the measures {', '.join(ds.measures)}; not {measure!r}")
    return (measure,), None


def dataset_of(parts: Sequence[Part]) -> IomDtmDataset:
    """Which dataset a saved payload holds: from the request paths when they are known,
    else from its records' fields. Error answers raise here."""
    found: set[str] = set()
    for part in parts:
        recs = records(part.body)
        asked = dataset_for_request(part.request) if part.request else None
        if asked is not None:
            found.add(asked.name)
        elif recs:
            found.add(detect(recs[0]).name)
    if len(found) > 1:
        raise UnknownShapeError(f"the payload mixes answers of {sorted(found)}")
    if not found:
        raise UnknownShapeError(
            "the answer has no records, so which endpoint it came from cannot be told"
        )
    return DATASETS[found.pop()]


# ---------- HDX's HXL CSV


def _is_hashtag_row(row: Sequence[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def parse_hxl_csv(
    text: str, *, measure: str | None = None
) -> tuple[list[str], Iterator[tuple[str, ...]]]:
    """HDX's `global-iom-dtm-from-api` CSV: the API's records of every admin level in one
    table (with `adminLevel` and `operationStatus` added), a row of HXL hashtags under
    the header. Every measure cell is a row, empty ones too; other columns are
    dimensions (snake_case, as the raw tables name them)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or "admin0Pcode" not in header or not set(MEASURES) & set(header):
        raise UnknownShapeError(
            "not a DTM CSV: the header needs admin0Pcode and at least one of " + ", ".join(MEASURES)
        )
    if measure is not None and measure not in header:
        raise IomDtmError(f"the CSV has no column {measure!r}")
    wanted = {measure} if measure else set(MEASURES)
    dim_idx = [i for i, h in enumerate(header) if h not in MEASURES]
    measure_idx = [(i, h) for i, h in enumerate(header) if h in wanted]
    body = []
    for line, row in enumerate(reader, start=2):
        if _is_hashtag_row(row) or not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise IomDtmError(f"CSV line {line}: {len(row)} cells, the header has {len(header)}")
        body.append(row)

    def generate() -> Iterator[tuple[str, ...]]:
        for row in body:
            dims = tuple(row[i] for i in dim_idx)
            for i, name in measure_idx:
                yield (*dims, name, *format_value(row[i]))

    return [snake(header[i]) for i in dim_idx], generate()
