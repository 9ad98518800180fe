"""Eurostat time periods as numbers, so a range can be scoped, counted and split.

Eurostat labels monthly periods `YYYY-MM` and annual ones `YYYY` (the `time`
dimension and the `sinceTimePeriod`/`untilTimePeriod` parameters use the same labels).
"""

from __future__ import annotations

from datetime import datetime

FREQUENCIES = ("M", "A")


def _check(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(f"unsupported Eurostat frequency {frequency!r} (known: M, A)")


def index(label: str, frequency: str) -> int:
    """A period label as a number: months since year 0 (M) or the year (A)."""
    _check(frequency)
    try:
        if frequency == "A":
            return int(label)
        year, month = label.split("-")
        if not 1 <= int(month) <= 12:
            raise ValueError
        return int(year) * 12 + int(month) - 1
    except ValueError as exc:
        raise ValueError(f"{label!r} is not a period of frequency {frequency}") from exc


def label(i: int, frequency: str) -> str:
    """The label of period number `i` (the inverse of `index`)."""
    _check(frequency)
    return f"{i:04d}" if frequency == "A" else f"{i // 12:04d}-{i % 12 + 1:02d}"


def of(moment: datetime, frequency: str) -> str:
    """The period a moment falls in."""
    _check(frequency)
    return f"{moment.year:04d}" if frequency == "A" else f"{moment.year:04d}-{moment.month:02d}"


def chunks(first: str, last: str, frequency: str, parts: int) -> list[tuple[str, str]]:
    """[first, last] cut into at most `parts` contiguous ranges of nearly equal length,
    in order; each (since, until) is inclusive, as Eurostat reads them."""
    lo, hi = index(first, frequency), index(last, frequency)
    if hi < lo:
        raise ValueError(f"empty period range {first}..{last}")
    n = hi - lo + 1
    parts = max(1, min(parts, n))
    bounds = [lo + n * k // parts for k in range(parts + 1)]
    return [
        (label(bounds[k], frequency), label(bounds[k + 1] - 1, frequency)) for k in range(parts)
    ]
