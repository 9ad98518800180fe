"""The Missing Migrants Project CSV export as long rows: one row per entry and number field.

IOM publishes the whole database as one CSV (`Missing_Migrants_Global_Figures_allData.csv`).
Two headers are known and both are read onto the current column names:

* `current` - the 25-column export (Main ID, Incident ID, Incident Type, ..., Source Quality);
* `legacy_2020` - the export as it was until about 2020 (Web ID, Reported Date '13-Jan-20',
  Number Dead, Location Description, latitude, longitude, ...). `LEGACY_2020` below is the
  mapping table; what the legacy file lacks is None (NULL in raw: "not sent"), which stays
  distinct from '' (sent, but empty).

One entry (row) is one `Main ID`. A "Split Incident" entry lists the incident IDs it joins in
one cell ("2022.MMP002921814,2022.MMP002921815"), so `Incident ID` is not an atomic key; the
legacy `Web ID` was that entry identifier too. Each entry gives one long row per number
field (`MEASURES`), blanks included, so the rows received are always entries x 7.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)


class MmpFormatError(ValueError):
    """Content that is not a Missing Migrants export we can read."""


class UnknownHeaderError(MmpFormatError):
    """A CSV whose header is neither the current nor the legacy export's."""


class ErrorPageError(MmpFormatError):
    """An HTML page or a JSON error body where the CSV export was expected."""


# measure (our name) -> the current export's column; the order of the long rows.
MEASURES: dict[str, str] = {
    "number_dead": "Number of Dead",
    "number_missing": "Minimum Estimated Number of Missing",
    "total_dead_and_missing": "Total Number of Dead and Missing",
    "number_survivors": "Number of Survivors",
    "number_females": "Number of Females",
    "number_males": "Number of Males",
    "number_children": "Number of Children",
}

# The descriptive fields, in the current export's order, then which header the file had.
DIMENSIONS: tuple[str, ...] = (
    "main_id", "incident_id", "incident_type", "region_of_incident", "incident_date",
    "incident_year", "month", "country_of_origin", "region_of_origin", "cause_of_death",
    "country_of_incident", "migration_route", "location_of_incident", "coordinates",
    "unsd_geographical_grouping", "information_source", "url", "source_quality",
    "export_format",
)  # fmt: skip

# The current export: column -> field (a dimension or a measure).
CURRENT: dict[str, str] = {
    "Main ID": "main_id",
    "Incident ID": "incident_id",
    "Incident Type": "incident_type",
    "Region of Incident": "region_of_incident",
    "Incident Date": "incident_date",
    "Incident Year": "incident_year",
    "Month": "month",
    **{column: measure for measure, column in MEASURES.items()},
    "Country of Origin": "country_of_origin",
    "Region of Origin": "region_of_origin",
    "Cause of Death": "cause_of_death",
    "Country of Incident": "country_of_incident",
    "Migration Route": "migration_route",
    "Location of Incident": "location_of_incident",
    "Coordinates": "coordinates",
    "UNSD Geographical Grouping": "unsd_geographical_grouping",
    "Information Source": "information_source",
    "URL": "url",
    "Source Quality": "source_quality",
}

# The legacy export onto the current fields. None: dropped, because `latitude` and
# `longitude` are `Location Coordinates` rounded to fewer digits (checked on the real
# 2020 export: equal to 1e-6 on all 6,339 rows). Not in the legacy file, hence None in
# raw: incident_id, incident_type, country_of_origin, region_of_origin, country_of_incident.
LEGACY_2020: dict[str, str | None] = {
    "Web ID": "main_id",  # the entry identifier of the old website ("Main ID + Incident ID")
    "Region of Incident": "region_of_incident",  # older vocabulary, e.g. "US-Mexico Border"
    "Reported Date": "incident_date",  # '13-Jan-20', written as ISO 2020-01-13
    "Reported Year": "incident_year",
    "Reported Month": "month",  # 'Jan', written as January
    "Number Dead": "number_dead",
    "Minimum Estimated Number of Missing": "number_missing",
    "Total Dead and Missing": "total_dead_and_missing",
    "Number of Survivors": "number_survivors",
    "Number of Females": "number_females",
    "Number of Males": "number_males",
    "Number of Children": "number_children",
    "Cause of Death": "cause_of_death",  # older, finer vocabulary ("Presumed drowning")
    "Location Description": "location_of_incident",
    "Information Source": "information_source",
    "Location Coordinates": "coordinates",
    "latitude": None,
    "longitude": None,
    "Migration Route": "migration_route",
    "URL": "url",
    "UNSD Geographical Grouping": "unsd_geographical_grouping",
    "Source Quality": "source_quality",
}

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_BY_ABBR = {m[:3].lower(): m for m in MONTHS}
_LEGACY_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{2})")
_GROUPED = re.compile(r"\d{1,3}(?:[, ]\d{3})+")
_INTEGRAL = re.compile(r"(\d+)\.0+")


def _as_is(text: str) -> str:
    return text


def _legacy_date(text: str) -> str:
    """'13-Jan-20' -> '2020-01-13'. The project starts in 2014, so the century is 20.
    Anything else is kept as sent: the quality gate quarantines it with its reason."""
    m = _LEGACY_DATE.fullmatch(text.strip())
    month = _MONTH_BY_ABBR.get(m.group(2).lower()) if m else None
    if not month:
        return text
    try:
        day = dt.date(2000 + int(m.group(3)), MONTHS.index(month) + 1, int(m.group(1)))
    except ValueError:  # e.g. 31-Feb-19
        return text
    return day.isoformat()


def _legacy_month(text: str) -> str:
    return _MONTH_BY_ABBR.get(text.strip().lower(), text)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    columns: dict[str, str | None]  # column -> field; None: dropped
    date: Callable[[str], str] = _as_is  # incident_date as ISO
    month: Callable[[str], str] = _as_is  # month as its full English name


FORMATS = (
    ExportFormat("current", dict(CURRENT)),
    ExportFormat("legacy_2020", LEGACY_2020, date=_legacy_date, month=_legacy_month),
)


def _norm(name: str) -> str:
    # Headers compare without case, BOM or repeated spaces ("Incident year" occurs).
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def detect_format(header: list[str]) -> ExportFormat:
    """The export format whose columns are exactly `header` (in any order)."""
    names = [_norm(h) for h in header]
    duplicated = sorted({h for h, n in zip(header, names, strict=True) if names.count(n) > 1})
    if duplicated:
        raise UnknownHeaderError(f"the header repeats columns: {', '.join(duplicated)}")
    given = set(names)
    for fmt in FORMATS:
        if given == {_norm(c) for c in fmt.columns}:
            return fmt
    # Name the differences to the closest known header, so the message says what changed.
    closest = max(FORMATS, key=lambda f: len(given & {_norm(c) for c in f.columns}))
    missing = [c for c in closest.columns if _norm(c) not in given]
    unknown = [
        h for h, n in zip(header, names, strict=True) if n not in map(_norm, closest.columns)
    ]
    raise UnknownHeaderError(
        f"unknown Missing Migrants Project header ({len(header)} columns); closest to the "
        f"{closest.name} export ({len(closest.columns)} columns): "
        f"missing {missing or 'none'}, unknown {unknown or 'none'}"
    )


def decode(content: bytes) -> str:
    """UTF-8 with or without a BOM; else Windows-1252 (a legacy export saved by Excel)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise MmpFormatError(f"the file is neither UTF-8 nor Windows-1252: {exc2}") from exc
        log.warning(
            "the export is not UTF-8 (byte %r at offset %s): decoded as Windows-1252",
            content[exc.start : exc.start + 1], exc.start,
        )  # fmt: skip
        return text


def error_page(text: str) -> str | None:
    """What an HTML page or a JSON body says, when the content is one rather than a CSV."""
    head = text[:20000].lstrip()
    if head.startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", head, re.S | re.I)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", head, re.S | re.I)
        said = (title or h1).group(1) if (title or h1) else head[:200]
        return "an HTML page: " + " ".join(html.unescape(re.sub(r"<[^>]+>", " ", said)).split())
    if head.startswith(("{", "[")):
        return "a JSON body: " + " ".join(head[:300].split())
    return None


def normalise_number(text: str) -> str:
    """A count as plain digits: '' stays '', '1,022' and '1 022' lose their separators,
    '12.0' (a spreadsheet's float) becomes '12'. Anything else is kept as sent, so the
    quality gate quarantines it with its reason instead of a guess here."""
    s = text.strip().replace("\u00a0", " ")
    if _GROUPED.fullmatch(s):
        return s.replace(",", "").replace(" ", "")
    m = _INTEGRAL.fullmatch(s)
    return m.group(1) if m else s


def parse(content: bytes, measure: str | None = None) -> tuple[list[str], Iterator[tuple]]:
    """(dimension names, long rows (*dimensions, measure, value, flag)) of an export.
    `measure` keeps only that number field. The header is checked before returning."""
    if measure is not None and measure not in MEASURES:
        raise MmpFormatError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")
    text = decode(content)
    if not text.strip():
        raise MmpFormatError("the export is empty")
    page = error_page(text)
    if page:
        raise ErrorPageError(f"expected the Missing Migrants CSV export, got {page}")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    fmt = detect_format(header)
    positions = [(i, fmt.columns[c]) for c, i in _positions(fmt, header).items()]
    measures = [measure] if measure else list(MEASURES)
    return list(DIMENSIONS), _rows(reader, fmt, positions, len(header), measures)


def _positions(fmt: ExportFormat, header: list[str]) -> dict[str, int]:
    by_norm = {_norm(h): i for i, h in enumerate(header)}
    return {c: by_norm[_norm(c)] for c in fmt.columns}


def _rows(reader, fmt: ExportFormat, positions, width: int, measures: list[str]):
    for record in reader:
        if not record:
            continue  # a blank line (e.g. the file's trailing newline)
        if len(record) != width:
            raise MmpFormatError(
                f"line {reader.line_num}: {len(record)} fields, the header has {width} "
                "(a truncated download or a broken quote?)"
            )
        fields: dict[str, str | None] = dict.fromkeys(DIMENSIONS)
        for i, field in positions:
            if field is not None:
                fields[field] = record[i]
        fields["incident_date"] = fmt.date(fields["incident_date"])
        fields["month"] = fmt.month(fields["month"])
        fields["export_format"] = fmt.name
        dims = tuple(fields[d] for d in DIMENSIONS)
        for m in measures:
            yield (*dims, m, normalise_number(fields[m]), "")
