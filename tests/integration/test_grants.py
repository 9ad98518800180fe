"""Who reads what, on a real PostgreSQL after a real dbt build (DESIGN.md section 7):
analyst reads staging, marts and the reference seeds; bi_reader reads marts and
nothing else; neither writes anywhere. Schema USAGE comes from migration 0006,
relation SELECT from `+grants` in dbt_project.yml, which dbt re-applies on every run.
The build is the whole project's (but the snapshot), in the built empty template."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.errors import InsufficientPrivilege

ANY_WRITE = "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"


@pytest.fixture(scope="module")
def built(built_empty_warehouse_dsn, run_dbt):
    """A copy of the built empty warehouse: every seed, view and table dbt builds (among
    them a seed, a staging view, a marts table and an incremental marts table, which
    the tests below name) with the grants dbt gave them."""
    dsn = built_empty_warehouse_dsn

    def run(*args: str) -> None:
        run_dbt(dsn, *args)

    return dsn, run


def _rows(dsn, sql, *args):
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


def _as(dsn: str, role: str, sql: str):
    with psycopg.connect(dsn) as conn:
        conn.execute(f"set role {role}")
        return conn.execute(sql).fetchall()


def _reach(dsn: str, role: str) -> tuple[set[str], set[str], set[str]]:
    """(relations the role can read, relations it can write in any way, schemas it
    can create in), over every user relation of the database."""
    rels = _rows(
        dsn,
        """select n.nspname || '.' || c.relname,
                  has_schema_privilege(%s, n.oid, 'USAGE')
                      and has_table_privilege(%s, c.oid, 'SELECT'),
                  has_table_privilege(%s, c.oid, %s)
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p', 'v', 'm', 'f')
             and n.nspname not in ('pg_catalog', 'information_schema')
             and n.nspname not like 'pg\\_%%'""",
        role, role, role, ANY_WRITE,
    )  # fmt: skip
    creatable = _rows(
        dsn,
        "select nspname from pg_namespace where has_schema_privilege(%s, oid, 'CREATE')",
        role,
    )
    return (
        {name for name, readable, _ in rels if readable},
        {name for name, _, writable in rels if writable},
        {name for (name,) in creatable},
    )


def _in_schemas(dsn: str, *schemas: str) -> set[str]:
    return {
        f"{s}.{t}"
        for s, t in _rows(
            dsn,
            "select n.nspname, c.relname from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p', 'v', 'm') and n.nspname = any(%s)",
            list(schemas),
        )
    }


def test_the_build_made_what_the_tests_read(built):
    dsn, _ = built
    kinds = dict(_rows(dsn, "select c.oid::regclass::text, c.relkind from pg_class c"
                            " where c.oid::regclass::text = any(%s)",
                       ["marts.dim_source", "marts.fct_asylum_applications",
                        "reference.ref_countries", "staging.stg_submissions__funding",
                        "detail.fct_funding"]))  # fmt: skip
    assert kinds == {
        "marts.dim_source": "r",
        "marts.fct_asylum_applications": "r",
        "reference.ref_countries": "r",
        "staging.stg_submissions__funding": "v",
        "detail.fct_funding": "r",
    }


def test_bi_reader_reads_every_marts_relation_and_nothing_else(built):
    dsn, _ = built
    readable, writable, creatable = _reach(dsn, "bi_reader")
    marts = _in_schemas(dsn, "marts")
    assert {"marts.dim_source", "marts.fct_asylum_applications"} <= marts
    assert readable == marts
    assert writable == set()
    assert creatable == set()
    assert _rows(dsn, "select has_database_privilege('bi_reader', current_database(), 'CREATE')")[
        0
    ] == (False,)


def test_analyst_reads_staging_marts_reference_and_validation_results(built):
    dsn, _ = built
    readable, writable, creatable = _reach(dsn, "analyst")
    # Submissions' staging is municipal detail: the published marts stand for it.
    submissions = {r for r in _in_schemas(dsn, "staging") if ".stg_submissions__" in r}
    expected = (_in_schemas(dsn, "staging", "marts", "reference") - submissions) | {
        "quality.validation_runs",
        "quality.expectation_results",
    }
    assert "staging.stg_submissions__funding" in submissions
    assert readable == expected
    assert writable == set()
    assert creatable == set()
    for schema in ("raw", "ops", "intermediate", "snapshots", "detail", "access"):
        assert _rows(dsn, "select has_schema_privilege('analyst', %s, 'USAGE')", schema) == [
            (False,)
        ], schema


def test_bi_reader_selects_a_marts_table(built):
    dsn, _ = built
    (n,) = _as(dsn, "bi_reader", "select count(*) from marts.dim_source")[0]
    assert n > 0
    assert _as(dsn, "bi_reader", "select count(*) from marts.fct_asylum_applications") == [(0,)]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from staging.stg_submissions__funding",
        "select * from reference.ref_countries",
        "select * from detail.fct_arrivals",
        "select * from detail.mart_local_situation",
        "select * from raw.submissions__funding",
        "select * from ops.batches",
        "select * from quality.validation_runs",
        "insert into marts.dim_source (source_dataset_key) values ('x')",
        "update marts.dim_source set description = ''",
        "delete from marts.fct_asylum_applications",
        "truncate marts.dim_source",
        "drop table marts.dim_source",
        "create table marts.mine (i int)",
        "create table public.mine (i int)",
    ],
)
def test_bi_reader_is_refused(built, sql):
    dsn, _ = built
    with pytest.raises(InsufficientPrivilege):
        _as(dsn, "bi_reader", sql)


def test_analyst_selects_staging_marts_and_seeds(built):
    dsn, _ = built
    assert _as(dsn, "analyst", "select count(*) from staging.stg_worldbank__indicators") == [(0,)]
    assert _as(dsn, "analyst", "select count(*) > 0 from marts.dim_source") == [(True,)]
    assert _as(dsn, "analyst", "select count(*) > 0 from reference.ref_countries") == [(True,)]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from raw.submissions__funding",
        "select * from ops.batches",
        "select * from quality.quarantine",
        "select * from staging.stg_submissions__funding",
        "select * from detail.fct_funding",
        "select * from access.users",
        "insert into marts.dim_source (source_dataset_key) values ('x')",
        "delete from reference.ref_countries",
        "update reference.ref_countries set iso2 = iso2",
        "truncate marts.fct_asylum_applications",
        "create table staging.mine (i int)",
        "create view marts.mine as select 1",
    ],
)
def test_analyst_is_refused(built, sql):
    dsn, _ = built
    with pytest.raises(InsufficientPrivilege):
        _as(dsn, "analyst", sql)


def _grants(dsn: str, table: str) -> set[tuple[str, str]]:
    schema, name = table.split(".")
    return set(
        _rows(
            dsn,
            "select grantee, privilege_type from information_schema.role_table_grants"
            " where table_schema = %s and table_name = %s"
            " and grantee in ('analyst', 'bi_reader')",
            schema,
            name,
        )
    )


def test_an_incremental_run_puts_the_configured_grants_back(built):
    """dbt merges into the existing table (same oid) and still makes its grants match
    the config: a lost SELECT comes back, a stray INSERT goes."""
    dsn, run = built
    configured = {("analyst", "SELECT"), ("bi_reader", "SELECT")}
    assert _grants(dsn, "marts.fct_asylum_applications") == configured
    (oid,) = _rows(dsn, "select 'marts.fct_asylum_applications'::regclass::oid")[0]
    with psycopg.connect(dsn) as conn:
        conn.execute("revoke select on marts.fct_asylum_applications from bi_reader")
        conn.execute("grant insert on marts.fct_asylum_applications to bi_reader")

    run("run", "--select", "fct_asylum_applications")

    assert _rows(dsn, "select 'marts.fct_asylum_applications'::regclass::oid") == [(oid,)]
    assert _grants(dsn, "marts.fct_asylum_applications") == configured

    run("run", "--select", "fct_asylum_applications", "--full-refresh")

    assert _rows(dsn, "select 'marts.fct_asylum_applications'::regclass::oid") != [(oid,)]
    assert _grants(dsn, "marts.fct_asylum_applications") == configured
