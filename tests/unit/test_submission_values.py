"""Reading one cell: the local date and number formats, and what is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ingest.submissions.datasets import DATASETS
from ingest.submissions.values import (
    CellError,
    cell_reader,
    header_key,
    parse_amount,
    parse_count,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-31", "2025-03-31"),
        ("31.03.2025", "2025-03-31"),
        ("31.03.2025.", "2025-03-31"),  # the Serbian and Macedonian habit of a final dot
        ("31/3/2025", "2025-03-31"),
        ("31-03-2025", "2025-03-31"),
        ("1.3.25", "2025-03-01"),
        ("2025/03/31", "2025-03-31"),
        ("2025-03-31 00:00:00", "2025-03-31"),
        (datetime(2025, 3, 31), "2025-03-31"),
        (date(2025, 3, 31), "2025-03-31"),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("30.02.2025", "not a calendar date"),
        ("03/31/2025", "not a calendar date"),  # month first is not a regional format
        ("March 2025", "not a date"),
        (45747, "a number, not a date"),
        (datetime(2025, 3, 31, 14, 30), "time of day"),
    ],
)
def test_dates_refused(text, says):
    with pytest.raises(CellError, match=says):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", "12"), ("1 234", "1234"), ("1.234", "1234"), ("1,234", "1234"),
     ("1\u00a0234", "1234"), ("12.0", "12"), ("007", "7"), (3.0, "3"), (15, "15"),
     ("-5", "-5")],
)  # fmt: skip
def test_counts(text, expected):
    # A negative count reads: the quality gate refuses it with its own reason.
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["12,5", "1.5", "abc", "1-2", True])
def test_counts_refused(text):
    with pytest.raises(CellError):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("1234,5", "1234.5"),
     ("250.000,00", "250000.00"), ("1 234 567,89", "1234567.89"), ("1.234.567", "1234567"),
     ("0,5", "0.5"), (1234.5, "1234.5"), (250000, "250000")],
)  # fmt: skip
def test_amounts(text, expected):
    assert parse_amount(text) == expected


def test_a_lone_separator_before_three_digits_is_ambiguous_in_an_amount():
    with pytest.raises(CellError, match="ambiguous"):
        parse_amount("250.000")
    with pytest.raises(CellError, match="ambiguous"):
        parse_amount("250,000")


def test_choices_accept_aliases_in_any_case_and_keep_unknown_text():
    sex = cell_reader(DATASETS["registered_arrivals"].column("sex"))
    assert [sex(v) for v in ("female", "F", " Ž ", "жена", "MALE", "x")] == [
        "F", "F", "F", "F", "M", "U"
    ]  # fmt: skip
    assert sex("woman?") == "woman?"  # the gate names the allowed values


def test_codes_are_trimmed_and_upper_cased():
    code = cell_reader(DATASETS["reception_capacity"].column("facility_id"))
    assert code(" mk-tc-vinojug ") == "MK-TC-VINOJUG"


def test_header_keys_ignore_case_spacing_and_bom():
    assert header_key("\ufeff Report  Date ") == header_key("report_date") == "report_date"
    assert header_key('"Capacity-Beds"') == "capacity_beds"
