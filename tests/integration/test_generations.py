"""Blue/green publishing (ingest.generations) on a real PostgreSQL, without dbt: a
manifest of three nodes, shadow schemas filled by hand as dbt would fill them."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest

from ingest.generations import layout, prepare, publish


def _node(name, schema, resource_type="model", materialized="table"):
    return {
        "name": name,
        "alias": name,
        "resource_type": resource_type,
        "config": {"schema": schema, "materialized": materialized},
    }


@pytest.fixture
def manifest(tmp_path):
    nodes = [
        _node("stg_things", "staging", materialized="view"),
        _node("fct_things", "marts", materialized="incremental"),
        _node("mart_things", "marts"),
        {**_node("not_null_x", "dbt_test__audit"), "resource_type": "test"},
    ]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": {f"n.{i}": n for i, n in enumerate(nodes)}}))
    return path


def _build(conn, fact_rows, mart_value):
    """What dbt does in the shadow: the incremental fact grows, the rest is rebuilt."""
    if fact_rows:
        conn.execute(f"insert into marts__next.fct_things select generate_series(1, {fact_rows})")
    conn.execute(f"create table marts__next.mart_things as select {mart_value} as value")
    conn.execute("create view staging__next.stg_things as select * from marts__next.mart_things")
    conn.execute("grant select on marts__next.mart_things to bi_reader")


def _read(dsn, sql):
    # A swap that waited for readers would block this one too: fail, never hang.
    with psycopg.connect(dsn, options="-c statement_timeout=5000") as conn:
        conn.execute("set role bi_reader")
        return conn.execute(sql).fetchone()[0]


def test_layout_reads_schemas_and_stateful_relations(manifest):
    plan = layout(manifest)
    assert plan.schemas == ("marts", "staging")
    assert plan.stateful == (("marts", "fct_things"),)


def test_a_generation_is_published_whole_with_its_grants(warehouse_dsn, manifest):
    with psycopg.connect(warehouse_dsn, autocommit=True) as conn:
        # Generation 1: the first build has no live fact to copy.
        assert prepare(warehouse_dsn, manifest) == {}
        conn.execute("create table marts__next.fct_things (id int primary key)")
        conn.execute("create index on marts__next.fct_things (id)")
        _build(conn, 3, 1)
        publish(warehouse_dsn, manifest)
        assert _read(warehouse_dsn, "select value from marts.mart_things") == 1

        # Generation 2: the fact is copied in (rows and indexes), nothing is readable
        # before the swap, and a failed build leaves the live generation as it was.
        assert prepare(warehouse_dsn, manifest) == {"marts.fct_things": 3}
        (indexes,) = conn.execute(
            "select count(*) from pg_indexes where schemaname = 'marts__next'"
        ).fetchone()
        assert indexes == 2
        (usable,) = conn.execute(
            "select has_schema_privilege('bi_reader', 'marts__next', 'usage')"
        ).fetchone()
        assert usable is False
        conn.execute("insert into marts__next.fct_things values (4)")
        # ... the build fails here: no publish.
        assert conn.execute("select count(*) from marts.fct_things").fetchone() == (3,)

        # Generation 2 again, built to the end and published.
        prepare(warehouse_dsn, manifest)
        _build(conn, 0, 2)
        conn.execute("insert into marts__next.fct_things values (4), (5)")
        publish(warehouse_dsn, manifest)
    assert _read(warehouse_dsn, "select value from marts.mart_things") == 2
    with psycopg.connect(warehouse_dsn) as conn:
        # The view followed its table through the rename; no shadow or previous is left.
        assert conn.execute("select value from staging.stg_things").fetchone() == (2,)
        assert conn.execute("select count(*) from marts.fct_things").fetchone() == (5,)
        left = conn.execute(
            "select nspname from pg_namespace where nspname ~ '__(next|prev)$'"
        ).fetchall()
        assert left == []
        (usage,) = conn.execute(
            "select has_schema_privilege('bi_reader', 'marts', 'usage')"
        ).fetchone()
        assert usage is True


def test_a_reader_mid_query_does_not_hold_up_the_swap(warehouse_dsn, manifest):
    """A BI session inside a transaction on the previous generation: the swap commits
    at once, new sessions read the new generation, the old one finishes on the old."""
    with psycopg.connect(warehouse_dsn, autocommit=True) as conn:
        prepare(warehouse_dsn, manifest)
        conn.execute("create table if not exists marts__next.fct_things (id int)")
        _build(conn, 0, 10)
        publish(warehouse_dsn, manifest)
        prepare(warehouse_dsn, manifest)
        _build(conn, 0, 20)
    reader = psycopg.connect(warehouse_dsn)
    reader.execute("set role bi_reader")
    assert reader.execute("select value from marts.mart_things").fetchone() == (10,)
    swapped = threading.Event()

    def swap():
        publish(warehouse_dsn, manifest)
        swapped.set()

    worker = threading.Thread(target=swap)
    worker.start()
    try:
        # The drop of the previous generation waits for the reader; the swap does not.
        deadline = 20
        while _read_value(warehouse_dsn) != 20 and deadline:
            deadline -= 1
            threading.Event().wait(0.25)
        assert _read_value(warehouse_dsn) == 20
        assert reader.execute("select value from marts__prev.mart_things").fetchone() == (10,)
    finally:
        reader.rollback()
        reader.close()
        worker.join(timeout=30)
    assert swapped.is_set()


def _read_value(dsn):
    return _read(dsn, "select value from marts.mart_things")
