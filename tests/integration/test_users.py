"""`mwh users`: real logins of each kind on a real PostgreSQL, what each may read, and
that PUBLIC (a login in no reader role) may not even connect."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from ingest import users
from ingest.config import PROJECT_ROOT
from ingest.warehouse import migrate

# Roles are the server's, not the database's: names of this session's own.
PREFIX = f"t{uuid.uuid4().hex[:8]}_"


@pytest.fixture(scope="module")
def dsn(warehouse_dsn):
    migrate(warehouse_dsn)  # a clone does not keep the database's ACL: migrate sets it
    yield warehouse_dsn
    with psycopg.connect(warehouse_dsn, autocommit=True) as conn:
        for (name,) in conn.execute(
            "select rolname from pg_roles where rolname like %s", (f"{PREFIX}%",)
        ).fetchall():
            conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


def _as(login_dsn: str, query: str, *params):
    with psycopg.connect(login_dsn) as conn:
        return conn.execute(query, params).fetchone()


def test_each_kind_logs_in_as_a_reader_and_no_more(dsn):
    analyst = users.add(dsn, f"{PREFIX}analyst", "analyst")
    bi = users.add(dsn, f"{PREFIX}bi", "bi")
    steward = users.add(dsn, f"{PREFIX}steward", "steward", municipality="mk00405")
    assert conninfo_to_dict(bi)["user"] == f"{PREFIX}bi" and conninfo_to_dict(bi)["password"]
    privileges = """select rolsuper, rolcreaterole, rolcreatedb,
                           has_schema_privilege('marts', 'usage'),
                           has_schema_privilege('staging', 'usage'),
                           has_schema_privilege('raw', 'usage'),
                           has_schema_privilege('ops', 'usage'),
                           has_database_privilege(current_database(), 'temporary')
                    from pg_roles where rolname = current_user"""
    assert _as(analyst, privileges) == (False, False, False, True, True, False, False, True)
    assert _as(bi, privileges) == (False, False, False, True, False, False, False, False)
    assert _as(steward, privileges) == (False, False, False, True, False, False, False, False)
    with psycopg.connect(dsn) as conn:
        verifiers = conn.execute(
            "select rolpassword from pg_authid where rolname like %s", (f"{PREFIX}%",)
        ).fetchall()
    assert len(verifiers) == 3 and all(v.startswith("SCRAM-SHA-256$") for (v,) in verifiers)
    listed = {u.name: (u.kind, u.scope) for u in users.listing(dsn)}
    assert listed[f"{PREFIX}steward"] == ("steward", "MK00405")
    assert listed[f"{PREFIX}bi"] == ("bi", "-")


def test_public_may_not_connect(dsn):
    stranger = f"{PREFIX}stranger"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login").format(sql.Identifier(stranger)))
        # A password it knows, so that on a server with passwords (the embedded one)
        # it is the database's grants that turn it away, not its login.
        users.set_password(conn, stranger, "a-stranger's-password")
    parts = conninfo_to_dict(dsn) | {"user": stranger, "password": "a-stranger's-password"}
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(**parts).close()


def test_refusals_and_removal(dsn):
    with pytest.raises(users.UserError, match="needs --municipality"):
        users.add(dsn, f"{PREFIX}s1", "steward")
    with pytest.raises(users.UserError, match="unknown municipality"):
        users.add(dsn, f"{PREFIX}s1", "steward", municipality="MK99999")
    with pytest.raises(users.UserError, match="only a steward"):
        users.add(dsn, f"{PREFIX}s1", "bi", country="MKD")
    with pytest.raises(users.UserError, match="not a login name"):
        users.add(dsn, "Robert'); drop table", "bi")
    with pytest.raises(users.UserError, match="exists already"):
        users.add(dsn, "postgres", "bi")
    with pytest.raises(users.UserError, match="not a login made"):
        users.remove(dsn, "postgres")
    login = users.add(dsn, f"{PREFIX}gone", "steward", country="mkd")
    fresh = users.new_password(dsn, f"{PREFIX}gone")
    assert conninfo_to_dict(fresh)["password"] != conninfo_to_dict(login)["password"]
    users.remove(dsn, f"{PREFIX}gone")
    with psycopg.connect(dsn) as conn:
        assert not conn.execute(
            "select 1 from pg_roles where rolname = %s", (f"{PREFIX}gone",)
        ).fetchone()
    assert f"{PREFIX}gone" not in {u.name for u in users.listing(dsn)}


def test_the_command_line(dsn):
    def mwh(*args):
        return subprocess.run(
            [sys.executable, "-m", "ingest.cli", "users", *args],
            env={**os.environ, "WAREHOUSE_DSN": dsn}, cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    added = mwh("add", f"{PREFIX}cli", "--kind", "bi")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"postgresql://{PREFIX}cli:")
    assert f"{PREFIX}cli" in mwh("list").stdout
    refused = mwh("add", f"{PREFIX}cli2", "--kind", "steward")
    assert refused.returncode == 2 and "needs --municipality" in refused.stderr
    assert mwh("remove", f"{PREFIX}cli").returncode == 0
