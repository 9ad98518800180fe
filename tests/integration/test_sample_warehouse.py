"""The sample warehouse as `make run` leaves it (a copy of `built_sample_template`: every
sample ingested, then a full `dbt build`), read as analysts and BI tools read it: the
README's analyst example returns rows, every table the build made has planner
statistics (dbt's on-run-end ANALYZE), no index is named after dbt's `__dbt_tmp`
build name, and the asylum mart holds the harmonised fact's figures.

The one rebuild here (a single mart, over its existing table) checks the two hooks
where they can fail: the previous table still holds the `_pkey` name while dbt swaps.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
DBT_SCHEMAS = ("marts", "detail", "reference", "snapshots")
MART = "mart_asylum_applications_monthly"


def _rows(dsn: str, query: str, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(query, args or None).fetchall()


def _readme_sql(marker: str) -> str:
    """The README's ```sql block that contains `marker`, verbatim."""
    blocks = re.findall(r"^```sql\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"{len(found)} sql blocks in README.md contain {marker!r}"
    return found[0]


def test_readme_analyst_example_returns_rows(built_warehouse_dsn):
    query = _readme_sql("The most affected municipalities")
    with psycopg.connect(built_warehouse_dsn) as conn:
        conn.execute("set role analyst")  # as the README's analysts run it
        cur = conn.execute(query)
        columns = [c.name for c in cur.description]
        rows = cur.fetchall()
    assert rows, "the README's analyst example returns no row on the sample warehouse"
    # One month: the latest with data.
    assert len({r[columns.index("period_start")] for r in rows}) == 1


def test_every_built_table_has_statistics(built_warehouse_dsn):
    """ANALYZE ran on every table (a clone keeps pg_class and pg_statistic, not the
    cumulative statistics of pg_stat_user_tables): reltuples is never -1 (never
    analyzed) and a table with rows has column statistics."""
    tables = _rows(
        built_warehouse_dsn,
        "select n.nspname, c.relname, c.reltuples,"
        "       exists (select 1 from pg_statistic s where s.starelid = c.oid)"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and n.nspname = any(%s)",
        list(DBT_SCHEMAS),
    )
    assert {s for s, *_ in tables} == set(DBT_SCHEMAS)
    assert MART in {t for _, t, *_ in tables}
    unanalyzed, without_stats = [], []
    with psycopg.connect(built_warehouse_dsn) as conn:
        for schema, table, reltuples, has_stats in tables:
            if reltuples < 0:
                unanalyzed.append(f"{schema}.{table}")
            (rows,) = conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            if rows and not (has_stats and reltuples > 0):
                without_stats.append(f"{schema}.{table} ({rows} rows)")
    assert not unanalyzed, unanalyzed
    assert not without_stats, without_stats


def test_no_index_is_named_after_dbt_tmp(built_warehouse_dsn):
    names = _rows(
        built_warehouse_dsn,
        "select schemaname || '.' || indexname from pg_indexes where indexname like '%dbt_tmp%'"
        " union all select conrelid::regclass::text || ' ' || conname from pg_constraint"
        " where conname like '%dbt_tmp%'",
    )
    assert names == []
    # Contracted tables and incremental facts keep PostgreSQL's own name for their key.
    keys = dict(_rows(
        built_warehouse_dsn,
        "select tablename, indexname from pg_indexes where schemaname = 'marts'"
        " and indexname like '%pkey'",
    ))  # fmt: skip
    assert keys[MART] == f"{MART}_pkey"
    assert keys["fct_asylum_applications"] == "fct_asylum_applications_pkey"


def test_asylum_mart_holds_the_facts_monthly_figures(built_warehouse_dsn):
    """One row per ISO3 country of asylum, origin and month, its figures those of the
    fact's all-sexes, all-ages rows of Eurostat's monthly dataset."""
    rows = _rows(
        built_warehouse_dsn,
        f"select country_key, country_name, origin_key, origin_kind, month,"
        f" first_time_applicants, applicants_total, source_country_code,"
        f" source_origin_code, source_dataset_key from marts.{MART}",
    )
    assert rows
    assert {r[9] for r in rows} == {"eurostat__asylum_applicants_monthly"}
    greece = {(r[2], r[4].isoformat()): r for r in rows if r[0] == "GRC"}
    assert greece and {r[7] for r in greece.values()} == {"EL"}
    assert {r[1] for r in greece.values()} == {"Greece"}
    assert {r[3] for r in rows} >= {"country", "all"}
    fact = dict(_rows(
        built_warehouse_dsn,
        "select application_type, applications from marts.fct_asylum_applications"
        " where source_dataset_key = 'eurostat__asylum_applicants_monthly'"
        " and country_key = 'GRC' and origin_kind = 'all' and sex = 'T' and is_all_ages"
        " and period_start = '2025-03-01'",
    ))  # fmt: skip
    march = greece[("all", "2025-03-01")]
    assert (march[5], march[6]) == (fact["first_time"], fact["total"])
    assert march[8] == "TOTAL"


@pytest.fixture(scope="module")
def rebuilt(built_warehouse_dsn, run_dbt):
    """The asylum mart built again over its existing table (dbt keeps the previous one
    as `__dbt_backup` until its commit), after the statistics of the clone are reset."""
    with psycopg.connect(built_warehouse_dsn, autocommit=True) as conn:
        conn.execute("select pg_stat_reset()")
    run_dbt(built_warehouse_dsn, "run", "--select", MART)
    return built_warehouse_dsn


def test_a_rebuild_analyzes_and_names_the_key_again(rebuilt):
    (analyzed,) = _rows(
        rebuilt,
        "select last_analyze is not null from pg_stat_user_tables"
        " where schemaname = 'marts' and relname = %s",
        MART,
    )
    assert analyzed == (True,)
    indexes = _rows(
        rebuilt,
        "select indexname from pg_indexes where schemaname = 'marts'"
        " and (indexname like %s or indexname like '%%dbt%%')",
        f"{MART}%",
    )
    assert indexes == [(f"{MART}_pkey",)]
