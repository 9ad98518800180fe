"""Reading one cell of a submitted file: local date and number formats to one canonical
text per type, so raw holds values every check and model reads the same way.

A value that cannot be read raises CellError with a readable reason; the row keeps the
original text and the reason (the quality gate quarantines it). A value that reads
but is not allowed (a negative count, an unknown code) is the quality gate's to judge.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from ingest.submissions.datasets import Column


class CellError(ValueError):
    """A cell's text is not a value of its column's type."""


def header_key(text: str) -> str:
    """A header cell as matched against names and aliases: case, spacing, underscores,
    hyphens, a BOM and surrounding quotes do not matter."""
    text = text.replace("\ufeff", "").strip().strip("\"'").casefold()
    return re.sub(r"[\s_\-]+", "_", text).strip("_")


def choice_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())


# Dates as written in the region: ISO, day first with dots (an optional final dot, as
# in 31.03.2025.), slashes or hyphens, and year first with slashes.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\.?$")
_YEAR_SLASH = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})\.?$")


def parse_date(value: object) -> str:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(f"{value.isoformat(sep=' ')} has a time of day; write the date only")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        raise CellError(f"{value!r} is a number, not a date (format the cell as a date)")
    text = str(value).strip()
    if m := _ISO.match(text) or _YEAR_SLASH.match(text):
        y, mo, d = m.groups()
    elif m := _DAY_FIRST.match(text):
        d, mo, y = m.groups()
        y = f"20{y}" if len(y) == 2 else y
    else:
        raise CellError(f"{text!r} is not a date; write 2025-03-31 or 31.03.2025")
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        raise CellError(f"{text!r} is not a calendar date") from None


# Thousands separators: spaces (also no-break and narrow no-break) and apostrophes.
_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _canonical_number(text: str) -> str:
    """`text` with one decimal point and no grouping, or CellError. Where both `.` and `,`
    appear the last is the decimal separator; one separator repeated groups thousands; a
    single separator followed by exactly three digits could be either, so it is refused
    rather than guessed (250.000 is 250 to some and 250000 to others)."""
    s = _GROUPING.sub("", text)
    if "." in s and "," in s:
        decimal, grouping = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
        s = s.replace(grouping, "").replace(decimal, ".")
    elif s.count(",") > 1 or s.count(".") > 1:
        sep = "," if "," in s else "."
        if not re.fullmatch(rf"-?\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", s):
            raise CellError(f"{text!r} is not a number")
        s = s.replace(sep, "")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        if re.fullmatch(rf"-?\d{{1,3}}{re.escape(sep)}\d{{3}}", s):
            raise CellError(
                f"{text!r} is ambiguous (a decimal or a thousands separator?): "
                f"write {s.replace(sep, '')} or {s.replace(sep, '')},00"
            )
        s = s.replace(",", ".")
    if not _NUMBER.match(s):
        raise CellError(f"{text!r} is not a number")
    return s


def _from_cell_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_count(value: object) -> str:
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        text = _from_cell_number(value)
    else:
        raw = str(value).strip()
        if re.fullmatch(r"-?\d+", raw):  # the common case, without the general parser
            return str(int(raw))
        # In a count a lone separator before three digits can only group thousands.
        grouped = re.fullmatch(r"(-?\d{1,3})[.,](\d{3})", _GROUPING.sub("", raw))
        text = "".join(grouped.groups()) if grouped else _canonical_number(raw)
    whole, _, fraction = text.partition(".")
    if fraction.strip("0"):
        raise CellError(f"{value!r} is not a whole number")
    return str(int(whole))


def parse_amount(value: object) -> str:
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not an amount")
    if isinstance(value, int | float):
        return _from_cell_number(value)
    return _canonical_number(str(value).strip())


def parse_code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value)).upper()


def parse_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def choice_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling (canonical value and aliases, any case) -> canonical."""
    lookup = {}
    for canonical, aliases in column.choices.items():
        for spelling in (canonical, *aliases):
            lookup[choice_key(spelling)] = canonical
    return lookup


PARSERS = {
    "date": parse_date,
    "count": parse_count,
    "amount": parse_amount,
    "code": parse_code,
    "text": parse_text,
}


def cell_reader(column: Column):
    """A function from a cell's value (text from CSV, a typed value from XLSX; never
    empty) to its canonical text. A choice outside the list keeps its text: the quality
    gate names the allowed values."""
    if column.type == "choice":
        lookup = choice_lookup(column)

        def read_choice(value: object) -> str:
            text = parse_text(value)
            return lookup.get(choice_key(text), text)

        return read_choice
    return PARSERS[column.type]
