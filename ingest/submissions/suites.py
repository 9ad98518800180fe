"""The GX suites of the submitted datasets, written from their column dictionaries so a
column's checks never drift from its template: `python -m ingest.submissions.suites`
rewrites expectations/submissions__<dataset>.json (a test checks they are current).

What each column gets: required -> not null; a date, count or amount -> its canonical
form (the parser wrote it, or left the text it could not read); a choice -> its
allowed values; a code with a reference list -> the seed's codes; text -> no formula
start; every column -> a length bound. Per dataset: the natural key unique in the file,
the cross-column rules below, and every row's parse_error empty. Blocking rules
quarantine the failing rows; warnings are reported only.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.config import EXPECTATIONS_DIR
from ingest.submissions.datasets import DATASETS, FILE_ROW, PARSE_ERROR, TYPES, SubmissionDataset

FORMS = {
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date"),
    "count": (r"^[0-9]+$", "a count is a whole number, 0 or more"),
    "amount": (r"^[0-9]+(\.[0-9]+)?$", "an amount is a number, 0 or more"),
}
CURRENCIES = [
    "ALL",
    "BAM",
    "BGN",
    "CHF",
    "CZK",
    "EUR",
    "GBP",
    "HUF",
    "MDL",
    "MKD",
    "PLN",
    "RON",
    "RSD",
    "TRY",
    "UAH",
    "USD",
]
# Dates that describe what has happened cannot lie ahead (a typo in the year, mostly).
NOT_IN_FUTURE = {
    "reception_capacity": ("report_date",),
    "registered_arrivals": ("arrival_date",),
    "needs_assessment": ("period_start",),
    "funding": (),
}


# The warehouse's figures start in 2010: an earlier date is a mistyped year, and left in
# it would stretch the file's period over every earlier file of its scope.
EARLIEST_DATE = "2010-01-01"
# OWASP's CSV-injection prefixes: = + @ tab CR, and a minus that a spreadsheet would
# evaluate (-cmd|..., -2+3, -A1); a plain negative number or a lone dash stays text.
FORMULA_REGEX = r"^([=+@\t\r]|-\s*([^0-9.,\s]|[0-9.,]+\s*[-+*/^&=(<>]))"


def _exp(kind: str, kwargs: dict, severity: str, why: str, fix: str | None = None) -> dict:
    meta = {"severity": severity, "why": why}
    if fix:
        meta["fix"] = fix
    return {"type": kind, "kwargs": kwargs, "meta": meta}


def _when_readable(test: str) -> str:
    """`test` only for rows whose cells all parsed: a cast of a cell the parser could
    not read would fail the query (CASE fixes the order PostgreSQL evaluates in)."""
    return f"case when {PARSE_ERROR} is null then {test} end"


def _column_rules(d: SubmissionDataset) -> list[dict]:
    out = []
    for c in d.columns:
        col = {"column": c.name}
        if c.required:
            out.append(
                _exp(
                    "expect_column_values_to_not_be_null",
                    col,
                    "blocking",
                    "a required column",
                    f"fill in {c.name} on every row",
                )
            )
        if c.type in FORMS:
            regex, why = FORMS[c.type]
            out.append(
                _exp(
                    "expect_column_values_to_match_regex",
                    col | {"regex": regex},
                    "blocking",
                    why,
                    TYPES[c.type],
                )
            )
        elif c.type == "choice":
            out.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    col | {"value_set": list(c.choices)},
                    "blocking",
                    "one of the allowed values",
                    f"use one of: {', '.join(c.choices)}",
                )
            )
        elif c.type == "code" and c.reference:
            lists = " or ".join(r.split(".")[0] for r in c.reference)
            out.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    col | {"value_set": {"seeds": list(c.reference)}},
                    "blocking",
                    f"a code from the reference list ({lists})",
                    "use the code from the reference list in docs/submissions.md; "
                    "ask the warehouse team to add a missing one",
                )
            )
        elif c.name == "currency":
            out.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    col | {"value_set": CURRENCIES},
                    "blocking",
                    "an ISO 4217 currency code",
                    f"use one of: {', '.join(CURRENCIES)}",
                )
            )
        elif c.name == "nationality":
            out.append(
                _exp(
                    "expect_column_values_to_match_regex",
                    col | {"regex": "^([A-Z]{3}|STLS)$"},
                    "blocking",
                    "an ISO 3166 alpha-3 code (STLS stateless, UNK unknown)",
                    "write the three-letter code, e.g. SYR, AFG",
                )
            )
        if c.type == "text":
            out.append(
                _exp(
                    "expect_column_values_to_not_match_regex",
                    col | {"regex": FORMULA_REGEX},
                    "blocking",
                    "a spreadsheet would run a text starting with = + @ or - as a formula",
                    "remove the leading = + @ or -",
                )
            )
        out.append(
            _exp(
                "expect_column_value_lengths_to_be_between",
                col | {"min_value": 0, "max_value": c.max_length},
                "blocking",
                f"at most {c.max_length} characters",
                f"shorten {c.name} to {c.max_length} characters",
            )
        )
    return out


def _condition(label: str, test: str, reason: str, severity: str, why: str, fix: str) -> dict:
    kwargs = {"label": label, "condition": test, "reason": reason}
    return _exp("expect_row_condition", kwargs, severity, why, fix)


def _row_rules(d: SubmissionDataset) -> list[dict]:
    out = [
        _condition(
            "cells readable",
            f"{PARSE_ERROR} is null",
            PARSE_ERROR,
            "blocking",
            "every cell must be readable as its column's type",
            "correct the cells named in the reason",
        ),
    ]
    for name in NOT_IN_FUTURE[d.name]:
        out.append(
            _condition(
                f"{name} not in the future",
                _when_readable(f"{name}::date <= current_date"),
                f"format('{name} %s is in the future', {name})",
                "blocking",
                "figures describe what has happened",
                f"check the year of {name}",
            )
        )
    for name in dict.fromkeys((*NOT_IN_FUTURE[d.name], *d.period)):
        out.append(
            _condition(
                f"{name} not before {EARLIEST_DATE[:4]}",
                _when_readable(f"{name}::date >= date '{EARLIEST_DATE}'"),
                f"format('{name} %s is before {EARLIEST_DATE[:4]}', {name})",
                "blocking",
                f"the warehouse's figures start in {EARLIEST_DATE[:4]}",
                f"check the year of {name}",
            )
        )
    columns = {c.name for c in d.columns}
    if {"period_start", "period_end"} <= columns:
        out.append(
            _condition(
                "period_end >= period_start",
                _when_readable("period_end::date >= period_start::date"),
                "format('period_end %s is before period_start %s', period_end, period_start)",
                "blocking",
                "a period ends after it starts",
                "swap or correct the two dates",
            )
        )
    if d.name == "reception_capacity":
        out.append(
            _condition(
                "occupied_beds <= capacity_beds",
                _when_readable("occupied_beds::integer <= capacity_beds::integer"),
                "format('occupied_beds %s exceed capacity_beds %s', occupied_beds, capacity_beds)",
                "blocking",
                "a facility cannot occupy more beds than it has",
                "correct occupied_beds or capacity_beds (emergency beds count as capacity)",
            )
        )
    if d.name == "funding":
        out.append(
            _condition(
                "municipality or national_body",
                "num_nonnulls(municipality, national_body) = 1",
                "case when municipality is null then 'neither municipality nor national_body is "
                "given' else 'both municipality and national_body are given' end",
                "blocking",
                "a row reports the funds of one municipality or one national body",
                "fill in exactly one of municipality and national_body",
            )
        )
        out.append(
            _condition(
                "disbursed_amount <= planned_amount",
                _when_readable("disbursed_amount::numeric <= planned_amount::numeric"),
                "format('disbursed_amount %s exceeds planned_amount %s', disbursed_amount, "
                "planned_amount)",
                "warning",
                "more disbursed than planned is possible but worth a second look",
                "check both amounts",
            )
        )
    if d.name == "needs_assessment":
        out.append(
            _condition(
                "people_reached <= people_in_need",
                _when_readable("people_reached::integer <= people_in_need::integer"),
                "format('people_reached %s exceed people_in_need %s', people_reached, "
                "people_in_need)",
                "warning",
                "more people reached than in need is possible but worth a second look",
                "check both figures",
            )
        )
    out.append(
        _exp(
            "expect_compound_key_to_be_unique",
            {"column_list": list(d.natural_key)},
            "blocking",
            "one row per " + ", ".join(d.natural_key) + " in a file",
            "remove or merge the duplicated rows",
        )
    )
    return out


def suite(d: SubmissionDataset) -> dict:
    raw = d.raw
    return {
        "name": raw.key,
        "meta": {
            "raw_table": raw.raw_table,
            "source": f"Submitted files: {d.title} ({d.description})",
            "notes": "Generated by `python -m ingest.submissions.suites` from the column "
            "dictionary in ingest/submissions/datasets.py: edit that, not this file.",
        },
        "expectations": [
            _exp(
                "expect_table_row_count_to_be_between",
                {"min_value": 1},
                "blocking",
                "a file without rows is refused before it gets here",
            ),
            _exp(
                "expect_table_columns_to_match_set",
                {"column_set": [*raw.columns, "_batch_id", "_row_number"], "exact_match": True},
                "blocking",
                "the raw table has the dictionary's columns",
            ),
            _exp(
                "expect_column_values_to_not_be_null",
                {"column": FILE_ROW},
                "blocking",
                "every row says where in the file it came from",
            ),
            *_column_rules(d),
            *_row_rules(d),
        ],
    }


def render(d: SubmissionDataset) -> str:
    return json.dumps(suite(d), indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    paths = []
    for d in DATASETS.values():
        path = directory / f"{d.raw.key}.json"
        path.write_text(render(d), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_suites():
        print(p)
