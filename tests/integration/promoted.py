"""Submitted rows straight into a warehouse as promoted batches (no file, no gate), for
tests that build the situation marts from a handful of figures worked out by hand."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import psycopg

from ingest.loader import load_batch
from ingest.submissions.datasets import DATASETS as SUBMISSIONS

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def submit(dsn: str, dataset: str, rows: list[dict], municipality: str | None) -> int:
    """A promoted file of `dataset` from a municipality (or the national body, None)."""
    ds = SUBMISSIONS[dataset].raw
    tuples = [tuple(r.get(c, str(i + 2) if c == "file_row" else None) for c in ds.columns)
              for i, r in enumerate(rows)]  # fmt: skip
    sha = hashlib.sha256(json.dumps([dataset, municipality, tuples]).encode()).hexdigest()
    batch_id = load_batch(dsn, ds, tuples, sha256=sha, request="test").batch_id
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set status = 'passed', municipality = %s, period_start = %s,"
            " period_end = %s, file_name = %s where batch_id = %s",
            (municipality, *MARCH, f"{dataset}.csv", batch_id),
        )
    return batch_id


def arrival(day: int, place: str, persons: int, sex: str = "M", age: str = "18-59") -> dict:
    """A registered arrival in March 2025 at a border crossing (ref_border_crossing_points)."""
    return {"arrival_date": f"2025-03-{day:02d}", "location_code": place, "nationality": "AFG",
            "sex": sex, "age_group": age, "persons": str(persons),
            "reporting_authority": "Border Police"}  # fmt: skip
