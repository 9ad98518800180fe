"""The pipeline runs as non-superuser logins: `loader` for ingest and GX, `transformer`
for dbt and the publish (ingest/roles.py). Migrations are the only superuser step."""

from __future__ import annotations

import os
import stat

import psycopg
import pytest

from ingest.config import dsn_parts
from ingest.roles import (
    LOADER,
    LOADER_SCHEMAS,
    TRANSFORMER,
    TRANSFORMER_SCHEMAS,
    password,
    runtime_dsn,
)
from ingest.warehouse import migrate


@pytest.fixture(scope="module")
def env(warehouse_dsn, tmp_path_factory):
    from ingest.runtime import airflow_env

    return airflow_env(warehouse_dsn, home=tmp_path_factory.mktemp("airflow-home"))


RUNTIME_VARIABLES = ("AIRFLOW_CONN_WAREHOUSE", "AIRFLOW_CONN_WAREHOUSE_TRANSFORM", "WAREHOUSE_DSN")


@pytest.mark.parametrize("variable", RUNTIME_VARIABLES)
def test_every_runtime_dsn_is_a_plain_login(env, variable):
    with psycopg.connect(env[variable]) as conn:
        role, superuser, createrole, createdb, bypassrls = conn.execute(
            "select rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls"
            " from pg_roles where rolname = current_user"
        ).fetchone()
        powers = conn.execute(
            "select array_agg(r) from unnest(array['pg_execute_server_program',"
            " 'pg_read_server_files', 'pg_write_server_files', 'pg_signal_backend']) r"
            " where pg_has_role(current_user, r, 'member')"
        ).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("copy (select 1) to program 'true'")
    assert role in (LOADER, TRANSFORMER)
    assert (superuser, createrole, createdb, bypassrls) == (False, False, False, False)
    assert powers is None


def test_the_connections_name_their_roles(env):
    assert dsn_parts(env["AIRFLOW_CONN_WAREHOUSE"])["user"] == LOADER
    assert dsn_parts(env["WAREHOUSE_DSN"])["user"] == LOADER
    assert dsn_parts(env["AIRFLOW_CONN_WAREHOUSE_TRANSFORM"])["user"] == TRANSFORMER


def _owners(dsn: str) -> dict[str, set[str]]:
    """schema -> the owners of the schema and of every relation in it."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """select n.nspname, n.nspowner::regrole::text from pg_namespace n
               union
               select n.nspname, c.relowner::regrole::text from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
               where c.relkind in ('r', 'p', 'v', 'm', 'S')"""
        ).fetchall()
    owners: dict[str, set[str]] = {}
    for schema, owner in rows:
        owners.setdefault(schema, set()).add(owner)
    return owners


def test_each_role_owns_the_schemas_it_writes(built_empty_warehouse_dsn):
    owners = _owners(built_empty_warehouse_dsn)
    for schema in LOADER_SCHEMAS:
        assert owners[schema] == {LOADER}, schema
    for schema in TRANSFORMER_SCHEMAS:
        assert owners[schema] == {TRANSFORMER}, schema
    # Who may read which place is the migrating role's alone.
    admin = dsn_parts(built_empty_warehouse_dsn)["user"]
    assert owners["access"] == {admin}


def test_a_role_cannot_write_outside_its_schemas(built_empty_warehouse_dsn):
    loader, transformer = (runtime_dsn(built_empty_warehouse_dsn, r) for r in (LOADER, TRANSFORMER))
    denied = [
        (loader, "delete from detail.fct_arrivals"),
        (loader, "create table marts.planted (x int)"),
        (
            loader,
            "insert into access.users (role_name, kind, municipality)"
            " values ('loader', 'steward', 'MK001')",
        ),  # fmt: skip
        (loader, "create schema planted"),
        (transformer, "delete from ops.batches"),
        (transformer, "insert into raw.eurostat__population_by_citizenship default values"),
        (transformer, "create table raw.planted (x int)"),
        (transformer, "delete from access.users"),
    ]
    for dsn, statement in denied:
        with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_migrate_hands_an_older_warehouse_to_the_runtime_roles(warehouse_dsn):
    """Objects a superuser built (an earlier version ran everything as one) move to the
    role that now writes there, and what loader creates later transformer can read."""
    with psycopg.connect(warehouse_dsn) as conn:
        conn.execute("create table marts.built_by_superuser (x int)")
        conn.execute("create schema marts__next")
        conn.execute("create view marts__next.v as select 1 as x")
        conn.execute("create table raw.fetched_by_superuser (x int)")
    migrate(warehouse_dsn)
    owners = _owners(warehouse_dsn)
    assert owners["marts"] == owners["marts__next"] == {TRANSFORMER}
    assert owners["raw"] == {LOADER}
    with psycopg.connect(runtime_dsn(warehouse_dsn, LOADER)) as conn:
        conn.execute("create table raw.later (x int)")
        conn.execute("insert into raw.later values (1)")
    with psycopg.connect(runtime_dsn(warehouse_dsn, TRANSFORMER)) as conn:
        assert conn.execute("select x from raw.later").fetchone() == (1,)
        conn.execute("drop schema marts__next cascade")  # its own, so it may
    with psycopg.connect(warehouse_dsn) as conn:
        conn.execute("drop table marts.built_by_superuser, raw.fetched_by_superuser, raw.later")


def test_passwords_come_from_the_environment_or_a_private_file(monkeypatch, tmp_path):
    monkeypatch.setenv("MWH_HOME", str(tmp_path))
    monkeypatch.setenv("MWH_LOADER_PASSWORD", "from-the-environment")
    monkeypatch.delenv("MWH_TRANSFORMER_PASSWORD", raising=False)
    assert password(LOADER) == "from-the-environment"
    generated = password(TRANSFORMER)
    assert len(generated) >= 24 and password(TRANSFORMER) == generated  # kept
    saved = tmp_path / "logins.json"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert "from-the-environment" not in saved.read_text()
    dsn = runtime_dsn("postgresql://admin:secret@db.example:6543/warehouse", TRANSFORMER)
    parts = dsn_parts(dsn)
    assert (parts["user"], parts["password"], parts["host"], parts["port"], parts["dbname"]) == (
        TRANSFORMER, generated, "db.example", "6543", "warehouse")  # fmt: skip
