"""Incremental API facts never miss a late batch (issue 15), in a real PostgreSQL.

fct_asylum_applications from a handful of Eurostat monthly rows, built once and then
incrementally after each change of the ledger:

1. batch A (Syria January 100, February 50; Afghanistan January 10) is loaded but not
   yet validated; batch B, later, revises Syria February to 60 and adds March 70 and
   is promoted; the fact is built;
2. A is promoted late (loaded -> passed): its rows come in, except Syria February,
   whose newer value (B's 60) stays;
3. batch C revises Syria January to 110: the revised row replaces A's;
4. B fails on re-validation: Syria February falls back to A's 50, March is gone.

After every incremental build the fact equals, row by row, a `--full-refresh` build
of it; the incremental builds keep the table (they are not full builds in disguise).
"""

from __future__ import annotations

import hashlib
import json

import psycopg
import pytest

from ingest.loader import load_batch
from ingest.sources.eurostat import DATASETS as EUROSTAT

DS = EUROSTAT["asylum_applicants_monthly"]
FACT = "marts.fct_asylum_applications"


def _row(citizen: str, month: str, value: int) -> tuple[str, ...]:
    cells = {"freq": "M", "unit": "PER", "citizen": citizen, "sex": "T", "applicant": "TOTAL",
             "age": "TOTAL", "geo": "FR", "time": month, "measure": "migr_asyappctzm",
             "value": str(value), "flag": ""}  # fmt: skip
    return tuple(cells[c] for c in DS.columns)


def _load(dsn: str, rows: list[tuple[str, ...]]) -> int:
    """One batch, loaded and not yet validated (status `loaded`)."""
    sha = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    result = load_batch(dsn, DS, rows, sha256=sha, request="test")
    assert result.created and result.status == "loaded"
    return result.batch_id


def _set_status(dsn: str, batch_id: int, status: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("update ops.batches set status = %s where batch_id = %s", (status, batch_id))


def _fact(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(f"select * from {FACT} order by fact_key").fetchall()


def _figures(dsn: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(origin, month) -> (applications, batch)."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f"select source_origin_code, to_char(period_start, 'YYYY-MM'), applications,"
            f" batch_id from {FACT}"
        ).fetchall()
    return {(o, m): (n, b) for o, m, n, b in rows}


def _table_oid(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("select %s::regclass::oid", (FACT,)).fetchone()[0]


@pytest.fixture(scope="module")
def scenario(built_empty_warehouse_dsn, run_dbt):
    """Runs the four steps; per step the fact's figures after the incremental build,
    and its rows after the incremental and after a full-refresh build."""
    dsn = built_empty_warehouse_dsn

    def run(*args: str) -> None:
        run_dbt(dsn, *args)

    steps: dict[str, dict] = {}

    def incremental_then_full(step: str) -> None:
        oid = _table_oid(dsn)
        run("run", "--select", "fct_asylum_applications")
        steps[step] = {
            "figures": _figures(dsn),
            "incremental": _fact(dsn),
            "kept_table": _table_oid(dsn) == oid,
        }
        run("run", "--select", "fct_asylum_applications", "--full-refresh")
        steps[step]["full_refresh"] = _fact(dsn)

    batch_a = _load(dsn, [_row("SY", "2025-01", 100), _row("SY", "2025-02", 50),
                          _row("AF", "2025-01", 10)])  # fmt: skip
    batch_b = _load(dsn, [_row("SY", "2025-02", 60), _row("SY", "2025-03", 70)])
    assert batch_a < batch_b
    _set_status(dsn, batch_b, "passed")
    # The views upstream are built (on empty raw tables) in the module's copy.
    run("run", "--select", "fct_asylum_applications", "--full-refresh")
    steps["built"] = {"figures": _figures(dsn)}

    _set_status(dsn, batch_a, "passed")  # validated late: after B was built
    incremental_then_full("late")

    batch_c = _load(dsn, [_row("SY", "2025-01", 110)])
    _set_status(dsn, batch_c, "passed")
    incremental_then_full("revised")

    _set_status(dsn, batch_b, "failed")  # re-validated: B no longer reaches staging
    incremental_then_full("withdrawn")

    with psycopg.connect(dsn) as conn:
        indexes = [r[0] for r in conn.execute(
            "select indexdef from pg_indexes"
            " where schemaname = 'marts' and tablename = 'fct_asylum_applications'"
        )]  # fmt: skip
    return {"a": batch_a, "b": batch_b, "c": batch_c}, steps, indexes


def test_the_first_build_holds_the_promoted_batch_only(scenario):
    batch, steps, _ = scenario
    assert steps["built"]["figures"] == {
        ("SY", "2025-02"): (60, batch["b"]),
        ("SY", "2025-03"): (70, batch["b"]),
    }


def test_a_batch_promoted_late_comes_in_without_replacing_newer_rows(scenario):
    batch, steps, _ = scenario
    assert steps["late"]["figures"] == {
        ("SY", "2025-01"): (100, batch["a"]),
        ("AF", "2025-01"): (10, batch["a"]),
        # A's 50 is stale: B, a later batch, revised it.
        ("SY", "2025-02"): (60, batch["b"]),
        ("SY", "2025-03"): (70, batch["b"]),
    }


def test_a_revised_row_replaces_the_earlier_one(scenario):
    batch, steps, _ = scenario
    assert steps["revised"]["figures"] == {
        ("SY", "2025-01"): (110, batch["c"]),
        ("AF", "2025-01"): (10, batch["a"]),
        ("SY", "2025-02"): (60, batch["b"]),
        ("SY", "2025-03"): (70, batch["b"]),
    }


def test_a_withdrawn_batch_falls_back_to_the_earlier_rows(scenario):
    batch, steps, _ = scenario
    assert steps["withdrawn"]["figures"] == {
        ("SY", "2025-01"): (110, batch["c"]),
        ("AF", "2025-01"): (10, batch["a"]),
        ("SY", "2025-02"): (50, batch["a"]),
    }


@pytest.mark.parametrize("step", ["late", "revised", "withdrawn"])
def test_incremental_equals_full_refresh_row_by_row(scenario, step):
    _, steps, _ = scenario
    assert steps[step]["kept_table"], "the incremental build replaced the table"
    assert steps[step]["incremental"] == steps[step]["full_refresh"]


def test_the_fact_is_indexed_on_batch_id(scenario):
    """What makes the ledger's look-ups into the fact index probes."""
    _, _, indexes = scenario
    assert any(d.endswith("USING btree (batch_id)") for d in indexes), indexes
